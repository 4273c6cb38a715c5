"""Exception types of :mod:`tweet_classifier`: user mistakes the CLI turns into one line and exit 2."""

from __future__ import annotations


class TweetClassifierError(Exception):
    """Base class of the errors this package raises on purpose."""


class DataError(TweetClassifierError, ValueError):
    """A CSV file is missing, unreadable or malformed; the message names file, line and column."""


class ModelDirError(TweetClassifierError, ValueError):
    """A model directory is not what was expected (not a model base, no version, ...)."""
