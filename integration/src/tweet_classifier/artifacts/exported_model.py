"""Load an exported version the way a serving process does (no Keras objects), and predict with it.

:func:`load_signatures` is the one loader: :class:`ExportedModel` (``tweetclf evaluate`` and
``predict``) and the server's store both use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tweet_classifier.artifacts.versions import read_metadata, resolve_version
from tweet_classifier.errors import ModelDirError


@dataclass(frozen=True)
class Signatures:
    """A SavedModel's signatures (loaded, or the in-memory functions an export returns), each
    with its single string input's name."""

    functions: dict[str, Any]
    inputs: dict[str, str]  # signature -> its input name
    keep: Any  # the loaded object (or the exported model): its variables live as long as this does
    per_text: frozenset[str] = frozenset()  # signatures whose every output has one value per text

    def call(self, texts: Sequence[str], signature: str = "serving_default") -> dict[str, np.ndarray]:
        """Run ``signature`` on ``texts``; its outputs as NumPy arrays.

        A signature with one value per text runs on chunks of at most :data:`CHUNK_TEXT_BYTES`
        of text, so that memory stays bounded whatever the batch holds."""
        import tensorflow as tf

        fn, name = self.functions[signature], self.inputs[signature]
        chunks = text_chunks(list(texts), CHUNK_TEXT_BYTES) if signature in self.per_text else [list(texts)]
        parts = [fn(**{name: tf.constant(chunk, dtype=tf.string)}) for chunk in chunks]
        if len(parts) == 1:
            return {key: value.numpy() for key, value in parts[0].items()}
        return {key: np.concatenate([part[key].numpy() for part in parts]) for key in parts[0]}


CHUNK_TEXT_BYTES = 256 * 1024  # ~55 MB of n-gram work per model call


def text_chunks(texts: list[str], max_bytes: int) -> list[list[str]]:
    """``texts`` in order, cut into runs of at most ``max_bytes`` of UTF-8 (one text at least each).

    >>> text_chunks(["aa", "bb", "c", "dddd"], 4)
    [['aa', 'bb'], ['c'], ['dddd']]
    """
    if sum(len(text) for text in texts) * 4 <= max_bytes:  # surely small enough: no encoding
        return [texts]
    chunks: list[list[str]] = [[]]
    size = 0
    for text in texts:
        length = len(text.encode("utf-8", "surrogatepass"))
        if chunks[-1] and size + length > max_bytes:
            chunks.append([])
            size = 0
        chunks[-1].append(text)
        size += length
    return chunks


def load_signatures(version_dir: Path) -> Signatures:
    """``tf.saved_model.load`` a version; every signature must take one string tensor."""
    import tensorflow as tf

    try:
        loaded = tf.saved_model.load(str(version_dir))
    except Exception as err:  # a corrupt graph or variables: say which version, not a TF traceback
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0][:300]
        raise ModelDirError(
            f"{version_dir}: cannot load this SavedModel ({type(err).__name__}: {reason})"
        ) from None
    functions = dict(loaded.signatures)
    inputs = {}
    for name, fn in functions.items():
        specs = fn.structured_input_signature[1]
        if len(specs) != 1 or next(iter(specs.values())).dtype != tf.string:
            raise ModelDirError(
                f"{version_dir}: signature {name!r} must take one string input, takes {list(specs)}"
            )
        inputs[name] = next(iter(specs))
    if "serving_default" not in functions:
        raise ModelDirError(f"{version_dir}: no serving_default signature (not exported by tweetclf?)")
    per_text = frozenset(
        name
        for name, fn in functions.items()
        if all(spec.shape.rank == 1 for spec in fn.structured_outputs.values())
    )
    return Signatures(functions, inputs, loaded, per_text)


@dataclass(frozen=True)
class Explanation:
    """One text's answer from the ``explain`` signature (see :mod:`tweet_classifier.model.explain`)."""

    text: str
    probability: float
    label: int
    words: list[str]
    tokens: list[str]
    oov: list[bool]
    contribution: list[float]  # probability minus that of the text without the word

    def strongest(self, count: int = 3) -> list[tuple[str, float]]:
        """The ``count`` words that move the probability most, either way, strongest first.

        >>> Explanation("a b c", 0.9, 1, ["a", "b", "c"], ["a", "b", "c"], [False] * 3,
        ...             [0.1, -0.4, 0.2]).strongest(2)
        [('b', -0.4), ('c', 0.2)]
        """
        pairs = sorted(zip(self.words, self.contribution, strict=True), key=lambda pair: -abs(pair[1]))
        return pairs[:count]


def explain_texts(signatures: Signatures, texts: Sequence[str], batch_size: int = 64) -> list[Explanation]:
    """Run a version's ``explain`` signature on ``texts``, ``batch_size`` at a time."""
    found = []
    for start in range(0, len(texts), batch_size):
        chunk = list(texts[start : start + batch_size])
        out = signatures.call(chunk, "explain")
        for i, text in enumerate(chunk):
            words = [w.decode("utf-8", "replace") for w in out["words"][i]]
            n = sum(1 for w in words if w)  # rows are padded with ""
            found.append(
                Explanation(
                    text,
                    float(out["probability"][i]),
                    int(out["label"][i]),
                    words[:n],
                    [t.decode("utf-8", "replace") for t in out["tokens"][i][:n]],
                    [bool(v) for v in out["oov"][i][:n]],
                    [float(v) for v in out["contribution"][i][:n]],
                )
            )
    return found


class ExportedModel:
    """A loaded SavedModel version: ``predict(texts) -> (probabilities, labels)``.

    Example (after ``tweetclf train``):

    >>> model = ExportedModel("models/tweetclf")  # doctest: +SKIP
    >>> model.predict(["Forest fire near La Ronge"])  # doctest: +SKIP
    (array([0.93], dtype=float32), array([1]))
    """

    def __init__(self, path: str | Path) -> None:
        self.version_dir = resolve_version(path)
        self.metadata = read_metadata(self.version_dir)
        self.signatures = load_signatures(self.version_dir)

    @property
    def threshold(self) -> float | None:
        value = self.metadata.get("threshold")
        return float(value) if value is not None else None

    def explain(self, texts: Sequence[str], batch_size: int = 64) -> list[Explanation]:
        """Each text's words and their contributions (the version's ``explain`` signature)."""
        if "explain" not in self.signatures.functions:
            raise ModelDirError(
                f"{self.version_dir}: exported before explanations (no explain signature); "
                "train it again to explain its predictions"
            )
        return explain_texts(self.signatures, texts, batch_size)

    def predict(
        self, texts: Sequence[str], batch_size: int = 256, progress: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        from tqdm import tqdm

        probabilities, labels = [], []
        starts = range(0, len(texts), batch_size)
        for start in tqdm(starts, desc="predicting", unit="batch", disable=not progress):
            out = self.signatures.call(texts[start : start + batch_size])
            probabilities.append(out["probability"])
            labels.append(out["label"])
        if not probabilities:
            return np.empty(0, np.float32), np.empty(0, np.int64)
        return np.concatenate(probabilities), np.concatenate(labels)
