"""A text's word vectors pooled into one feature vector, to sit beside the TF-IDF blocks.

A linear model over TF-IDF gains from the direction of the text's word vectors (for example
a :class:`~glove_lookup.GloveLookup`'s output) as extra columns; the pooled row has length
1 like each TF-IDF block, so one regularisation strength fits both.
"""

from __future__ import annotations

import math
from typing import Any

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="glove_lookup")
class VectorPool(keras.layers.Layer):
    """``[batch, steps, dim]`` word vectors -> ``[batch, 2 * dim]`` features.

    The direction of the vectors' mean, then the direction of their elementwise maximum,
    each L2-normalised and scaled by 1/sqrt(2) (so the whole row has length 1, like each
    TF-IDF block). Steps whose vector is all zeros (padding and out-of-vocabulary words, as
    :class:`glove_lookup.GloveLookup` gives them) are left out; a tweet without a known word
    gives zeros.

    Example:

    >>> import numpy as np
    >>> vectors = np.array([[[3.0, 0.0], [0.0, 4.0], [0.0, 0.0]]], np.float32)
    >>> VectorPool()(vectors).numpy().astype(np.float64).round(3).tolist()
    [[0.424, 0.566, 0.424, 0.566]]
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True  # takes the mask; compute_mask ends it

    def call(self, vectors: Any, mask: Any = None) -> tf.Tensor:
        # ``mask`` (GloveLookup's: padding only) is accepted and not needed: zero vectors say it all
        vectors = tf.convert_to_tensor(vectors, tf.float32)
        known = tf.reduce_any(vectors != 0, axis=-1, keepdims=True)
        total = tf.reduce_sum(vectors, axis=1)  # the mean's direction: zeros add nothing
        top = tf.reduce_max(tf.where(known, vectors, tf.constant(-math.inf)), axis=1)
        top = tf.where(tf.math.is_finite(top), top, 0.0)
        scale = 1 / math.sqrt(2)
        return tf.concat([tf.math.l2_normalize(total, -1), tf.math.l2_normalize(top, -1)], -1) * scale

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (input_shape[0], None if input_shape[-1] is None else 2 * input_shape[-1])
