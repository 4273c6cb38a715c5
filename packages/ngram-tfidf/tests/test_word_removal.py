"""Leaving a word out, word by word, gives what the layer gives for the shortened text."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ngram_tfidf import (
    NgramTfidf,
    each_word,
    fit_logistic,
    ngram_logits_without_word,
    texts_without_word,
    without_word,
)

# words the cleaning treats specially, beside plain ones
TRICKY = [
    "don't", "I'm", "3.5", "1,000", "&amp;", "&lt;3", "&amp;amp;", "@Fire_Dept:", "@", "#", "--",
    "#wildfire", "FIRE!!!", "x", "a", "fire", "near", "http://t.co/x", "www.x.org/a", "\u00a0",
    "fire-fighters", "north/south/west",
    "na\u00efve", "caf\u00e9\u2019s", "a\u200bb", "\ufffd", "\U0001f525\U0001f525", "!" * 40,
]  # fmt: skip


@pytest.fixture(scope="module")
def layer(tweets) -> NgramTfidf:
    return fit_logistic(*tweets).layer


def shortened(texts: list[str]) -> tuple[tf.RaggedTensor, tf.Tensor, tf.Tensor, list[str]]:
    """The split words, every (text, word) pair, and the texts each pair leaves (in Python)."""
    words = tf.strings.split(tf.constant(texts, tf.string))
    rows, position, variants = [], [], []
    for row, split in enumerate(words.to_list()):  # its words: split on ASCII whitespace only
        split = [w.decode("utf-8") for w in split]
        for i in range(len(split)):
            rows.append(row)
            position.append(i)
            variants.append(" ".join(split[:i] + split[i + 1 :]))
    as_int = lambda values: tf.constant(values, tf.int64, shape=[len(values)])  # noqa: E731
    return words, as_int(rows), as_int(position), variants


def texts_of(data: st.DataObject, tweets: list[str]) -> list[str]:
    word = st.one_of(
        st.sampled_from(TRICKY),
        st.sampled_from(" ".join(tweets[:30]).split()),
        st.text(min_size=1, max_size=8).filter(lambda w: w.split() == [w]),
    )
    return data.draw(st.lists(st.lists(word, max_size=40).map(" ".join), min_size=1, max_size=4))


EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@EXAMPLES
@given(st.data())
def test_logits_without_a_word_are_the_layers_on_the_shortened_text(layer, tweets, data) -> None:
    words, rows, position, variants = shortened(texts_of(data, tweets[0]))
    got = ngram_logits_without_word(layer, words, rows, position).numpy()
    np.testing.assert_allclose(got, layer(tf.constant(variants, tf.string)).numpy(), rtol=1e-5, atol=1e-5)
    every_rows, every_position = each_word(words)
    np.testing.assert_array_equal(every_rows.numpy(), rows.numpy())
    np.testing.assert_array_equal(every_position.numpy(), position.numpy())
    assert [t.decode("utf-8") for t in texts_without_word(words, rows, position).numpy()] == variants


@EXAMPLES
@given(st.data())
def test_leaving_out_no_word_gives_the_layers_logit_of_the_text_as_written(layer, tweets, data) -> None:
    """Position -1 keeps every word: the layer's logit of the raw text, whatever blanks separate
    its words, beside variants that do leave a word out (in the same call)."""
    blank = st.sampled_from([" ", "  ", "\t", "\n", " \r\n ", "\x0b", "\x0c"])
    texts = [
        "".join(data.draw(blank) + word for word in text.split(" "))
        + data.draw(st.sampled_from(["", " ", "\n"]))
        for text in texts_of(data, tweets[0])
    ]
    words, rows, position, variants = shortened(texts)
    whole = tf.range(len(texts), dtype=tf.int64)
    got = ngram_logits_without_word(
        layer, words, tf.concat([whole, rows], 0), tf.concat([-tf.ones_like(whole), position], 0)
    ).numpy()
    expected = layer(tf.constant(texts + variants, tf.string)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_a_text_of_one_word_leaves_the_bias(layer) -> None:
    words, rows, position, variants = shortened(["Fire!"])
    assert variants == [""]
    np.testing.assert_allclose(
        ngram_logits_without_word(layer, words, rows, position).numpy(), [[float(layer.bias.numpy())]]
    )


def test_items_of_the_left_out_word_go() -> None:
    words = tf.strings.split(tf.constant(["a b", "c"]))
    items = tf.ragged.constant([[1, 1], [], [3]], tf.int64)
    rows, position = tf.constant([0, 0, 1], tf.int64), tf.constant([0, 1, 0], tf.int64)
    assert without_word(items, words, rows, position).to_list() == [[], [1, 1], []]
