"""Train the classifier on labelled tweets and export a new version atomically."""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rebalance import class_weights, oversample, stratified_split, undersample
from tweet_classifier.config import TrainConfig
from tweet_classifier.data import Tweets
from tweet_classifier.export import export_serving_model
from tweet_classifier.metrics import BinaryMetrics, best_threshold, binary_metrics
from tweet_classifier.report import write_report
from tweet_classifier.versions import check_model_base, write_version

REPORT_DIR = "report"


@dataclass
class TrainResult:
    """What a training run produced: the version directory (``None`` on non-chief workers) and metrics."""

    version_dir: Path | None
    metrics: BinaryMetrics
    model: Any  # the Keras text model (raw strings in), as exported
    history: dict[str, list[float]]
    timings: dict[str, float] = field(default_factory=dict)
    vocabulary_size: int = 0
    sizes: dict[str, int] = field(default_factory=dict)
    members: dict[str, Any] = field(default_factory=dict)
    valid_y: Any = None  # the held-out labels the metrics were computed on
    valid_probability: Any = None  # and the model's probabilities for them


def training_vocabulary(texts: list[str]) -> set[str]:
    """The tokens of ``texts`` after the layer's standardisation."""
    import tensorflow as tf

    from glove_lookup import standardize

    tokens = tf.strings.split(standardize(tf.constant(texts))).flat_values.numpy()
    return {t.decode("utf-8") for t in tokens}


def pooled_vectors(lookup: Any, texts: list[str], batch_size: int = 2048) -> np.ndarray:
    """float32 ``[texts, 2 * dim]``: each text's :class:`VectorPool` features, as the graph computes them."""
    import tensorflow as tf

    from tweet_classifier.vector_pool import VectorPool

    pool = VectorPool()
    parts = [
        pool(lookup(tf.constant(texts[start : start + batch_size], tf.string))).numpy()
        for start in range(0, len(texts), batch_size)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, 2 * lookup.output_dim), np.float32)


def balance(frame: pd.DataFrame, config: TrainConfig) -> tuple[pd.DataFrame, dict[int, float] | None]:
    if config.balance == "undersample":
        return undersample(frame, "target", seed=config.seed), None
    if config.balance == "oversample":
        return oversample(frame, "target", seed=config.seed), None
    if config.balance == "class-weight":
        return frame, {int(k): float(v) for k, v in class_weights(frame["target"]).items()}
    return frame, None


def _per_head(y: np.ndarray, heads: int) -> np.ndarray:
    """The targets as the ids model gives its output: ``[n]``, or ``[n, heads]`` for several stacks."""
    return y if heads == 1 else np.repeat(y[:, np.newaxis], heads, axis=1)


