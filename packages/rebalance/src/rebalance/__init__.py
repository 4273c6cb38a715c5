"""rebalance: class balancing for labelled pandas DataFrames (no TensorFlow).

Public API::

    undersample(df, label="target", ratio=1.0, seed=0, ignore_index=False)
    oversample(df, label="target", ratio=1.0, seed=0, ignore_index=False)
    class_weights(labels) -> {class: weight}
    stratified_split(df, label="target", test_size=0.1, seed=0, ignore_index=False) -> (train, test)
"""

from rebalance.errors import (
    EmptyInputError,
    InvalidParameterError,
    MissingLabelColumnError,
    MissingLabelValuesError,
    RebalanceError,
    SingleClassError,
)
from rebalance.sampling import oversample, undersample
from rebalance.split import stratified_split
from rebalance.weights import class_weights

__all__ = [
    "EmptyInputError",
    "InvalidParameterError",
    "MissingLabelColumnError",
    "MissingLabelValuesError",
    "RebalanceError",
    "SingleClassError",
    "class_weights",
    "oversample",
    "stratified_split",
    "undersample",
]
