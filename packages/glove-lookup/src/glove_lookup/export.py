"""Export a Keras model that takes raw strings as a TF-Serving SavedModel."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
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

    ``serve`` maps the text tensor to a dict of named outputs; by default
    ``{"outputs": model(text)}``. ``signatures`` adds more signatures, each a function of the
    same text input (a ``tf.function`` of its own is fine: it is traced once, here, and a later
    eager call of it reuses that trace). The SavedModel loads without this package (only core
    TF ops).

    Each function is traced once: the SavedModel holds the signatures' concrete functions, the
    variables they read and the model's lookup tables (with their vocabulary assets), each
    saved once. (``keras.export.ExportArchive`` traces every endpoint twice, the second time
    inside ``tf.saved_model.save``, whose save context is part of the trace cache key; with an
    explain signature that was half of a tweet classifier's export time.)

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

    spec = [tf.TensorSpec([None], tf.string, name=input_name)]
    endpoints = {signature_name: serve or default_serve, **(signatures or {})}
    traced = {
        name: tf.function(function, input_signature=spec, autograph=False).get_concrete_function()
        for name, function in endpoints.items()
    }
    root = tf.Module()
    root.tables = lookup_resources(model)  # tracked, so that their initializers and assets are saved
    root.variables_read = _variables_read(traced.values())
    target = Path(path)
    tf.saved_model.save(root, str(target), signatures=traced)
    return target


def _variables_read(functions: Iterable[Any]) -> list[tf.Variable]:
    """The variables the concrete ``functions`` capture, each once, in first-seen order."""
    found: dict[int, tf.Variable] = {}
    for function in functions:
        for variable in function.variables:
            found.setdefault(id(variable), variable)
    return list(found.values())


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
