"""The linear member: in-graph TF-IDF features equal the NumPy features the solver is fitted on."""

from __future__ import annotations

import re

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ngram_tfidf import WORD_FLAG, GramCounts, NgramTfidf, NgramVocabulary, clean, ngram_keys, tfidf_matrix
from tweet_classifier import read_tweets, sample_csv
from tweet_classifier.model.linear import fit_linear, fold_ids

SAMPLE = read_tweets(sample_csv(), labelled=True)
TEXTS = list(SAMPLE.texts)
Y = np.array(SAMPLE.targets)


@pytest.fixture(scope="module")
def fitted():
    return fit_linear(TEXTS, Y, c=2.0, folds=5, seed=0)


def dense(features: tf.SparseTensor) -> np.ndarray:
    return tf.sparse.to_dense(features).numpy()


def test_cleaning_and_grams() -> None:
    assert clean(tf.constant(["RT @Fire_Dept: FIRE &amp; #Smoke https://t.co/x"])).numpy()[0] == (
        b"rt @user: fire & smoke url"
    )
    # char_wb: " ab " -> 4 + 3 + 2 + 1 grams, " c " -> 3 + 2 + 1; words of >= 2 chars: "ab"
    rows, keys = (t.numpy() for t in ngram_keys(tf.constant(["ab c", "c ab", "ba"])))
    grams = {row: sorted(keys[(rows == row) & (keys >= 0)].tolist()) for row in range(3)}
    chars = {row: [k for k in grams[row] if k < WORD_FLAG] for row in range(3)}
    words = {row: [k for k in grams[row] if k >= WORD_FLAG] for row in range(3)}
    assert len(chars[0]) == 16 and len(set(chars[0])) == 13  # " " occurs four times
    assert chars[0] == chars[1]  # the same words in another order: the same char n-grams
    assert len(words[0]) == 1 and len(words[1]) == 1 and words[0] == words[1]  # only "ab"
    assert len(words[2]) == 1 and words[2] != words[0]  # "ba" is not "ab"
    assert len(set(chars[2]) & set(chars[0])) == 3  # " ba " shares only " ", "a", "b" with " ab "


def _string_ngrams(text: str) -> set[tuple[str, str]]:
    """The n-grams the keys stand for, built in Python from the same cleaning (the reference)."""
    cleaned = clean(tf.constant([text])).numpy()[0].decode("utf-8")
    grams = set()
    for word in cleaned.split():
        padded = f" {word} "
        for n in range(1, 7):
            grams.update(("char", padded[i : i + n]) for i in range(len(padded) - n + 1))
    tokens = [t for t in re.sub(r"[^\w]+", " ", cleaned).split() if len(t) >= 2]
    for n in range(1, 4):
        grams.update(("word", " ".join(tokens[i : i + n])) for i in range(len(tokens) - n + 1))
    return grams


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab c\u00e9\u4e2d.#@"), max_size=30))
def test_keys_stand_for_distinct_ngrams(text: str) -> None:
    """As many distinct keys per block as distinct n-gram strings: no collisions, none lost."""
    keys = ngram_keys(tf.constant([text]))[1].numpy()
    keys = keys[keys >= 0]
    expected = _string_ngrams(text)
    assert len(set(keys[keys < WORD_FLAG].tolist())) == sum(kind == "char" for kind, _ in expected)
    assert len(set(keys[keys >= WORD_FLAG].tolist())) == sum(kind == "word" for kind, _ in expected)


def test_layer_features_equal_solver_features_on_real_tweets(fitted) -> None:
    """What the layer computes in the graph is the matrix the solver was fitted on."""
    counts = GramCounts.of(TEXTS)
    solver_features = tfidf_matrix(counts, fitted.vocabulary)
    np.testing.assert_allclose(
        dense(fitted.layer.features(tf.constant(TEXTS))), solver_features.toarray(), atol=1e-6
    )
    logits = fitted.layer(tf.constant(TEXTS)).numpy().reshape(-1)
    np.testing.assert_allclose(logits, solver_features @ fitted.coef + fitted.intercept, atol=1e-5)
    # each block of every non-empty row is L2-normalised
    for row in solver_features.toarray()[:10]:
        chars, words = row[: fitted.vocabulary.num_char], row[fitted.vocabulary.num_char :]
        for block in (chars, words):
            assert np.linalg.norm(block) == pytest.approx(1.0, abs=1e-5) or not block.any()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=120), min_size=1, max_size=6))
def test_features_match_numpy_for_any_text(fitted, texts: list[str]) -> None:
    """Unseen n-grams (any Unicode, empty texts) are dropped the same way in both paths."""
    counts = GramCounts.of(texts)
    expected = tfidf_matrix(counts, fitted.vocabulary).toarray()
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


def test_layer_validates_and_round_trips_config(fitted) -> None:
    with pytest.raises(ValueError, match="weights must have shape"):
        NgramTfidf(fitted.vocabulary, weights=np.ones(3))
    with pytest.raises(ValueError, match="non-empty vocabulary"):
        NgramTfidf()
    config = fitted.layer.get_config()
    restored = NgramTfidf.from_config(config)
    assert restored.get_config() == config


def test_keras_file_round_trip(fitted, tmp_path) -> None:
    """A .keras file keeps the n-gram keys (asset ngram_keys.npy) and the weights."""
    import keras

    from tweet_classifier.model import linear_model

    path = tmp_path / "linear.keras"
    linear_model(fitted).save(path)
    restored = keras.saving.load_model(path)
    texts = tf.constant([*TEXTS[:50], "", "unseen zzzq"])
    np.testing.assert_allclose(restored(texts).numpy(), linear_model(fitted)(texts).numpy(), atol=1e-6)
