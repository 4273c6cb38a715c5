"""A fastText-style feature: hashed word and character n-grams of raw text (core TF ops only).

The text is standardised as :func:`glove_lookup.standardize` does it, so a fastText branch
beside a :class:`~glove_lookup.GloveLookup` branch reads the same tokens.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from glove_lookup.standardize import standardize


@keras.saving.register_keras_serializable(package="glove_lookup")
class HashedNgrams(keras.layers.Layer):
    """Raw strings ``[batch]`` -> int64 ``[batch, max_ngrams]`` ids of hashed n-grams (0 = padding).

    The n-grams are the word 1..2-grams and the character 2..5-grams of each word
    (between ``<`` and ``>`` marks) of the standardised text, hashed with
    ``tf.strings.to_hash_bucket_fast`` into ``1..num_buckets``. Only core TF string
    ops, so a model using it still loads in TF Serving.

    Example:

    >>> ids = HashedNgrams(num_buckets=1000, max_ngrams=8)(tf.constant(["Fire!"]))
    >>> ids.shape, bool((ids > 0).numpy().all())
    (TensorShape([1, 8]), True)
    """

    def __init__(
        self,
        num_buckets: int = 1 << 16,
        max_ngrams: int = 512,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 5),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if num_buckets < 1 or max_ngrams < 1:
            raise ValueError(f"num_buckets and max_ngrams must be >= 1, got {num_buckets} and {max_ngrams}")
        self.num_buckets = int(num_buckets)
        self.max_ngrams = int(max_ngrams)
        self.word_ngrams = tuple(word_ngrams)
        self.char_ngrams = tuple(char_ngrams)
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.supports_jit = False
        self.built = True

    def call(self, texts: Any, standardized: bool = False) -> tf.Tensor:
        """``standardized=True``: ``texts`` already went through :func:`glove_lookup.standardize`."""
        texts = tf.convert_to_tensor(texts, dtype=tf.string)
        if texts.shape.rank == 2:
            texts = tf.squeeze(texts, axis=-1)
        words = tf.strings.split(texts if standardized else standardize(texts, clean_blanks=False))
        word_grams = tf.strings.ngrams(words, tuple(range(self.word_ngrams[0], self.word_ngrams[1] + 1)), " ")
        word_grams = tf.ragged.map_flat_values(lambda w: tf.strings.join(["w ", w]), word_grams)
        marked = tf.ragged.map_flat_values(lambda w: tf.strings.join(["<", w, ">"]), words)
        chars = tf.strings.unicode_split(marked, "UTF-8", errors="replace")
        widths = tuple(range(self.char_ngrams[0], self.char_ngrams[1] + 1))
        char_grams = tf.strings.ngrams(chars, widths, separator="").merge_dims(1, 2)
        grams = tf.concat([word_grams, char_grams], axis=1)
        ids = tf.ragged.map_flat_values(
            lambda g: tf.strings.to_hash_bucket_fast(g, self.num_buckets) + 1, grams
        )
        return ids.to_tensor(default_value=0, shape=[None, self.max_ngrams])

    def compute_output_spec(self, inputs: Any) -> keras.KerasTensor:
        return keras.KerasTensor((inputs.shape[0], self.max_ngrams), dtype="int64")

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = super().get_config()
        config.update(
            {
                "num_buckets": self.num_buckets,
                "max_ngrams": self.max_ngrams,
                "word_ngrams": list(self.word_ngrams),
                "char_ngrams": list(self.char_ngrams),
            }
        )
        return config
