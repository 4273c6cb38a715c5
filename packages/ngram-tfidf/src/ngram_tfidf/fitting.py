"""Fitting a logistic regression on n-gram TF-IDF, for any labelled texts, into a Keras layer.

scikit-learn's ``LogisticRegression`` (a convex solver, run to convergence) is used at
fitting time only (``pip install 'ngram-tfidf[fit]'``); its weights go into an
:class:`~ngram_tfidf.NgramTfidf`, so the exported graph needs neither scikit-learn nor
this package.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ngram_tfidf.counts import GramCounts, NgramVocabulary, tfidf_matrix
from ngram_tfidf.errors import TrainingDataError
from ngram_tfidf.layer import NgramTfidf


def solve(features: Any, y: Any, c: float) -> tuple[np.ndarray, float]:
    """Logistic regression weights and intercept (L2, ``C=c``, lbfgs to convergence).

    ``features``: a (sparse) matrix ``[texts, columns]``; ``y``: 0/1 labels, both classes present.
    """
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=1000).fit(features, np.asarray(y))
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


def solve_soft(features: Any, targets: Any, c: float) -> tuple[np.ndarray, float]:
    """Like :func:`solve`, for soft targets: P(label 1) in [0, 1] per row (a teacher's, say).

    Minimises ``C * sum(cross_entropy(target, p)) + |w|^2 / 2``, the objective :func:`solve`
    minimises for 0/1 targets: each row enters twice, as label 1 weighted by its target and as
    label 0 weighted by one minus it. 0/1 targets give :func:`solve`'s answer.

    >>> import numpy as np
    >>> x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    >>> w, b = solve_soft(x, [0.9, 0.1, 0.6, 0.5], c=1.0)
    >>> bool(w[0] > 0 > w[1])
    True
    """
    from scipy.sparse import issparse, vstack
    from sklearn.linear_model import LogisticRegression

    t = np.asarray(targets, np.float64)
    if t.min() < 0 or t.max() > 1:
        raise TrainingDataError("soft targets must be in [0, 1]")
    if np.isin(t, (0.0, 1.0)).all():
        return solve(features, t.astype(np.int64), c)
    both = vstack([features, features], format="csr") if issparse(features) else np.vstack([features] * 2)
    labels = np.concatenate([np.ones(len(t), np.int64), np.zeros(len(t), np.int64)])
    weights = np.concatenate([t, 1 - t])
    keep = weights > 0
    model = LogisticRegression(C=c, max_iter=1000).fit(both[keep], labels[keep], sample_weight=weights[keep])
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


@dataclass(frozen=True)
class TfidfLogit:
    """A logistic regression over n-gram TF-IDF, fitted by :func:`fit_logistic`.

    ``layer`` is the Keras layer (raw strings -> logit ``[batch, 1]``) to put in a model;
    ``vocabulary``, ``coef`` and ``intercept`` are what it holds, for inspection or NumPy use.

    Example:

    >>> fit = fit_logistic(["forest fire", "fire near la ronge", "i love fruits", "fun day"], [1, 1, 0, 0])
    >>> probability = fit.probability(["a fire in the forest", "fruits are fun"])
    >>> bool(probability[0] > 0.5 > probability[1])
    True
    """

    layer: NgramTfidf
    vocabulary: NgramVocabulary
    coef: np.ndarray  # float64 [len(vocabulary)]
    intercept: float

    def features(self, texts: Sequence[str]) -> Any:
        """scipy CSR ``[texts, len(vocabulary)]``: the TF-IDF rows the solver saw, in NumPy."""
        return tfidf_features(texts, self.vocabulary)

    def probability(self, texts: Sequence[str]) -> np.ndarray:
        """float64 ``[texts]``: P(label 1), computed in NumPy (the layer gives the same logits)."""
        logit = self.features(texts) @ self.coef + self.intercept
        return np.asarray(1 / (1 + np.exp(-logit)))


def tfidf_features(texts: Sequence[str], vocabulary: NgramVocabulary) -> Any:
    """scipy CSR ``[texts, len(vocabulary)]``: the TF-IDF of ``texts`` over a fitted vocabulary.

    >>> vocabulary = NgramVocabulary.fit(GramCounts.of(["forest fire", "fun"]))
    >>> tfidf_features(["fire", "zzz"], vocabulary).getnnz(axis=1).tolist()  # of " zzz ", only " " is known
    [21, 1]
    """
    return tfidf_matrix(GramCounts.of(list(texts)), vocabulary)


def fit_logistic(
    texts: Sequence[str],
    labels: Any,
    *,
    c: float = 2.0,
    char_min_df: int = 1,
    word_min_df: int = 1,
    name: str = "ngram_tfidf",
) -> TfidfLogit:
    """Fit the vocabulary (IDF) and an L2 logistic regression (``C=c``) on ``texts`` and 0/1 ``labels``.

    The features are scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 6),
    sublinear_tf=True)`` beside the word 1..3-gram one, each L2-normalised, after
    :func:`~ngram_tfidf.clean`. Raises ``ValueError`` for lengths that differ, labels other
    than 0/1, or a single class.
    """
    y = np.asarray(labels)
    if len(y) != len(texts):
        raise TrainingDataError(f"{len(texts)} texts but {len(y)} labels")
    if not np.isin(y, (0, 1)).all():
        raise TrainingDataError("labels must be 0 or 1")
    if len(np.unique(y)) < 2:
        raise TrainingDataError("labels must hold both classes (0 and 1)")
    counts = GramCounts.of(list(texts))
    vocabulary = NgramVocabulary.fit(counts, char_min_df=char_min_df, word_min_df=word_min_df)
    coef, intercept = solve(tfidf_matrix(counts, vocabulary), y.astype(np.int64), c)
    layer = NgramTfidf(vocabulary, weights=coef, bias=intercept, name=name)
    return TfidfLogit(layer, vocabulary, coef, intercept)
