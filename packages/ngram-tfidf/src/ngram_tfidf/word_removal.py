"""An :class:`~ngram_tfidf.NgramTfidf`'s logit of a text with one word left out, from its words.

Scoring every text once per word, each time without that word (the other blank-separated
words joined by one blank), is what a word-by-word explanation needs. Rebuilding those
texts and reading them again would re-clean and re-hash every character of every
shortened text. Here each text's n-grams are counted once, and each variant's block sums
are its text's less what changes (exact sums, in float64): the removed word's character
n-grams, and for word n-grams, which cross words, the ones holding the word's tokens less
the few that now bridge the gap. This is exact because the cleaning never looks across a
blank, so a text's n-grams are its words' put together; the tests check it against the
layer on the shortened texts.

Arguments shared by the functions: ``words`` ragged ``[texts, (words)]``
(``tf.strings.split`` of the texts), ``rows`` and ``position`` int64 ``[variants]``: the
text of each variant and the word it leaves out; a ``position`` of -1 leaves out none (the
whole text, read from its words: what the layer gives for the text itself, as splitting on
blanks and joining with one blank never changes what the layer reads).
"""

from __future__ import annotations

from typing import NamedTuple

import tensorflow as tf

from ngram_tfidf.keys import (
    WORD_NGRAMS,
    char_ngram_keys,
    clean,
    token_fingerprints,
    word_ngram_key,
    word_ngram_keys,
)
from ngram_tfidf.layer import NgramTfidf


class _TextCounts(NamedTuple):
    """A block's n-grams of each text: sorted ``(rows, column)`` pairs, their counts, the sums."""

    rows: tf.Tensor
    column: tf.Tensor
    counts: tf.Tensor
    sums: tf.Tensor


def without_word(
    per_word: tf.RaggedTensor, words: tf.RaggedTensor, rows: tf.Tensor, position: tf.Tensor
) -> tf.RaggedTensor:
    """``[variants, (items)]``: each variant's text's items (``per_word``: ``[all words,
    (items)]``, the words of every text in order) without those of the word it leaves out.

    >>> words = tf.strings.split(tf.constant(["a b c"]))
    >>> items = tf.ragged.constant([[1], [2, 3], [4]], tf.int64)
    >>> without_word(items, words, tf.constant([0, 0], tf.int64), tf.constant([1, 2], tf.int64)).to_list()
    [[1, 4], [1, 2, 3]]
    """
    by_text = tf.RaggedTensor.from_row_lengths(per_word, words.row_lengths())  # [texts, (words), (items)]
    return other_words(by_text, rows, position).merge_dims(1, 2)


def other_words(by_text: tf.RaggedTensor, rows: tf.Tensor, position: tf.Tensor) -> tf.RaggedTensor:
    """``[variants, (words), ...]``: the words (``by_text``: ``[texts, (words), ...]``) of each
    variant's text but the one it leaves out.

    >>> words = tf.strings.split(tf.constant(["a b c"]))
    >>> other_words(words, tf.constant([0], tf.int64), tf.constant([0], tf.int64)).to_list()
    [[b'b', b'c']]
    """
    others = tf.gather(by_text, rows)
    keep = tf.not_equal(tf.ragged.range(others.row_lengths()), tf.expand_dims(position, 1))
    return tf.ragged.boolean_mask(others, keep)


def each_word(words: tf.RaggedTensor, max_words: int | None = None) -> tuple[tf.Tensor, tf.Tensor]:
    """``(rows, position)``: the text and the position of every word (the first ``max_words`` of each).

    >>> rows, position = each_word(tf.strings.split(tf.constant(["a b c", "d"])), max_words=2)
    >>> rows.numpy().tolist(), position.numpy().tolist()
    ([0, 0, 1], [0, 1, 0])
    """
    rows = words.value_rowids()
    position = tf.range(tf.size(rows, out_type=tf.int64)) - tf.gather(words.row_starts(), rows)
    if max_words is None:
        return rows, position
    kept = position < max_words
    return tf.boolean_mask(rows, kept), tf.boolean_mask(position, kept)


def texts_without_word(words: tf.RaggedTensor, rows: tf.Tensor, position: tf.Tensor) -> tf.Tensor:
    """string ``[variants]``: each variant's text, its other words joined by one blank.

    >>> words = tf.strings.split(tf.constant(["a b c"]))
    >>> texts_without_word(words, *each_word(words)).numpy().tolist()
    [b'b c', b'a c', b'a b']
    """
    return tf.strings.reduce_join(other_words(words, rows, position), axis=1, separator=" ")


