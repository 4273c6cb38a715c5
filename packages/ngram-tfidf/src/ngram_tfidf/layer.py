"""The in-graph TF-IDF of word and character n-grams with a linear model on top, in core TF ops.

The n-grams are those of :mod:`ngram_tfidf.keys` (the ``char_wb`` + ``word`` pair of the
strongest cheap scikit-learn pipeline), each a 62-bit key looked up in an int64 hash
table. Each block is weighted ``(1 + ln tf) * idf`` and L2-normalised on its own, then
the layer takes one dot product with the fitted weights: a logistic regression's logit,
computed inside the exported graph. :func:`ngram_tfidf.tfidf_matrix` counts the keys
with the same function, so the features a solver is fitted on are the layer's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ngram_tfidf.counts import NgramVocabulary
from ngram_tfidf.errors import VocabularyError
from ngram_tfidf.keys import ngram_keys

KEYS_ASSET = "ngram_keys.npy"


@keras.saving.register_keras_serializable(package="ngram_tfidf")
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

    >>> from ngram_tfidf import GramCounts
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
            raise VocabularyError("NgramTfidf needs a non-empty vocabulary (or vocabulary_size and num_char)")
        self.vocabulary_size = int(vocabulary_size)
        self.num_char = int(num_char)
        if weights is not None and np.shape(weights) != (self.vocabulary_size,):
            shape = np.shape(weights)
            raise VocabularyError(f"weights must have shape ({self.vocabulary_size},), got {shape}")
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
            raise VocabularyError(
                f"expected {self.vocabulary_size} int64 n-gram keys, got {keys.dtype} {keys.shape}"
            )
        self._table = tf.lookup.StaticHashTable(_KeyToColumn(keys), default_value=-1)
        self._keys = keys

    def save_assets(self, dir_path: str) -> None:
        if self._keys is None:
            raise VocabularyError("this NgramTfidf has no vocabulary to save (build it from one)")
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
        ``keys`` (:mod:`ngram_tfidf.keys`) this layer knows, unordered, and how
        often each occurs. Keys it does not know (and empty slots, -1) are left out."""
        if self._table is None:
            raise VocabularyError("this NgramTfidf has no vocabulary (restore it with load_assets)")
        column = self._table.lookup(keys)
        known = column >= 0
        size = tf.constant(self.vocabulary_size, tf.int64)
        pairs = tf.boolean_mask(rows * size + column, known)
        distinct, counts = _count_distinct(pairs)
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


def _count_distinct(pairs: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """int64 ``(distinct, counts)`` of ``pairs`` (non-negative int64), unordered.

    Counted as int32 when every pair fits (a batch of ordinary size: its rows times the
    vocabulary stay below 2^31), which hashes faster; as int64 otherwise. Same result.
    """

    def narrow() -> tuple[tf.Tensor, tf.Tensor]:
        distinct, _, counts = tf.unique_with_counts(tf.cast(pairs, tf.int32), out_idx=tf.int32)
        return tf.cast(distinct, tf.int64), tf.cast(counts, tf.int64)

    def wide() -> tuple[tf.Tensor, tf.Tensor]:
        distinct, _, counts = tf.unique_with_counts(pairs, out_idx=tf.int64)
        return distinct, counts

    fits = tf.reduce_max(tf.concat([pairs, tf.zeros([1], tf.int64)], 0)) <= np.iinfo(np.int32).max
    distinct, counts = tf.cond(fits, narrow, wide)
    return distinct, counts


def _constant(value: Any) -> Any:
    if value is None:
        return "zeros"
    array = np.asarray(value, np.float32)
    return lambda shape, dtype=None: array.reshape(shape)
