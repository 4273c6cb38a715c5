"""glove_lookup: GloVe word vectors as a Keras layer that takes raw strings.

Public API::

    WordVectors.load("glove-6b-50d")          # or .txt/.txt.gz/.zip/.npz/.pkl (allow_pickle=True)
    GloveLookup(wv, sequence_length=30, standardize="tweet", trainable=False)
    standardize(texts, mode="tweet")
    export_saved_model(model, "models/name/1")   # TF Serving SavedModel, input "text": string[None]
    VectorPool()                              # a text's word vectors -> their mean and max directions
    HashedNgrams(num_buckets, max_ngrams)     # fastText-style hashed n-gram ids of standardised text
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
    from glove_lookup.hashed_ngrams import HashedNgrams
    from glove_lookup.layer import GloveLookup
    from glove_lookup.pooling import VectorPool

__all__ = [
    "DuplicateWordsWarning",
    "GloveLookup",
    "GloveLookupError",
    "HashedNgrams",
    "MissingVectorsPackageError",
    "UnsafeFormatError",
    "VectorPool",
    "VectorsFormatError",
    "WordVectors",
    "export_saved_model",
    "standardize",
]


def __getattr__(name: str) -> object:
    # The layers import TensorFlow and Keras; load them only when one is used.
    if name == "GloveLookup":
        from glove_lookup.layer import GloveLookup

        return GloveLookup
    if name == "export_saved_model":
        from glove_lookup.export import export_saved_model

        return export_saved_model
    if name == "HashedNgrams":
        from glove_lookup.hashed_ngrams import HashedNgrams

        return HashedNgrams
    if name == "VectorPool":
        from glove_lookup.pooling import VectorPool

        return VectorPool
    raise AttributeError(f"module 'glove_lookup' has no attribute {name!r}")
