"""read_tweets: real CSV quirks survive; every bad input names file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from tweet_classifier import DataError, read_tweets, sample_csv


def write(tmp_path: Path, content: str | bytes, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_sample_is_labelled_and_balanced_enough() -> None:
    tweets = read_tweets(sample_csv(), labelled=True)
    assert len(tweets) >= 60 and tweets.targets is not None
    assert 0.3 < sum(tweets.targets) / len(tweets) < 0.7


def test_quotes_commas_newlines_and_bom_survive(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeffid,keyword,location,text,target\n"
        '7,,,"Fire, smoke and ""flames""\nnear the mall",1\n'
        "8,,,calm day,0\n",
    )
    tweets = read_tweets(path, labelled=True)
    assert tweets.texts == ['Fire, smoke and "flames"\nnear the mall', "calm day"]
    assert tweets.ids == ["7", "8"] and tweets.targets == [1, 0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,text\n1,hi\n", r"t\.csv:1: missing column\(s\) \['target'\]"),
        ("id,text,target\n1,hi,1\n2,,0\n", r"t\.csv:3: column 'text' is empty"),
        ("id,text,target\n1,hi,1\n2,yo,yes\n", r"t\.csv:3: column 'target' must be 0 or 1, got 'yes'"),
        ('id,text,target\n1,"multi\nline",1\n2,ok,2\n', r"t\.csv:4: column 'target' must be 0 or 1, got '2'"),
        ("id,text,target\n1,hi,1,extra\n", r"t\.csv:2: 4 fields, the header has 3"),
        ("", r"t\.csv: the file is empty"),
        ("id,text,target\n", r"t\.csv: no data rows"),
    ],
)
def test_bad_labelled_files(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        read_tweets(write(tmp_path, content), labelled=True)


def test_undecodable_bytes_name_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, b"id,text,target\n1,ok,1\n2,bad \xff\xfe,0\n")
    with pytest.raises(DataError, match=r"t\.csv:3: undecodable bytes"):
        read_tweets(path, labelled=True)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        read_tweets(tmp_path / "absent.csv", labelled=True)
    with pytest.raises(DataError, match="is a directory"):
        read_tweets(tmp_path, labelled=True)


def test_unlabelled_may_have_empty_text_when_allowed(tmp_path: Path) -> None:
    path = write(tmp_path, "id,text\n1,\n2,hello\n")
    assert read_tweets(path, labelled=False, allow_empty_text=True).texts == ["", "hello"]
    with pytest.raises(DataError, match="empty"):
        read_tweets(path, labelled=False)
