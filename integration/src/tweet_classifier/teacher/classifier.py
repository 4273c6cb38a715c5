"""The teacher's network: a BERT encoder, mean pooling over the tokens, and one logit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras
import numpy as np

from tweet_classifier.teacher.bert import encoder_layers, load_weights, mask_bias
from tweet_classifier.teacher.shape import BertShape


class BertClassifier(keras.Model):  # type: ignore[misc]
    """``(token_ids, mask)`` ``[batch, length]`` -> logit ``[batch, 1]`` (mean-pooled BERT + Dense).

    Example (a tiny random BERT):

    >>> import numpy as np
    >>> from tweet_classifier.teacher.random_bert import random_teacher_files
    >>> files = random_teacher_files()
    >>> model = BertClassifier.from_weights(files.shape, files.weights)
    >>> ids, mask = np.array([[2, 40, 3, 0]], np.int32), np.array([[1, 1, 1, 0]], np.int32)
    >>> model((ids, mask)).shape, model.embed(ids, mask).shape
    (TensorShape([1, 1]), TensorShape([1, 32]))
    """

    def __init__(self, shape: BertShape, dropout: float = 0.1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bert_shape = shape
        self.embeddings, self.blocks = encoder_layers(shape, dropout)
        self.head_dropout = keras.layers.Dropout(dropout)
        self.head = keras.layers.Dense(1, name="head")

    @classmethod
    def from_weights(
        cls, shape: BertShape, weights: Mapping[str, np.ndarray], dropout: float = 0.1
    ) -> BertClassifier:
        """A built classifier with the checkpoint's encoder weights (the head starts random)."""
        model = cls(shape, dropout)
        model((np.zeros((1, 4), np.int32), np.ones((1, 4), np.int32)))
        load_weights(model.embeddings, model.blocks, weights)
        return model

    def embed(self, token_ids: Any, mask: Any, training: bool = False) -> Any:
        """float32 ``[batch, hidden]``: the mean of the last layer's states over the unpadded tokens."""
        ops = keras.ops
        x = self.embeddings(token_ids, training=training)
        bias = mask_bias(mask)
        for block in self.blocks:
            x = block(x, bias, training=training)
        m = ops.expand_dims(ops.cast(mask, x.dtype), -1)
        return ops.sum(x * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1e-9)

    def call(self, inputs: Any, training: bool = False) -> Any:
        token_ids, mask = inputs
        pooled = self.embed(token_ids, mask, training=training)
        return self.head(self.head_dropout(pooled, training=training))
