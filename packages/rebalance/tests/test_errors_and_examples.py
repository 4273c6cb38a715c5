"""Bad input gets one clear error of the package's types; fixed examples; no TensorFlow."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from rebalance import (
    EmptyInputError,
    InvalidParameterError,
    MissingLabelColumnError,
    MissingLabelValuesError,
    RebalanceError,
    SingleClassError,
    class_weights,
    oversample,
    stratified_split,
    undersample,
)

FUNCTIONS = [undersample, oversample, lambda df, **kw: stratified_split(df, **kw)]


@pytest.fixture
def df() -> pd.DataFrame:
    return pd.DataFrame({"text": list("abcdefgh"), "target": [0, 0, 0, 0, 0, 0, 1, 1]})


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_missing_column(fn: object, df: pd.DataFrame) -> None:
    with pytest.raises(MissingLabelColumnError, match=r"'label' not found; columns: \['text', 'target'\]"):
        fn(df, label="label")  # type: ignore[operator]


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_nan_labels(fn: object, df: pd.DataFrame) -> None:
    df.loc[3, "target"] = np.nan
    with pytest.raises(MissingLabelValuesError, match=r"1 missing .* index 3"):
        fn(df)  # type: ignore[operator]


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_empty_and_single_class(fn: object, df: pd.DataFrame) -> None:
    with pytest.raises(EmptyInputError):
        fn(df.iloc[:0])  # type: ignore[operator]
    with pytest.raises(SingleClassError, match=r"one class only \(0 x 6\)"):
        fn(df.iloc[:6])  # type: ignore[operator]


@pytest.mark.parametrize("ratio", [0, -1, float("nan"), float("inf"), "2", True])
def test_bad_ratio(df: pd.DataFrame, ratio: object) -> None:
    for fn in (undersample, oversample):
        with pytest.raises(InvalidParameterError, match="ratio must be"):
            fn(df, ratio=ratio)  # type: ignore[arg-type]


@pytest.mark.parametrize("test_size", [0, 1, 1.5, -0.1, float("nan")])
def test_bad_test_size(df: pd.DataFrame, test_size: float) -> None:
    with pytest.raises(InvalidParameterError, match="test_size must be"):
        stratified_split(df, test_size=test_size)


def test_errors_are_value_errors() -> None:
    for error in (EmptyInputError, InvalidParameterError, MissingLabelColumnError, MissingLabelValuesError):
        assert issubclass(error, RebalanceError) and issubclass(error, ValueError)


def test_class_weights_examples_and_errors() -> None:
    assert class_weights([0, 0, 0, 1]) == {0: pytest.approx(2 / 3), 1: 2.0}
    assert class_weights(pd.Series(["b", "a", "a"])) == {"a": 0.75, "b": 1.5}
    assert class_weights(np.array([True, False, False, False])) == {False: pytest.approx(2 / 3), True: 2.0}
    with pytest.raises(EmptyInputError):
        class_weights([])
    with pytest.raises(MissingLabelValuesError):
        class_weights([1, None, 0])
    with pytest.raises(SingleClassError):
        class_weights([1, 1])


def test_ratio_semantics(df: pd.DataFrame) -> None:
    assert undersample(df, ratio=2)["target"].value_counts().to_dict() == {0: 4, 1: 2}
    assert undersample(df, ratio=0.5)["target"].value_counts().to_dict() == {0: 1, 1: 1}
    assert oversample(df, ratio=0.5)["target"].value_counts().to_dict() == {0: 6, 1: 3}
    assert oversample(df, ratio=2)["target"].value_counts().to_dict() == {0: 12, 1: 12}


def test_categorical_labels_keep_dtype_and_skip_unused_categories() -> None:
    df = pd.DataFrame({"target": pd.Categorical(["x", "y", "y", "y"], categories=["x", "y", "never"])})
    out = undersample(df)
    assert out["target"].dtype == df["target"].dtype
    assert out["target"].value_counts().to_dict() == {"x": 1, "y": 1, "never": 0}


def test_seed_changes_the_draw() -> None:
    df = pd.DataFrame({"x": range(1000), "target": [0] * 900 + [1] * 100})
    a, b = undersample(df, seed=0), undersample(df, seed=1)
    assert set(a.index) != set(b.index)


def test_importing_rebalance_does_not_import_tensorflow() -> None:
    code = "import sys, rebalance; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
