"""An :class:`~ngram_tfidf.NgramTfidf`'s logit of a text with one word left out, from its words.

Scoring every text once per word, each time without that word (the other blank-separated
words joined by one blank), is what a word-by-word explanation needs. Rebuilding those
texts and reading them again would re-clean and re-hash every character of every
shortened text. Here each word's character n-grams are counted once and the removed word's
counts are taken out of its text's (exact sums, in float64); the word n-grams, which cross
words, are hashed again from the remaining tokens. This is exact because the cleaning
never looks across a blank, so a text's n-grams are its words' put together; the tests
check it against the layer on the shortened texts.

Arguments shared by the functions: ``words`` ragged ``[texts, (words)]``
(``tf.strings.split`` of the texts), ``rows`` and ``position`` int64 ``[variants]``: the
text of each variant and the word it leaves out; a ``position`` of -1 leaves out none (the
whole text, read from its words: what the layer gives for the text itself, as splitting on
blanks and joining with one blank never changes what the layer reads).
"""

from __future__ import annotations

import tensorflow as tf

from ngram_tfidf.keys import char_ngram_keys, clean, token_fingerprints, word_ngram_keys
from ngram_tfidf.layer import NgramTfidf


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
    tokens = without_word(token_fingerprints(cleaned), words, rows, position)
    variant, keys = word_ngram_keys(tokens)
    word_part = _block(layer, variant, keys, tf.size(rows, out_type=tf.int64))
    return tf.cast(tf.expand_dims(char_part + word_part, 1), tf.float32) + layer.bias


def _block(layer: NgramTfidf, rows: tf.Tensor, keys: tf.Tensor, size: tf.Tensor) -> tf.Tensor:
    """float64 ``[size]``: one block's ``sum(value * weight) / sqrt(sum(value^2))`` per row."""
    rows, column, counts = _counted(layer, rows, keys)
    value = _value(layer, column, counts)
    sums = tf.math.unsorted_segment_sum(tf.stack([value * _weight(layer, column), value**2], 1), rows, size)
    return tf.math.divide_no_nan(sums[:, 0], tf.sqrt(sums[:, 1]))


def _char_block_without_word(
    layer: NgramTfidf, cleaned: tf.Tensor, words: tf.RaggedTensor, rows: tf.Tensor, position: tf.Tensor
) -> tf.Tensor:
    """float64 ``[variants]``: the character block of each shortened text, from count differences.

    A text's n-gram with count ``c`` of which its removed word holds ``d`` keeps ``c - d``;
    the text's sums lose the difference of that n-gram's terms.
    """
    word_of, keys = char_ngram_keys(cleaned)
    texts, all_words = words.nrows(), tf.size(words.flat_values, out_type=tf.int64)
    word_text = words.value_rowids()
    text_of = tf.gather(word_text, word_of)
    text_rows, text_column, text_counts = _counted(layer, text_of, keys)
    in_text = _value(layer, text_column, text_counts)
    weight = _weight(layer, text_column)
    text_sums = tf.math.unsorted_segment_sum(
        tf.stack([in_text * weight, in_text**2, tf.ones_like(in_text)], 1), text_rows, texts
    )
    # each word's own counts of its n-grams, and its text's count of the same n-grams
    size = tf.constant(layer.vocabulary_size, tf.int64)
    pair_word, pair_column, pair_counts = _counted(layer, word_of, keys)
    text_pairs = tf.gather(word_text, pair_word) * size + pair_column
    at = tf.searchsorted(text_rows * size + text_column, text_pairs)  # _counted sorts the pairs
    before = tf.gather(in_text, at)
    remaining = tf.gather(text_counts, at) - pair_counts
    after = _value(layer, pair_column, remaining)
    lost = tf.math.unsorted_segment_sum(
        tf.stack(
            [
                (before - after) * tf.gather(weight, at),
                before**2 - after**2,
                tf.cast(remaining == 0, tf.float64),
            ],
            1,
        ),
        pair_word,
        all_words,
    )
    # the removed word's losses; a variant that removes none (position -1) takes the zero row
    removed = tf.where(position >= 0, tf.gather(words.row_splits, rows) + position, all_words)
    lost = tf.concat([lost, tf.zeros([1, 3], tf.float64)], 0)
    left = tf.gather(text_sums, rows) - tf.gather(lost, removed)  # [variants, 3]
    return tf.where(left[:, 2] > 0.5, left[:, 0] / tf.sqrt(tf.maximum(left[:, 1], 1e-300)), 0.0)


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
