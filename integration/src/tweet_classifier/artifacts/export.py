"""Export the text model as a TF Serving SavedModel with the threshold baked in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import keras
import tensorflow as tf

from glove_lookup import export_saved_model
from tweet_classifier.artifacts.chunks import in_chunks
from tweet_classifier.artifacts.exported_model import Signatures
from tweet_classifier.artifacts.versions import METADATA_FILE
from tweet_classifier.artifacts.warmup import write_warmup
from tweet_classifier.model.explain import explain_function, oov_share_function

INPUT_NAME = "text"
# whose versions an export records: a TF Serving image is chosen by the TensorFlow that wrote it
WRITERS = ("tensorflow", "keras", "tweetclf", "glove-lookup", "ngram-tfidf")


def written_by() -> dict[str, str]:
    """The versions of Python and of the packages that write an export (``"?"``: not installed
    as a distribution, e.g. a SageMaker job's source bundle; TensorFlow and Keras always say).

    >>> sorted(written_by())[:3]
    ['glove-lookup', 'keras', 'ngram-tfidf']
    """
    import platform
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__}
    for name in WRITERS[2:]:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "?"
    return versions


def export_serving_model(
    text_model: keras.Model, threshold: float, directory: Path, metadata: dict[str, Any]
) -> Signatures:
    """``serving_default(text: string[None]) -> {probability: float32[None], label: int64[None]}``,
    ``explain(text)`` and ``oov_share(text)`` (see :mod:`tweet_classifier.model.explain`), with
    TF Serving's warmup file for each signature (:mod:`tweet_classifier.artifacts.warmup`).

    Returns an in-memory ``explain`` that answers as the exported one does: the training
    report explains its mistakes with it. It scores the shortened texts with the graph that
    ``serving_default`` exports (already traced) and runs eagerly, so that its first call costs
    about 0.5 s where the explain graph's first run costs about 3 s."""
    cutoff = tf.constant(threshold, tf.float32)
    # traced once: serving_default and explain call the same graph functions; a large batch
    # is scored in chunks that TensorFlow runs side by side (:mod:`.chunks`)
    texts = [tf.TensorSpec([None], tf.string)]

    def scores(text: tf.Tensor) -> tf.Tensor:
        return tf.reshape(text_model(text, training=False), [-1])

    score = tf.function(scores, input_signature=texts)  # one trace, called by both of in_chunks' paths
    probabilities = tf.function(lambda text: in_chunks(score, text), input_signature=texts)

    def serve(text: tf.Tensor) -> dict[str, tf.Tensor]:
        probability = probabilities(text)
        return {"probability": probability, "label": tf.cast(probability >= cutoff, tf.int64)}

    signatures: dict[str, Any] = {"explain": explain_function(text_model, threshold, probabilities)}
    oov_share = oov_share_function(text_model)
    if oov_share is not None:
        signatures["oov_share"] = oov_share
    export_saved_model(text_model, directory, input_name=INPUT_NAME, serve=serve, signatures=signatures)
    write_warmup(directory, ["serving_default", *signatures], INPUT_NAME)
    meta_path = directory / METADATA_FILE
    meta_path.parent.mkdir(parents=True, exist_ok=True)
    record = {"threshold": threshold, **metadata, "written_by": written_by()}
    meta_path.write_text(json.dumps(record, indent=2, sort_keys=True), encoding="utf-8")
    explain = explain_function(text_model, threshold, probabilities, reread=True)
    return Signatures({"explain": explain}, {"explain": INPUT_NAME}, keep=text_model)
