"""Pooled word vectors: the features, and the linear member that weighs them beside the n-grams."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from glove_lookup import GloveLookup
from ngram_tfidf import GramCounts, tfidf_matrix
from tweet_classifier import read_tweets, sample_csv
from tweet_classifier.model import SCORER, linear_model
from tweet_classifier.model.linear import fit_linear
from tweet_classifier.training import pooled_vectors, training_vocabulary


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
