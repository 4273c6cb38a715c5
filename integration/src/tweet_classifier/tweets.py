"""Reading tweet CSV files (Kaggle's columns) with errors that name file, line and column."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tweet_classifier.errors import DataError

SAMPLE_CSV = "sample_tweets.csv"


def sample_csv() -> Path:
    """The team-written sample (80 labelled tweets) shipped inside the package."""
    return Path(str(resources.files("tweet_classifier") / "data" / SAMPLE_CSV))


@dataclass(frozen=True)
class Tweets:
    """Rows of a tweet CSV: ids (the ``id`` column, else the row number), texts, optional 0/1 targets."""

    ids: list[str]
    texts: list[str]
    targets: list[int] | None
    source: str
    has_ids: bool = True  # False: the CSV has no id column and ids are row numbers from 0

    def __len__(self) -> int:
        return len(self.texts)

    def fingerprint(self) -> str:
        """A SHA-256 of the texts (and targets): equal for the same tweets, whatever the file is called."""
        digest = hashlib.sha256()
        for text in self.texts:
            digest.update(text.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(repr(self.targets).encode("ascii"))
        return digest.hexdigest()


def check_labels(tweets: Tweets, min_per_class: int) -> None:
    """Raise :class:`DataError` (naming the file) unless both classes have ``min_per_class`` tweets.

    >>> check_labels(Tweets(["1", "2"], ["fire", "flood"], [1, 1], "t.csv"), 1)
    Traceback (most recent call last):
    ...
    tweet_classifier.errors.DataError: t.csv: every tweet has target 1; training needs both classes (0 and 1)
    """
    if tweets.targets is None:
        raise DataError(f"{tweets.source}: training needs labelled tweets (a target column)")
    counts = {label: tweets.targets.count(label) for label in (0, 1)}
    present = [label for label, count in counts.items() if count]
    if len(present) < 2:
        found = f"every tweet has target {present[0]}" if present else "it has no tweets"
        raise DataError(f"{tweets.source}: {found}; training needs both classes (0 and 1)")
    for label, count in counts.items():
        if count < min_per_class:
            raise DataError(
                f"{tweets.source}: {count} tweet(s) have target {label}; training needs at least "
                f"{min_per_class} of each class (one per fold, --folds)"
            )


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, expected a CSV file") from None
    except OSError as err:
        raise DataError(f"{path}: cannot read ({err.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise DataError(f"{path}:{line}: undecodable bytes (the file must be UTF-8)") from None


def read_tweets(path: str | Path, *, labelled: bool, allow_empty_text: bool = False) -> Tweets:
    """Read ``path``; ``labelled=True`` requires a ``target`` column of 0/1.

    Raises :class:`DataError` with ``file:line: what`` on the first problem.
    """
    path = Path(path)
    text = _decode(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(f"{path}: the file is empty (expected a header with a 'text' column)") from None
    except csv.Error as err:
        raise DataError(f"{path}:1: not a CSV header ({err})") from None
    columns = [c.strip() for c in header]
    required = ["text", "target"] if labelled else ["text"]
    missing = [c for c in required if c not in columns]
    if missing:
        raise DataError(f"{path}:1: missing column(s) {missing}; the header has {columns}")
    i_text = columns.index("text")
    i_target = columns.index("target") if labelled else -1
    i_id = columns.index("id") if "id" in columns else -1
    ids: list[str] = []
    texts: list[str] = []
    targets: list[int] = []
    while True:
        line = reader.line_num + 1  # where this record starts
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            raise DataError(f"{path}:{line}: malformed CSV ({err})") from None
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise DataError(f"{path}:{line}: {len(row)} fields, the header has {len(columns)}")
        value = row[i_text]
        if not value.strip() and not allow_empty_text:
            raise DataError(f"{path}:{line}: column 'text' is empty")
        if labelled:
            target = row[i_target].strip()
            if target not in ("0", "1"):
                raise DataError(f"{path}:{line}: column 'target' must be 0 or 1, got {target!r}")
            targets.append(int(target))
        ids.append(row[i_id].strip() if i_id >= 0 else str(len(texts)))
        texts.append(value)
    if not texts:
        raise DataError(f"{path}: no data rows after the header")
    return Tweets(
        ids=ids, texts=texts, targets=targets if labelled else None, source=str(path), has_ids=i_id >= 0
    )
