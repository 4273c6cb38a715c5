"""The lockbox: a fixed, stratified share of the labelled tweets that no lever is chosen on.

Membership depends only on a tweet's id and label (a salted hash ranks each class's ids), so
the same tweets stay in the lockbox whatever the file's row order or which other rows exist.
Candidates for a default are trained on the rest, scored once on the lockbox, and compared
with :func:`paired_bootstrap` on the same tweets.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from tweet_classifier.tweets import Tweets

LOCKBOX_SHARE = 0.2
LOCKBOX_SALT = "tweetclf-lockbox-2026-12"


def lockbox_split(tweets: Tweets, share: float = LOCKBOX_SHARE) -> tuple[Tweets, Tweets]:
    """``(rest, lockbox)``: about ``share`` of each class's tweets in the lockbox, chosen by id.

    >>> t = Tweets([str(i) for i in range(10)], [f"t{i}" for i in range(10)], [0] * 5 + [1] * 5, "x.csv")
    >>> rest, box = lockbox_split(t, share=0.4)
    >>> len(rest), len(box), sorted(box.targets)
    (6, 4, [0, 0, 1, 1])
    """
    if tweets.targets is None:
        raise ValueError(f"{tweets.source}: a lockbox needs labelled tweets")
    if not 0 < share < 1:
        raise ValueError(f"share must be in (0, 1), got {share}")
    targets = np.asarray(tweets.targets)
    inside = np.zeros(len(targets), bool)
    for label in np.unique(targets):
        rows = np.flatnonzero(targets == label)
        rank = sorted(rows, key=lambda r: hashlib.sha256(f"{LOCKBOX_SALT}:{tweets.ids[r]}".encode()).digest())
        inside[rank[: round(share * len(rows))]] = True
    return _subset(tweets, ~inside, "rest"), _subset(tweets, inside, "lockbox")


def _subset(tweets: Tweets, keep: np.ndarray, part: str) -> Tweets:
    rows = np.flatnonzero(keep)
    targets = tweets.targets
    return Tweets(
        [tweets.ids[r] for r in rows],
        [tweets.texts[r] for r in rows],
        [targets[r] for r in rows] if targets is not None else None,
        f"{tweets.source} ({part})",
        tweets.has_ids,
    )


@dataclass(frozen=True)
class PairedDifference:
    """F1 of two predictions on the same tweets, their difference and its bootstrap s.e."""

    f1_a: float
    f1_b: float
    difference: float  # a - b
    standard_error: float

    def __str__(self) -> str:
        return f"{self.difference:+.4f} ± {self.standard_error:.4f}"


def f1_rows(truth: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """F1 of class 1 for each row of ``[rounds, tweets]`` index-aligned 0/1 arrays (0 without a hit).

    >>> f1_rows(np.array([[1, 1, 0]]), np.array([[1, 0, 0]])).round(3).tolist()
    [0.667]
    """
    truth, predicted = np.asarray(truth, bool), np.asarray(predicted, bool)
    tp = (truth & predicted).sum(axis=-1)
    fp = (~truth & predicted).sum(axis=-1)
    fn = (truth & ~predicted).sum(axis=-1)
    return np.asarray(np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0))


def bootstrap_differences(
    y: np.ndarray, a: np.ndarray, b: np.ndarray, rounds: int = 2000, seed: int = 0
) -> np.ndarray:
    """F1(a) - F1(b) in each of ``rounds`` resamples of the tweets, drawn together for both
    (500 rounds at a time: bounded memory)."""
    y, a, b = (np.asarray(v, bool) for v in (y, a, b))
    rng = np.random.default_rng(seed)
    differences = np.empty(rounds)
    for start in range(0, rounds, 500):
        draw = rng.integers(0, len(y), size=(min(500, rounds - start), len(y)))
        truth = y[draw]
        differences[start : start + len(draw)] = f1_rows(truth, a[draw]) - f1_rows(truth, b[draw])
    return differences


def paired_bootstrap(
    y: np.ndarray, a: np.ndarray, b: np.ndarray, rounds: int = 2000, seed: int = 0
) -> PairedDifference:
    """F1(a) - F1(b) on labels ``y``, with the s.e. of that difference over tweets resampled together.

    >>> y = np.array([1, 1, 0, 0] * 50)
    >>> d = paired_bootstrap(y, y.copy(), np.array([1, 0, 0, 0] * 50))
    >>> round(d.difference, 3), d.standard_error > 0
    (0.333, True)
    """
    f1_a, f1_b = (float(f1_rows(y, p)) for p in (a, b))
    differences = bootstrap_differences(y, a, b, rounds, seed)
    return PairedDifference(f1_a, f1_b, f1_a - f1_b, float(np.std(differences, ddof=1)))
