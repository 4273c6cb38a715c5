"""The report page on the model's mistakes: which words pushed the validation errors wrong.

False positives are explained by the words that raised their probability most, false
negatives by those that lowered it most, summed over the errors (each word in its
standardised form, so ``Fire`` and ``fire`` count together). The explanations come from
the exported version's own ``explain`` signature.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tweet_classifier.artifacts.exported_model import Explanation

ERRORS_PAGE = "explained_errors.png"
MAX_ERRORS = 200  # the most confident mistakes of each kind that are explained


def influential_words(
    explanations: Sequence[Explanation], direction: int, top: int = 15
) -> list[tuple[str, float]]:
    """The ``top`` words whose contributions in ``direction`` (+1 up, -1 down) sum highest.

    >>> up = Explanation("a b", 0.9, 1, ["Fire", "b"], ["fire", "b"], [False, False], [0.3, -0.1])
    >>> influential_words([up, up], +1)
    [('fire', 0.6)]
    """
    totals: dict[str, float] = defaultdict(float)
    for found in explanations:
        for word, token, change in zip(found.words, found.tokens, found.contribution, strict=True):
            if change * direction > 0:
                totals[token or word] += change * direction
    ranked = sorted(totals.items(), key=lambda item: -item[1])[:top]
    return [(word, round(total, 6)) for word, total in ranked]


def mistakes(
    texts: Sequence[str], y_true: Any, probability: Any, threshold: float
) -> tuple[list[str], list[str]]:
    """``(false positives, false negatives)``, the most confident first, at most :data:`MAX_ERRORS` each."""
    y, p = np.asarray(y_true), np.asarray(probability, np.float64)
    predicted = p >= threshold
    fp = np.flatnonzero(predicted & (y == 0))
    fn = np.flatnonzero(~predicted & (y == 1))
    fp = fp[np.argsort(-p[fp], kind="stable")][:MAX_ERRORS]
    fn = fn[np.argsort(p[fn], kind="stable")][:MAX_ERRORS]
    return [texts[int(i)] for i in fp], [texts[int(i)] for i in fn]


def write_errors_page(
    path: Path, false_positives: Sequence[Explanation], false_negatives: Sequence[Explanation]
) -> Path:
    """Two bar charts: the words behind the false positives and behind the false negatives."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 5))
    panels = (
        (false_positives, +1, "false positives: words that raised p", "tab:red"),
        (false_negatives, -1, "false negatives: words that lowered p", "tab:blue"),
    )
    for ax, (found, direction, title, colour) in zip(axes, panels, strict=True):
        words = influential_words(found, direction)[::-1]
        ax.barh([w for w, _ in words], [t for _, t in words], color=colour)
        ax.set_title(f"{title} ({len(found)} tweets)", fontsize=10)
        ax.set_xlabel("summed change in probability")
        if not words:
            ax.text(0.5, 0.5, "no such errors", ha="center", va="center", transform=ax.transAxes)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
