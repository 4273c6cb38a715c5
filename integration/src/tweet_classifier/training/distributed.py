"""A training loop for ``tf.distribute`` strategies (MultiWorkerMirroredStrategy on SageMaker).

Keras 3.15 ``model.fit`` cannot run under MultiWorkerMirroredStrategy with TF 2.21: it
MEAN-reduces scalar logs along axis 0 ("Invalid reduction dimension 0 for input with 0
dimensions") and the first data batch ("Attempt to convert a value (PerReplica...)").
This loop uses only public APIs: ``strategy.run``, ``GradientTape``, the compiled
optimizer, and the same early stopping rule as the single-process path.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tweet_classifier.config import TrainConfig
from tweet_classifier.model import blend_heads


def fit_distributed(
    model: Any,
    strategy: Any,
    dataset: Any,
    validation: tuple[Any, Any],
    config: TrainConfig,
    class_weight: dict[int, float] | None,
    steps: int,
) -> dict[str, list[float]]:
    """Train ``model`` (compiled under ``strategy.scope()``); returns a Keras-like history."""
    import keras
    import tensorflow as tf

    weights = tf.constant(
        [class_weight.get(0, 1.0), class_weight.get(1, 1.0)] if class_weight else [1.0, 1.0], tf.float32
    )
    optimizer = model.optimizer
    iterator = iter(strategy.experimental_distribute_dataset(dataset.repeat()))

    @tf.function  # type: ignore[untyped-decorator]
    def train_step(batch: Any) -> tf.Tensor:
        def step(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
            with tf.GradientTape() as tape:
                probability = model(x, training=True)  # [batch, lstm_seeds]
                target = tf.tile(tf.reshape(y, [-1, 1]), [1, config.lstm_seeds])
                per_example = keras.losses.binary_crossentropy(target, probability)
                per_example *= tf.gather(weights, tf.cast(y, tf.int32))
                loss = tf.nn.compute_average_loss(per_example, global_batch_size=config.batch_size)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
            return loss

        return strategy.reduce("SUM", strategy.run(step, args=batch), axis=None)

    valid_x, valid_y = validation
    history: dict[str, list[float]] = {"loss": [], "val_loss": [], "val_accuracy": []}
    best, best_weights, waited = np.inf, None, 0
    for epoch in range(config.epochs):
        losses = [float(train_step(next(iterator))) for _ in range(steps)]
        probability = blend_heads(model.predict(valid_x, batch_size=1024, verbose=0))
        val_loss, val_accuracy = _scores(valid_y, probability)
        history["loss"].append(float(np.mean(losses)))
        history["val_loss"].append(val_loss)
        history["val_accuracy"].append(val_accuracy)
        print(
            f"epoch {epoch + 1}/{config.epochs}: loss {history['loss'][-1]:.4f} "
            f"val_loss {val_loss:.4f} val_accuracy {val_accuracy:.4f}",
            flush=True,
        )
        if val_loss < best:
            best, best_weights, waited = val_loss, model.get_weights(), 0
        else:
            waited += 1
            if waited >= config.patience:  # Keras' EarlyStopping rule
                break
    if best_weights is not None:
        model.set_weights(best_weights)
    return history


def _scores(y: np.ndarray, probability: np.ndarray) -> tuple[float, float]:
    """Binary cross-entropy (Keras' clipping) and accuracy at 0.5."""
    import keras

    loss = keras.losses.binary_crossentropy(y.reshape(-1, 1), probability.reshape(-1, 1)).numpy().mean()
    return float(loss), float(((probability >= 0.5) == (y >= 0.5)).mean())
