"""Fit the linear member: L2-regularised logistic regression on n-gram TF-IDF, out-of-fold too.

scikit-learn's ``LogisticRegression`` (a convex solver, run to convergence) is used at
training time only; its weights go into :class:`~tweet_classifier.ngram_tfidf.NgramTfidf`,
so the exported graph needs no scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tweet_classifier.metrics import best_threshold
from tweet_classifier.ngram_tfidf import GramCounts, NgramTfidf, NgramVocabulary, tfidf_matrix


@dataclass
class LinearFit:
    """The fitted linear member and its out-of-fold logits for every training text."""

    layer: NgramTfidf
    vocabulary: NgramVocabulary
    coef: np.ndarray
    intercept: float
    oof_logit: np.ndarray  # float64 [texts]: each text scored by a model that did not see it
    oof_threshold: float  # best F1 threshold on the out-of-fold probabilities

    @property
    def oof_probability(self) -> np.ndarray:
        """float64 ``[texts]``: the out-of-fold logits as probabilities."""
        return _probability(self.oof_logit)


def fold_ids(y: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """A stratified fold number ``0..folds-1`` for each label (classes spread evenly).

    >>> fold_ids(np.array([0, 0, 1, 1, 0, 1]), folds=3, seed=0).tolist()
    [1, 2, 2, 1, 0, 0]
    """
    rng = np.random.default_rng(seed)
    ids = np.empty(len(y), np.int64)
    offset = 0
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        ids[members] = (np.arange(len(members)) + offset) % folds
        offset += len(members)
    return ids


def solve(features: Any, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """Logistic regression weights and intercept (L2, ``C=c``, lbfgs to convergence)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=1000).fit(features, y)
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


def fit_linear(
    texts: list[str],
    y: np.ndarray,
    *,
    c: float = 2.0,
    folds: int = 5,
    seed: int = 0,
    counts: GramCounts | None = None,
) -> LinearFit:
    """Fit on all ``texts``; score each text out-of-fold with ``folds`` (>= 2) models fitted without it."""
    if folds < 2:
        raise ValueError(f"folds must be >= 2, got {folds}")
    y = np.asarray(y, np.int64)
    counts = counts if counts is not None else GramCounts.of(texts)
    oof = np.zeros(len(y), np.float64)
    fold = fold_ids(y, folds, seed)
    for k in range(folds):
        inside, outside = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        train_counts = counts.subset(inside)
        vocabulary = NgramVocabulary.fit(train_counts)
        coef, intercept = solve(tfidf_matrix(train_counts, vocabulary), y[inside], c)
        oof[outside] = tfidf_matrix(counts.subset(outside), vocabulary) @ coef + intercept
    vocabulary = NgramVocabulary.fit(counts)
    coef, intercept = solve(tfidf_matrix(counts, vocabulary), y, c)
    layer = NgramTfidf(vocabulary, weights=coef, bias=intercept, name="linear")
    threshold = best_threshold(y, _probability(oof))
    return LinearFit(layer, vocabulary, coef, intercept, oof, threshold)


def _probability(logit: np.ndarray) -> np.ndarray:
    return np.asarray(1 / (1 + np.exp(-logit)))
