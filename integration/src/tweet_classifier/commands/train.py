"""``tweetclf train``: read, train, export, and say what came out."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from tweet_classifier.commands.vector_files import load_vectors
from tweet_classifier.config import TrainConfig
from tweet_classifier.errors import ConfigError
from tweet_classifier.label_conflicts import label_conflicts_note
from tweet_classifier.tensorflow_start import start_tensorflow
from tweet_classifier.tweets import check_labels, read_tweets, sample_csv

KAGGLE_TRAIN_SECONDS = 30  # the wall time of the hint's command on 2 cores, measured (README)


def kaggle_train_csv() -> Path | None:
    """Kaggle's ``train.csv`` in ``$KAGGLE_DATA_DIR`` or ``../shared/data/kaggle/``, if it is there."""
    folder = Path(os.environ.get("KAGGLE_DATA_DIR") or "../shared/data/kaggle")
    return folder / "train.csv" if (folder / "train.csv").is_file() else None


def cmd_train(args: argparse.Namespace) -> int:
    from tweet_classifier.artifacts.versions import check_model_base

    config = TrainConfig.from_namespace(args)
    check_model_base(args.model_dir)  # fail before reading data, vectors or starting TensorFlow
    if config.teacher:
        from tweet_classifier.teacher.files import check_teacher

        check_teacher(config.teacher)
    elif args.unlabelled_csv is not None:
        raise ConfigError("--unlabelled-csv needs --teacher: only a teacher can label those tweets")
    unlabelled = read_tweets(args.unlabelled_csv, labelled=False).texts if args.unlabelled_csv else []
    train_csv = args.train_csv or sample_csv()
    tweets = read_tweets(train_csv, labelled=True)
    check_labels(tweets, config.min_tweets_per_class)  # before the vectors load and TensorFlow starts
    print(f"training data: {train_csv} ({len(tweets):,} tweets, {sum(tweets.targets or [])} disasters)")
    note = label_conflicts_note(tweets, config.label_conflicts)
    if note:
        print(note)
    vectors = load_vectors(args.vectors)
    start_tensorflow()
    from tweet_classifier.training import train

    result = train(
        tweets, vectors, args.model_dir, config, verbose=0 if args.quiet else None, unlabelled=unlabelled
    )
    _print_training(result, config)
    kaggle = kaggle_train_csv() if args.train_csv is None else None
    if kaggle is not None:
        print(
            f"Kaggle's data is in {kaggle.parent}: for a real model (about {KAGGLE_TRAIN_SECONDS} s), "
            f"tweetclf train --train-csv {kaggle} --model-dir {args.model_dir}"
        )
    return 0


def _print_training(result: Any, config: TrainConfig) -> None:
    from tweet_classifier.report.metrics import MIN_TUNING_TWEETS

    m = result.metrics
    linear = result.members.get("linear")
    if linear and config.model != "linear":
        oof = linear["out_of_fold"]
        print(
            f"linear member, out-of-fold: F1 {oof['f1']:.3f}  threshold {oof['threshold']:.2f}  "
            f"({oof['count']} tweets, {config.folds} folds)"
        )
    print(
        f"{'out-of-fold' if config.model == 'linear' else 'validation'}: F1 {m.f1:.3f}  "
        f"precision {m.precision:.3f}  recall {m.recall:.3f}  "
        f"accuracy {m.accuracy:.3f}  threshold {m.threshold:.2f}  ({m.count} tweets)"
    )
    if result.threshold_tweets < MIN_TUNING_TWEETS:
        print(
            f"threshold: kept {m.threshold:.2f}; tuning it needs {MIN_TUNING_TWEETS}+ tweets "
            f"and this run has {result.threshold_tweets} to choose it on"
        )
    if result.history.get("val_loss"):
        from tweet_classifier.report import best_epoch

        epochs = len(result.history["val_loss"])
        print(
            f"epochs: {epochs} run, the weights of epoch {best_epoch(result.history)} kept (lowest val_loss)"
        )
    print(f"model:  {result.version_dir}")
    print(f"report: {result.version_dir / 'report' if result.version_dir else '-'}")
    if "export_bytes" in result.sizes:
        export_mb = result.sizes["export_bytes"] / 1e6
        parts = []
        if "vectors_raw_bytes" in result.sizes:
            raw_mb = result.sizes["vectors_raw_bytes"] / 1e6
            parts.append(f"{raw_mb:.1f} MB of vocabulary + vectors ({export_mb / raw_mb:.2f}x)")
        if "ngrams_raw_bytes" in result.sizes:
            parts.append(f"{result.sizes['ngrams_raw_bytes'] / 1e6:.1f} MB of n-gram vocabulary")
        print(f"size:   {export_mb:.1f} MB exported for {', '.join(parts)}")
    print(f"time:   {result.timings.get('total_s', 0):.1f} s")
    distillation = result.members.get("distillation")
    if distillation:
        print(
            f"teacher: {config.teacher}, {result.timings.get('teacher_s', 0):.0f} s of that "
            f"(fine-tuning and labelling, or read from the cache); {distillation['copies']:,} augmented "
            "copies labelled"
        )
