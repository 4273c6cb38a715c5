"""Export the text model as a TF Serving SavedModel with the threshold baked in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import keras
import tensorflow as tf

from glove_lookup import export_saved_model
from tweet_classifier.artifacts.exported_model import Signatures
from tweet_classifier.artifacts.versions import METADATA_FILE
from tweet_classifier.artifacts.warmup import write_warmup
from tweet_classifier.model.explain import explain_function, oov_share_function

INPUT_NAME = "text"


def export_serving_model(
    text_model: keras.Model, threshold: float, directory: Path, metadata: dict[str, Any]
) -> Signatures:
    """``serving_default(text: string[None]) -> {probability: float32[None], label: int64[None]}``,
    ``explain(text)`` and ``oov_share(text)`` (see :mod:`tweet_classifier.model.explain`), with
    TF Serving's warmup file for each signature (:mod:`tweet_classifier.artifacts.warmup`).

    Returns the ``explain`` signature in memory, as the graph the export traced: the
    training report explains its mistakes with it instead of loading the version again."""
    cutoff = tf.constant(threshold, tf.float32)
    spec = [tf.TensorSpec([None], tf.string, name=INPUT_NAME)]
    # traced once: serving_default and explain call the same graph function
    probabilities = tf.function(
        lambda text: tf.reshape(text_model(text, training=False), [-1]),
        input_signature=[tf.TensorSpec([None], tf.string)],
    )

    def serve(text: tf.Tensor) -> dict[str, tf.Tensor]:
        probability = probabilities(text)
        return {"probability": probability, "label": tf.cast(probability >= cutoff, tf.int64)}

    # traced here, so that the export and the returned function share one graph
    explain = tf.function(
        explain_function(text_model, threshold, probabilities), input_signature=spec, autograph=False
    )
    signatures: dict[str, Any] = {"explain": explain}
    oov_share = oov_share_function(text_model)
    if oov_share is not None:
        signatures["oov_share"] = oov_share
    export_saved_model(text_model, directory, input_name=INPUT_NAME, serve=serve, signatures=signatures)
    write_warmup(directory, ["serving_default", *signatures], INPUT_NAME)
    meta_path = directory / METADATA_FILE
    meta_path.parent.mkdir(parents=True, exist_ok=True)
    meta_path.write_text(
        json.dumps({"threshold": threshold, **metadata}, indent=2, sort_keys=True), encoding="utf-8"
    )
    return Signatures({"explain": explain}, {"explain": INPUT_NAME}, keep=text_model)
