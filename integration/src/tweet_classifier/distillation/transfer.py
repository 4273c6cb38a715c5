"""The transfer set: what the student learns from the teacher.

The teacher is fine-tuned on the training tweets (cached by their fingerprint), then labels
them and their augmented copies. The tweets' own targets mix the gold label with the teacher's
probability (``distill_weight``); the copies' targets are the teacher's probability alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tweet_classifier.config import TrainConfig
from tweet_classifier.distillation.augment import AugmentConfig, augment, nearest_words, word_key


@dataclass(frozen=True)
class TransferSet:
    """Soft targets of the training tweets and of their augmented copies (``source``: the tweet's
    position in the training texts)."""

    original_targets: np.ndarray  # float [tweets]
    texts: list[str]  # the copies (and any unlabelled tweets with theirs)
    source: np.ndarray  # int [copies]: the training tweet each came from, -1 for none
    targets: np.ndarray  # float [copies]
    standardized: np.ndarray  # the copies as the word lookup standardises them (both members read it)

    def summary(self) -> dict[str, Any]:
        """What ``metrics.json`` reports of the distillation."""
        return {
            "copies": int(np.sum(self.source >= 0)),
            "unlabelled": int(np.sum(self.source < 0)),
            "mean_copy_target": float(np.mean(self.targets)) if self.texts else None,
        }


def soft_targets(logits: np.ndarray, temperature: float) -> np.ndarray:
    """The teacher's probabilities: ``sigmoid(logit / temperature)``.

    >>> soft_targets(np.array([0.0, 4.0]), 2.0).round(3).tolist()
    [0.5, 0.881]
    """
    return np.asarray(1 / (1 + np.exp(-np.asarray(logits, np.float64) / temperature)))


def build_transfer_set(
    texts: Sequence[str],
    labels: np.ndarray,
    vectors: Any,
    config: TrainConfig,
    verbose: int | None = None,
    unlabelled: Sequence[str] = (),
) -> TransferSet:
    """Fine-tune (or read from the cache) the ``config.teacher``, augment ``texts``, label them all.

    ``vectors``: the (trimmed) :class:`glove_lookup.WordVectors` whose neighbours replace words,
    or ``None`` (copies then only drop words and take n-grams). ``unlabelled``: more tweets of
    the same kind without labels (Kaggle's test.csv, say): they and their copies join the
    transfer set with the teacher's targets alone (``source`` -1: from no training tweet).
    """
    from tweet_classifier.teacher.cache import TeacherCache
    from tweet_classifier.teacher.files import TeacherFiles
    from tweet_classifier.teacher.teacher import TeacherConfig
    from tweet_classifier.training.inputs import standardized

    texts, unlabelled = list(texts), list(unlabelled)
    files = TeacherFiles.load(config.teacher)
    cache = TeacherCache(files, TeacherConfig(epochs=config.teacher_epochs), texts, [int(v) for v in labels])
    neighbours: dict[str, list[str]] = {}
    if vectors is not None:
        words = {word_key(token) for text in [*texts, *unlabelled] for token in text.split()}
        neighbours = nearest_words(list(vectors.words), vectors.matrix, words)
    augmenting = AugmentConfig(copies=config.augment_copies, seed=config.seed)
    copies, source = augment(texts, neighbours, augmenting)
    more, _ = augment(unlabelled, neighbours, augmenting)

    def say(line: str) -> None:
        if verbose != 0:
            print(line, flush=True)

    if not cache.has_teacher:
        say(f"teacher: fine-tuning {files.source} on {len(texts):,} tweets ({config.teacher_epochs} epochs)")
    teacher = soft_targets(cache.logits(texts, verbose=verbose), config.distill_temperature)
    extra = f" and {len(unlabelled):,} unlabelled tweets with {len(more):,} copies" if unlabelled else ""
    say(f"teacher: labelling {len(copies):,} augmented copies{extra} (cached by their texts)")
    parts = [part for part in (copies, unlabelled, more) if part]  # each cached on its own
    logits = np.concatenate([cache.logits(part) for part in parts]) if parts else np.zeros(0)
    sources = np.concatenate([source, np.full(len(unlabelled) + len(more), -1, np.int64)])
    mixed = (1 - config.distill_weight) * np.asarray(labels, np.float64) + config.distill_weight * teacher
    targets = soft_targets(logits, config.distill_temperature)
    rows = [*copies, *unlabelled, *more]
    return TransferSet(mixed, rows, sources, targets, standardized(rows))
