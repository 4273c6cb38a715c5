"""Scoring a large batch in chunks inside the graph: the same values, in the same order."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from tweet_classifier.artifacts.chunks import in_chunks

TEXTS = [tf.TensorSpec([None], tf.string)]


def score(texts: tf.Tensor) -> tf.Tensor:
    """A row-by-row score that differs between texts (so a row out of place shows)."""
    return tf.cast(tf.strings.to_hash_bucket_fast(texts, 1 << 20), tf.float32)


# one traced graph per setting, as the export traces one: hypothesis varies the batches
def graph(most: int, in_flight: int) -> tf.types.experimental.PolymorphicFunction:
    return tf.function(lambda texts: in_chunks(score, texts, most, in_flight), input_signature=TEXTS)


GRAPHS = {(most, in_flight): graph(most, in_flight) for most in (1, 3, 7, 160) for in_flight in (1, 2, 3)}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.text(max_size=8), max_size=400),
    st.sampled_from(sorted(GRAPHS)),
)
def test_chunks_give_every_text_its_own_score_in_order(texts: list[str], setting: tuple[int, int]) -> None:
    batch = tf.constant(texts, tf.string, shape=[len(texts)])
    got = GRAPHS[setting](batch).numpy()
    np.testing.assert_array_equal(got, score(batch).numpy())


def test_a_batch_is_cut_into_equal_chunks_of_at_most_most_texts() -> None:
    seen: list[int] = []

    def recording(texts: tf.Tensor) -> tf.Tensor:
        """The texts' lengths; remembers each call's batch size when it runs."""
        size = tf.py_function(lambda n: seen.append(int(n)) or 0.0, [tf.size(texts)], tf.float32)
        return tf.cast(tf.strings.length(texts), tf.float32) + size

    texts = tf.constant(["a", "bb", "ccc", "dddd", "eeeee", "ffffff", "ggggggg"])
    assert in_chunks(recording, texts, most=3).numpy().tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert sorted(seen) == [2, 2, 3]  # ceil(7 / 3) = 3 chunks, as equal as 7 texts allow
    seen.clear()
    in_chunks(recording, texts, most=7)
    assert seen == [7]  # no more than ``most`` texts: one call


def test_the_traced_graph_keeps_one_value_per_text() -> None:
    """TF Serving's signature reads the output's static shape: ``[None]``, not unknown."""
    assert GRAPHS[(3, 2)].get_concrete_function().structured_outputs.shape.as_list() == [None]


def test_settings_below_one_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        in_chunks(score, tf.constant(["a"]), most=0)
