"""N-gram keys: the cleaning, and one distinct key per distinct n-gram string (no collisions, none lost)."""

from __future__ import annotations

import re

import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from ngram_tfidf import clean, ngram_keys
from ngram_tfidf.keys import WORD_FLAG


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
