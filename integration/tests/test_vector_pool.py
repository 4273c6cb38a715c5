"""Pooled word vectors: the features, and the linear member that weighs them beside the n-grams."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from glove_lookup import GloveLookup
from ngram_tfidf import GramCounts, VectorPool, tfidf_matrix
from tweet_classifier import read_tweets, sample_csv
from tweet_classifier.model import SCORER, linear_model
from tweet_classifier.model.linear import fit_linear
from tweet_classifier.training import pooled_vectors, training_vocabulary

finite = st.floats(-10, 10, allow_nan=False, width=32)


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        np.float32, st.tuples(st.integers(1, 6), st.integers(0, 5), st.integers(1, 4)), elements=finite
    ),
    st.randoms(use_true_random=False),
)
def test_pool_is_mean_and_max_direction_of_the_known_vectors(vectors: np.ndarray, rng) -> None:
    got = VectorPool()(vectors).numpy()
    assert got.shape == (vectors.shape[0], 2 * vectors.shape[2])
    for row, steps in zip(got, vectors, strict=True):
        known = steps[np.any(steps != 0, axis=1)]
        mean, top = row[: steps.shape[1]], row[steps.shape[1] :]
        if len(known) == 0:
            assert not row.any()
            continue
        for part, expected in ((mean, known.mean(axis=0)), (top, known.max(axis=0))):
            norm = np.linalg.norm(expected)
            if norm > 1e-3:  # the direction, at length 1/sqrt(2)
                np.testing.assert_allclose(part, expected / norm / np.sqrt(2), atol=1e-4)
        # padding and order do not matter: shuffled steps with zero vectors added pool the same
        order = list(range(len(steps)))
        rng.shuffle(order)
        padded = np.concatenate([steps[order], np.zeros((2, steps.shape[1]), np.float32)])
        np.testing.assert_allclose(VectorPool()(padded[np.newaxis]).numpy()[0], row, atol=1e-5)


def test_linear_member_with_vectors_is_the_solver_model(glove) -> None:
    """In the graph, the member's logit is the solver's on [TF-IDF, pooled vectors] of each text."""
    sample = read_tweets(sample_csv(), labelled=True)
    texts, y = list(sample.texts), np.array(sample.targets)
    wv = glove.restrict(vocabulary=training_vocabulary(texts), top_n=2000)
    lookup = GloveLookup(wv, sequence_length=20)
    pooled = pooled_vectors(lookup, texts)
    fit = fit_linear(texts, y, c=2.0, folds=3, seed=0, vectors=pooled)
    assert fit.vector_coef is not None and fit.vector_coef.shape == (2 * wv.dim,)
    assert np.abs(fit.vector_coef).max() > 0  # the vectors carry weight
    counts = GramCounts.of(texts)
    expected = tfidf_matrix(counts, fit.vocabulary) @ fit.coef + pooled @ fit.vector_coef + fit.intercept
    model = linear_model(fit, lookup)
    got = model.predict(tf.constant(texts), verbose=0).reshape(-1).astype(np.float64)
    np.testing.assert_allclose(np.log(got / (1 - got)), expected, atol=1e-3)
    scorer = model.get_layer(SCORER)  # over what the string-reading layers give
    assert {"linear", lookup.name, SCORER} <= {layer.name for layer in model.layers}
    assert {"linear_vectors", "vector_pool"} <= {layer.name for layer in scorer.layers}
    # a text with no known word still gets the n-gram part (pooled vectors are zeros)
    linear_logit = keras.Model(scorer.input, scorer.get_layer("linear_logit").output)
    text = tf.constant(["zzqx"])
    empty = linear_logit({"linear": fit.layer(text), lookup.name: lookup(text)})
    np.testing.assert_allclose(
        empty.numpy().reshape(-1), fit.layer(tf.constant(["zzqx"])).numpy().reshape(-1)
    )
