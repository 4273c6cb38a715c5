"""A BERT encoder in Keras 3 (post-LayerNorm, erf GELU), loadable from Hugging Face weight names.

The shape is read from the checkpoint's ``config.json`` (:class:`BertShape`); the weights come
as a ``{name: array}`` dict in the names of Hugging Face's ``BertModel`` (``embeddings.*``,
``encoder.layer.N.*``), the way ``model.safetensors`` stores them. Only the first token type
is used (single-sentence classification), so its row is folded into the position embeddings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import keras
import numpy as np

from tweet_classifier.errors import TeacherError
from tweet_classifier.teacher.shape import BertShape


def encoder_layers(shape: BertShape, dropout: float = 0.1) -> tuple[Any, list[Any]]:
    """The embedding layer and one :class:`TransformerBlock` per layer (Keras layers, unbuilt)."""
    embeddings = BertEmbeddings(shape, dropout=dropout, name="embeddings")
    blocks = [TransformerBlock(shape, dropout=dropout, name=f"layer_{i}") for i in range(shape.layers)]
    return embeddings, blocks


class BertEmbeddings(keras.layers.Layer):  # type: ignore[misc]
    """Word + position (+ the first token type) embeddings, LayerNorm and dropout."""

    def __init__(self, shape: BertShape, dropout: float = 0.1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shape = shape
        self.words = keras.layers.Embedding(shape.vocab_size, shape.hidden, name="words")
        self.norm = keras.layers.LayerNormalization(epsilon=shape.eps, name="norm")
        self.dropout = keras.layers.Dropout(dropout)

    def build(self, input_shape: Any) -> None:
        self.words.build(input_shape)
        self.positions = self.add_weight(
            shape=(self.shape.max_positions, self.shape.hidden), initializer="zeros", name="positions"
        )
        self.norm.build((*input_shape, self.shape.hidden))

    def call(self, token_ids: Any, training: bool = False) -> Any:
        ops = keras.ops
        length = ops.shape(token_ids)[1]
        x = self.words(token_ids) + self.positions[None, :length, :]
        return self.dropout(self.norm(x), training=training)


class TransformerBlock(keras.layers.Layer):  # type: ignore[misc]
    """One post-LayerNorm BERT layer: self-attention, add & norm, GELU feed-forward, add & norm."""

    def __init__(self, shape: BertShape, dropout: float = 0.1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shape = shape
        dense = keras.layers.Dense
        self.query, self.key, self.value = (dense(shape.hidden, name=n) for n in ("query", "key", "value"))
        self.attention_output = dense(shape.hidden, name="attention_output")
        self.attention_norm = keras.layers.LayerNormalization(epsilon=shape.eps, name="attention_norm")
        self.intermediate = dense(shape.intermediate, name="intermediate")
        self.output_dense = dense(shape.hidden, name="output")
        self.output_norm = keras.layers.LayerNormalization(epsilon=shape.eps, name="output_norm")
        self.dropout = keras.layers.Dropout(dropout)

    def build(self, input_shape: Any) -> None:
        hidden = (*input_shape[:-1], self.shape.hidden)
        for layer in (self.query, self.key, self.value, self.attention_output, self.intermediate):
            layer.build(hidden)
        self.output_dense.build((*input_shape[:-1], self.shape.intermediate))
        self.attention_norm.build(hidden)
        self.output_norm.build(hidden)

    def _heads(self, x: Any) -> Any:
        """``[batch, length, hidden]`` -> ``[batch, heads, length, head_size]``."""
        ops = keras.ops
        batch, length = ops.shape(x)[0], ops.shape(x)[1]
        x = ops.reshape(x, (batch, length, self.shape.heads, self.shape.head_size))
        return ops.transpose(x, (0, 2, 1, 3))

    def call(self, x: Any, mask_bias: Any, training: bool = False) -> Any:
        """``mask_bias``: ``[batch, 1, 1, length]``, 0 for tokens and a large negative for padding."""
        ops = keras.ops
        q, k, v = (self._heads(layer(x)) for layer in (self.query, self.key, self.value))
        scores = ops.matmul(q, ops.transpose(k, (0, 1, 3, 2))) / math.sqrt(self.shape.head_size)
        weights = self.dropout(ops.softmax(scores + mask_bias, axis=-1), training=training)
        context = ops.transpose(ops.matmul(weights, v), (0, 2, 1, 3))
        context = ops.reshape(context, ops.shape(x))
        x = self.attention_norm(x + self.dropout(self.attention_output(context), training=training))
        hidden = keras.activations.gelu(self.intermediate(x), approximate=False)
        return self.output_norm(x + self.dropout(self.output_dense(hidden), training=training))


def mask_bias(attention_mask: Any) -> Any:
    """``[batch, length]`` 1/0 -> the additive ``[batch, 1, 1, length]`` bias of padded keys."""
    ops = keras.ops
    mask = ops.cast(attention_mask, "float32")
    return ((1.0 - mask) * -1e9)[:, None, None, :]


def load_weights(embeddings: Any, blocks: list[Any], weights: Mapping[str, np.ndarray]) -> None:
    """Copy Hugging Face ``BertModel`` weights into built layers (Dense kernels are transposed).

    Raises :class:`TeacherError` naming the first missing tensor or the first shape that differs.
    """

    def get(name: str) -> np.ndarray:
        if name not in weights:
            raise TeacherError(f"the checkpoint has no tensor {name!r}")
        return np.asarray(weights[name], np.float32)

    def put(variable: Any, value: np.ndarray, name: str) -> None:
        if tuple(variable.shape) != value.shape:
            raise TeacherError(
                f"{name}: the checkpoint has shape {value.shape}, the model {tuple(variable.shape)}"
            )
        variable.assign(value)

    def dense(layer: Any, prefix: str) -> None:
        put(layer.kernel, get(f"{prefix}.weight").T, f"{prefix}.weight")
        put(layer.bias, get(f"{prefix}.bias"), f"{prefix}.bias")

    def norm(layer: Any, prefix: str) -> None:
        put(layer.gamma, get(f"{prefix}.weight"), f"{prefix}.weight")
        put(layer.beta, get(f"{prefix}.bias"), f"{prefix}.bias")

    e = "embeddings"
    put(embeddings.words.embeddings, get(f"{e}.word_embeddings.weight"), f"{e}.word_embeddings.weight")
    positions = get(f"{e}.position_embeddings.weight") + get(f"{e}.token_type_embeddings.weight")[0]
    put(embeddings.positions, positions, f"{e}.position_embeddings.weight")
    norm(embeddings.norm, f"{e}.LayerNorm")
    for i, block in enumerate(blocks):
        p = f"encoder.layer.{i}"
        for layer, name in ((block.query, "query"), (block.key, "key"), (block.value, "value")):
            dense(layer, f"{p}.attention.self.{name}")
        dense(block.attention_output, f"{p}.attention.output.dense")
        norm(block.attention_norm, f"{p}.attention.output.LayerNorm")
        dense(block.intermediate, f"{p}.intermediate.dense")
        dense(block.output_dense, f"{p}.output.dense")
        norm(block.output_norm, f"{p}.output.LayerNorm")