def ngram_logits_without_word(
    layer: NgramTfidf, words: tf.RaggedTensor, rows: tf.Tensor, position: tf.Tensor
) -> tf.Tensor:
    """float32 ``[variants, 1]``: ``layer``'s logit of each shortened text."""
    cleaned = clean(words.flat_values)  # each word alone: the cleaning never crosses a blank
    char_part = _char_block_without_word(layer, cleaned, words, rows, position)
    word_part = _word_block_without_word(layer, cleaned, words, rows, position)
    return tf.cast(tf.expand_dims(char_part + word_part, 1), tf.float32) + layer.bias


def _text_sums(layer: NgramTfidf, rows: tf.Tensor, keys: tf.Tensor, texts: tf.Tensor) -> _TextCounts:
    """Each text's counted n-grams (sorted by ``(text, column)``) and its block's three sums:
    ``value * weight``, ``value^2`` and the number of distinct n-grams."""
    text_rows, column, counts = _counted(layer, rows, keys)
    value = _value(layer, column, counts)
    ones = tf.ones_like(value)
    sums = tf.math.unsorted_segment_sum(
        tf.stack([value * _weight(layer, column), value**2, ones], 1), text_rows, texts
    )
    return _TextCounts(text_rows, column, counts, sums)


def _count_in_text(layer: NgramTfidf, text: _TextCounts, text_of: tf.Tensor, column: tf.Tensor) -> tf.Tensor:
    """int64: text ``text_of``'s count of n-gram ``column`` (0 where it has none)."""
    size = tf.constant(layer.vocabulary_size, tf.int64)
    pairs = tf.concat([text.rows * size + text.column, [tf.int64.max]], 0)  # sorted; a sentinel ends them
    wanted = text_of * size + column
    at = tf.searchsorted(pairs, wanted)
    return tf.where(tf.gather(pairs, at) == wanted, tf.gather(tf.concat([text.counts, [0]], 0), at), 0)


def _lost(
    layer: NgramTfidf,
    column: tf.Tensor,
    had: tf.Tensor,
    delta: tf.Tensor,
    segment: tf.Tensor,
    segments: tf.Tensor,
) -> tf.Tensor:
    """float64 ``[segments, 3]``: what a text's block sums lose when the count of n-gram
    ``column`` goes from ``had`` to ``had + delta``, summed by ``segment``."""
    before, after = _value(layer, column, had), _value(layer, column, had + delta)
    terms = [
        (before - after) * _weight(layer, column),
        before**2 - after**2,
        tf.cast(had > 0, tf.float64) - tf.cast(had + delta > 0, tf.float64),  # distinct n-grams
    ]
    return tf.math.unsorted_segment_sum(tf.stack(terms, 1), segment, segments)


def _block_left(text_sums: tf.Tensor, rows: tf.Tensor, lost: tf.Tensor) -> tf.Tensor:
    """float64 ``[variants]``: the block of each variant's text after ``lost`` (``[variants, 3]``)."""
    left = tf.gather(text_sums, rows) - lost
    return tf.where(left[:, 2] > 0.5, left[:, 0] / tf.sqrt(tf.maximum(left[:, 1], 1e-300)), 0.0)


def _char_block_without_word(
    layer: NgramTfidf, cleaned: tf.Tensor, words: tf.RaggedTensor, rows: tf.Tensor, position: tf.Tensor
) -> tf.Tensor:
    """float64 ``[variants]``: the character block of each shortened text, from count differences.

    A text's n-gram with count ``c`` of which its removed word holds ``d`` keeps ``c - d``;
    the text's sums lose the difference of that n-gram's terms.
    """
    word_of, keys = char_ngram_keys(cleaned)
    all_words = tf.size(words.flat_values, out_type=tf.int64)
    word_text = words.value_rowids()
    text = _text_sums(layer, tf.gather(word_text, word_of), keys, words.nrows())
    # each word's own counts of its n-grams, taken out of its text's counts of the same n-grams
    pair_word, pair_column, pair_counts = layer.counts(word_of, keys)
    had = _count_in_text(layer, text, tf.gather(word_text, pair_word), pair_column)
    lost = _lost(layer, pair_column, had, -pair_counts, pair_word, all_words)
    # the removed word's losses; a variant that removes none (position -1) takes the zero row
    removed = tf.where(position >= 0, tf.gather(words.row_splits, rows) + position, all_words)
    lost = tf.concat([lost, tf.zeros([1, 3], tf.float64)], 0)
    return _block_left(text.sums, rows, tf.gather(lost, removed))


