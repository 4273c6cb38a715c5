"""The recurrent member in training: the LSTM stacks (correcting the linear logit in the hybrid)."""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np
import pandas as pd

from tweet_classifier.config import TrainConfig
from tweet_classifier.distillation.transfer import TransferSet
from tweet_classifier.report.metrics import best_threshold, binary_metrics, tuned_threshold
from tweet_classifier.training.inputs import Lookups, Split, balance, strategy_scope
from tweet_classifier.training.linear_member import LinearMember
from tweet_classifier.training.outcome import Evaluation


def fit_recurrent(
    split: Split,
    lookups: Lookups,
    linear: LinearMember | None,
    config: TrainConfig,
    *,
    strategy: Any = None,
    verbose: int | None = None,
    transfer: TransferSet | None = None,
) -> Evaluation:
    """Train the LSTM stacks with early stopping on the validation split; evaluate them there.

    With ``linear`` (the hybrid), they learn a correction of its out-of-fold logit and the
    threshold is the linear member's, chosen out of fold on every tweet (not on ~10%).
    A ``transfer`` set (hybrid only) adds soft targets and augmented copies; validation stays gold.
    """
    started = time.perf_counter()
    if linear is not None:
        split = linear.with_offsets(split)
    train_frame, weights = _training_rows(split, linear, transfer, config)
    ids_model, text_model, hasher = _compiled_models(lookups, linear, config, strategy)
    heads = config.lstm_seeds if strategy is None else 1  # fit_distributed spreads y itself
    train_x, valid_x = (_features(part, lookups, hasher, linear) for part in (train_frame, split.valid))
    train_y = train_frame["target"].to_numpy(np.float32)
    valid_y = split.valid["target"].to_numpy(np.float32)
    dataset, weights = _training_dataset(train_x, train_y, weights, heads, config)
    validation = _dataset((valid_x, _per_head(valid_y, heads))).batch(1024)
    prepared = time.perf_counter()
    if strategy is None:
        history = _fit(ids_model, dataset, validation, weights, config, verbose)
    else:
        from tweet_classifier.training.distributed import fit_distributed

        steps = -(-len(train_y) // config.batch_size)
        history = fit_distributed(ids_model, strategy, dataset, (valid_x, valid_y), config, weights, steps)
    trained = time.perf_counter()

    from tweet_classifier.model import blend_heads

    probability = blend_heads(ids_model.predict(validation, verbose=0))
    notes = {}
    if linear is None:
        threshold = tuned_threshold(valid_y, probability)
    else:
        threshold = linear.fit.oof_threshold
        notes["hybrid_validation_best_threshold"] = best_threshold(valid_y, probability)
    return Evaluation(
        text_model=text_model,
        threshold=threshold,
        valid_y=valid_y,
        probability=probability,
        metrics=binary_metrics(valid_y, probability, threshold),
        train_rows=len(train_y),
        valid_rows=len(valid_y),
        threshold_tweets=len(valid_y) if linear is None else len(split.frame),
        history=history,
        timings={"prepare_s": prepared - started, "train_s": trained - prepared},
        notes=notes,
        valid_texts=list(split.valid["text"]),
    )


def _compiled_models(
    lookups: Lookups, linear: LinearMember | None, config: TrainConfig, strategy: Any
) -> tuple[Any, Any, Any]:
    import keras

    from tweet_classifier.model import build_models

    with strategy_scope(strategy):
        fit = linear.fit if linear else None
        ids_model, text_model, hasher = build_models(lookups.lookup, config, fit, lookups.linear)
        ids_model.compile(
            optimizer=keras.optimizers.Adam(config.learning_rate),
            loss="binary_crossentropy",
            metrics=[keras.metrics.MeanMetricWrapper(rounded_accuracy, name="accuracy")],  # per head
        )
    return ids_model, text_model, hasher


def rounded_accuracy(y_true: Any, y_pred: Any) -> Any:
    """Accuracy at 0.5 against the targets rounded at 0.5: with a teacher's soft targets (0.73, say)
    Keras' ``BinaryAccuracy`` compares the target itself and reads 0; on 0/1 targets the two agree
    (a prediction counts as 1 above 0.5, as there).

    >>> import numpy as np
    >>> float(np.mean(rounded_accuracy(np.array([[0.73], [0.2]]), np.array([[0.9], [0.6]]))))
    0.5
    """
    from keras import ops

    return ops.cast(ops.equal(ops.greater_equal(y_true, 0.5), ops.greater(y_pred, 0.5)), "float32")


def _features(part: pd.DataFrame, lookups: Lookups, hasher: Any, linear: LinearMember | None) -> Any:
    """What the ids model takes: token ids (+ hashed n-gram ids, + linear logit), computed once."""
    import tensorflow as tf

    inputs: list[Any] = [lookups.token_ids(part["standardized"])]
    if hasher is not None:
        inputs.append(hasher(tf.constant(part["standardized"].to_numpy(), tf.string), standardized=True))
    if linear is not None:
        inputs.append(part["offset"].to_numpy(np.float32).reshape(-1, 1))
    return inputs[0] if len(inputs) == 1 else tuple(inputs)


def _training_rows(
    split: Split, linear: LinearMember | None, transfer: TransferSet | None, config: TrainConfig
) -> tuple[pd.DataFrame, dict[int, float] | None]:
    """The rows the LSTMs learn from and their class weights: the hybrid's training tweets as
    they are (with their copies, given a transfer set); the LSTMs alone rebalanced."""
    if linear is None:
        return balance(split.train, config)
    if transfer is None:
        return split.train, None
    return _with_copies(split.train, transfer, linear), None


def _with_copies(train: pd.DataFrame, transfer: TransferSet, linear: LinearMember) -> pd.DataFrame:
    """The training rows with their soft targets, then the copies of them with their teacher
    targets and out-of-fold linear logits (``transfer.source`` indexes ``Split.frame``)."""
    soft = train.assign(target=transfer.original_targets[train.index.to_numpy()])
    keep = np.isin(transfer.source, train.index.to_numpy()) | (transfer.source < 0)
    texts = [t for t, k in zip(transfer.texts, keep, strict=True) if k]
    offsets = linear.fit.soft_oof_logit
    if offsets is None:
        raise ValueError("the linear member was fitted without the transfer set's copies")
    copies = pd.DataFrame(
        {
            "text": texts,
            "standardized": transfer.standardized[keep],
            "target": transfer.targets[keep],
            "offset": offsets[keep],
        }
    )
    return pd.concat([soft, copies], ignore_index=True)


def _per_head(y: np.ndarray, heads: int) -> np.ndarray:
    """The targets as the ids model gives its output: ``[n]``, or ``[n, heads]`` for several stacks."""
    return y if heads == 1 else np.repeat(y[:, np.newaxis], heads, axis=1)


def _dataset(part: tuple[Any, ...]) -> Any:
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices(part)


def _training_dataset(
    x: Any, y: np.ndarray, weights: dict[int, float] | None, heads: int, config: TrainConfig
) -> tuple[Any, dict[int, float] | None]:
    """Shuffled batches; with several stacks, class weights become sample weights (returned ``None``),
    because Keras' ``class_weight`` reads ``[n, k]`` targets as one-hot."""
    import tensorflow as tf

    part: tuple[Any, ...] = (x, _per_head(y, heads))
    if heads > 1 and weights is not None:
        part += (np.where(y == 1, weights.get(1, 1.0), weights.get(0, 1.0)).astype(np.float32),)
        weights = None
    dataset = (
        _dataset(part)
        .shuffle(len(y), seed=config.seed, reshuffle_each_iteration=True)
        .batch(config.batch_size)
        .prefetch(tf.data.AUTOTUNE)
    )
    return dataset, weights


def _fit(
    model: Any,
    dataset: Any,
    validation: Any,
    weights: dict[int, float] | None,
    config: TrainConfig,
    verbose: int | None,
) -> dict[str, list[float]]:
    import keras

    stopping = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=config.patience, restore_best_weights=True
    )
    fit = model.fit(
        dataset,
        validation_data=validation,
        epochs=config.epochs,
        class_weight=weights,
        shuffle=False,  # the dataset reshuffles every epoch itself
        callbacks=[stopping],
        verbose=(1 if sys.stdout.isatty() else 2) if verbose is None else verbose,
    )
    return {k: [float(v) for v in values] for k, values in fit.history.items()}
