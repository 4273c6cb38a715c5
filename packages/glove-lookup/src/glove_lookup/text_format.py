"""Readers for the Stanford GloVe text format (``word v1 v2 ... vD`` per line).

Two readers share one contract. :func:`read_text_vectors` first tries a fast,
multithreaded Apache Arrow parse; when Arrow rejects the file (or it holds
NaN/inf) the careful line-by-line reader runs instead, which either accepts the
file (trailing blanks, CRLF line ends) or raises :class:`VectorsFormatError`
naming the file and line.
"""

from __future__ import annotations

import gzip
import io
import math
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, cast

import numpy as np

from glove_lookup.errors import VectorsFormatError

_BLOCK_SIZE = 1 << 22
_TRANSPOSE_ROWS = 4096
_FLOAT32_MAX = float(np.finfo(np.float32).max)

Progress = Callable[[int, int], None]
"""Called as ``progress(bytes_read, total_bytes)`` while a file is read (compressed bytes for ``.gz``)."""


class _CountingReader(io.RawIOBase):
    """A read-only stream that reports how far into ``stream`` the reader is."""

    def __init__(self, stream: IO[bytes], total: int, progress: Progress) -> None:
        self._stream, self._total, self._progress, self._done = stream, total, progress, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        self._done += len(data)
        self._progress(min(self._done, self._total), self._total)
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


def open_text_source(
    path: Path, member: str | None, dim: int | None, progress: Progress | None = None
) -> tuple[IO[bytes], str]:
    """Open ``.txt``, ``.txt.gz``/``.gz`` or a member of ``.zip`` as a binary stream.

    Returns the stream and a display name (``archive.zip:member.txt`` for zips).
    ``progress`` is told the bytes read so far (of the file, the ``.gz`` or the zip member).
    """
    name = path.name.lower()
    if name.endswith(".zip"):
        archive = zipfile.ZipFile(path)
        try:
            chosen = _choose_zip_member(path, archive, member, dim)
            stream: IO[bytes] = _Closing(archive.open(chosen), archive)
        except BaseException:
            archive.close()
            raise
        if progress is not None:
            stream = _counting(stream, archive.getinfo(chosen).file_size, progress)
        return stream, f"{path}:{chosen}"
    raw: IO[bytes] = open(path, "rb")  # noqa: SIM115 (returned to the caller, who closes it)
    if progress is not None:
        raw = _counting(raw, path.stat().st_size, progress)
    if name.endswith(".gz"):
        return _Closing(gzip.GzipFile(fileobj=raw, mode="rb"), raw), str(path)
    return raw, str(path)


class _Closing(io.BufferedReader):
    """``stream``, which also closes ``owner`` (the file under a gzip stream, a zip archive)."""

    def __init__(self, stream: IO[bytes] | io.BufferedIOBase, owner: object) -> None:
        super().__init__(cast(io.RawIOBase, stream), 1 << 16)
        self._owner = owner

    def close(self) -> None:
        try:
            super().close()
        finally:
            getattr(self._owner, "close", lambda: None)()


def _counting(stream: IO[bytes], total: int, progress: Progress) -> IO[bytes]:
    return cast(IO[bytes], io.BufferedReader(_CountingReader(stream, total, progress), 1 << 20))


def _choose_zip_member(path: Path, archive: zipfile.ZipFile, member: str | None, dim: int | None) -> str:
    names = [n for n in archive.namelist() if not n.endswith("/")]
    if member is not None:
        if member not in names:
            raise VectorsFormatError(f"{path}: no member {member!r}; the archive holds {names}")
        return member
    texts = [n for n in names if n.lower().endswith(".txt")]
    if dim is not None:
        texts = [n for n in texts if f".{dim}d." in n.lower() or n.lower().endswith(f"{dim}d.txt")]
    if len(texts) == 1:
        return texts[0]
    hint = "pass member=NAME or dim=D" if texts else "no .txt member matches"
    raise VectorsFormatError(f"{path}: cannot choose a member ({hint}); the archive holds {names}")


def _first_line(stream: IO[bytes], display: str) -> bytes:
    line = stream.readline()
    if not line.strip():
        if not line:
            raise VectorsFormatError(f"{display}: the file is empty")
        raise VectorsFormatError(f"{display}:1: empty line")
    return line


def _values_in(line: bytes) -> int | None:
    """How many values follow the word on ``line`` (``None`` at the end of the file)."""
    stripped = line.rstrip(b" \t\r\n")
    return len(stripped.split(b" ")) - 1 if stripped else None


def _header(line: bytes) -> int | None:
    """The dimension from a word2vec-style ``COUNT DIM`` header line, else ``None``."""
    parts = line.split()
    if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
        return int(parts[1])
    return None