def train(
    tweets: Tweets,
    vectors: Any,
    model_dir: Path | None,
    config: TrainConfig,
    *,
    strategy: Any = None,
    is_chief: bool = True,
    verbose: int | None = None,
) -> TrainResult:
    """Train the ``config.model`` members, choose the threshold, export ``model_dir/<N+1>`` (chief only).

    ``linear``: n-gram TF-IDF logistic regression, threshold from its out-of-fold scores.
    ``lstm``: the recurrent model alone, early stopping and threshold on the validation split.
    ``hybrid``: the LSTM learns a correction of the linear member's out-of-fold logit; the
    threshold comes from the linear member's out-of-fold scores of every tweet.

    ``vectors``: a :class:`glove_lookup.WordVectors` or anything ``WordVectors.load`` takes.
    ``model_dir=None`` trains and evaluates without exporting.
    """
    import keras
    import tensorflow as tf

    from glove_lookup import GloveLookup, WordVectors
    from tweet_classifier.model import blend_heads, build_models, linear_model

    if tweets.targets is None:
        raise ValueError("training needs labelled tweets")
    if model_dir is not None:
        check_model_base(model_dir)  # fail before spending minutes on training
    started = time.perf_counter()
    keras.utils.set_random_seed(config.seed)
    frame = pd.DataFrame({"text": tweets.texts, "target": tweets.targets})
    train_frame, valid_frame = frame, frame.iloc[:0]
    if config.model != "linear":
        train_frame, valid_frame = stratified_split(
            frame, "target", test_size=config.valid_size, seed=config.seed
        )
    wv: Any = None
    lookup: Any = None
    linear_lookup: Any = None  # the lookup of the linear member's pooled vectors, if not ``lookup``

    def scope() -> Any:  # a fresh context each time: a strategy's scope() cannot be re-entered
        return strategy.scope() if strategy is not None else contextlib.nullcontext()

    if config.model != "linear" or config.uses_linear_vectors:
        wv = vectors if isinstance(vectors, WordVectors) else WordVectors.load(vectors)
        wv = wv.restrict(vocabulary=training_vocabulary(list(train_frame["text"])), top_n=config.vocab_top_n)
        with scope():
            lookup = GloveLookup(
                wv, sequence_length=config.sequence_length, trainable=config.trainable_vectors
            )
            if config.model == "hybrid" and config.trainable_vectors and config.linear_vectors:
                # the LSTMs fine-tune ``lookup``; the linear member's weights fit the vectors as
                # loaded, so it keeps a frozen copy
                linear_lookup = GloveLookup(wv, sequence_length=config.sequence_length, name="linear_lookup")
    linear = None
    members: dict[str, Any] = {}
    if config.model in ("linear", "hybrid"):
        from tweet_classifier.linear import fit_linear

        linear = fit_linear(
            list(frame["text"]),
            frame["target"].to_numpy(),
            c=config.linear_c,
            folds=config.folds,
            seed=config.seed,
            vectors=pooled_vectors(linear_lookup or lookup, list(frame["text"]))
            if config.uses_linear_vectors
            else None,
        )
        frame["offset"] = linear.oof_logit
        train_frame = train_frame.assign(offset=frame.loc[train_frame.index, "offset"])
        valid_frame = valid_frame.assign(offset=frame.loc[valid_frame.index, "offset"])
        oof_metrics = binary_metrics(frame["target"], linear.oof_probability, linear.oof_threshold)
        members["linear"] = {
            "out_of_fold": oof_metrics.to_dict(),
            "vocabulary_size": len(linear.vocabulary),
            "char_ngrams": linear.vocabulary.num_char,
            "word_ngrams": linear.vocabulary.num_word,
            "pooled_vectors": linear.vector_coef is not None,
        }
    linear_fitted = time.perf_counter()

    history: dict[str, list[float]] = {}
    if config.model == "linear":
        assert linear is not None
        text_model = linear_model(linear, lookup)  # lookup: None without pooled vectors
        threshold = linear.oof_threshold
        valid_y = frame["target"].to_numpy(np.float32)
        probability = linear.oof_probability
        metrics = oof_metrics
        train_rows, valid_rows = len(frame), 0
        prepared = trained = time.perf_counter()
    else:
        weights = None
        if linear is None:  # the hybrid keeps the natural class balance: its offset is calibrated
            train_frame, weights = balance(train_frame, config)

        with scope():
            ids_model, text_model, hasher = build_models(lookup, config, linear, linear_lookup)
            ids_model.compile(
                optimizer=keras.optimizers.Adam(config.learning_rate),
                loss="binary_crossentropy",
                metrics=["accuracy"],
            )

        def features(part: pd.DataFrame) -> Any:
            """What the ids model takes: token ids (+ hashed n-gram ids, + linear logit), computed once."""
            tensor = tf.constant(list(part["text"]))
            inputs: list[Any] = [lookup.token_ids(tensor)]
            if hasher is not None:
                inputs.append(hasher(tensor))
            if linear is not None:
                inputs.append(part["offset"].to_numpy(np.float32).reshape(-1, 1))
            return inputs[0] if len(inputs) == 1 else tuple(inputs)

        train_ids = features(train_frame)
        valid_ids = features(valid_frame)
        train_y = train_frame["target"].to_numpy(np.float32)
        valid_y = valid_frame["target"].to_numpy(np.float32)
        heads = config.lstm_seeds if strategy is None else 1  # fit_distributed spreads y itself
        train_part: tuple[Any, ...] = (train_ids, _per_head(train_y, heads))
        if heads > 1 and weights is not None:  # Keras' class_weight reads [n, k] targets as one-hot
            sample_weight = np.where(train_y == 1, weights.get(1, 1.0), weights.get(0, 1.0))
            train_part += (sample_weight.astype(np.float32),)
            weights = None
        dataset = (
            tf.data.Dataset.from_tensor_slices(train_part)
            .shuffle(len(train_y), seed=config.seed, reshuffle_each_iteration=True)
            .batch(config.batch_size)
            .prefetch(tf.data.AUTOTUNE)
        )
        validation = tf.data.Dataset.from_tensor_slices((valid_ids, _per_head(valid_y, heads))).batch(1024)
        prepared = time.perf_counter()

        if verbose is None:
            verbose = 1 if sys.stdout.isatty() else 2
        if strategy is None:
            callbacks = [
                keras.callbacks.EarlyStopping(
                    monitor="val_loss", patience=config.patience, restore_best_weights=True
                )
            ]
            fit = ids_model.fit(
                dataset,
                validation_data=validation,
                epochs=config.epochs,
                class_weight=weights,
                shuffle=False,  # the dataset reshuffles every epoch itself
                callbacks=callbacks,
                verbose=verbose,
            )
            history = {k: [float(v) for v in values] for k, values in fit.history.items()}
        else:
            from tweet_classifier.distributed import fit_distributed

            history = fit_distributed(
                ids_model,
                strategy,
                dataset,
                (valid_ids, valid_y),
                config,
                weights,
                steps=-(-len(train_y) // config.batch_size),
            )
        trained = time.perf_counter()

        # Validation tweets were out of fold for the linear member too: an honest estimate.
        probability = blend_heads(ids_model.predict(validation, verbose=0))
        if linear is None:
            threshold = best_threshold(valid_y, probability)
        else:  # chosen on the linear member's out-of-fold scores of every tweet, not on ~10%
            threshold = linear.oof_threshold
            members["hybrid_validation_best_threshold"] = best_threshold(valid_y, probability)
        metrics = binary_metrics(valid_y, probability, threshold)
        train_rows, valid_rows = len(train_y), len(valid_y)
    timings = {
        "linear_s": linear_fitted - started,
        "prepare_s": prepared - linear_fitted,
        "train_s": trained - prepared,
    }
    sizes = {}
    if wv is not None:
        sizes["vectors_raw_bytes"] = wv.matrix.nbytes + sum(len(w.encode("utf-8")) + 1 for w in wv.words)
    if linear is not None:
        sizes["ngrams_raw_bytes"] = linear.vocabulary.keys.nbytes  # int64 n-gram keys
    metadata = {
        "config": config.to_dict(),
        "vocabulary_size": len(wv) if wv is not None else 0,
        "train_rows": train_rows,
        "valid_rows": valid_rows,
        "source": tweets.source,
    }

    def build(directory: Path) -> None:
        export_serving_model(text_model, threshold, directory, metadata)
        sizes["export_bytes"] = sum(
            f.stat().st_size
            for part in ("saved_model.pb", "variables", "assets")
            for f in ([directory / part] if (directory / part).is_file() else (directory / part).rglob("*"))
            if f.is_file()
        )
        timings["export_s"] = time.perf_counter() - trained
        timings["total_s"] = time.perf_counter() - started
        write_report(
            directory / REPORT_DIR,
            metrics,
            valid_y,
            probability,
            history=history,
            extra={
                "timings": timings,
                "epochs_run": len(history.get("loss", [])),
                "members": members,
                **sizes,
                **metadata,
            },
        )

    version_dir = None
    if model_dir is not None:
        if is_chief:
            version_dir = write_version(model_dir, build)
        else:  # every worker must take part in saving; the others write to a scratch dir
            with tempfile.TemporaryDirectory(prefix="tweetclf-worker-") as scratch:
                export_serving_model(text_model, threshold, Path(scratch) / "export", metadata)
    return TrainResult(
        version_dir,
        metrics,
        text_model,
        history,
        timings,
        len(wv) if wv is not None else 0,
        sizes,
        members,
        valid_y,
        probability,
    )
