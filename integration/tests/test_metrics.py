"""Metrics against hand-computed values and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tweet_classifier import best_threshold, binary_metrics
from tweet_classifier.report.metrics import precision_recall_curve


def test_hand_computed() -> None:
    m = binary_metrics([1, 1, 1, 0, 0, 0], [0.9, 0.8, 0.2, 0.7, 0.1, 0.3], threshold=0.5)
    assert m.confusion == [[2, 1], [1, 2]]
    assert (m.precision, m.recall, m.f1) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert m.accuracy == pytest.approx(4 / 6)


def test_best_threshold_separates_separable_data() -> None:
    y = [0, 0, 0, 1, 1]
    p = [0.1, 0.2, 0.62, 0.7, 0.9]
    t = best_threshold(y, p)
    assert 0.62 < t <= 0.7 and binary_metrics(y, p, t).f1 == 1.0


@given(st.lists(st.tuples(st.integers(0, 1), st.floats(0, 1)), min_size=1, max_size=50))
def test_invariants(rows: list[tuple[int, float]]) -> None:
    y = np.array([r[0] for r in rows])
    p = np.array([r[1] for r in rows])
    m = binary_metrics(y, p, 0.5)
    assert sum(map(sum, m.confusion)) == len(rows)
    assert 0 <= m.f1 <= 1 and 0 <= m.precision <= 1 and 0 <= m.recall <= 1
    assert binary_metrics(y, p, best_threshold(y, p)).f1 >= m.f1 - 1e-12  # 0.5 is a candidate
    precision, recall = precision_recall_curve(y, p)
    assert np.all(np.diff(recall) >= -1e-12) and np.all((precision >= 0) & (precision <= 1))
