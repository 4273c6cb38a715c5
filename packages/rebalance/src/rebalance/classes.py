"""Validation and per-class row positions shared by the sampling and splitting functions."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from rebalance.errors import (
    EmptyInputError,
    MissingLabelColumnError,
    MissingLabelValuesError,
    SingleClassError,
)


def class_positions(df: pd.DataFrame, label: Hashable) -> dict[Any, np.ndarray]:
    """``{class: positions of its rows}`` in first-appearance order, after validating ``df``."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if label not in df.columns:
        raise MissingLabelColumnError(f"label column {label!r} not found; columns: {list(df.columns)}")
    if len(df) == 0:
        raise EmptyInputError(f"the frame is empty (no rows to balance on {label!r})")
    labels = df[label]
    if isinstance(labels, pd.DataFrame):
        raise MissingLabelColumnError(f"label {label!r} names {labels.shape[1]} columns; it must name one")
    return _positions(labels, f"column {label!r}")


def label_positions(labels: Any) -> dict[Any, np.ndarray]:
    """The same for a bare sequence of labels (list, array, Series)."""
    if isinstance(labels, pd.Series):
        series = labels
    else:
        series = pd.Series(labels if hasattr(labels, "__len__") else list(labels))
    if len(series) == 0:
        raise EmptyInputError("no labels given")
    return _positions(series.reset_index(drop=True), "labels")


def _positions(labels: pd.Series, what: str) -> dict[Any, np.ndarray]:
    missing = labels.isna().to_numpy()
    if missing.any():
        first = labels.index[int(np.argmax(missing))]
        raise MissingLabelValuesError(
            f"{what} has {int(missing.sum())} missing (NaN/None) labels; the first at index {first!r}"
        )
    codes, uniques = pd.factorize(labels, sort=False)
    if len(uniques) < 2:
        raise SingleClassError(
            f"{what} holds one class only ({_plain(uniques[0])!r} x {len(labels)}): nothing to balance"
        )
    order = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(uniques)))[:-1]
    groups = np.split(order, bounds)
    return {_plain(value): group for value, group in zip(uniques, groups, strict=True)}


def _plain(value: Any) -> Any:
    """NumPy scalars -> Python scalars, so dict keys print and compare naturally."""
    return value.item() if isinstance(value, np.generic) else value
