"""Class counts equal imbalanced-learn's RandomUnderSampler / RandomOverSampler on the same frames."""

from __future__ import annotations

import pandas as pd
from conftest import labelled_frames
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from imblearn.over_sampling import RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler

from rebalance import oversample, undersample


def imblearn_counts(sampler: object, df: pd.DataFrame) -> dict[object, int]:
    # imbalanced-learn refuses float labels: give it class codes, map the counts back.
    codes, uniques = pd.factorize(df["target"])
    _, y = sampler.fit_resample(df[["x"]], codes)  # type: ignore[attr-defined]
    return {_plain(uniques[code]): int(n) for code, n in pd.Series(y).value_counts().items()}


def _plain(value: object) -> object:
    return value.item() if hasattr(value, "item") else value


def ours(df: pd.DataFrame) -> dict[object, int]:
    return {k: int(v) for k, v in df["target"].value_counts().items() if v}


@settings(max_examples=60, deadline=None)
@given(labelled_frames())
def test_ratio_one_any_number_of_classes(df: pd.DataFrame) -> None:
    assert ours(undersample(df)) == imblearn_counts(
        RandomUnderSampler(sampling_strategy="all", random_state=0), df
    )
    assert ours(oversample(df)) == imblearn_counts(
        RandomOverSampler(sampling_strategy="all", random_state=0), df
    )


@settings(max_examples=60, deadline=None)
@given(labelled_frames(max_classes=2), st.sampled_from([1.0, 2.0, 4.0]))
def test_binary_undersample_ratio(df: pd.DataFrame, ratio: float) -> None:
    counts = df["target"].value_counts()
    counts = counts[counts > 0]  # categoricals list unused categories too
    assume(counts.max() >= ratio * counts.min())  # imbalanced-learn refuses to grow a class here
    peer = RandomUnderSampler(sampling_strategy=1 / ratio, random_state=0)
    assert ours(undersample(df, ratio=ratio)) == imblearn_counts(peer, df)


@settings(max_examples=60, deadline=None)
@given(labelled_frames(max_classes=2), st.sampled_from([0.5, 0.75, 1.0]))
def test_binary_oversample_ratio(df: pd.DataFrame, ratio: float) -> None:
    counts = df["target"].value_counts()
    counts = counts[counts > 0]  # categoricals list unused categories too
    assume(counts.min() < int(ratio * counts.max()))  # imbalanced-learn refuses a class with nothing to add
    peer = RandomOverSampler(sampling_strategy=ratio, random_state=0)
    assert ours(oversample(df, ratio=ratio)) == imblearn_counts(peer, df)
