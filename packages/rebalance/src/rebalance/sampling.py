"""Random under- and over-sampling of a labelled DataFrame."""

from __future__ import annotations

import math
from collections.abc import Hashable

import numpy as np
import pandas as pd

from rebalance.classes import class_positions
from rebalance.errors import InvalidParameterError


def _check_ratio(ratio: float) -> float:
    if (
        isinstance(ratio, bool)
        or not isinstance(ratio, int | float)
        or not math.isfinite(ratio)
        or ratio <= 0
    ):
        raise InvalidParameterError(f"ratio must be a finite number > 0, got {ratio!r}")
    return float(ratio)


def _take(
    df: pd.DataFrame, positions: list[np.ndarray], rng: np.random.Generator, ignore_index: bool
) -> pd.DataFrame:
    chosen = np.concatenate(positions) if positions else np.empty(0, dtype=np.intp)
    result = df.iloc[rng.permutation(chosen)]
    return result.reset_index(drop=True) if ignore_index else result


def undersample_counts(sizes: dict[object, int], ratio: float) -> dict[object, int]:
    """Target rows per class: ``ratio x`` the smallest class, never more than a class has, at least 1."""
    target = max(1, int(ratio * min(sizes.values())))
    return {k: min(n, target) for k, n in sizes.items()}


def oversample_counts(sizes: dict[object, int], ratio: float) -> dict[object, int]:
    """Target rows per class: ``ratio x`` the largest class, never fewer than a class has."""
    target = int(ratio * max(sizes.values()))
    return {k: max(n, target) for k, n in sizes.items()}


def undersample(
    df: pd.DataFrame,
    label: Hashable = "target",
    ratio: float = 1.0,
    seed: int = 0,
    *,
    ignore_index: bool = False,
) -> pd.DataFrame:
    """Cut every class down to ``ratio x`` the size of the smallest class, without replacement.

    Classes already at or below that size keep all their rows. The result is a
    subset of ``df``'s rows (columns, dtypes and index kept; ``ignore_index=True``
    renumbers), shuffled deterministically by ``seed``. ``df`` is not modified.

    Example:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": list("abcdef"), "target": [0, 0, 0, 0, 1, 1]})
    >>> undersample(df)["target"].value_counts().sort_index().tolist()
    [2, 2]
    """
    ratio = _check_ratio(ratio)
    groups = class_positions(df, label)
    targets = undersample_counts({k: len(v) for k, v in groups.items()}, ratio)
    rng = np.random.default_rng(seed)
    picked = [
        rng.permutation(pos)[: targets[k]] if targets[k] < len(pos) else pos for k, pos in groups.items()
    ]
    return _take(df, picked, rng, ignore_index)


def oversample(
    df: pd.DataFrame,
    label: Hashable = "target",
    ratio: float = 1.0,
    seed: int = 0,
    *,
    ignore_index: bool = False,
) -> pd.DataFrame:
    """Sample every class up, with replacement, to ``ratio x`` the size of the largest class.

    Every original row is kept; only the extra rows are drawn at random. Columns,
    dtypes and index are kept (duplicated rows repeat their index label unless
    ``ignore_index=True``); the result is shuffled deterministically by ``seed``.

    Example:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": list("abcdef"), "target": [0, 0, 0, 0, 1, 1]})
    >>> oversample(df)["target"].value_counts().sort_index().tolist()
    [4, 4]
    """
    ratio = _check_ratio(ratio)
    groups = class_positions(df, label)
    targets = oversample_counts({k: len(v) for k, v in groups.items()}, ratio)
    rng = np.random.default_rng(seed)
    picked = []
    for k, pos in groups.items():
        extra = targets[k] - len(pos)
        picked.append(np.concatenate([pos, rng.choice(pos, size=extra, replace=True)]) if extra else pos)
    return _take(df, picked, rng, ignore_index)
