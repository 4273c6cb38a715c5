"""Exception types raised by :mod:`glove_lookup`."""

from __future__ import annotations


class GloveLookupError(Exception):
    """Base class of every error this package raises on purpose."""


class VectorsFormatError(GloveLookupError, ValueError):
    """A word-vector file is malformed; the message names the file and line."""


class UnsafeFormatError(GloveLookupError, ValueError):
    """Loading would unpickle data (which can run code) and that was not allowed."""


class MissingVectorsPackageError(GloveLookupError, ImportError):
    """A builtin vector set was asked for but the package that ships it is missing."""


class DuplicateWordsWarning(UserWarning):
    """A vector file listed some words more than once; the first vector of each was kept."""
