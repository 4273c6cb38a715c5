"""standardize(): the tweet rules, idempotence, and robustness on any Unicode."""

from __future__ import annotations

import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glove_lookup import standardize


def run(texts: list[str], mode: object = "tweet") -> list[str]:
    return [t.decode("utf-8") for t in standardize(tf.constant(texts), mode).numpy()]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Forest FIRE near La Ronge", "forest fire near la ronge"),
        ("ÉCOLE ΣΟΦΊΑ", "école σοφία"),
        ("see http://t.co/abc and https://x.y/z?q=1 or www.site.com now", "see and or now"),
        ("fish &amp; chips &lt;3 &quot;hot&quot;", 'fish & chips < 3 " hot "'),
        ("#Earthquake hits @City_Hall", "# earthquake hits @ city hall"),
        ("wow!!! (really)", "wow ! ! ! ( really )"),
        ("I don't think it's over", "i do n't think it 's over"),
        ("it\u2019s 3.5 km, 1,000 people", "it 's 3.5 km , 1,000 people"),
        ("fire🔥now", "fire 🔥 now"),
        ("tabs\tand\nnew\u00a0lines\u200b!", "tabs and new lines !"),
        ("", ""),
    ],
)
def test_tweet_mode(raw: str, expected: str) -> None:
    assert run([raw]) == [expected]


def test_other_modes() -> None:
    assert run(["Hello, World! #1"], "lower_and_strip_punctuation") == ["hello world 1"]
    assert run(["Keep AS is!"], None) == ["Keep AS is!"]
    assert run(["abc"], lambda t: tf.strings.upper(t)) == ["ABC"]
    with pytest.raises(ValueError, match="standardize mode"):
        standardize(tf.constant(["x"]), "shout")


def test_invalid_utf8_is_replaced_not_an_error() -> None:
    out = standardize(tf.constant([b"bad \xff bytes"])).numpy()[0].decode("utf-8")
    assert out == "bad \ufffd bytes"


def test_shape_is_kept() -> None:
    assert standardize(tf.constant([["A"], ["B"]])).shape == (2, 1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.text(max_size=60), min_size=1, max_size=8),
    st.sampled_from(["tweet", "lower_and_strip_punctuation"]),
)
def test_idempotent_and_clean(texts: list[str], mode: str) -> None:
    once = standardize(tf.constant(texts), mode)
    twice = standardize(once, mode)
    assert once.numpy().tolist() == twice.numpy().tolist()
    for value in once.numpy():
        text = value.decode("utf-8")
        assert text == text.strip() and "  " not in text
