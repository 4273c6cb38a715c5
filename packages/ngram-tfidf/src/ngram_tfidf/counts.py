"""Counting n-grams in NumPy, the vocabulary with its IDF, and the TF-IDF matrix a solver fits on.

The n-grams are those of :mod:`ngram_tfidf.keys` (``char_wb`` 1..6 and word 1..3 after the
light cleaning), counted with the same TF ops as :class:`~ngram_tfidf.NgramTfidf`, so the
matrix :func:`tfidf_matrix` gives is the one the layer computes in the graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import tensorflow as tf

from ngram_tfidf.keys import WORD_FLAG, ngram_keys


@dataclass(frozen=True)
class GramCounts:
    """Every text's distinct n-grams and how often each occurs: ``(row, gram, count)`` triples.

    ``keys`` holds the distinct n-gram keys of all texts, sorted (so character n-grams come
    first); ``gram_index`` points into it.

    Example (" fire " twice: the blank is its most frequent character n-gram):

    >>> counts = GramCounts.of(["fire fire", ""])
    >>> counts.num_texts, sorted(set(counts.rows.tolist())), int(counts.counts.max())
    (2, [0], 4)
    """

    rows: np.ndarray  # int64 [nnz], text index
    gram_index: np.ndarray  # int64 [nnz], index into keys
    counts: np.ndarray  # int64 [nnz]
    keys: np.ndarray  # int64 [distinct grams], sorted
    num_texts: int

    @property
    def is_word(self) -> np.ndarray:
        """bool ``[distinct grams]``: a word n-gram (else a character n-gram)."""
        return self.keys >= WORD_FLAG

    @classmethod
    def of(cls, texts: list[str], batch_size: int = 2048) -> GramCounts:
        """Count the n-grams of ``texts`` with the same TF ops as the layer."""
        rows, keys = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
        for start in range(0, len(texts), batch_size):
            row, key = ngram_keys(tf.constant(texts[start : start + batch_size], tf.string))
            row, key = row.numpy(), key.numpy()
            used = key >= 0
            rows.append(row[used] + start)
            keys.append(key[used])
        distinct, gram_of = np.unique(np.concatenate(keys), return_inverse=True)
        size = max(len(distinct), 1)
        pairs, counts = np.unique(np.concatenate(rows) * size + gram_of, return_counts=True)
        return cls(pairs // size, pairs % size, counts, distinct, len(texts))

    def subset(self, texts: np.ndarray) -> GramCounts:
        """The counts of some texts only (renumbered ``0..len(texts)-1``, same keys)."""
        position = np.full(self.num_texts, -1, np.int64)
        position[texts] = np.arange(len(texts))
        keep = position[self.rows] >= 0
        return GramCounts(
            position[self.rows[keep]], self.gram_index[keep], self.counts[keep], self.keys, len(texts)
        )


@dataclass(frozen=True)
class NgramVocabulary:
    """The n-gram keys a linear member knows, sorted (character n-grams first), with their IDF.

    >>> vocab = NgramVocabulary.fit(GramCounts.of(["fire", "fire near"]), char_min_df=2, word_min_df=2)
    >>> vocab.num_char, vocab.num_word, bool(vocab.keys[-1] >= WORD_FLAG)  # 20 of " fire ", "fire"
    (20, 1, True)
    """

    keys: np.ndarray  # int64 [grams], sorted
    idf: np.ndarray  # float32 [grams]
    num_char: int

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def num_word(self) -> int:
        return len(self.keys) - self.num_char

    @classmethod
    def fit(cls, counts: GramCounts, char_min_df: int = 1, word_min_df: int = 1) -> NgramVocabulary:
        """Keep n-grams seen in at least ``*_min_df`` texts; smooth IDF ``ln((1+n)/(1+df)) + 1``."""
        df = np.bincount(counts.gram_index, minlength=len(counts.keys))
        is_word = counts.is_word
        keep = np.flatnonzero(np.where(is_word, df >= word_min_df, df >= char_min_df) & (df > 0))
        idf = np.log((1 + counts.num_texts) / (1 + df[keep])) + 1
        return cls(counts.keys[keep], idf.astype(np.float32), int((~is_word[keep]).sum()))

    def columns(self, keys: np.ndarray) -> np.ndarray:
        """The column of each key here, or -1 for keys it does not know.

        >>> NgramVocabulary(np.array([3, 7]), np.ones(2, np.float32), 2).columns(np.array([7, 5])).tolist()
        [1, -1]
        """
        if len(self.keys) == 0:
            return np.full(len(keys), -1, np.int64)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where(self.keys[at] == keys, at, -1).astype(np.int64)


def tfidf_matrix(counts: GramCounts, vocabulary: NgramVocabulary) -> Any:
    """The TF-IDF features (scipy CSR ``[texts, grams]``) in NumPy: what the solver is fitted on."""
    from scipy.sparse import csr_matrix

    column = vocabulary.columns(counts.keys)[counts.gram_index]
    known = column >= 0
    rows, column = counts.rows[known], column[known]
    values = (1 + np.log(counts.counts[known])) * vocabulary.idf[column].astype(np.float64)
    block = rows * 2 + (column >= vocabulary.num_char)
    norms = np.sqrt(np.bincount(block, weights=values**2, minlength=2 * counts.num_texts))
    values = values / norms[block]
    return csr_matrix((values.astype(np.float32), (rows, column)), shape=(counts.num_texts, len(vocabulary)))
