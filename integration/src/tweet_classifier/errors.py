"""Exception types of :mod:`tweet_classifier`, and which errors count as the user's mistake.

:func:`user_errors` is the one policy ``tweetclf`` and the SageMaker entry point share: these
become one line (exit 2 / the job's FailureReason without a traceback); anything else is a
bug and keeps its traceback.
"""

from __future__ import annotations

import sys

import dataclass_flags


class TweetClassifierError(Exception):
    """Base class of the errors this package raises on purpose."""


class ConfigError(TweetClassifierError, dataclass_flags.ConfigError):
    """A hyperparameter, flag or setting is out of range; the message names it."""


class DataError(TweetClassifierError, ValueError):
    """A CSV file is missing, unreadable or malformed; the message names file, line and column."""


class TeacherError(TweetClassifierError, ValueError):
    """The teacher's files are missing, corrupt or of a shape it cannot load; the message says which."""


class ModelDirError(TweetClassifierError, ValueError):
    """A model directory is not what was expected (not a model base, no version, ...)."""


def user_errors() -> tuple[type[Exception], ...]:
    """The exception types that mean "the user's input or setup is wrong", ours and our libraries'.

    A function, so that neither importing this module nor a user's mistake imports pandas (through
    rebalance): rebalance's error counts once rebalance is loaded.

    >>> ValueError in user_errors(), ConfigError in user_errors()  # a bare ValueError is a bug
    (False, False)
    >>> issubclass(ConfigError, user_errors())
    True
    """
    from glove_lookup import GloveLookupError

    ours: tuple[type[Exception], ...] = (
        TweetClassifierError,
        dataclass_flags.ConfigError,  # a bad setting, whichever package's
        GloveLookupError,
        FileNotFoundError,
    )
    # not imported: none of their errors can have been raised
    rebalance = sys.modules.get("rebalance")
    launcher = sys.modules.get("sagemaker_launcher")
    loaded = (
        *((rebalance.RebalanceError,) if rebalance is not None else ()),
        *((launcher.LauncherError,) if launcher is not None else ()),
    )
    return (*ours, *loaded)
