"""Several seeds' recurrent stacks served as one: each op runs once for all of them.

Training keeps the stacks apart (each has its own loss, :func:`~tweet_classifier.model.build_models`).
The exported text model reads the same weights through :class:`SeedStacks`, which runs the
convolution with every stack's filters at once and the pooling, unrolled LSTMs, batch norms
and output layers with the stacks along a leading axis (batched matmuls). The arithmetic is
each stack's own; the graph has the op count of one stack, and a single tweet's latency is
mostly op overhead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import tensorflow as tf

from tweet_classifier.model.pooling import MaxMeanPool

_SUPPORTED = (
    keras.layers.Conv1D,
    keras.layers.MaxPool1D,
    keras.layers.LSTM,
    MaxMeanPool,
    keras.layers.BatchNormalization,
    keras.layers.Dropout,
)


class SeedStacks(keras.layers.Layer):
    """Word vectors ``[batch, steps, dim]`` -> the stacks' mean logit ``[batch, 1]``.

    ``stacks``: lists of layers of the same kinds and shapes (``Conv1D`` first, then
    ``MaxPool1D``, ``LSTM``, ``BatchNormalization``, ``Dropout``, ``MaxMeanPool``), each
    followed by its ``finals`` ``Dense(1)`` (a logit). The layers stay the stacks' own (their
    weights are read at every call, so training them changes this layer's answers too); it
    has no weights of its own and is not trainable. Inference only.

    Example:

    >>> import numpy as np
    >>> stacks = [[keras.layers.Conv1D(3, 2), keras.layers.LSTM(4)] for _ in range(2)]
    >>> finals = [keras.layers.Dense(1) for _ in range(2)]
    >>> x = np.random.default_rng(0).normal(size=(5, 6, 8)).astype("float32")
    >>> apart = [f(s[1](s[0](x))) for s, f in zip(stacks, finals)]
    >>> mean = (apart[0] + apart[1]) / 2
    >>> bool(np.allclose(SeedStacks(stacks, finals)(x), mean, atol=1e-6))
    True
    """

    def __init__(
        self,
        stacks: Sequence[Sequence[keras.layers.Layer]],
        finals: Sequence[keras.layers.Layer],
        **kwargs: Any,
    ) -> None:
        super().__init__(trainable=False, **kwargs)
        if not self.supports(stacks) or len(finals) != len(stacks):
            raise ValueError("SeedStacks needs stacks of the same supported layers, one Dense(1) each")
        self.stacks = [list(stack) for stack in stacks]
        self.finals = list(finals)

    @staticmethod
    def supports(stacks: Sequence[Sequence[keras.layers.Layer]]) -> bool:
        """Whether these stacks can be served as one (the same layer kinds, a ``Conv1D`` first)."""
        if not stacks or not stacks[0] or not isinstance(stacks[0][0], keras.layers.Conv1D):
            return False
        kinds = [[type(layer) for layer in stack] for stack in stacks]
        return all(k == kinds[0] for k in kinds) and all(issubclass(k, _SUPPORTED) for k in kinds[0])

    def call(self, vectors: Any) -> tf.Tensor:
        # [seeds, batch, steps, features] from here on
        x = _conv([stack[0] for stack in self.stacks], tf.convert_to_tensor(vectors))
        for group in list(zip(*self.stacks, strict=True))[1:]:
            x = _apply(list(group), x)
        kernel = _stacked([final.kernel for final in self.finals])  # [seeds, units, 1]
        bias = _stacked([final.bias for final in self.finals])[:, tf.newaxis, :]
        return tf.reduce_mean(tf.matmul(x, kernel) + bias, axis=0)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (input_shape[0], 1)


def _conv(convs: list[Any], x: tf.Tensor) -> tf.Tensor:
    """Every stack's ``Conv1D`` (+ ReLU) in one convolution: ``[seeds, batch, steps, filters]``."""
    first = convs[0]
    kernel = tf.concat([_tensor(conv.kernel) for conv in convs], axis=-1)
    bias = tf.concat([_tensor(conv.bias) for conv in convs], 0)
    y = tf.nn.convolution(x, kernel, padding=first.padding.upper()) + bias
    y = keras.activations.get(first.activation)(y)
    y = tf.reshape(y, [-1, _dim(y, 1), len(convs), first.filters])  # static steps: the LSTMs unroll
    return tf.transpose(y, [2, 0, 1, 3])


def _apply(group: list[Any], x: tf.Tensor) -> tf.Tensor:
    """The ``group`` (one layer of each stack, the same kind) on ``x`` ``[seeds, batch, ...]``."""
    first = group[0]
    if isinstance(first, keras.layers.MaxPool1D):
        pooled = tf.nn.max_pool1d(
            tf.reshape(x, [-1, _dim(x, 2), _dim(x, 3)]), first.pool_size, first.strides, first.padding.upper()
        )
        return tf.reshape(pooled, [len(group), -1, _dim(pooled, 1), _dim(x, 3)])
    if isinstance(first, keras.layers.LSTM):
        return _lstm(group, x)
    if isinstance(first, MaxMeanPool):
        return tf.concat([tf.reduce_max(x, axis=2), tf.reduce_mean(x, axis=2)], axis=-1)
    if isinstance(first, keras.layers.BatchNormalization):

        def param(name: str) -> tf.Tensor:
            values = _stacked([getattr(norm, name) for norm in group])  # [seeds, channels]
            return tf.reshape(values, [len(group)] + [1] * (len(x.shape) - 2) + [-1])

        scale = param("gamma") * tf.math.rsqrt(param("moving_variance") + first.epsilon)
        return (x - param("moving_mean")) * scale + param("beta")
    return x  # Dropout: nothing at inference


def _lstm(group: list[Any], x: tf.Tensor) -> tf.Tensor:
    """Unrolled LSTMs (Keras' gate order i, f, c, o), zero initial states, on ``[seeds, batch, steps, f]``."""
    cells = [lstm.cell for lstm in group]
    kernel = _stacked([cell.kernel for cell in cells])  # [seeds, f, 4 units]
    recurrent = _stacked([cell.recurrent_kernel for cell in cells])  # [seeds, units, 4 units]
    bias = _stacked([cell.bias for cell in cells])[:, tf.newaxis, :]
    steps = x.shape[2]
    if steps is None:
        raise ValueError("SeedStacks unrolls its LSTMs: the number of steps must be known")
    inputs = tf.einsum("sbtf,sfg->sbtg", x, kernel) + bias[:, :, tf.newaxis, :]
    first = cells[0]
    gate = keras.activations.get(first.recurrent_activation)
    activation = keras.activations.get(first.activation)
    h = c = tf.zeros_like(inputs[:, :, 0, : first.units])
    outputs = []
    for t in range(steps):
        z = inputs[:, :, t] + tf.matmul(h, recurrent)
        i, f, g, o = tf.split(z, 4, axis=-1)
        c = gate(f) * c + gate(i) * activation(g)
        h = gate(o) * activation(c)
        outputs.append(h)
    return tf.stack(outputs, axis=2) if group[0].return_sequences else h


def _tensor(variable: Any) -> tf.Tensor:
    return tf.convert_to_tensor(variable)


def _stacked(variables: list[Any]) -> tf.Tensor:
    """The layers' variables along a new leading (seed) axis."""
    return tf.stack([_tensor(v) for v in variables])


def _dim(x: tf.Tensor, axis: int) -> Any:
    """The size of ``x`` along ``axis``: static where known (a reshape keeps it), else a tensor."""
    size = x.shape[axis]
    return size if size is not None else tf.shape(x)[axis]
