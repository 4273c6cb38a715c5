"""Invariants of undersample / oversample / stratified_split / class_weights over generated frames."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
from conftest import labelled_frames
from hypothesis import given, settings
from hypothesis import strategies as st

from rebalance import class_weights, oversample, stratified_split, undersample

RATIOS = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0])


def rows(df: pd.DataFrame) -> Counter[tuple[object, ...]]:
    """Rows as a multiset of (index label, values...)."""
    return Counter(zip(df.index, *(df[c] for c in df.columns), strict=True))


def counts(df: pd.DataFrame) -> dict[object, int]:
    return {k: int(v) for k, v in df["target"].value_counts().items() if v}


@settings(max_examples=150, deadline=None)
@given(labelled_frames(), RATIOS, st.integers(0, 3))
def test_undersample_invariants(df: pd.DataFrame, ratio: float, seed: int) -> None:
    before = df.copy()
    out = undersample(df, ratio=ratio, seed=seed)
    pd.testing.assert_frame_equal(df, before)  # nothing modified in place
    assert list(out.columns) == list(df.columns) and (out.dtypes == df.dtypes).all()
    # a sub-multiset of the input, no row drawn twice
    original, result = rows(df), rows(out)
    assert all(result[r] <= original[r] for r in result)
    sizes = counts(df)
    smallest = min(sizes.values())
    target = max(1, int(ratio * smallest))
    assert counts(out) == {k: min(n, target) for k, n in sizes.items()}
    if ratio >= 1:
        small = [k for k, n in sizes.items() if n == smallest]
        for k in small:  # the smallest class is kept whole
            assert rows(out[out["target"] == k]) == rows(df[df["target"] == k])
    pd.testing.assert_frame_equal(out, undersample(df, ratio=ratio, seed=seed))


@settings(max_examples=150, deadline=None)
@given(labelled_frames(), RATIOS, st.integers(0, 3))
def test_oversample_invariants(df: pd.DataFrame, ratio: float, seed: int) -> None:
    before = df.copy()
    out = oversample(df, ratio=ratio, seed=seed)
    pd.testing.assert_frame_equal(df, before)
    assert (out.dtypes == df.dtypes).all()
    original, result = rows(df), rows(out)
    assert all(result[r] >= original[r] for r in original)  # every original row kept
    assert set(result) == set(original)  # nothing invented
    sizes = counts(df)
    target = int(ratio * max(sizes.values()))
    assert counts(out) == {k: max(n, target) for k, n in sizes.items()}
    pd.testing.assert_frame_equal(out, oversample(df, ratio=ratio, seed=seed))


@settings(max_examples=150, deadline=None)
@given(labelled_frames(), st.floats(0.05, 0.95), st.integers(0, 3))
def test_stratified_split_invariants(df: pd.DataFrame, test_size: float, seed: int) -> None:
    train, test = stratified_split(df, test_size=test_size, seed=seed)
    assert rows(train) + rows(test) == rows(df)  # disjoint and covering
    for k, n in counts(df).items():
        n_test = int((test["target"] == k).sum())
        assert abs(n_test - test_size * n) <= 1
        if n >= 2:
            assert n_test >= 1 and (train["target"] == k).sum() >= 1
    again = stratified_split(df, test_size=test_size, seed=seed)
    pd.testing.assert_frame_equal(train, again[0])
    pd.testing.assert_frame_equal(test, again[1])


@settings(max_examples=100, deadline=None)
@given(labelled_frames())
def test_class_weights_balance_the_loss(df: pd.DataFrame) -> None:
    weights = class_weights(df["target"])
    sizes = counts(df)
    assert set(weights) == set(sizes)
    n, k = len(df), len(sizes)
    for label, size in sizes.items():
        assert weights[label] == pytest.approx(n / (k * size))
        assert weights[label] * size == pytest.approx(n / k)  # each class carries the same total weight


@settings(max_examples=50, deadline=None)
@given(labelled_frames(), st.integers(0, 1000))
def test_ignore_index_and_seed(df: pd.DataFrame, seed: int) -> None:
    out = undersample(df, seed=seed, ignore_index=True)
    assert list(out.index) == list(range(len(out)))
    over = oversample(df, seed=seed, ignore_index=True)
    assert list(over.index) == list(range(len(over)))
