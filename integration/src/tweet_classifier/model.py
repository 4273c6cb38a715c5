"""The classifier: GloveLookup -> Conv1D -> MaxPool1D -> stacked LSTM -> Dense(sigmoid)."""

from __future__ import annotations

import warnings

import keras

from glove_lookup import GloveLookup
from tweet_classifier.config import TrainConfig

# The convolution ends the mask's use (the LSTMs see pooled, fixed-length features);
# Keras warns about that at every call, which is noise for our users.
warnings.filterwarnings("ignore", message=r"Layer 'conv' .* does not support masking")


def build_models(lookup: GloveLookup, config: TrainConfig) -> tuple[keras.Model, keras.Model]:
    """Two models sharing every layer: ``(ids_model, text_model)``.

    ``ids_model`` takes token ids ``[batch, sequence_length]`` (training: the lookup
    runs once in the input pipeline, and ``model.fit`` never sees strings, which
    Keras' distribution strategies cannot reduce). ``text_model`` takes raw strings
    ``[batch]`` and is the one exported for serving.
    """
    layers: list[keras.layers.Layer] = [
        keras.layers.Conv1D(
            config.conv_filters, config.kernel_size, padding="same", activation="relu", name="conv"
        ),
        keras.layers.MaxPool1D(2, padding="same", name="pool"),
    ]
    for i in range(config.lstm_stacks):
        last = i == config.lstm_stacks - 1
        layers += [
            keras.layers.LSTM(config.lstm_units, return_sequences=not last, name=f"lstm_{i + 1}"),
            keras.layers.BatchNormalization(name=f"batch_norm_{i + 1}"),
            keras.layers.Dropout(config.dropout, seed=config.seed + i, name=f"dropout_{i + 1}"),
        ]
    layers.append(keras.layers.Dense(1, activation="sigmoid", name="probability"))

    def head(x: keras.KerasTensor) -> keras.KerasTensor:
        for layer in layers:
            x = layer(x)
        return x

    ids = keras.Input(shape=(config.sequence_length,), dtype="int64", name="token_ids")
    text = keras.Input(shape=(), dtype="string", name="text")
    ids_model = keras.Model(ids, head(lookup(ids)), name="tweetclf_ids")
    text_model = keras.Model(text, head(lookup(text)), name="tweetclf")
    return ids_model, text_model
