"""Exception types of :mod:`rebalance`; all are ``ValueError`` subclasses."""

from __future__ import annotations


class RebalanceError(ValueError):
    """Base class: the input cannot be balanced or split as asked."""


class MissingLabelColumnError(RebalanceError):
    """The label column is not in the frame."""


class MissingLabelValuesError(RebalanceError):
    """Some labels are NaN/None."""


class EmptyInputError(RebalanceError):
    """The frame (or label sequence) has no rows."""


class SingleClassError(RebalanceError):
    """Only one class is present: nothing to balance or stratify."""


class InvalidParameterError(RebalanceError):
    """A parameter is outside its allowed range (``ratio``, ``test_size``)."""
