"""glove_lookup: GloVe word vectors as a Keras layer that takes raw strings.

Public API::

    WordVectors.load("glove-6b-50d")          # or .txt/.txt.gz/.zip/.npz/.pkl (allow_pickle=True)
    GloveLookup(wv, sequence_length=30, standardize="tweet", trainable=False)
    standardize(texts, mode="tweet")
    export_saved_model(model, "models/name/1")   # TF Serving SavedModel, input "text": string[None]
"""

from typing import TYPE_CHECKING

from glove_lookup.errors import (
    DuplicateWordsWarning,
    GloveLookupError,
    MissingVectorsPackageError,
    UnsafeFormatError,
    VectorsFormatError,
)
from glove_lookup.standardize import standardize
from glove_lookup.vectors import WordVectors

if TYPE_CHECKING:  # imported lazily at run time (they load TensorFlow)
    from glove_lookup.export import export_saved_model
    from glove_lookup.layer import GloveLookup

__all__ = [
    "DuplicateWordsWarning",
    "GloveLookup",
    "GloveLookupError",
    "MissingVectorsPackageError",
    "UnsafeFormatError",
    "VectorsFormatError",
    "WordVectors",
    "export_saved_model",
    "standardize",
]


def __getattr__(name: str) -> object:
    # The layer imports TensorFlow and Keras; load them only when it is used.
    if name == "GloveLookup":
        from glove_lookup.layer import GloveLookup

        return GloveLookup
    if name == "export_saved_model":
        from glove_lookup.export import export_saved_model

        return export_saved_model
    raise AttributeError(f"module 'glove_lookup' has no attribute {name!r}")
