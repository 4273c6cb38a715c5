"""The recurrent member: GloveLookup -> Conv1D -> MaxPool1D -> stacked LSTM -> Dense(sigmoid).

With ``ngrams=True`` a fastText-style branch (hashed word and character n-grams,
averaged embeddings) is concatenated to the LSTM output before the last Dense layer.

With a ``linear`` member (the hybrid) the last Dense layer gives a logit that is added to
the linear member's logit before the sigmoid: the LSTM learns a correction of the linear
model (stacking). In training that logit is an input (``offset``, the linear member's
out-of-fold logit of each tweet); in the exported text model it is the linear layer itself.
"""

from __future__ import annotations

import warnings

import keras

from glove_lookup import GloveLookup
from tweet_classifier.config import TrainConfig
from tweet_classifier.ngrams import HashedNgrams

# The convolution ends the mask's use (the LSTMs see pooled, fixed-length features);
# Keras warns about that at every call, which is noise for our users.
warnings.filterwarnings("ignore", message=r"Layer 'conv' .* does not support masking")

MAX_NGRAMS = 512


def build_models(
    lookup: GloveLookup, config: TrainConfig, linear: keras.layers.Layer | None = None
) -> tuple[keras.Model, keras.Model, HashedNgrams | None]:
    """Models sharing every layer: ``(ids_model, text_model, ngram_hasher)``.

    ``ids_model`` takes token ids ``[batch, sequence_length]`` (plus hashed n-gram ids
    ``[batch, 512]`` with ``ngrams=True``, plus the linear logit ``[batch, 1]`` with
    ``linear``): training looks everything up once in the input pipeline, and
    ``model.fit`` never sees strings, which Keras' distribution strategies cannot reduce.
    ``text_model`` takes raw strings ``[batch]`` and is the one exported.
    ``ngram_hasher`` (or ``None``) turns texts into the n-gram ids for ``ids_model``.
    """
    layers: list[keras.layers.Layer] = [
        keras.layers.Conv1D(
            config.conv_filters,
            config.kernel_size,
            # "valid" as the original (30 tokens -> 21 -> pooled 11 steps); "same" only when too short
            padding="valid" if config.sequence_length >= config.kernel_size else "same",
            activation="relu",
            name="conv",
        ),
        keras.layers.MaxPool1D(2, padding="same", name="pool"),
    ]
    for i in range(config.lstm_stacks):
        sequences = i < config.lstm_stacks - 1 or config.pooling != "last"
        # unrolled: ~11 steps; a flat graph beats a while loop on CPU
        lstm = keras.layers.LSTM(
            config.lstm_units, return_sequences=sequences, unroll=True, name=f"lstm_{i + 1}"
        )
        if config.bidirectional:
            lstm = keras.layers.Bidirectional(lstm, name=f"bidirectional_{i + 1}")
        layers.append(lstm)
        if i == config.lstm_stacks - 1 and config.pooling == "max-mean":
            layers.append(MaxMeanPool(name="max_mean"))
        layers += [
            keras.layers.BatchNormalization(name=f"batch_norm_{i + 1}"),
            keras.layers.Dropout(config.dropout, seed=config.seed + i, name=f"dropout_{i + 1}"),
        ]
    if linear is None:
        output = keras.layers.Dense(1, activation="sigmoid", name="probability")
    else:
        dense_logit = keras.layers.Dense(1, name="lstm_logit")
        add = keras.layers.Add(name="logit")
        sigmoid = keras.layers.Activation("sigmoid", name="probability")

        def output(x: keras.KerasTensor, offset: keras.KerasTensor) -> keras.KerasTensor:
            return sigmoid(add([dense_logit(x), offset]))

    hasher = None
    if config.ngrams:
        hasher = HashedNgrams(config.ngram_buckets, MAX_NGRAMS, name="ngram_ids")
        ngram_embedding = keras.layers.Embedding(
            config.ngram_buckets + 1, config.ngram_dim, mask_zero=True, name="ngrams"
        )
        ngram_pool = keras.layers.GlobalAveragePooling1D(name="ngram_mean")
        concat = keras.layers.Concatenate(name="features")

    def head(
        vectors: keras.KerasTensor, ngram_ids: keras.KerasTensor | None, offset: keras.KerasTensor | None
    ) -> keras.KerasTensor:
        x = vectors
        for layer in layers:
            x = layer(x)
        if ngram_ids is not None:
            x = concat([x, ngram_pool(ngram_embedding(ngram_ids))])
        return output(x) if offset is None else output(x, offset)  # type: ignore[call-arg]

    ids = keras.Input(shape=(config.sequence_length,), dtype="int64", name="token_ids")
    text = keras.Input(shape=(), dtype="string", name="text")
    ids_inputs: list[keras.KerasTensor] = [ids]
    grams = offset = None
    if hasher is not None:
        grams = keras.Input(shape=(MAX_NGRAMS,), dtype="int64", name="ngram_ids")
        ids_inputs.append(grams)
    if linear is not None:
        offset = keras.Input(shape=(1,), dtype="float32", name="offset")
        ids_inputs.append(offset)
    ids_model = keras.Model(
        ids_inputs[0] if len(ids_inputs) == 1 else ids_inputs,
        head(lookup(ids), grams, offset),
        name="tweetclf_ids",
    )
    text_model = keras.Model(
        text,
        head(
            lookup(text),
            hasher(text) if hasher is not None else None,
            linear(text) if linear is not None else None,
        ),
        name="tweetclf",
    )
    return ids_model, text_model, hasher


@keras.saving.register_keras_serializable(package="tweet_classifier")
class MaxMeanPool(keras.layers.Layer):
    """``[batch, steps, features]`` -> ``[batch, 2 * features]``: max over time, then mean over time.

    >>> import numpy as np
    >>> MaxMeanPool()(np.array([[[1.0, -2.0], [3.0, 0.0]]], np.float32)).numpy().tolist()
    [[3.0, 0.0, 2.0, -1.0]]
    """

    def call(self, x: keras.KerasTensor) -> keras.KerasTensor:
        return keras.ops.concatenate([keras.ops.max(x, axis=1), keras.ops.mean(x, axis=1)], axis=-1)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        features = None if input_shape[-1] is None else 2 * input_shape[-1]
        return (input_shape[0], features)


def linear_model(linear: keras.layers.Layer) -> keras.Model:
    """The linear member alone as a text model: raw strings -> probability ``[batch, 1]``."""
    text = keras.Input(shape=(), dtype="string", name="text")
    probability = keras.layers.Activation("sigmoid", name="probability")(linear(text))
    return keras.Model(text, probability, name="tweetclf_linear")
