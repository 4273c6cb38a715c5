"""Several seeds' stacks served as one give each stack's own answer, averaged."""

from __future__ import annotations

from dataclasses import replace

import keras
import numpy as np
import pytest

from tweet_classifier import TrainConfig
from tweet_classifier.model.seed_stacks import SeedStacks
from tweet_classifier.model.text_model import _recurrent_stack


def stacks_with_random_weights(config: TrainConfig, dim: int, rng: np.random.Generator):
    """``config.lstm_seeds`` stacks and their output layers, built, every weight random
    (the batch norms' moving statistics too, so inference differs from an untrained norm)."""
    stacks = [_recurrent_stack(config, k) for k in range(config.lstm_seeds)]
    finals = [keras.layers.Dense(1) for _ in stacks]
    x = np.zeros((1, config.sequence_length, dim), np.float32)
    for stack, final in zip(stacks, finals, strict=True):
        y = x
        for layer in stack:
            y = layer(y)
        final(y)
        for layer in [*stack, final]:
            weights = layer.get_weights()
            layer.set_weights(
                [rng.uniform(0.5, 1.5, w.shape) if "variance" in v.path else rng.normal(0, 0.5, w.shape)
                 for w, v in zip(weights, layer.weights, strict=True)]
            )  # fmt: skip
    return stacks, finals


def apart(stacks, finals, x: np.ndarray) -> np.ndarray:
    """Each stack run on its own (Keras' layers, inference), their logits averaged."""
    logits = []
    for stack, final in zip(stacks, finals, strict=True):
        y = x
        for layer in stack:
            y = layer(y, training=False)
        logits.append(np.asarray(final(y)))
    return np.mean(logits, axis=0)


@pytest.mark.parametrize(
    "change",
    [
        {},  # the default: two stacks of Conv1D -> MaxPool -> LSTM -> LSTM (last state)
        {"lstm_seeds": 3, "pooling": "max-mean"},
        {"lstm_stacks": 1, "sequence_length": 7},  # shorter than the kernel: "same" padding
        {"lstm_stacks": 3, "unit_multiplier": 0.1},
    ],
)
def test_served_as_one_equals_each_stack_apart(change: dict) -> None:
    rng = np.random.default_rng(len(change))
    config = replace(TrainConfig(lstm_seeds=2), **change)
    stacks, finals = stacks_with_random_weights(config, dim=16, rng=rng)
    x = rng.normal(size=(9, config.sequence_length, 16)).astype(np.float32)
    served = np.asarray(SeedStacks(stacks, finals)(x))
    assert served.shape == (9, 1)
    np.testing.assert_allclose(served, apart(stacks, finals, x), rtol=1e-5, atol=1e-5)
    stacks[1][0].set_weights([w + 0.1 for w in stacks[1][0].get_weights()])  # weights are read live
    np.testing.assert_allclose(
        np.asarray(SeedStacks(stacks, finals)(x)), apart(stacks, finals, x), rtol=1e-5, atol=1e-5
    )


def test_stacks_it_cannot_serve_are_refused() -> None:
    config = TrainConfig(lstm_seeds=2, bidirectional=True)
    stacks = [_recurrent_stack(config, k) for k in range(2)]
    assert not SeedStacks.supports(stacks)
    with pytest.raises(ValueError, match="same supported layers"):
        SeedStacks(stacks, [keras.layers.Dense(1) for _ in stacks])
    assert SeedStacks.supports([_recurrent_stack(replace(config, bidirectional=False), k) for k in range(2)])


def test_a_traced_graph_with_an_unknown_batch_unrolls_as_many_steps() -> None:
    """The exported graph's batch size is unknown; the steps stay known, so the LSTMs unroll."""
    import tensorflow as tf

    config = TrainConfig(lstm_seeds=2)
    rng = np.random.default_rng(7)
    stacks, finals = stacks_with_random_weights(config, dim=8, rng=rng)
    layer = SeedStacks(stacks, finals)
    graph = tf.function(layer, input_signature=[tf.TensorSpec([None, config.sequence_length, 8], tf.float32)])
    x = rng.normal(size=(5, config.sequence_length, 8)).astype(np.float32)
    np.testing.assert_allclose(graph(tf.constant(x)).numpy(), apart(stacks, finals, x), rtol=1e-5, atol=1e-5)


def test_a_masked_input_is_taken_quietly_and_no_mask_goes_on() -> None:
    """The GloVe lookup hands on a padding mask; the stacks' Conv1D ends it, and so does SeedStacks,
    without Keras' warning that a layer destroys a mask (users would see it at every training)."""
    import warnings

    config = TrainConfig(lstm_seeds=2)
    stacks, finals = stacks_with_random_weights(config, dim=4, rng=np.random.default_rng(3))
    ids = np.zeros((3, config.sequence_length), np.int64)
    ids[:, :5] = [1, 2, 3, 4, 5]  # the rest is padding
    vectors = keras.layers.Embedding(10, 4, mask_zero=True)(ids)
    assert getattr(vectors, "_keras_mask", None) is not None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = SeedStacks(stacks, finals)(vectors)
    assert getattr(out, "_keras_mask", None) is None
