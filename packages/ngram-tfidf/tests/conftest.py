"""Shared test data: the team-written tweets in data/tweets.csv (text, target), and Kaggle's when present."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

DATA = Path(__file__).resolve().parent / "data" / "tweets.csv"
KAGGLE_TRAIN = (
    Path(
        os.environ.get("KAGGLE_DATA_DIR", Path(__file__).resolve().parents[4] / "shared" / "data" / "kaggle")
    )
    / "train.csv"
)


def read_labelled(path: Path, limit: int | None = None) -> tuple[list[str], np.ndarray]:
    """``(texts, targets)`` of a CSV with ``text`` and ``target`` columns."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:limit]
    return [row["text"] for row in rows], np.array([int(row["target"]) for row in rows])


@pytest.fixture(scope="session")
def tweets() -> tuple[list[str], np.ndarray]:
    return read_labelled(DATA)
