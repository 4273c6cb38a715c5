"""Checks of the paths a command will write, before it reads data or starts TensorFlow."""

from __future__ import annotations

from pathlib import Path

from tweet_classifier.errors import TweetClassifierError


def check_writable(path: Path, flag: str) -> None:
    """``path`` can be written as a file: not a directory, and its folder exists."""
    if path.is_dir():
        raise TweetClassifierError(f"{path}: is a directory, expected a file path for {flag}")
    if not path.parent.is_dir():
        raise TweetClassifierError(f"{path.parent}: no such directory for {flag}")


def check_directory(path: Path, flag: str) -> None:
    """``path`` is a directory or can become one (nothing that is not a directory on the way)."""
    for part in (path, *path.parents):
        if part.exists() and not part.is_dir():
            raise TweetClassifierError(f"{part}: exists and is not a directory, expected one for {flag}")
