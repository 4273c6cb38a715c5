"""The layer computes in the graph exactly the NumPy matrix a solver is fitted on, and saves with its keys."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ngram_tfidf import (
    GramCounts,
    NgramTfidf,
    NgramVocabulary,
    TfidfLogit,
    fit_logistic,
    ngram_keys,
    tfidf_matrix,
)
from ngram_tfidf.keys import WORD_FLAG


@pytest.fixture(scope="module")
def fitted(tweets) -> TfidfLogit:
    texts, y = tweets
    return fit_logistic(texts, y, c=2.0)


def dense(features: tf.SparseTensor) -> np.ndarray:
    return tf.sparse.to_dense(features).numpy()


def test_layer_features_equal_solver_features_on_tweets(fitted, tweets) -> None:
    texts, _ = tweets
    solver_features = tfidf_matrix(GramCounts.of(texts), fitted.vocabulary)
    np.testing.assert_allclose(
        dense(fitted.layer.features(tf.constant(texts))), solver_features.toarray(), atol=1e-6
    )
    logits = fitted.layer(tf.constant(texts)).numpy().reshape(-1)
    np.testing.assert_allclose(logits, solver_features @ fitted.coef + fitted.intercept, atol=1e-5)
    np.testing.assert_allclose(1 / (1 + np.exp(-logits)), fitted.probability(texts), atol=1e-6)
    for row in solver_features.toarray()[:10]:  # each block of every non-empty row has length 1
        chars, words = row[: fitted.vocabulary.num_char], row[fitted.vocabulary.num_char :]
        for block in (chars, words):
            assert np.linalg.norm(block) == pytest.approx(1.0, abs=1e-5) or not block.any()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=120), min_size=1, max_size=6))
def test_features_match_numpy_for_any_text(fitted, texts: list[str]) -> None:
    """Unseen n-grams (any Unicode, empty texts) are dropped the same way in both paths."""
    expected = tfidf_matrix(GramCounts.of(texts), fitted.vocabulary).toarray()
    np.testing.assert_allclose(dense(fitted.layer.features(tf.constant(texts))), expected, atol=1e-6)


def test_vocabulary_min_df_and_idf() -> None:
    counts = GramCounts.of(["fire fire", "fire near"])
    vocab = NgramVocabulary.fit(counts, char_min_df=2, word_min_df=2)
    assert (vocab.keys[: vocab.num_char] < WORD_FLAG).all() and vocab.num_word == 1
    assert (np.diff(vocab.keys) > 0).all()  # sorted: columns by binary search
    key_of = lambda text: ngram_keys(tf.constant([text]))[1].numpy()  # noqa: E731
    fire = set(key_of("fire").tolist()) - {-1}
    word_fire = max(fire)  # the word n-gram "fire" (bit 62 set)
    assert vocab.keys[-1] == word_fire
    idf = dict(zip(vocab.keys.tolist(), vocab.idf, strict=True))
    assert idf[word_fire] == pytest.approx(np.log(3 / 3) + 1)  # in both texts
    assert not set(key_of("near").tolist()) & set(idf) - fire  # "near" n-grams: only in one text


def test_empty_and_unknown_texts_give_the_bias(fitted) -> None:
    logits = fitted.layer(tf.constant(["", "   ", "\t\n"])).numpy().reshape(-1)
    np.testing.assert_allclose(logits, fitted.intercept, atol=1e-6)


def test_fit_refuses_what_it_cannot_fit() -> None:
    with pytest.raises(ValueError, match="2 texts but 3 labels"):
        fit_logistic(["a", "b"], [0, 1, 1])
    with pytest.raises(ValueError, match="both classes"):
        fit_logistic(["fire", "flood"], [1, 1])
    with pytest.raises(ValueError, match="0 or 1"):
        fit_logistic(["fire", "flood"], [0, 2])


def test_layer_validates_and_round_trips_config(fitted) -> None:
    with pytest.raises(ValueError, match="weights must have shape"):
        NgramTfidf(fitted.vocabulary, weights=np.ones(3))
    with pytest.raises(ValueError, match="non-empty vocabulary"):
        NgramTfidf()
    config = fitted.layer.get_config()
    assert NgramTfidf.from_config(config).get_config() == config


def test_keras_file_round_trip(fitted, tweets, tmp_path) -> None:
    """A .keras file keeps the n-gram keys (asset ngram_keys.npy) and the weights."""
    text = keras.Input(shape=(), dtype="string")
    model = keras.Model(text, fitted.layer(text))
    path = tmp_path / "tfidf.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    texts = tf.constant([*tweets[0][:50], "", "unseen zzzq"])
    np.testing.assert_allclose(restored(texts).numpy(), model(texts).numpy(), atol=1e-6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=80), min_size=1, max_size=5))
def test_counts_are_the_same_past_the_int32_range(fitted, texts: list[str]) -> None:
    """The counting narrows (row, column) pairs to int32 when they fit; rows far enough on
    that the pairs pass 2^31 take the int64 path and must count the same pairs."""
    layer = fitted.layer
    rows, keys = ngram_keys(tf.constant(texts))
    offset = 2**31 // layer.vocabulary_size + 1

    def counted(row_offset: int) -> list[tuple[int, int, int]]:
        r, c, n = (t.numpy() for t in layer.counts(rows + row_offset, keys))
        return sorted(zip((r - row_offset).tolist(), c.tolist(), n.tolist(), strict=True))

    near, far = counted(0), counted(offset)
    assert near == far
    expected = GramCounts.of(texts)  # the NumPy count, for the known n-grams
    column = {int(k): i for i, k in enumerate(fitted.vocabulary.keys)}
    known = [
        (int(r), column[int(expected.keys[g])], int(n))
        for r, g, n in zip(expected.rows, expected.gram_index, expected.counts, strict=True)
        if int(expected.keys[g]) in column
    ]
    assert near == sorted(known)
