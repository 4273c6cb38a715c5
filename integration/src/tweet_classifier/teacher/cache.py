"""Fine-tuned teachers and their logits, cached on disk by what produced them.

A teacher is keyed by its checkpoint (sha256), its :class:`TeacherConfig` and the training
tweets (texts + labels); its logits by that key and the texts labelled. Trying student variants
then costs minutes, not the teacher's hour. Files are written to a temporary name and renamed,
so an interrupted run leaves no half-written entry. ``$TWEETCLF_CACHE`` moves the cache
(default ``~/.cache/tweetclf``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tweet_classifier.atomic_write import write_atomically
from tweet_classifier.teacher.files import TeacherFiles
from tweet_classifier.teacher.teacher import Teacher, TeacherConfig

WEIGHTS_FILE = "teacher.weights.h5"


def cache_root() -> Path:
    """``$TWEETCLF_CACHE/teachers`` or ``~/.cache/tweetclf/teachers``."""
    base = os.environ.get("TWEETCLF_CACHE") or Path.home() / ".cache" / "tweetclf"
    return Path(base) / "teachers"


def texts_digest(texts: Sequence[str], labels: Sequence[int] | np.ndarray | None = None) -> str:
    """SHA-256 of the texts in order (and their labels, if given).

    >>> texts_digest(["a", "b"]) == texts_digest(["a", "b"]) != texts_digest(["b", "a"])
    True
    """
    digest = hashlib.sha256()
    for text in texts:
        digest.update(str(text).encode("utf-8", "surrogatepass") + b"\0")
    if labels is not None:
        digest.update(np.asarray(labels, np.int64).tobytes())
    return digest.hexdigest()


def teacher_key(
    files: TeacherFiles, config: TeacherConfig, texts: Sequence[str], labels: Sequence[int]
) -> str:
    """What identifies a fine-tuned teacher: checkpoint, recipe and training tweets."""
    recipe = json.dumps({"checkpoint": files.sha256, **config.to_dict()}, sort_keys=True)
    return hashlib.sha256((recipe + texts_digest(texts, labels)).encode()).hexdigest()[:24]


class TeacherCache:
    """The fine-tuned teacher for one training set, and the logits it gave, under ``root/<key>/``.

    Example (a tiny random BERT; the second ``teacher()`` reads the weights the first wrote):

    >>> import tempfile
    >>> from tweet_classifier.teacher.random_bert import random_teacher_files
    >>> files, config = random_teacher_files(), TeacherConfig(epochs=1)
    >>> texts, labels = ["forest fire", "flood near", "i love my day", "fun today"], [1, 1, 0, 0]
    >>> cache = TeacherCache(files, config, texts, labels, root=Path(tempfile.mkdtemp()))
    >>> first = cache.logits(["fire"], progress=False, verbose=0)
    >>> cache.has_teacher, bool(np.allclose(cache.logits(["fire"], progress=False), first))
    (True, True)
    """

    def __init__(
        self,
        files: TeacherFiles,
        config: TeacherConfig,
        texts: Sequence[str],
        labels: Sequence[int],
        root: Path | None = None,
    ) -> None:
        self.files, self.config = files, config
        self.texts, self.labels = list(texts), list(labels)
        self.directory = (root or cache_root()) / teacher_key(files, config, texts, labels)
        self._teacher: Teacher | None = None

    @property
    def has_teacher(self) -> bool:
        return (self.directory / WEIGHTS_FILE).is_file()

    def teacher(self, verbose: int | None = None) -> Teacher:
        """The fine-tuned teacher: read from the cache, else fine-tuned now and written there."""
        if self._teacher is None:
            path = self.directory / WEIGHTS_FILE
            if path.is_file():
                self._teacher = Teacher.from_weights(self.files, self.config, path)
            else:
                self._teacher = Teacher.fine_tune(
                    self.files, self.texts, self.labels, self.config, verbose=verbose
                )
                write_atomically(path, lambda tmp: self._teacher.save_weights(tmp))  # type: ignore[union-attr]
                write_atomically(self.directory / "recipe.json", lambda tmp: tmp.write_text(self._recipe()))
        return self._teacher

    def logits(self, texts: Sequence[str], progress: bool = True, verbose: int | None = None) -> np.ndarray:
        """float32 ``[texts]``: the teacher's logits, from the cache when these texts were labelled."""
        path = self.directory / "logits" / f"{texts_digest(texts)}.npy"
        if path.is_file():
            return np.asarray(np.load(path, allow_pickle=False))
        logits = self.teacher(verbose).logits(texts, progress=progress)
        write_atomically(path, lambda tmp: np.save(tmp, logits, allow_pickle=False))
        return logits

    def _recipe(self) -> str:
        info = {
            "checkpoint": self.files.source,
            "sha256": self.files.sha256,
            "config": self.config.to_dict(),
            "tweets": len(self.texts),
        }
        return json.dumps(info, indent=2)
