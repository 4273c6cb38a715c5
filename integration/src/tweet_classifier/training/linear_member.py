"""The linear member in training: fitted on every tweet, scored out of fold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tweet_classifier.config import TrainConfig
from tweet_classifier.distillation.transfer import TransferSet
from tweet_classifier.model.linear import LinearFit, SoftRows, fit_linear
from tweet_classifier.report.metrics import BinaryMetrics, binary_metrics
from tweet_classifier.training.inputs import Lookups, Split, pooled_vectors
from tweet_classifier.training.outcome import Evaluation


@dataclass(frozen=True)
class LinearMember:
    """The fitted member and its out-of-fold scores of every tweet (``Split.frame`` order)."""

    fit: LinearFit
    out_of_fold: BinaryMetrics

    def summary(self) -> dict[str, Any]:
        """What ``metrics.json`` reports of the member."""
        return {
            "out_of_fold": self.out_of_fold.to_dict(),
            "vocabulary_size": len(self.fit.vocabulary),
            "char_ngrams": self.fit.vocabulary.num_char,
            "word_ngrams": self.fit.vocabulary.num_word,
            "pooled_vectors": self.fit.vector_coef is not None,
        }

    def with_offsets(self, split: Split) -> Split:
        """``split`` with an ``offset`` column: each tweet's out-of-fold linear logit."""
        offset = pd.Series(self.fit.oof_logit, index=split.frame.index)
        return Split(
            split.frame.assign(offset=offset),
            split.train.assign(offset=offset.loc[split.train.index]),
            split.valid.assign(offset=offset.loc[split.valid.index]),
        )


def fit_linear_member(
    split: Split, lookups: Lookups, config: TrainConfig, transfer: TransferSet | None = None
) -> LinearMember:
    """Fit on every tweet (and, with a teacher, on its soft targets and augmented copies)."""
    texts = list(split.frame["text"])
    y = split.frame["target"].to_numpy()
    vectors = soft = None
    if config.uses_linear_vectors:
        vectors = pooled_vectors(lookups.for_linear, lookups.token_ids(split.frame["standardized"]))
    if transfer is not None:
        copy_vectors = None
        if vectors is not None:
            copies = pd.Series(transfer.standardized)
            copy_vectors = pooled_vectors(lookups.for_linear, lookups.token_ids(copies))
        soft = SoftRows(
            transfer.texts, transfer.targets, transfer.source, transfer.original_targets, copy_vectors
        )
    fit = fit_linear(
        texts, y, c=config.linear_c, folds=config.folds, seed=config.seed, vectors=vectors, soft=soft
    )
    return LinearMember(fit, binary_metrics(y, fit.oof_probability, fit.oof_threshold))


def linear_evaluation(member: LinearMember, lookups: Lookups, split: Split) -> Evaluation:
    """The linear member alone: its graph, threshold and scores, all out of fold."""
    from tweet_classifier.model import linear_model

    return Evaluation(
        text_model=linear_model(member.fit, lookups.lookup),  # lookup: None without pooled vectors
        threshold=member.fit.oof_threshold,
        valid_y=split.frame["target"].to_numpy(np.float32),
        probability=member.fit.oof_probability,
        metrics=member.out_of_fold,
        train_rows=len(split.frame),
        valid_rows=0,
        threshold_tweets=len(split.frame),
    )
