"""Binary classification metrics in NumPy (F1 of class 1 is Kaggle's metric)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class BinaryMetrics:
    """Metrics at one decision threshold; ``confusion`` is ``[[tn, fp], [fn, tp]]``.

    Example:

    >>> m = binary_metrics([0, 1, 1, 0], [0.2, 0.9, 0.4, 0.6], threshold=0.5)
    >>> (m.f1, m.precision, m.recall, m.accuracy)
    (0.5, 0.5, 0.5, 0.5)
    """

    f1: float
    precision: float
    recall: float
    accuracy: float
    threshold: float
    confusion: list[list[int]]
    count: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def binary_metrics(y_true: Any, probability: Any, threshold: float = 0.5) -> BinaryMetrics:
    y = np.asarray(y_true, dtype=np.int64)
    predicted = (np.asarray(probability, dtype=np.float64) >= threshold).astype(np.int64)
    tp = int(((predicted == 1) & (y == 1)).sum())
    fp = int(((predicted == 1) & (y == 0)).sum())
    fn = int(((predicted == 0) & (y == 1)).sum())
    tn = int(((predicted == 0) & (y == 0)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BinaryMetrics(
        f1=f1,
        precision=precision,
        recall=recall,
        accuracy=(tp + tn) / max(len(y), 1),
        threshold=float(threshold),
        confusion=[[tn, fp], [fn, tp]],
        count=len(y),
    )


MIN_TUNING_TWEETS = 500  # below this, a tuned threshold fits noise: keep DEFAULT_THRESHOLD
DEFAULT_THRESHOLD = 0.5


def tuned_threshold(y_true: Any, probability: Any) -> float:
    """:func:`best_threshold` on :data:`MIN_TUNING_TWEETS` or more tweets, else 0.5.

    >>> tuned_threshold([0, 1, 1], [0.1, 0.7, 0.8])  # three tweets decide nothing
    0.5
    """
    if len(y_true) < MIN_TUNING_TWEETS:
        return DEFAULT_THRESHOLD
    return best_threshold(y_true, probability)


def best_threshold(y_true: Any, probability: Any) -> float:
    """The threshold in 0.05..0.95 (step 0.01) with the best F1; ties go to the one nearest 0.5."""
    candidates = np.round(np.arange(0.05, 0.951, 0.01), 2)
    scores = [(binary_metrics(y_true, probability, t).f1, -abs(t - 0.5), t) for t in candidates]
    return float(max(scores)[2])


def precision_recall_curve(y_true: Any, probability: Any) -> tuple[np.ndarray, np.ndarray]:
    """(precision, recall) at every distinct probability, highest threshold first."""
    y = np.asarray(y_true, dtype=np.int64)
    p = np.asarray(probability, dtype=np.float64)
    order = np.argsort(-p, kind="stable")
    hits = np.cumsum(y[order])
    predicted = np.arange(1, len(y) + 1)
    last = np.r_[np.flatnonzero(np.diff(p[order])), len(y) - 1]  # the last index of each distinct value
    precision = hits[last] / predicted[last]
    recall = hits[last] / max(int(y.sum()), 1)
    return precision, recall
