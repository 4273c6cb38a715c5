"""Several seeds' recurrent stacks served as one: each op runs once for all of them.

Training keeps the stacks apart (each has its own loss, :func:`~tweet_classifier.model.build_models`).
The exported text model reads the same weights through :class:`SeedStacks`, which keeps the
stacks' channels side by side: one convolution with every stack's filters, pooling and batch
norms per channel, each LSTM step one matmul with a block-diagonal kernel, and one output
matmul for the stacks' mean logit. The arithmetic is each stack's own (plus zeros); the graph
has the op count of one stack, and a single tweet's latency is mostly op overhead. Only plain
matmuls and elementwise ops, as Keras' own LSTM: batched matmuls would hand each step's tiny
product to the intra-op pool under TensorFlow's default threads.
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
        # [batch, (steps,) seeds x channels] from here on: each stack's channels side by side
        x = _conv([stack[0] for stack in self.stacks], tf.convert_to_tensor(vectors))
        for group in list(zip(*self.stacks, strict=True))[1:]:
            x = _apply(list(group), x)
        seeds = len(self.finals)
        kernel = tf.concat([_tensor(final.kernel) for final in self.finals], axis=0) / seeds
        return tf.matmul(x, kernel) + tf.reduce_mean(_stacked([final.bias for final in self.finals]), 0)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (input_shape[0], 1)

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        # The lookup's padding mask ends here, as at each stack's Conv1D. Defining this makes
        # Keras count the layer as masking-aware, which spares users its warning that the mask
        # is dropped.
        return None


def _conv(convs: list[Any], x: tf.Tensor) -> tf.Tensor:
    """Every stack's ``Conv1D`` (+ its activation) in one convolution with all their filters."""
    first = convs[0]
    kernel = tf.concat([_tensor(conv.kernel) for conv in convs], axis=-1)
    bias = tf.concat([_tensor(conv.bias) for conv in convs], 0)
    y = tf.nn.convolution(x, kernel, padding=first.padding.upper()) + bias
    return keras.activations.get(first.activation)(y)


def _apply(group: list[Any], x: tf.Tensor) -> tf.Tensor:
    """The ``group`` (one layer of each stack, the same kind) on ``x``, the stacks' channels side by side."""
    first = group[0]
    if isinstance(first, keras.layers.MaxPool1D):  # per channel: the stacks' channels pool alike
        return tf.nn.max_pool1d(x, first.pool_size, first.strides, first.padding.upper())
    if isinstance(first, keras.layers.LSTM):
        return _lstm(group, x)
    if isinstance(first, MaxMeanPool):  # [max, mean] of each stack in turn, as each stack's layer
        units = _dim(x, 2) // len(group)
        pooled = tf.reshape(
            tf.stack([tf.reduce_max(x, 1), tf.reduce_mean(x, 1)], 1), [-1, 2, len(group), units]
        )
        return tf.reshape(tf.transpose(pooled, [0, 2, 1, 3]), [-1, 2 * len(group) * units])
    if isinstance(first, keras.layers.BatchNormalization):

        def param(name: str) -> tf.Tensor:
            return tf.concat([_tensor(getattr(norm, name)) for norm in group], 0)

        scale = param("gamma") * tf.math.rsqrt(param("moving_variance") + first.epsilon)
        return (x - param("moving_mean")) * scale + param("beta")
    return x  # Dropout: nothing at inference


def _lstm(group: list[Any], x: tf.Tensor) -> tf.Tensor:
    """Unrolled LSTMs (Keras' gate order i, f, c, o, zero initial states), one per stack, as one:
    plain matmuls with block-diagonal kernels, so each step's ops run once for all stacks."""
    cells, seeds = [lstm.cell for lstm in group], len(group)
    steps, units = x.shape[1], cells[0].units
    if steps is None:
        raise ValueError("SeedStacks unrolls its LSTMs: the number of steps must be known")
    kernel = _block_diagonal([cell.kernel for cell in cells])  # [seeds x features, seeds x 4 units]
    recurrent = _block_diagonal([cell.recurrent_kernel for cell in cells])
    bias = tf.concat([_tensor(cell.bias) for cell in cells], 0)
    inputs = tf.reshape(
        tf.matmul(tf.reshape(x, [-1, _dim(x, 2)]), kernel) + bias, [-1, steps, seeds * 4 * units]
    )
    gate = keras.activations.get(cells[0].recurrent_activation)
    activation = keras.activations.get(cells[0].activation)
    h = tf.zeros_like(inputs[:, 0, : seeds * units])
    c = tf.reshape(h, [-1, seeds, units])
    outputs = []
    for t in range(steps):
        z = tf.reshape(inputs[:, t] + tf.matmul(h, recurrent), [-1, seeds, 4 * units])
        i, f, g, o = tf.split(z, 4, axis=-1)  # each [batch, seeds, units]
        c = gate(f) * c + gate(i) * activation(g)
        h = tf.reshape(gate(o) * activation(c), [-1, seeds * units])
        outputs.append(h)
    return tf.stack(outputs, axis=1) if group[0].return_sequences else h


def _block_diagonal(variables: list[Any]) -> tf.Tensor:
    """``[seeds x rows, seeds x columns]``: each stack's ``[rows, columns]`` matrix on the diagonal."""
    stacked = _stacked(variables)  # [seeds, rows, columns]
    seeds, rows, columns = stacked.shape
    eye = tf.eye(seeds, dtype=stacked.dtype)[:, tf.newaxis, :, tf.newaxis]
    return tf.reshape(eye * stacked[:, :, tf.newaxis, :], [seeds * rows, seeds * columns])


def _tensor(variable: Any) -> tf.Tensor:
    return tf.convert_to_tensor(variable)


def _stacked(variables: list[Any]) -> tf.Tensor:
    """The layers' variables along a new leading (seed) axis."""
    return tf.stack([_tensor(v) for v in variables])


def _dim(x: tf.Tensor, axis: int) -> Any:
    """The size of ``x`` along ``axis``: static where known (a reshape keeps it), else a tensor."""
    size = x.shape[axis]
    return size if size is not None else tf.shape(x)[axis]
