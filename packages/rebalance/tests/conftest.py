"""Hypothesis strategies for labelled frames: 1-5 classes, skewed counts, odd indices, many label dtypes."""

from __future__ import annotations

import pandas as pd
from hypothesis import strategies as st

LABEL_KINDS = ["int", "str", "category", "bool", "float"]


@st.composite
def labelled_frames(
    draw: st.DrawFn, min_classes: int = 2, max_classes: int = 5, max_rows: int = 60
) -> pd.DataFrame:
    kind = draw(st.sampled_from(LABEL_KINDS))
    n_classes = draw(st.integers(min_classes, 2 if kind == "bool" else max_classes))
    sizes = draw(st.lists(st.integers(1, max_rows // n_classes), min_size=n_classes, max_size=n_classes))
    values = {
        "int": [7, -1, 0, 42, 3],
        "str": ["fire", "flood", "calm", "", "ß"],
        "category": ["a", "b", "c", "d", "e"],
        "bool": [True, False],
        "float": [0.5, 1.5, -2.0, 3.25, 10.0],
    }[kind][:n_classes]
    labels = [v for v, n in zip(values, sizes, strict=True) for _ in range(n)]
    labels = draw(st.permutations(labels))
    n = len(labels)
    # duplicate rows on purpose: x repeats
    x = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    index_kind = draw(st.sampled_from(["range", "shuffled", "strings", "duplicated"]))
    index: list[object]
    if index_kind == "range":
        index = list(range(n))
    elif index_kind == "shuffled":
        index = draw(st.permutations([i * 10 + 5 for i in range(n)]))
    elif index_kind == "strings":
        index = [f"row{i}" for i in range(n)]
    else:
        index = [i // 2 for i in range(n)]
    df = pd.DataFrame({"x": x, "note": [f"n{v}" for v in x], "target": labels}, index=index)
    if kind == "category":
        df["target"] = df["target"].astype(pd.CategoricalDtype(["e", "d", "c", "b", "a", "unused"]))
    return df
