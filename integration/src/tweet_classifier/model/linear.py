"""Fit the linear member: L2-regularised logistic regression on n-gram TF-IDF, out-of-fold too.

Optionally the features also hold the tweet's pooled word vectors (:class:`VectorPool`
over the GloVe lookup): their weights go into a bias-free ``Dense`` beside the n-grams.

scikit-learn's ``LogisticRegression`` (a convex solver, run to convergence) is used at
training time only (:func:`ngram_tfidf.solve`); its weights go into
:class:`~ngram_tfidf.NgramTfidf`, so the exported graph needs no scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ngram_tfidf import GramCounts, NgramTfidf, NgramVocabulary, solve_soft, tfidf_matrix
from tweet_classifier.report.metrics import tuned_threshold


@dataclass
class LinearFit:
    """The fitted linear member and its out-of-fold logits for every training text."""

    layer: NgramTfidf
    vocabulary: NgramVocabulary
    coef: np.ndarray
    intercept: float
    oof_logit: np.ndarray  # float64 [texts]: each text scored by a model that did not see it
    oof_threshold: float  # best F1 threshold on the out-of-fold probabilities (0.5 on too few tweets)
    vector_coef: np.ndarray | None = None  # weights of the pooled word vectors, if used
    soft_oof_logit: np.ndarray | None = None  # distillation: each soft copy scored out of fold

    @property
    def oof_probability(self) -> np.ndarray:
        """float64 ``[texts]``: the out-of-fold logits as probabilities."""
        return _probability(self.oof_logit)

    def logit(self, ngram_logit: Any, vectors: Any = None) -> Any:
        """The member's logit in a functional Keras model: ``ngram_logit`` is :attr:`layer`'s
        output, ``vectors`` the lookup's (needed when the member was fitted with pooled vectors)."""
        import keras

        from glove_lookup import VectorPool

        if self.vector_coef is None:
            return ngram_logit
        if vectors is None:
            raise ValueError("this linear member was fitted with word vectors: pass the lookup's output")
        weights = self.vector_coef.astype(np.float32).reshape(-1, 1)
        dense = keras.layers.Dense(
            1,
            use_bias=False,
            trainable=False,
            kernel_initializer=keras.initializers.Constant(weights),
            name="linear_vectors",
        )
        return keras.layers.Add(name="linear_logit")(
            [ngram_logit, dense(VectorPool(name="vector_pool")(vectors))]
        )


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


@dataclass(frozen=True)
class SoftRows:
    """Distillation's extra rows for the linear member: augmented copies of the training texts with
    a teacher's P(label 1), and the soft targets of the texts themselves.

    ``source[i]``: the training text copy ``i`` came from; a copy goes in its source's fold. A
    row with source -1 (an unlabelled tweet) is in no text's fold: the rows are spread evenly.
    """

    texts: list[str]
    targets: np.ndarray  # float [copies]
    source: np.ndarray  # int [copies]
    original_targets: np.ndarray  # float [texts]: the texts' own targets (gold mixed with the teacher)
    vectors: np.ndarray | None = None  # the copies' pooled word vectors, when the member uses them


def fit_linear(
    texts: list[str],
    y: np.ndarray,
    *,
    c: float = 2.0,
    folds: int = 5,
    seed: int = 0,
    counts: GramCounts | None = None,
    vectors: np.ndarray | None = None,
    soft: SoftRows | None = None,
) -> LinearFit:
    """Fit on all ``texts``; score each text out-of-fold with ``folds`` (>= 2) models fitted without it.

    ``vectors``: float ``[texts, k]`` pooled word vectors, appended to each text's TF-IDF.
    ``soft``: distillation: the copies join the training rows (each in its source's fold), every
    row learns a soft target, and :attr:`LinearFit.soft_oof_logit` scores each copy out of fold.
    The threshold is chosen on the texts' out-of-fold scores against their 0/1 labels ``y``.
    """
    if folds < 2:
        raise ValueError(f"folds must be >= 2, got {folds}")
    y = np.asarray(y, np.int64)
    rows = _Rows.of(texts, y, counts, vectors, soft)
    fold = fold_ids(y, folds, seed)
    row_fold = fold if soft is None else np.concatenate([fold, _fold_of(soft.source, fold, folds)])
    oof = np.zeros(len(row_fold), np.float64)
    for k in range(folds):
        inside, outside = np.flatnonzero(row_fold != k), np.flatnonzero(row_fold == k)
        vocabulary = NgramVocabulary.fit(rows.counts.subset(inside))
        coef, intercept = rows.solve(inside, vocabulary, c)
        oof[outside] = rows.matrix(outside, vocabulary) @ coef + intercept
    everything = np.arange(len(row_fold))
    vocabulary = NgramVocabulary.fit(rows.counts)
    coef, intercept = rows.solve(everything, vocabulary, c)
    vector_coef = None
    if vectors is not None:
        coef, vector_coef = coef[: len(vocabulary)], coef[len(vocabulary) :]
    layer = NgramTfidf(vocabulary, weights=coef, bias=intercept, name="linear")
    threshold = tuned_threshold(y, _probability(oof[: len(y)]))
    soft_oof = oof[len(y) :] if soft is not None else None
    return LinearFit(layer, vocabulary, coef, intercept, oof[: len(y)], threshold, vector_coef, soft_oof)


def _fold_of(source: np.ndarray, fold: np.ndarray, folds: int) -> np.ndarray:
    """Each soft row's fold: its source text's, or (source -1) the next in turn."""
    return np.where(source >= 0, fold[np.maximum(source, 0)], np.arange(len(source)) % folds)


@dataclass(frozen=True)
class _Rows:
    """Every training row of the linear member: the texts, then any soft copies."""

    counts: GramCounts
    targets: np.ndarray  # 0/1, or soft targets with distillation
    vectors: np.ndarray | None

    @classmethod
    def of(
        cls,
        texts: list[str],
        y: np.ndarray,
        counts: GramCounts | None,
        vectors: np.ndarray | None,
        soft: SoftRows | None,
    ) -> _Rows:
        if soft is None:
            return cls(counts if counts is not None else GramCounts.of(texts), y, vectors)
        if vectors is not None and soft.vectors is None:
            raise ValueError("the member uses pooled vectors: the soft rows need theirs too")
        every = GramCounts.of([*texts, *soft.texts])
        targets = np.concatenate([soft.original_targets, soft.targets]).astype(np.float64)
        both = None if vectors is None else np.concatenate([vectors, soft.vectors])
        return cls(every, targets, both)

    def matrix(self, rows: np.ndarray, vocabulary: NgramVocabulary) -> Any:
        return _with(tfidf_matrix(self.counts.subset(rows), vocabulary), self.vectors, rows)

    def solve(self, rows: np.ndarray, vocabulary: NgramVocabulary, c: float) -> tuple[np.ndarray, float]:
        return solve_soft(self.matrix(rows, vocabulary), self.targets[rows], c)


def _with(tfidf: Any, vectors: np.ndarray | None, rows: np.ndarray | None) -> Any:
    """The TF-IDF rows with the pooled vectors of the same texts as extra columns."""
    if vectors is None:
        return tfidf
    from scipy.sparse import csr_matrix, hstack

    part = vectors if rows is None else vectors[rows]
    return hstack([tfidf, csr_matrix(part.astype(np.float32))], format="csr")


def _probability(logit: np.ndarray) -> np.ndarray:
    return np.asarray(1 / (1 + np.exp(-logit)))
