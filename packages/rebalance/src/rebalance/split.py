"""Stratified train/test split of a labelled DataFrame."""

from __future__ import annotations

import math
from collections.abc import Hashable

import numpy as np
import pandas as pd

from rebalance.classes import class_positions
from rebalance.errors import InvalidParameterError


def stratified_split(
    df: pd.DataFrame,
    label: Hashable = "target",
    test_size: float = 0.1,
    seed: int = 0,
    *,
    ignore_index: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``df`` into ``(train, test)`` class by class, keeping each class's proportion.

    Each class puts ``round(test_size x its rows)`` rows into ``test``, clamped so a
    class with at least 2 rows is present in both parts (a class of 1 row goes to
    ``train``). The parts are disjoint, cover ``df``, and are shuffled by ``seed``.

    Example:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": range(10), "target": [0] * 8 + [1] * 2})
    >>> train, test = stratified_split(df, test_size=0.5)
    >>> sorted(test["target"].tolist()), len(train)
    ([0, 0, 0, 0, 1], 5)
    """
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, int | float)
        or not math.isfinite(test_size)
        or not 0 < test_size < 1
    ):
        raise InvalidParameterError(
            f"test_size must be a fraction strictly between 0 and 1, got {test_size!r}"
        )
    groups = class_positions(df, label)
    rng = np.random.default_rng(seed)
    train_parts, test_parts = [], []
    for positions in groups.values():
        n = len(positions)
        n_test = 0 if n < 2 else min(max(round(test_size * n), 1), n - 1)
        shuffled = rng.permutation(positions)
        test_parts.append(shuffled[:n_test])
        train_parts.append(shuffled[n_test:])
    parts = []
    for chosen in (np.concatenate(train_parts), np.concatenate(test_parts)):
        part = df.iloc[rng.permutation(chosen)]
        parts.append(part.reset_index(drop=True) if ignore_index else part)
    return parts[0], parts[1]
