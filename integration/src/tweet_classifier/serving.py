"""Load an exported version and predict, the way a serving process would (no Keras objects)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tweet_classifier.export import read_metadata
from tweet_classifier.versions import resolve_version


class ExportedModel:
    """A loaded SavedModel version: ``predict(texts) -> (probabilities, labels)``.

    Example (after ``tweetclf train``):

    >>> model = ExportedModel("models/tweetclf")  # doctest: +SKIP
    >>> model.predict(["Forest fire near La Ronge"])  # doctest: +SKIP
    (array([0.93], dtype=float32), array([1]))
    """

    def __init__(self, path: str | Path) -> None:
        import tensorflow as tf

        self.version_dir = resolve_version(path)
        self.metadata = read_metadata(self.version_dir)
        self._loaded = tf.saved_model.load(str(self.version_dir))
        self._serve = self._loaded.signatures["serving_default"]

    @property
    def threshold(self) -> float | None:
        value = self.metadata.get("threshold")
        return float(value) if value is not None else None

    def predict(
        self, texts: Sequence[str], batch_size: int = 256, progress: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        import tensorflow as tf
        from tqdm import tqdm

        probabilities, labels = [], []
        starts = range(0, len(texts), batch_size)
        for start in tqdm(starts, desc="predicting", unit="batch", disable=not progress):
            out = self._serve(text=tf.constant(list(texts[start : start + batch_size]), dtype=tf.string))
            probabilities.append(out["probability"].numpy())
            labels.append(out["label"].numpy())
        if not probabilities:
            return np.empty(0, np.float32), np.empty(0, np.int64)
        return np.concatenate(probabilities), np.concatenate(labels)
