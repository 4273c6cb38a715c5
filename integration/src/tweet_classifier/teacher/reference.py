"""A NumPy forward pass of BERT from Hugging Face weight names: what the Keras encoder is checked against.

Written from the BERT paper's equations, independently of :mod:`.bert`: post-LayerNorm, erf
GELU, attention over the unpadded tokens, then mean pooling over them (sentence-transformers'
pooling for all-MiniLM-L6-v2).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.special import erf

from tweet_classifier.teacher.shape import BertShape


def _norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return np.asarray((x - mean) / np.sqrt(var + eps) * gain + bias)


def reference_hidden(
    weights: Mapping[str, np.ndarray], shape: BertShape, token_ids: np.ndarray, mask: np.ndarray
) -> np.ndarray:
    """float64 ``[batch, length, hidden]``: the last layer's states (token type 0 everywhere)."""
    w = {k: np.asarray(v, np.float64) for k, v in weights.items()}
    batch, length = token_ids.shape
    x = (
        w["embeddings.word_embeddings.weight"][token_ids]
        + w["embeddings.position_embeddings.weight"][:length]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = _norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], shape.eps)
    bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9)
    for i in range(shape.layers):
        p = f"encoder.layer.{i}."

        def linear(v: np.ndarray, name: str, p: str = p) -> np.ndarray:
            return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        def heads(v: np.ndarray) -> np.ndarray:
            return v.reshape(batch, length, shape.heads, shape.head_size).transpose(0, 2, 1, 3)

        q, k, v = (heads(linear(x, f"attention.self.{n}")) for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(shape.head_size) + bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        context = (scores / scores.sum(-1, keepdims=True)) @ v
        context = context.transpose(0, 2, 1, 3).reshape(batch, length, shape.hidden)
        x = _norm(
            x + linear(context, "attention.output.dense"),
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
            shape.eps,
        )
        inner = linear(x, "intermediate.dense")
        inner = 0.5 * inner * (1 + erf(inner / np.sqrt(2)))
        x = _norm(
            x + linear(inner, "output.dense"),
            w[p + "output.LayerNorm.weight"],
            w[p + "output.LayerNorm.bias"],
            shape.eps,
        )
    return x


def reference_embedding(
    weights: Mapping[str, np.ndarray], shape: BertShape, token_ids: np.ndarray, mask: np.ndarray
) -> np.ndarray:
    """float64 ``[batch, hidden]``: the mean of the last layer's states over the unpadded tokens."""
    hidden = reference_hidden(weights, shape, token_ids, mask)
    m = mask[..., None].astype(np.float64)
    return np.asarray((hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9))
