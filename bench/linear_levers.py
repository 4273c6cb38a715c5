"""Levers on the linear member's features, screened on the CV folds of bench/classifier.py.

Run: .venv/bin/python bench/linear_levers.py [--lever=NAME ...] [--oof]
     --lever: a part of a lever's name (default: all of them)
     --oof:   also score each fold at the threshold chosen on 5-fold out-of-fold logits of its
              training fold (as the exported linear member does; 6 fits per fold instead of 1)

The member as trained (`--model linear`): our n-gram TF-IDF (`ngram_tfidf.GramCounts`,
`tfidf_matrix`) beside the pooled GloVe vectors of each fold's own lookup, one L2 logistic
regression (C=2). Each lever changes one thing (a column scaling, a block weight, C, more
pooled features) on the same 3 x 5 folds, and is printed as its paired difference from the
member (mean +- standard error over the 15 folds), at threshold 0.5 first. Only the fitting
changes: a column scaling is folded into the layer's weights, so the served graph would not.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from classifier import FOLDS, REPEATS, folds, load
from common import table

Lever = dict[str, Any]

LEVERS: dict[str, Lever] = {
    "C=1.5": {"c": 1.5},
    "C=3": {"c": 3.0},
    "NB log-count ratio, columns x (1 + 0.5|r|)": {"nb": 0.5},
    "NB log-count ratio, columns x (1 + |r|)": {"nb": 1.0},
    "NB log-count ratio, columns x |r|^0.5": {"nb_power": 0.5},
    "word block x 1.5": {"word": 1.5},
    "word block x 0.7": {"word": 0.7},
    "pooled vectors x 1.5": {"vectors": 1.5},
    "pooled vectors x 0.7": {"vectors": 0.7},
    "+ min-pooled vector direction": {"extra": ("min",)},
    "+ per-dimension std direction": {"extra": ("std",)},
    "+ both, x 0.7": {"extra": ("min", "std"), "extra_scale": 0.7},
}


def fold_inputs(texts: list[str], y: np.ndarray) -> tuple[Any, dict[tuple[int, int], dict[str, np.ndarray]]]:
    """The n-gram counts of every tweet, and per fold its lookup's pooled features of every tweet."""
    import pandas as pd
    import tensorflow as tf

    from glove_lookup import VectorPool, WordVectors
    from ngram_tfidf import GramCounts
    from tweet_classifier import TrainConfig
    from tweet_classifier.training.inputs import build_lookups, standardized

    counts = GramCounts.of(texts)
    std = pd.Series(list(standardized(texts)))
    glove, config, pool = WordVectors.load("glove-6b-50d"), TrainConfig(model="linear"), VectorPool()
    pooled = {}
    for repeat in range(REPEATS):
        for k, test_idx in enumerate(folds(y, repeat)):
            train_idx = np.setdiff1d(np.arange(len(y)), test_idx)
            lookups = build_lookups(
                glove, pd.DataFrame({"standardized": std.iloc[train_idx].to_numpy()}), config
            )
            ids = lookups.token_ids(std)
            steps = np.concatenate(
                [lookups.lookup(tf.constant(ids[s : s + 2048])).numpy() for s in range(0, len(ids), 2048)]
            )
            pooled[(repeat, k)] = {"pooled": pool(steps).numpy(), **other_pools(steps)}
    return counts, pooled


def other_pools(steps: np.ndarray) -> dict[str, np.ndarray]:
    """The direction of the elementwise minimum and of the per-dimension std of the known words."""
    known = np.any(steps != 0, axis=-1, keepdims=True)
    n = np.maximum(known.sum(1), 1)
    low = np.where(known, steps, np.inf).min(1)
    mean = steps.sum(1) / n
    std = np.sqrt((np.where(known, (steps - mean[:, None]) ** 2, 0)).sum(1) / n)

    def direction(a: np.ndarray) -> np.ndarray:
        a = np.where(np.isfinite(a), a, 0)
        return (a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12) / math.sqrt(2)).astype(
            np.float32
        )

    return {"min": direction(low), "std": direction(std)}


