"""Class weights for losses (Keras ``class_weight``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rebalance.classes import label_positions


def class_weights(labels: Iterable[Any]) -> dict[Any, float]:
    """The "balanced" weights ``n_samples / (n_classes * count)``, one per class.

    Example:

    >>> class_weights([0, 0, 0, 1])
    {0: 0.6666666666666666, 1: 2.0}
    """
    groups = label_positions(labels)
    total = sum(len(v) for v in groups.values())
    return {k: total / (len(groups) * len(v)) for k, v in sorted(groups.items(), key=_order)}


def _order(item: tuple[Any, Any]) -> tuple[int, Any]:
    """Sort keys when they are comparable; otherwise keep first-appearance order."""
    key = item[0]
    return (0, key) if isinstance(key, int | float | bool) else (1, str(key))
