"""The linear member's features: TF-IDF of word and character n-grams, in core TF ops.

The n-grams are those of :mod:`tweet_classifier.ngram_keys` (the ``char_wb`` + ``word``
pair that the strongest cheap peer uses), each a 62-bit key looked up in an int64 hash
table. Each block is weighted ``(1 + ln tf) * idf`` and L2-normalised on its own, then
the layer takes one dot product with the fitted weights: a logistic regression's logit,
computed inside the exported graph. Training counts the keys with the same function, so
the features the solver is fitted on (:func:`tfidf_matrix`, NumPy) are the layer's,
which the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from tweet_classifier.ngram_keys import WORD_FLAG, ngram_keys

KEYS_ASSET = "ngram_keys.npy"


@dataclass(frozen=True)
class GramCounts:
    """Every text's distinct n-grams and how often each occurs: ``(row, gram, count)`` triples.

    ``keys`` holds the distinct n-gram keys of all texts, sorted (so character n-grams come
    first); ``gram_index`` points into it.
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


@keras.saving.register_keras_serializable(package="tweet_classifier")
class NgramTfidf(keras.layers.Layer):
    """Raw strings ``[batch]`` -> float32 logit ``[batch, 1]`` of a linear model over n-gram TF-IDF.

    The vocabulary is a ``StaticHashTable`` from n-gram key to column (its keys are saved
    with the graph; in a ``.keras`` file, as the asset ``ngram_keys.npy``); IDF, weights and
    bias are variables. Only core TF ops, so TF Serving loads it.

    Args:
        vocabulary: the :class:`NgramVocabulary` (``None`` only when restoring from a config,
            with ``vocabulary_size`` and ``num_char``).
        weights: float ``[len(vocabulary)]``, the linear weights (zeros if ``None``).
        bias: the intercept.

    Example:

    >>> vocab = NgramVocabulary.fit(GramCounts.of(["forest fire", "fun"]))
    >>> layer = NgramTfidf(vocab, weights=np.ones(len(vocab)), bias=-1.0)
    >>> [round(float(v), 3) for v in layer(tf.constant(["fire", ""])).numpy()[:, 0]]
    [4.449, -1.0]
    """

    def __init__(
        self,
        vocabulary: NgramVocabulary | None = None,
        weights: Any = None,
        bias: float = 0.0,
        *,
        vocabulary_size: int | None = None,
        num_char: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("dtype", "float32")
        kwargs["trainable"] = False  # fitted by a convex solver, never by gradients
        super().__init__(**kwargs)
        if vocabulary is not None:
            vocabulary_size, num_char = len(vocabulary), vocabulary.num_char
        if vocabulary_size is None or num_char is None or vocabulary_size < 1:
            raise ValueError("NgramTfidf needs a non-empty vocabulary (or vocabulary_size and num_char)")
        self.vocabulary_size = int(vocabulary_size)
        self.num_char = int(num_char)
        if weights is not None and np.shape(weights) != (self.vocabulary_size,):
            raise ValueError(f"weights must have shape ({self.vocabulary_size},), got {np.shape(weights)}")
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.supports_jit = False
        idf = vocabulary.idf if vocabulary is not None else None
        self.idf = self.add_weight(
            name="idf",
            shape=(self.vocabulary_size,),
            initializer=_constant(idf),
            trainable=False,
        )
        self.kernel = self.add_weight(
            name="kernel", shape=(self.vocabulary_size,), initializer=_constant(weights), trainable=False
        )
        self.bias = self.add_weight(
            name="bias", shape=(), initializer=_constant(np.float32(bias)), trainable=False
        )
        self._keys: np.ndarray | None = None
        self._table: tf.lookup.StaticHashTable | None = None
        if vocabulary is not None:
            self._set_table(vocabulary.keys)
        self.built = True

    def _set_table(self, keys: np.ndarray) -> None:
        if keys.shape != (self.vocabulary_size,) or keys.dtype != np.int64:
            raise ValueError(
                f"expected {self.vocabulary_size} int64 n-gram keys, got {keys.dtype} {keys.shape}"
            )
        self._table = tf.lookup.StaticHashTable(_KeyToColumn(keys), default_value=-1)
        self._keys = keys

    def save_assets(self, dir_path: str) -> None:
        assert self._keys is not None
        np.save(Path(dir_path) / KEYS_ASSET, self._keys, allow_pickle=False)

    def load_assets(self, dir_path: str) -> None:
        self._set_table(np.load(Path(dir_path) / KEYS_ASSET, allow_pickle=False))

    def features(self, texts: Any) -> tf.SparseTensor:
        """float32 ``[batch, vocabulary_size]`` TF-IDF features, each block L2-normalised."""
        batch, rows, column, block, values = self._tfidf(texts)
        norms = tf.sqrt(tf.math.unsorted_segment_sum(tf.square(values), block, 2 * batch))
        indices = tf.stack([rows, column], axis=1)
        size = tf.constant(self.vocabulary_size, tf.int64)
        shape = tf.stack([batch, size])
        return tf.sparse.reorder(tf.SparseTensor(indices, values / tf.gather(norms, block), shape))

    def counts(self, rows: Any, keys: Any) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        """``(rows, columns, counts)``: the distinct ``(row, column)`` pairs of the n-gram
        ``keys`` (:mod:`tweet_classifier.ngram_keys`) this layer knows, unordered, and how
        often each occurs. Keys it does not know (and empty slots, -1) are left out."""
        if self._table is None:
            raise ValueError("this NgramTfidf has no vocabulary (restore it with load_assets)")
        column = self._table.lookup(keys)
        known = column >= 0
        size = tf.constant(self.vocabulary_size, tf.int64)
        pairs = tf.boolean_mask(rows * size + column, known)
        distinct, _, counts = tf.unique_with_counts(pairs, out_idx=tf.int64)
        return distinct // size, distinct % size, counts

    def _tfidf(self, texts: Any) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]:
        """``(batch, rows, columns, blocks, values)``: the features before the L2 norms, unordered.

        ``blocks`` is ``2 * row`` for a character n-gram, ``2 * row + 1`` for a word n-gram.
        """
        texts = tf.convert_to_tensor(texts, tf.string)
        if texts.shape.rank == 2:
            texts = tf.squeeze(texts, axis=-1)
        batch = tf.shape(texts, out_type=tf.int64)[0]
        rows, column, counts = self.counts(*ngram_keys(texts))
        values = (1.0 + tf.math.log(tf.cast(counts, tf.float32))) * tf.gather(self.idf, column)
        block = rows * 2 + tf.cast(column >= self.num_char, tf.int64)
        return batch, rows, column, block, values

    def call(self, texts: Any) -> tf.Tensor:
        # per block: sum(value * weight) / sqrt(sum(value^2)), without normalising each value
        batch, _, column, block, values = self._tfidf(texts)
        terms = tf.stack([values * tf.gather(self.kernel, column), tf.square(values)], axis=1)
        sums = tf.math.unsorted_segment_sum(terms, block, 2 * batch)
        norms = tf.sqrt(sums[:, 1])
        parts = tf.math.divide_no_nan(sums[:, 0], norms)
        return tf.reduce_sum(tf.reshape(parts, [-1, 2]), axis=1, keepdims=True) + self.bias

    def compute_output_spec(self, inputs: Any) -> keras.KerasTensor:
        return keras.KerasTensor((inputs.shape[0], 1), dtype="float32")

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = super().get_config()
        config.update({"vocabulary_size": self.vocabulary_size, "num_char": self.num_char})
        return config


class _KeyToColumn(tf.lookup.KeyValueTensorInitializer):
    """Each key -> its position. The positions are a range op run when the table is
    initialised, so the export stores the keys only (not a second array of their columns)."""

    def __init__(self, keys: np.ndarray) -> None:
        super().__init__(tf.constant(keys, tf.int64), tf.zeros([0], tf.int64))

    def initialize(self, table: Any) -> Any:
        columns = tf.range(tf.size(self._keys, out_type=tf.int64))
        op = tf.raw_ops.LookupTableImportV2(
            table_handle=table.resource_handle, keys=self._keys, values=columns
        )
        tf.compat.v1.add_to_collection(tf.compat.v1.GraphKeys.TABLE_INITIALIZERS, op)
        return op


def _constant(value: Any) -> Any:
    if value is None:
        return "zeros"
    array = np.asarray(value, np.float32)
    return lambda shape, dtype=None: array.reshape(shape)
