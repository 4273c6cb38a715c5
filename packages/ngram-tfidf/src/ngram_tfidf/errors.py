"""Exception types raised by :mod:`ngram_tfidf` (each also a ``ValueError``)."""

from __future__ import annotations


class NgramTfidfError(Exception):
    """Base class of every error this package raises on purpose."""


class TrainingDataError(NgramTfidfError, ValueError):
    """Texts, labels or soft targets that cannot be fitted; the message says which and why."""


class VocabularyError(NgramTfidfError, ValueError):
    """A layer's vocabulary, weights or n-gram keys are missing or of the wrong shape."""
