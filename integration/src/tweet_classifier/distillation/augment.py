"""Augmented copies of training tweets for distillation (Tang et al., 2019, section 3.3).

Each copy of a tweet drops some words (the student's "masking": a dropped word is what both
the teacher and the student can agree on as absent), replaces some with one of their nearest
GloVe neighbours, and is sometimes cut to a random n-gram of its words. The teacher labels the
copies; on them the student sees where the teacher's decision lies beyond the training tweets.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

PUNCTUATION = string.punctuation + "“”‘’…"


@dataclass(frozen=True)
class AugmentConfig:
    """How many copies per tweet and how each word is perturbed.

    >>> AugmentConfig(copies=2).copies
    2
    """

    copies: int = 4
    drop_rate: float = 0.1  # each word is dropped with this probability
    replace_rate: float = 0.1  # each (kept) word with GloVe neighbours is replaced by one of them
    ngram_rate: float = 0.1  # a copy is cut to a random run of 1..max_ngram words
    max_ngram: int = 5
    neighbours: int = 5  # a replacement is drawn from this many nearest words
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("drop_rate", "replace_rate", "ngram_rate"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name} must be in [0, 1), got {getattr(self, name)!r}")
        if self.copies < 0 or self.max_ngram < 1 or self.neighbours < 1:
            raise ValueError("copies must be >= 0, max_ngram and neighbours >= 1")


def word_key(token: str) -> str:
    """The vocabulary form of a whitespace token: lowercase, surrounding punctuation stripped.

    >>> word_key("#Wildfires!"), word_key("...")
    ('wildfires', '')
    """
    return token.strip(PUNCTUATION).lower()


def nearest_words(
    words: Sequence[str], matrix: np.ndarray, queries: Iterable[str], k: int = 5, chunk: int = 2048
) -> dict[str, list[str]]:
    """Each query word found in ``words`` -> its ``k`` nearest other words by cosine similarity.

    >>> m = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], np.float32)
    >>> nearest_words(["fire", "blaze", "love", "like"], m, ["fire", "love", "zzz"], k=1)
    {'fire': ['blaze'], 'love': ['like']}
    """
    index = {w: i for i, w in enumerate(words)}
    asked = sorted({q for q in queries if q in index})
    unit = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
    out: dict[str, list[str]] = {}
    for start in range(0, len(asked), chunk):
        part = asked[start : start + chunk]
        rows = np.array([index[w] for w in part])
        similarity = unit[rows] @ unit.T
        similarity[np.arange(len(part)), rows] = -np.inf  # not itself
        top = np.argpartition(-similarity, k, axis=1)[:, :k]
        order = np.take_along_axis(similarity, top, axis=1).argsort(axis=1)[:, ::-1]
        for word, best in zip(part, np.take_along_axis(top, order, axis=1), strict=True):
            out[word] = [words[j] for j in best]
    return out


def augment_text(text: str, neighbours: dict[str, list[str]], config: AugmentConfig, rng: Any) -> str:
    """One perturbed copy of ``text`` (see the module's docstring).

    >>> always = AugmentConfig(drop_rate=0, replace_rate=0.99)
    >>> augment_text("fire near town", {"fire": ["blaze"]}, always, np.random.default_rng(0))
    'blaze near town'
    """
    kept = []
    for token in text.split():
        if rng.random() < config.drop_rate:
            continue
        options = neighbours.get(word_key(token))
        if options and rng.random() < config.replace_rate:
            token = options[int(rng.integers(len(options)))]
        kept.append(token)
    if len(kept) > 1 and rng.random() < config.ngram_rate:
        n = int(rng.integers(1, min(config.max_ngram, len(kept)) + 1))
        start = int(rng.integers(0, len(kept) - n + 1))
        kept = kept[start : start + n]
    return " ".join(kept)


def augment(
    texts: Sequence[str], neighbours: dict[str, list[str]], config: AugmentConfig
) -> tuple[list[str], np.ndarray]:
    """``(copies, source)``: up to ``config.copies`` distinct new texts per tweet, and the index in
    ``texts`` each came from. Copies equal to their tweet, empty or repeated are left out.

    >>> copies, source = augment(["fire near the town", "ok"], {"fire": ["blaze"]}, AugmentConfig(copies=3))
    >>> all(c != "fire near the town" for c in copies), set(source.tolist()) <= {0, 1}
    (True, True)
    """
    rng = np.random.default_rng(config.seed)
    copies: list[str] = []
    source: list[int] = []
    for i, text in enumerate(texts):
        seen = {text.strip()}
        for _ in range(config.copies):
            copy = augment_text(text, neighbours, config, rng)
            if copy and copy not in seen:
                seen.add(copy)
                copies.append(copy)
                source.append(i)
    return copies, np.asarray(source, np.int64)
