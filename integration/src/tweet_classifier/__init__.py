"""tweet_classifier: the disaster-tweet classifier built from glove_lookup, ngram_tfidf and rebalance.

Folders: ``model/`` (members, blend, explain), ``training/``, ``artifacts/`` (export, versions,
loading, ``model.tar.gz``), ``report/`` (metrics, plots), ``server/``, ``production/`` (TF Serving's
files, batching as ``tweetclf serve``), ``commands/``, ``sagemaker/``, ``teacher/`` and
``distillation/`` (``--teacher``).

Public API::

    TrainConfig(...)                       # hyperparameters (CLI flags / SageMaker hyperparameters)
    read_tweets(path, labelled=True)       # CSV with errors naming file:line
    resolve_label_conflicts(tweets, "drop")  # identical texts with both targets (train() applies it)
    train(tweets, vectors, model_dir, config) -> TrainResult   # exports model_dir/<N+1>/ atomically
    ExportedModel(path).predict(texts)     # load a version like a server does
    package_model(model, "model.tar.gz")   # SageMaker layout: 1/saved_model.pb
    binary_metrics(y, p, threshold), best_threshold(y, p)

CLI: ``tweetclf {train,evaluate,predict,vectors,serve,tf-serving-config,sagemaker,package}``.
"""

from __future__ import annotations

from typing import Any

from tweet_classifier.config import TrainConfig
from tweet_classifier.errors import DataError, ModelDirError, TweetClassifierError
from tweet_classifier.label_conflicts import LabelConflicts, resolve_label_conflicts
from tweet_classifier.report.metrics import BinaryMetrics, best_threshold, binary_metrics
from tweet_classifier.tweets import Tweets, read_tweets, sample_csv

__all__ = [
    "BinaryMetrics",
    "DataError",
    "ExportedModel",
    "LabelConflicts",
    "ModelDirError",
    "TrainConfig",
    "TrainResult",
    "TweetClassifierError",
    "Tweets",
    "best_threshold",
    "binary_metrics",
    "package_model",
    "read_tweets",
    "resolve_label_conflicts",
    "sample_csv",
    "train",
]

_LAZY = {
    "ExportedModel": "tweet_classifier.artifacts.exported_model",
    "TrainResult": "tweet_classifier.training",
    "train": "tweet_classifier.training",
    "package_model": "tweet_classifier.artifacts.packaging",
}


def __getattr__(name: str) -> Any:
    # These import TensorFlow; load them only when used.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tweet_classifier' has no attribute {name!r}")
