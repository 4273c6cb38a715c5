"""Export a Keras model that takes raw strings as a TF-Serving SavedModel."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import keras
import tensorflow as tf


def export_saved_model(
    model: keras.Model,
    path: str | os.PathLike[str],
    *,
    input_name: str = "text",
    serve: Callable[[tf.Tensor], dict[str, tf.Tensor]] | None = None,
    signature_name: str = "serving_default",
    signatures: Mapping[str, Callable[[tf.Tensor], dict[str, tf.Tensor]]] | None = None,
) -> Path:
    """Write ``model`` as a SavedModel whose ``signature_name`` takes ``input_name``: string ``[None]``.

    The lookup tables of the model (those of :class:`GloveLookup` and of Keras
    lookup layers) and their vocabulary assets are tracked one by one; the model
    itself is not passed to ``ExportArchive.track``, because that saves every
    variable twice (Keras wrapper + TF variable: a 2x larger export). Variables
    are saved once, through the endpoint that uses them. ``serve`` maps the text
    tensor to a dict of named outputs; by default ``{"outputs": model(text)}``.
    ``signatures`` adds more signatures, each a function of the same text input.
    The SavedModel loads without this package (only core TF ops).

    Example:

    >>> import keras, tensorflow as tf, tempfile
    >>> from glove_lookup import GloveLookup, WordVectors, export_saved_model
    >>> text = keras.Input(shape=(), dtype="string")
    >>> vectors = GloveLookup(WordVectors(["fire"], [[1.0]]), sequence_length=3)(text)
    >>> model = keras.Model(text, keras.layers.GlobalAveragePooling1D()(vectors))
    >>> out = export_saved_model(model, tempfile.mkdtemp() + "/1")
    >>> sorted(tf.saved_model.load(str(out)).signatures)
    ['serving_default']
    """

    def default_serve(text: tf.Tensor) -> dict[str, Any]:
        return {"outputs": model(text, training=False)}

    archive = keras.export.ExportArchive()
    for resource in lookup_resources(model):
        archive.track(resource)
    endpoints = {signature_name: serve or default_serve, **(signatures or {})}
    for name, function in endpoints.items():
        archive.add_endpoint(
            name, function, input_signature=[tf.TensorSpec([None], tf.string, name=input_name)]
        )
    target = Path(path)
    archive.write_out(str(target), verbose=False)
    return target


def lookup_resources(model: keras.Model) -> list[Any]:
    """The ``tf.lookup`` tables (and other TF resources) held anywhere inside ``model``."""
    from tensorflow.saved_model.experimental import TrackableResource

    found: list[Any] = []
    seen: set[int] = set()
    for layer in model._flatten_layers(include_self=True):
        for value in vars(layer).values():
            if isinstance(value, TrackableResource) and id(value) not in seen:
                seen.add(id(value))
                found.append(value)
    return found
