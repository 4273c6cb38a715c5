"""Parity with scikit-learn: the same features as ``TfidfVectorizer`` and the same fitted probabilities.

scikit-learn's pipeline: both vectorizers on the texts after :func:`ngram_tfidf.clean`
(``lowercase=False``: the cleaning lowercases), ``char_wb`` 1..6 and word 1..3, sublinear TF,
each block L2-normalised, side by side; then ``LogisticRegression(C=2)``. Its columns are
n-gram strings, ours 62-bit keys: each string is hashed here with a reference FNV-1a in
plain Python to find our column, so every column must match one to one.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from conftest import DATA, KAGGLE_TRAIN, read_labelled
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from ngram_tfidf import GramCounts, NgramVocabulary, clean, fit_logistic, tfidf_matrix
from ngram_tfidf.keys import (  # the word seed is ours; FNV-1a's basis and prime are public
    _WORD_SEED,
    WORD_FLAG,
)

FNV_OFFSET_BASIS, FNV_PRIME, MASK = 0xCBF29CE484222325, 0x100000001B3, (1 << 64) - 1


def fnv_key(symbols: list[int], seed: int, flag: int) -> int:
    digest = seed
    for symbol in symbols:
        digest = ((digest ^ symbol) * FNV_PRIME) & MASK
    key = (digest >> 2) | flag
    return key - (1 << 64) if key >= 1 << 63 else key


def char_key(gram: str) -> int:
    return fnv_key([ord(c) for c in gram], FNV_OFFSET_BASIS, 0)


def word_keys(grams: list[str]) -> list[int]:
    tokens = sorted({t for gram in grams for t in gram.split(" ")})
    prints = tf.strings.to_hash_bucket_fast(tf.constant(tokens), (1 << 63) - 1).numpy().tolist()
    fingerprint = dict(zip(tokens, prints, strict=True))
    return [fnv_key([fingerprint[t] for t in gram.split(" ")], _WORD_SEED, WORD_FLAG) for gram in grams]


def sklearn_features(cleaned: list[str], fit_on: list[str]) -> tuple[csr_matrix, list[int]]:
    """scikit-learn's TF-IDF of ``cleaned`` (fitted on ``fit_on``) and our key of each column."""
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 6), lowercase=False, sublinear_tf=True)
    words = TfidfVectorizer(analyzer="word", ngram_range=(1, 3), lowercase=False, sublinear_tf=True)
    chars.fit(fit_on), words.fit(fit_on)
    keys = [char_key(g) for g in chars.get_feature_names_out()]
    keys += word_keys(list(words.get_feature_names_out()))
    return hstack([chars.transform(cleaned), words.transform(cleaned)], format="csr"), keys


def cleaned_texts(texts: list[str]) -> list[str]:
    return [t.decode("utf-8") for t in clean(tf.constant(texts)).numpy()]


def real_tweets(source: str) -> tuple[list[str], np.ndarray]:
    if source == "team tweets":
        return read_labelled(DATA)
    if not KAGGLE_TRAIN.is_file():
        pytest.skip(f"no Kaggle data at {KAGGLE_TRAIN}")
    return read_labelled(KAGGLE_TRAIN, limit=2000)


@pytest.mark.parametrize("source", ["team tweets", "Kaggle train.csv (2,000 rows)"])
def test_features_equal_tfidf_vectorizer(source: str) -> None:
    texts, _ = real_tweets(source)
    fit_on, rest = texts[: len(texts) * 3 // 4], texts[len(texts) * 3 // 4 :]
    vocabulary = NgramVocabulary.fit(GramCounts.of(fit_on))
    theirs, keys = sklearn_features(cleaned_texts(texts), cleaned_texts(fit_on))
    column = vocabulary.columns(np.array(keys, np.int64))
    assert len(keys) == len(vocabulary) and (column >= 0).all()  # one to one: no n-gram more or less
    assert len(set(column.tolist())) == len(column)
    theirs = theirs[:, np.argsort(column)]  # scikit-learn's columns in our order
    for part in (fit_on, rest):  # seen and unseen texts
        at = slice(0, len(fit_on)) if part is fit_on else slice(len(fit_on), None)
        ours = tfidf_matrix(GramCounts.of(part), vocabulary)
        assert abs(ours - theirs[at]).max() < 1e-6
    np.testing.assert_allclose(np.asarray(vocabulary.idf), _idf(fit_on, keys, column), rtol=1e-6)


def _idf(fit_on: list[str], keys: list[int], column: np.ndarray) -> np.ndarray:
    cleaned = cleaned_texts(fit_on)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 6), lowercase=False, sublinear_tf=True)
    words = TfidfVectorizer(analyzer="word", ngram_range=(1, 3), lowercase=False, sublinear_tf=True)
    idf = np.concatenate([chars.fit(cleaned).idf_, words.fit(cleaned).idf_])
    return idf[np.argsort(column)]


@pytest.mark.parametrize("source", ["team tweets", "Kaggle train.csv (2,000 rows)"])
def test_fitted_probabilities_equal_logistic_regression(source: str) -> None:
    texts, y = real_tweets(source)
    cut = len(texts) * 3 // 4
    fit = fit_logistic(texts[:cut], y[:cut], c=2.0)
    theirs_train, _ = sklearn_features(cleaned_texts(texts[:cut]), cleaned_texts(texts[:cut]))
    model = LogisticRegression(C=2.0, max_iter=1000).fit(theirs_train, y[:cut])
    theirs_test, _ = sklearn_features(cleaned_texts(texts[cut:]), cleaned_texts(texts[:cut]))
    expected = model.predict_proba(theirs_test)[:, 1]
    in_graph = tf.sigmoid(fit.layer(tf.constant(texts[cut:]))).numpy().reshape(-1)
    np.testing.assert_allclose(in_graph, expected, atol=1e-4)
    np.testing.assert_allclose(fit.probability(texts[cut:]), expected, atol=1e-4)


def test_soft_targets_solve_the_weighted_cross_entropy() -> None:
    """At solve_soft's answer the objective's gradient vanishes: C * X'(p - t) + w = 0 and
    sum(p - t) = 0 (the intercept is not penalised); 0/1 targets give solve's answer."""
    from scipy.sparse import random as sparse_random

    from ngram_tfidf import solve, solve_soft

    rng = np.random.default_rng(0)
    x = sparse_random(80, 12, density=0.3, random_state=0, format="csr")
    targets = rng.uniform(0, 1, 80)
    c = 3.0
    w, b = solve_soft(x, targets, c)
    hard = (targets > 0.5).astype(float)

    def gradient(w: np.ndarray, b: float) -> np.ndarray:
        p = 1 / (1 + np.exp(-(x @ w + b)))
        return np.append(c * (x.T @ (p - targets)) + w, (p - targets).sum())

    assert np.abs(gradient(w, b)).max() < 0.02  # the solver's tolerance
    assert np.abs(gradient(*solve(x, hard.astype(int), c))).max() > 1  # the hard labels' answer is not
    np.testing.assert_allclose(solve_soft(x, hard, c)[0], solve(x, hard.astype(int), c)[0])
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        solve_soft(x, targets + 1, c)
