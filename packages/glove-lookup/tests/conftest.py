"""Shared fixtures: small vector sets written in every supported format."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

WORDS = [
    "the",
    "fire",
    "forest",
    "near",
    "la",
    "ronge",
    "null",
    "nan",
    "n/a",
    "#",
    '"',
    "@",
    "don",
    "n't",
    "3.5",
]


def small_matrix(n: int = len(WORDS), dim: int = 4, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)


def write_text(path: Path, words: list[str], matrix: np.ndarray) -> Path:
    lines = [w + " " + " ".join(repr(float(v)) for v in row) for w, row in zip(words, matrix, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def vectors():
    from glove_lookup import WordVectors

    return WordVectors(WORDS, small_matrix())


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    return write_text(tmp_path / "vectors.4d.txt", WORDS, small_matrix())
