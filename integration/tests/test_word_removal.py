"""Leaving a word out, word by word, gives what the GloVe lookup gives for the shortened text.

The n-gram layer's counterpart is tested in packages/ngram-tfidf."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glove_lookup import GloveLookup
from ngram_tfidf import each_word, texts_without_word
from tweet_classifier import read_tweets, sample_csv
from tweet_classifier.model.word_removal import token_ids_without_word
from tweet_classifier.training import training_vocabulary

SAMPLE = list(read_tweets(sample_csv(), labelled=True).texts)
# words the cleaning and the standardisation treat specially, beside plain ones
TRICKY = [
    "don't",
    "I'm",
    "3.5",
    "1,000",
    "&amp;",
    "&lt;3",
    "&amp;amp;",
    "@Fire_Dept:",
    "@",
    "#",
    "--",
    "#wildfire",
    "FIRE!!!",
    "x",
    "a",
    "fire",
    "near",
    "http://t.co/x",
    "www.x.org/a",
    "\u00a0",
    "na\u00efve",
    "caf\u00e9\u2019s",
    "a\u200bb",
    "\ufffd",
    "\U0001f525\U0001f525",
    "!" * 40,  # more tokens than a sequence holds
]
words_st = st.lists(
    st.one_of(
        st.sampled_from(TRICKY),
        st.sampled_from(" ".join(SAMPLE[:30]).split()),
        st.text(min_size=1, max_size=8).filter(lambda w: w.split() == [w]),
    ),
    min_size=0,
    max_size=40,
)


@pytest.fixture(scope="module")
def lookup(glove) -> GloveLookup:
    wv = glove.restrict(vocabulary=training_vocabulary(SAMPLE), top_n=500)
    return GloveLookup(wv, sequence_length=20)


def shortened(texts: list[str]) -> tuple[tf.RaggedTensor, tf.Tensor, tf.Tensor, list[str]]:
    """The split words, every (text, word) pair, and the texts each pair leaves."""
    words = tf.strings.split(tf.constant(texts, tf.string))
    rows, position = each_word(words)
    variants = [t.decode("utf-8") for t in texts_without_word(words, rows, position).numpy()]
    return words, rows, position, variants  # texts_without_word: checked against Python in ngram-tfidf


EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TEXTS = st.lists(words_st, min_size=1, max_size=4).map(lambda texts: [" ".join(words) for words in texts])


@EXAMPLES
@given(TEXTS)
def test_token_ids_without_a_word_are_the_lookups_of_the_shortened_text(lookup, texts: list[str]) -> None:
    words, rows, position, variants = shortened(texts)
    got = token_ids_without_word(lookup, words, rows, position).numpy()
    np.testing.assert_array_equal(got, lookup.token_ids(tf.constant(variants, tf.string)).numpy())


@EXAMPLES
@given(TEXTS, st.lists(st.sampled_from([" ", "  ", "\t", "\n", " \r\n "]), min_size=45, max_size=45))
def test_leaving_out_no_word_gives_the_lookups_of_the_text_as_written(
    lookup, texts: list[str], blanks: list[str]
) -> None:
    """Position -1 keeps every word: the lookup's ids of the raw text, whatever its blanks."""
    written = ["".join(b + w for b, w in zip(blanks, text.split(" "), strict=False)) for text in texts]
    words = tf.strings.split(tf.constant(written, tf.string))
    whole = tf.range(len(written), dtype=tf.int64)
    got = token_ids_without_word(lookup, words, whole, -tf.ones_like(whole)).numpy()
    np.testing.assert_array_equal(got, lookup.token_ids(tf.constant(written, tf.string)).numpy())


def test_a_text_of_one_word_leaves_nothing(lookup) -> None:
    words, rows, position, variants = shortened(["Fire!"])
    assert variants == [""]
    assert token_ids_without_word(lookup, words, rows, position).numpy().tolist() == [[0] * 20]
