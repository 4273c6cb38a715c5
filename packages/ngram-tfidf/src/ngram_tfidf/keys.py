"""N-gram keys in core TF ops: the light cleaning and the 62-bit key of every n-gram of a text.

Character 1..6-grams of each blank-separated word padded with one blank on each side (as
scikit-learn's ``char_wb``), and word 1..3-grams of the tokens of two or more
letters/digits, both from the same light cleaning (HTML entities decoded, URLs -> ``url``,
``@user`` for mentions, ``#`` dropped, lowercase).

An n-gram is never built as a string: :func:`ngram_keys` hashes the code points of each
character n-gram (and the fingerprints of each word n-gram's tokens) with 64-bit FNV-1a
steps in integer ops, so an n-gram is a 62-bit key (word n-grams have bit 62 set).
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

CHAR_NGRAMS = (1, 6)
WORD_NGRAMS = (1, 3)
WORD_FLAG = 1 << 62  # set in the keys of word n-grams; character n-gram keys are below it
_FNV_PRIME = 0x100000001B3
_CHAR_SEED = 0xCBF29CE484222325  # FNV-1a's offset basis
_WORD_SEED = 0x84222325CBF29CE4
_HTML = (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&#x27;", "'"))


def clean(texts: Any) -> tf.Tensor:
    """Light cleaning before n-grams: lowercase, entities decoded, URLs/mentions/hashes normalised.

    >>> clean(tf.constant(["RT @Fire_Dept: Forest FIRE &amp; #smoke http://t.co/x"])).numpy()
    array([b'rt @user: forest fire & smoke url'], dtype=object)
    """
    rx = tf.strings.regex_replace
    x = tf.strings.unicode_transcode(
        tf.convert_to_tensor(texts, tf.string), "UTF-8", "UTF-8", errors="replace", replacement_char=0xFFFD
    )
    x = rx(x, r"[\pC\pZ]", " ")
    x = tf.strings.lower(x, encoding="utf-8")
    for entity, char in _HTML:
        x = rx(x, entity, char)
    x = rx(x, r"(?:https?://|www\.)\S*", "url")
    x = rx(x, r"@[\pL\pN_]+", "@user")
    return tf.strings.strip(rx(x, "#", ""))


def _rolling_keys(
    symbols: tf.Tensor, end: tf.Tensor, lengths: tuple[int, int], seed: int, flag: int
) -> tf.Tensor:
    """FNV-1a hashes of the n-grams (``lengths`` inclusive) starting at each position of ``symbols``.

    ``symbols`` is uint64 ``[size]``, ``end`` int64 ``[size]`` the (exclusive) end of the
    segment (word or text) each position belongs to. Returns int64 ``[k * size]``, one block
    of ``size`` per length: the hash's top 62 bits or'ed with ``flag`` where the n-gram fits
    its segment, else -1. Few ops on purpose: a single tweet's latency is mostly op overhead.
    """
    shortest, longest = lengths
    size = tf.shape(symbols, out_type=tf.int64)[0]
    position = tf.range(size)
    padded = tf.concat([symbols, tf.zeros([longest - 1], tf.uint64)], axis=0)
    windows = [padded[offset : offset + size] for offset in range(longest)]  # slices: cheaper than a gather
    digest = tf.fill([size], tf.constant(seed, tf.uint64))
    digests = []
    for n, symbol in enumerate(windows, start=1):
        digest = _fnv_step(digest, symbol)
        if n >= shortest:
            digests.append(digest)
    keys = _key(tf.stack(digests), flag)
    fits = position + tf.range(shortest, longest + 1, dtype=tf.int64)[:, tf.newaxis] <= end
    return tf.reshape(tf.where(fits, keys, tf.constant(-1, tf.int64)), [-1])


def _fnv_step(digest: tf.Tensor, symbol: tf.Tensor) -> tf.Tensor:
    return tf.bitwise.bitwise_xor(digest, symbol) * tf.constant(_FNV_PRIME, tf.uint64)


def _key(digest: tf.Tensor, flag: int) -> tf.Tensor:
    """int64: the digest's top 62 bits, or'ed with ``flag``."""
    top = tf.bitwise.right_shift(digest, tf.constant(2, tf.uint64))
    return tf.bitcast(tf.bitwise.bitwise_or(top, tf.constant(flag, tf.uint64)), tf.int64)


def word_ngram_key(fingerprints: list[tf.Tensor]) -> tf.Tensor:
    """int64 ``[n]``: the key of the word n-gram of each row's tokens, ``fingerprints`` one
    int64 ``[n]`` tensor per token in order (what :func:`word_ngram_keys` gives that n-gram).

    >>> tokens = token_fingerprints(tf.constant(["forest fire"]))
    >>> _, keys = word_ngram_keys(tokens)
    >>> bigram = word_ngram_key([tokens.flat_values[:1], tokens.flat_values[1:]])
    >>> bool(bigram.numpy()[0] in keys.numpy())
    True
    """
    digest = tf.fill(tf.shape(fingerprints[0]), tf.constant(_WORD_SEED, tf.uint64))
    for token in fingerprints:
        digest = _fnv_step(digest, tf.cast(token, tf.uint64))
    return _key(digest, WORD_FLAG)


def ngram_keys(texts: Any) -> tuple[tf.Tensor, tf.Tensor]:
    """``(rows, keys)``, int64 ``[n]`` each: the text and the key of every n-gram slot.

    Character n-grams come first (keys below :data:`WORD_FLAG`), then word n-grams (keys
    with it set). A slot whose n-gram would run past its word (or text) has key -1. Order
    within a text is not meaningful: only the multiset of keys is.

    >>> rows, keys = ngram_keys(tf.constant(["ab", ""]))
    >>> int((keys.numpy() >= 0).sum()), sorted(set(rows.numpy().tolist()))  # " ab ": 4+3+2+1; "ab"
    (11, [0])
    """
    cleaned = clean(texts)
    char_rows, char_keys = char_ngram_keys(cleaned)
    word_rows, word_keys = word_ngram_keys(token_fingerprints(cleaned))
    return tf.concat([char_rows, word_rows], axis=0), tf.concat([char_keys, word_keys], axis=0)


def char_ngram_keys(cleaned: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """``(rows, keys)`` of the character n-grams of :func:`clean`'s texts (-1 for empty slots).

    Each blank-separated word has its own n-grams, so the keys of a text are those of its
    words put together: the explain signature counts a text's keys word by word.
    """
    words = tf.strings.split(cleaned)
    padded = tf.strings.join([" ", words.flat_values, " "])
    chars = tf.strings.unicode_decode(padded, "UTF-8", errors="replace")  # [words, (chars)]
    char_word = chars.value_rowids()
    char_end = tf.gather(chars.row_splits[1:], char_word)
    keys = _rolling_keys(tf.cast(chars.flat_values, tf.uint64), char_end, CHAR_NGRAMS, _CHAR_SEED, 0)
    rows = tf.gather(words.value_rowids(), char_word)
    return tf.tile(rows, [CHAR_NGRAMS[1] - CHAR_NGRAMS[0] + 1]), keys


def token_fingerprints(cleaned: tf.Tensor) -> tf.RaggedTensor:
    """int64 ``[texts, (tokens)]``: a fingerprint of each token of two or more letters/digits."""
    tokens = tf.strings.split(tf.strings.regex_replace(cleaned, r"[^\pL\pN_]+", " "))
    tokens = tf.ragged.boolean_mask(tokens, tf.strings.length(tokens, unit="UTF8_CHAR") >= 2)
    return tokens.with_flat_values(tf.strings.to_hash_bucket_fast(tokens.flat_values, (1 << 63) - 1))


def word_ngram_keys(fingerprints: tf.RaggedTensor) -> tuple[tf.Tensor, tf.Tensor]:
    """``(rows, keys)`` of the word n-grams of each row of token fingerprints (-1 for empty slots)."""
    token_rows = fingerprints.value_rowids()
    token_end = tf.gather(fingerprints.row_splits[1:], token_rows)
    symbols = tf.cast(fingerprints.flat_values, tf.uint64)
    keys = _rolling_keys(symbols, token_end, WORD_NGRAMS, _WORD_SEED, WORD_FLAG)
    return tf.tile(token_rows, [WORD_NGRAMS[1] - WORD_NGRAMS[0] + 1]), keys
