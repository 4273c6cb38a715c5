"""Pooling over time of the recurrent stacks' states."""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="tweet_classifier")
class MaxMeanPool(keras.layers.Layer):
    """``[batch, steps, features]`` -> ``[batch, 2 * features]``: max over time, then mean over time.

    >>> import numpy as np
    >>> MaxMeanPool()(np.array([[[1.0, -2.0], [3.0, 0.0]]], np.float32)).numpy().tolist()
    [[3.0, 0.0, 2.0, -1.0]]
    """

    def call(self, x: keras.KerasTensor) -> keras.KerasTensor:
        return keras.ops.concatenate([keras.ops.max(x, axis=1), keras.ops.mean(x, axis=1)], axis=-1)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        features = None if input_shape[-1] is None else 2 * input_shape[-1]
        return (input_shape[0], features)