def read_text_vectors(
    path: Path, member: str | None = None, dim: int | None = None, progress: Progress | None = None
) -> tuple[list[str], np.ndarray]:
    """Read a GloVe text file (plain, gzip or zip) into ``(words, float32 matrix)``.

    Duplicates are returned as they are; the caller decides what to keep.
    ``progress(bytes_read, total)`` is called as the file is read.
    """
    stream, display = open_text_source(path, member, dim)
    with stream:
        first = _first_line(stream, display)
        following = [_values_in(stream.readline()) for _ in range(2)]
    header_dim = _header(first)
    skip = 1 if header_dim is not None else 0
    file_dim = header_dim if header_dim is not None else (_values_in(first) or 0)
    if file_dim < 1:
        raise VectorsFormatError(f"{display}:1: a word with no values after it")
    if header_dim is None and following[0] == following[1] and following[0] not in (None, file_dim):
        raise VectorsFormatError(  # the first line is the odd one out, not the second
            f"{display}:1: {file_dim} values after the word, but the lines after it have {following[0]} "
            "(ragged row)"
        )
    if dim is not None and dim != file_dim:
        raise VectorsFormatError(
            f"{display}:1: the file has {file_dim}-d vectors, but dim={dim} was asked for"
        )

    fast = _read_with_arrow(path, member, dim, file_dim, skip, progress)
    if fast is not None:
        words, matrix = fast
        bad_rows = np.flatnonzero(~np.isfinite(matrix).all(axis=1))
        if bad_rows.size == 0:
            return words, matrix
    return _read_line_by_line(path, member, dim, file_dim, skip, progress)


def _read_with_arrow(
    path: Path, member: str | None, dim: int | None, file_dim: int, skip: int, progress: Progress | None
) -> tuple[list[str], np.ndarray] | None:
    """The fast path; ``None`` when Arrow cannot parse the file as it is."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read_options = pacsv.ReadOptions(
        autogenerate_column_names=True, block_size=_BLOCK_SIZE, use_threads=True, skip_rows=skip
    )
    parse_options = pacsv.ParseOptions(
        delimiter=" ", quote_char=False, escape_char=False, ignore_empty_lines=False
    )
    column_types = {"f0": pa.string(), **{f"f{i}": pa.float32() for i in range(1, file_dim + 1)}}
    convert_options = pacsv.ConvertOptions(
        column_types=column_types,
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[],
        check_utf8=True,
    )
    source: object
    if progress is not None:  # a Python stream that counts (Arrow reads it in large blocks)
        source, _ = open_text_source(path, member, dim, progress)
    elif path.name.lower().endswith(".gz"):
        source = pa.input_stream(str(path), compression="gzip")
    elif path.name.lower().endswith(".zip"):
        source, _ = open_text_source(path, member, dim)
    else:
        source = str(path)
    try:
        table = pacsv.read_csv(source, read_options, parse_options, convert_options)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()
    if table.num_columns != file_dim + 1:
        return None
    table = table.combine_chunks()
    columns = np.empty((file_dim, table.num_rows), dtype=np.float32)
    for i in range(file_dim):
        column = table.column(i + 1)
        columns[i] = column.chunk(0).to_numpy() if column.num_chunks else np.empty(0, np.float32)
    matrix = np.empty((table.num_rows, file_dim), dtype=np.float32)
    for start in range(0, table.num_rows, _TRANSPOSE_ROWS):  # cache-sized blocks
        stop = start + _TRANSPOSE_ROWS
        matrix[start:stop] = columns[:, start:stop].T
    word_column = table.column(0)
    words = word_column.to_numpy(zero_copy_only=False).tolist() if table.num_rows else []
    if "" in words:  # a blank word: let the careful reader name the line
        return None
    return words, matrix


def _numbered_lines(stream: IO[bytes], skip: int) -> Iterator[tuple[int, bytes]]:
    for lineno, raw in enumerate(stream, start=1):
        if lineno <= skip:
            continue
        yield lineno, raw


def _read_line_by_line(
    path: Path, member: str | None, dim: int | None, file_dim: int, skip: int, progress: Progress | None
) -> tuple[list[str], np.ndarray]:
    """The careful path: accepts what it can, else names the file and line."""
    stream, display = open_text_source(path, member, dim, progress)
    words: list[str] = []
    rows: list[list[float]] = []
    with stream:
        for lineno, raw in _numbered_lines(stream, skip):
            where = f"{display}:{lineno}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise VectorsFormatError(
                    f"{where}: undecodable bytes (not UTF-8) at column {err.start + 1}"
                ) from None
            line = line.rstrip("\r\n").rstrip(" \t")
            if not line:
                raise VectorsFormatError(f"{where}: empty line")
            fields = line.split(" ")
            word, values = fields[0], fields[1:]
            if not word:
                raise VectorsFormatError(f"{where}: the line starts with a blank instead of a word")
            if len(values) != file_dim:
                raise VectorsFormatError(
                    f"{where}: word {word!r} has {len(values)} values, expected {file_dim} (ragged row)"
                )
            row = []
            for i, text in enumerate(values, start=1):
                try:
                    value = float(text)
                except ValueError:
                    raise VectorsFormatError(
                        f"{where}: value {i} of word {word!r} is not a number: {text!r}"
                    ) from None
                if not math.isfinite(value) or abs(value) > _FLOAT32_MAX:
                    raise VectorsFormatError(
                        f"{where}: value {i} of word {word!r} is {text!r} "
                        "(NaN, inf and float32 overflow are not allowed)"
                    )
                row.append(value)
            words.append(word)
            rows.append(row)
    if not words:
        raise VectorsFormatError(f"{display}: the file holds no vectors")
    return words, np.asarray(rows, dtype=np.float32).reshape(len(words), file_dim)
