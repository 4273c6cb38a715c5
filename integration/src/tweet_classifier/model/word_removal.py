"""What the GloVe lookup gives for a text with one word left out, from its words alone.

The explain signature scores every text of a batch once per word, each time without that
word. A :class:`~glove_lookup.GloveLookup` standardises each word once; a shortened text's
ids are its other words' ids, in order, cut to the sequence length. That is exact because
the standardisation never looks across a blank. The n-gram layer's counterpart is
:func:`ngram_tfidf.ngram_logits_without_word`.
"""

from __future__ import annotations

import tensorflow as tf

from glove_lookup import GloveLookup
from ngram_tfidf import without_word


def token_ids_without_word(
    lookup: GloveLookup, words: tf.RaggedTensor, rows: tf.Tensor, position: tf.Tensor
) -> tf.Tensor:
    """int64 ``[variants, sequence_length]``: ``lookup.token_ids`` of each shortened text.

    A word's tokens are cut at the sequence length too: more of them could not be read.
    """
    ids = lookup.token_ids(words.flat_values)  # [all words, sequence_length], 0 = padding
    per_word = tf.RaggedTensor.from_tensor(ids, padding=0)  # real ids are >= 1
    kept = without_word(per_word, words, rows, position)
    return kept.to_tensor(0, shape=[None, lookup.sequence_length])