def design(counts: Any, y: np.ndarray, pools: dict[str, np.ndarray], lever: Lever) -> Callable[..., Any]:
    """A function (training rows, rows to score) -> (training matrix, matrix to score) for ``lever``."""
    from scipy.sparse import csr_matrix, diags, hstack

    from ngram_tfidf import NgramVocabulary, tfidf_matrix

    def matrices(train_rows: np.ndarray, rows: np.ndarray) -> tuple[Any, Any]:
        train_counts = counts.subset(train_rows)
        vocabulary = NgramVocabulary.fit(train_counts)
        train, other = tfidf_matrix(train_counts, vocabulary), tfidf_matrix(counts.subset(rows), vocabulary)
        scale = np.ones(train.shape[1])
        if "nb" in lever or "nb_power" in lever:
            seen, label = (train > 0).astype(np.float64), y[train_rows]
            p = np.asarray(seen[label == 1].sum(0)).ravel() + 1
            q = np.asarray(seen[label == 0].sum(0)).ravel() + 1
            ratio = np.abs(np.log((p / p.sum()) / (q / q.sum())))
            scale = 1 + lever["nb"] * ratio if "nb" in lever else ratio ** lever["nb_power"]
        scale[vocabulary.num_char :] *= lever.get("word", 1.0)
        vectors = pools["pooled"] * lever.get("vectors", 1.0)
        extra = [pools[name] * lever.get("extra_scale", 1.0) for name in lever.get("extra", ())]
        dense = np.hstack([vectors, *extra])
        return tuple(
            hstack([m @ diags(scale), csr_matrix(dense[r])], format="csr")
            for m, r in ((train, train_rows), (other, rows))
        )

    return matrices


def scores(
    texts: list[str], y: np.ndarray, inputs: Any, lever: Lever, oof: bool
) -> tuple[list[float], list[float]]:
    """F1 of each test fold at 0.5 and (with ``oof``) at the out-of-fold threshold."""
    from sklearn.metrics import f1_score

    from ngram_tfidf import solve
    from tweet_classifier.model.linear import fold_ids
    from tweet_classifier.report.metrics import tuned_threshold

    counts, pooled = inputs
    at_half, at_oof = [], []
    c = lever.get("c", 2.0)
    for repeat in range(REPEATS):
        for k, test_idx in enumerate(folds(y, repeat)):
            train_idx = np.setdiff1d(np.arange(len(y)), test_idx)
            matrices = design(counts, y, pooled[(repeat, k)], lever)
            train, test = matrices(train_idx, test_idx)
            weights, bias = solve(train, y[train_idx], c)
            logit = test @ weights + bias
            at_half.append(f1_score(y[test_idx], logit >= 0))
            if oof:
                inner, held = fold_ids(y[train_idx], FOLDS, 0), np.zeros(len(train_idx))
                for j in range(FOLDS):
                    a, b = matrices(train_idx[inner != j], train_idx[inner == j])
                    w, b0 = solve(a, y[train_idx[inner != j]], c)
                    held[inner == j] = b @ w + b0
                threshold = tuned_threshold(y[train_idx], 1 / (1 + np.exp(-held)))
                at_oof.append(f1_score(y[test_idx], 1 / (1 + np.exp(-logit)) >= threshold))
    return at_half, at_oof


def paired(a: list[float], b: list[float]) -> str:
    d = np.asarray(a) - np.asarray(b)
    return f"{d.mean():+.4f} +- {d.std(ddof=1) / math.sqrt(len(d)):.4f}"


def main() -> None:
    wanted = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--lever=")]
    oof = "--oof" in sys.argv[1:]
    texts, y = load()
    inputs = fold_inputs(texts, y)
    base = scores(texts, y, inputs, {}, oof)
    rows = [("lever", "F1 @0.5", "- member (paired)", "F1 @OOF", "- member (paired)", "s")]
    rows.append(
        (
            "the linear member (C=2)",
            f"{np.mean(base[0]):.4f}",
            "",
            f"{np.mean(base[1]):.4f}" if oof else "",
            "",
            "",
        )
    )
    for name, lever in LEVERS.items():
        if wanted and not any(w in name for w in wanted):
            continue
        started = time.perf_counter()
        half, at_oof = scores(texts, y, inputs, lever, oof)
        rows.append((
            name,
            f"{np.mean(half):.4f}",
            paired(half, base[0]),
            f"{np.mean(at_oof):.4f}" if oof else "",
            paired(at_oof, base[1]) if oof else "",
            f"{time.perf_counter() - started:.0f}",
        ))  # fmt: skip
        print(rows[-1], flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()
