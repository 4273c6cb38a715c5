"""The linear member: out-of-fold logits, stratified folds, and its model saved as a .keras file.

The TF-IDF layer itself (features equal to the solver's, scikit-learn parity) is tested in
packages/ngram-tfidf."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from tweet_classifier import read_tweets, sample_csv
from tweet_classifier.model.linear import fit_linear, fold_ids

SAMPLE = read_tweets(sample_csv(), labelled=True)
TEXTS = list(SAMPLE.texts)
Y = np.array(SAMPLE.targets)


@pytest.fixture(scope="module")
def fitted():
    return fit_linear(TEXTS, Y, c=2.0, folds=5, seed=0)


def test_out_of_fold_logits_are_not_in_sample(fitted) -> None:
    """Each text's out-of-fold logit comes from a model that did not see it: it differs from
    the final model's in-sample logit, and it is less confident on average."""
    in_sample = fitted.layer(tf.constant(TEXTS)).numpy().reshape(-1)
    assert not np.allclose(in_sample, fitted.oof_logit)
    margin = np.where(Y == 1, 1, -1)
    assert (in_sample * margin).mean() > (fitted.oof_logit * margin).mean()
    assert 0.05 <= fitted.oof_threshold <= 0.95


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 2), min_size=1, max_size=60), st.integers(2, 6), st.integers(0, 99))
def test_fold_ids_are_stratified(labels: list[int], folds: int, seed: int) -> None:
    y = np.array(labels)
    ids = fold_ids(y, folds, seed)
    assert ids.min() >= 0 and ids.max() < folds
    for label in np.unique(y):
        per_fold = np.bincount(ids[y == label], minlength=folds)
        assert per_fold.max() - per_fold.min() <= 1
    # over all labels the folds differ in size by at most one too
    sizes = np.bincount(ids, minlength=folds)
    assert sizes.max() - sizes.min() <= 1
    np.testing.assert_array_equal(ids, fold_ids(y, folds, seed))


def test_keras_file_round_trip(fitted, tmp_path) -> None:
    """A .keras file keeps the n-gram keys (asset ngram_keys.npy) and the weights."""
    import keras

    from tweet_classifier.model import linear_model

    path = tmp_path / "linear.keras"
    linear_model(fitted).save(path)
    restored = keras.saving.load_model(path)
    texts = tf.constant([*TEXTS[:50], "", "unseen zzzq"])
    np.testing.assert_allclose(restored(texts).numpy(), linear_model(fitted)(texts).numpy(), atol=1e-6)
