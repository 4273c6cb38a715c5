"""Export the text model as a TF Serving SavedModel with the threshold baked in; package it for SageMaker."""

from __future__ import annotations

import json
import os
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import keras
import tensorflow as tf

from glove_lookup import export_saved_model
from tweet_classifier.versions import METADATA_FILE, resolve_version

INPUT_NAME = "text"
SAVED_MODEL_PARTS = ("saved_model.pb", "variables", "assets", "fingerprint.pb")


def export_serving_model(
    text_model: keras.Model, threshold: float, directory: Path, metadata: dict[str, Any]
) -> Path:
    """``serving_default(text: string[None]) -> {probability: float32[None], label: int64[None]}``."""
    cutoff = tf.constant(threshold, tf.float32)

    def serve(text: tf.Tensor) -> dict[str, tf.Tensor]:
        probability = tf.reshape(text_model(text, training=False), [-1])
        return {"probability": probability, "label": tf.cast(probability >= cutoff, tf.int64)}

    export_saved_model(text_model, directory, input_name=INPUT_NAME, serve=serve)
    meta_path = directory / METADATA_FILE
    meta_path.parent.mkdir(parents=True, exist_ok=True)
    meta_path.write_text(
        json.dumps({"threshold": threshold, **metadata}, indent=2, sort_keys=True), encoding="utf-8"
    )
    return directory


def package_model(model: str | Path, out: str | Path) -> Path:
    """Write ``model.tar.gz`` with ``1/saved_model.pb`` at its root (SageMaker's TF Serving layout)."""
    version_dir = resolve_version(model)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        with tarfile.open(tmp, "w:gz") as archive:
            for part in SAVED_MODEL_PARTS:
                if (version_dir / part).exists():
                    archive.add(version_dir / part, arcname=f"1/{part}")
            if (version_dir / METADATA_FILE).exists():
                archive.add(version_dir / METADATA_FILE, arcname=f"1/{METADATA_FILE}")
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
