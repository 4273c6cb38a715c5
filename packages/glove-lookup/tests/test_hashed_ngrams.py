"""HashedNgrams: fixed shape, ids in range, deterministic, depends on the text."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glove_lookup import HashedNgrams, standardize

LAYER = HashedNgrams(num_buckets=1000, max_ngrams=64)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=300), min_size=1, max_size=5))
def test_shape_range_and_determinism(texts: list[str]) -> None:
    ids = LAYER(tf.constant(texts)).numpy()
    assert ids.shape == (len(texts), 64)
    assert ids.min() >= 0 and ids.max() <= 1000
    np.testing.assert_array_equal(ids, LAYER(tf.constant(texts)).numpy())
    standardized = standardize(tf.constant(texts))  # what training computes once and reuses
    np.testing.assert_array_equal(ids, LAYER(standardized, standardized=True).numpy())


def test_known_counts_and_padding() -> None:
    ids = HashedNgrams(num_buckets=10_000, max_ngrams=40)(tf.constant(["ab", ""])).numpy()
    # "ab": word 1-gram "ab" (no 2-gram), char grams of "<ab>": 3 + 2 + 1 = 6 -> 7 ids
    assert (ids[0] > 0).sum() == 7 and (ids[1] > 0).sum() == 0
    other = HashedNgrams(num_buckets=10_000, max_ngrams=40)(tf.constant(["ba"])).numpy()
    assert set(ids[0][ids[0] > 0]) != set(other[0][other[0] > 0])


def test_config_round_trip() -> None:
    config = LAYER.get_config()
    assert HashedNgrams.from_config(config).get_config() == config