def _word_block_without_word(
    layer: NgramTfidf, cleaned: tf.Tensor, words: tf.RaggedTensor, rows: tf.Tensor, position: tf.Tensor
) -> tf.Tensor:
    """float64 ``[variants]``: the word block of each shortened text, from count differences.

    Word n-grams cross words, so leaving a word out loses the text's n-grams that hold any of
    its tokens and gains those that now bridge the gap (one bigram and two trigrams at most);
    a word without tokens changes nothing.
    """
    per_word = token_fingerprints(cleaned)  # [all words, (tokens)]
    tokens = tf.RaggedTensor.from_row_lengths(per_word, words.row_lengths()).merge_dims(1, 2)
    text_of, keys = word_ngram_keys(tokens)  # one block of len(flat tokens) keys per n-gram length
    text = _text_sums(layer, text_of, keys, words.nrows())
    # the removed word's tokens [start, end) and its text's [first, last), as flat token indices
    splits = per_word.row_splits
    word = tf.where(position >= 0, tf.gather(words.row_splits, rows) + position, 0)
    start = tf.gather(splits, word)
    end = tf.where(
        position >= 0, tf.gather(splits, tf.minimum(word + 1, tf.size(splits, tf.int64) - 1)), start
    )
    first, last = tf.gather(tokens.row_splits, rows), tf.gather(tokens.row_splits, rows + 1)
    size = tf.size(tokens.flat_values, out_type=tf.int64)
    removes = end > start
    # lost: the n-grams of length n starting in [max(start - n + 1, first), end) (none if start == end)
    by_length = []
    for n in range(WORD_NGRAMS[0], WORD_NGRAMS[1] + 1):
        begin = tf.where(removes, tf.maximum(start - n + 1, first), end)
        slots = tf.ragged.range(begin, end) + (n - WORD_NGRAMS[0]) * size
        by_length.append(slots.with_flat_values(tf.gather(keys, slots.flat_values)))
    lost_keys = tf.concat(by_length, axis=1)
    # gained: the n-grams across the gap, of tokens start - 2, start - 1 | end, end + 1
    flat = tf.concat([tokens.flat_values, [0]], 0)  # one more, so a batch without tokens can gather
    at = lambda i: tf.gather(flat, tf.clip_by_value(i, 0, size))  # noqa: E731
    bridges = [
        (word_ngram_key([at(start - 1), at(end)]), start - 1 >= first, end < last),
        (word_ngram_key([at(start - 2), at(start - 1), at(end)]), start - 2 >= first, end < last),
        (word_ngram_key([at(start - 1), at(end), at(end + 1)]), start - 1 >= first, end + 1 < last),
    ]
    gained = tf.stack([tf.where(removes & before & after, key, -1) for key, before, after in bridges], 1)
    variants = tf.size(rows, out_type=tf.int64)
    delta_rows = tf.concat([lost_keys.value_rowids() * 2, tf.repeat(tf.range(variants) * 2 + 1, 3)], 0)
    delta_keys = tf.concat([lost_keys.flat_values, tf.reshape(gained, [-1])], 0)
    return _block_left(text.sums, rows, _changed(layer, text, rows, delta_rows, delta_keys, variants))


def _changed(
    layer: NgramTfidf,
    text: _TextCounts,
    rows: tf.Tensor,
    delta_rows: tf.Tensor,
    delta_keys: tf.Tensor,
    variants: tf.Tensor,
) -> tf.Tensor:
    """float64 ``[variants, 3]``: what each variant's text loses from its block's sums when the
    n-grams ``delta_keys`` of variant ``delta_rows // 2`` are taken out (even rows) or put in (odd)."""
    signed_rows, column, counts = layer.counts(delta_rows, delta_keys)
    vocabulary = tf.constant(layer.vocabulary_size, tf.int64)
    pairs = (signed_rows // 2) * vocabulary + column
    distinct, index = tf.unique(pairs, out_idx=tf.int64)
    sign = tf.where(signed_rows % 2 == 1, counts, -counts)
    delta = tf.math.unsorted_segment_sum(sign, index, tf.size(distinct, out_type=tf.int64))
    variant, column = distinct // vocabulary, distinct % vocabulary
    had = _count_in_text(layer, text, tf.gather(rows, variant), column)
    return _lost(layer, column, had, delta, variant, variants)


def _counted(layer: NgramTfidf, rows: tf.Tensor, keys: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """:meth:`NgramTfidf.counts`, sorted by ``(row, column)``."""
    rows, column, counts = layer.counts(rows, keys)
    order = tf.argsort(rows * tf.constant(layer.vocabulary_size, tf.int64) + column)
    return tf.gather(rows, order), tf.gather(column, order), tf.gather(counts, order)


def _value(layer: NgramTfidf, column: tf.Tensor, counts: tf.Tensor) -> tf.Tensor:
    """float64 TF-IDF value ``(1 + ln count) * idf`` of each n-gram, 0 for a count of 0."""
    idf = tf.cast(tf.gather(layer.idf, column), tf.float64)
    logs = tf.math.log(tf.cast(tf.maximum(counts, 1), tf.float64))
    return tf.where(counts > 0, (1.0 + logs) * idf, 0.0)


def _weight(layer: NgramTfidf, column: tf.Tensor) -> tf.Tensor:
    return tf.cast(tf.gather(layer.kernel, column), tf.float64)
