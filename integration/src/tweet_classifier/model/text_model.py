"""The recurrent member: GloveLookup -> Conv1D -> MaxPool1D -> stacked LSTM -> Dense(sigmoid).

With ``ngrams=True`` a fastText-style branch (hashed word and character n-grams,
averaged embeddings) is concatenated to the LSTM output before the last Dense layer.

With ``lstm_seeds`` > 1, several such stacks (different initial weights) are trained side by
side and the exported model averages their logits.

With a ``linear`` member (the hybrid) the last Dense layer gives a logit that is added to
the linear member's logit before the sigmoid: the LSTM learns a correction of the linear
model (stacking). In training that logit is an input (``offset``, the linear member's
out-of-fold logit of each tweet); in the exported text model it is the linear member itself,
which shares the GloVe lookup with the LSTMs when it weighs pooled word vectors.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from glove_lookup import GloveLookup, HashedNgrams
from tweet_classifier.config import TrainConfig
from tweet_classifier.model.linear import LinearFit
from tweet_classifier.model.pooling import MaxMeanPool
from tweet_classifier.model.seed_stacks import SeedStacks

# The convolution ends the mask's use (the LSTMs see pooled, fixed-length features);
# Keras warns about that at every call, which is noise for our users.
warnings.filterwarnings("ignore", message=r"Layer 'conv(_seed[0-9]+)?' .* does not support masking")
warnings.filterwarnings("ignore", message=r"Layer 'scorer' .* does not support masking")  # the same

MAX_NGRAMS = 512
SCORER = "scorer"  # the text model's nested model over what its string-reading layers give


def build_models(
    lookup: GloveLookup,
    config: TrainConfig,
    linear: LinearFit | None = None,
    linear_lookup: GloveLookup | None = None,
) -> tuple[keras.Model, keras.Model, HashedNgrams | None]:
    """Models sharing every layer: ``(ids_model, text_model, ngram_hasher)``.

    ``ids_model`` takes token ids ``[batch, sequence_length]`` (plus hashed n-gram ids
    ``[batch, 512]`` with ``ngrams=True``, plus the linear logit ``[batch, 1]`` with
    ``linear``): training looks everything up once in the input pipeline, and
    ``model.fit`` never sees strings, which Keras' distribution strategies cannot reduce.
    ``text_model`` takes raw strings ``[batch]`` and is the one exported.
    ``ngram_hasher`` (or ``None``) turns texts into the n-gram ids for ``ids_model``.
    ``linear_lookup``: the linear member's own (frozen) lookup when ``lookup`` is fine-tuned.

    With ``lstm_seeds > 1`` there are that many recurrent stacks from different initial
    weights: ``ids_model`` gives each one's probability (``[batch, lstm_seeds]``, one loss
    each, as if trained apart; :func:`blend_heads` averages them) and ``text_model`` the
    probability of their mean logit.
    """
    layers = _SharedLayers(config, with_offset=linear is not None)
    ids = keras.Input(shape=(config.sequence_length,), dtype="int64", name="token_ids")
    ids_inputs: list[keras.KerasTensor] = [ids]
    grams = offset = None
    if layers.hasher is not None:
        grams = keras.Input(shape=(MAX_NGRAMS,), dtype="int64", name="ngram_ids")
        ids_inputs.append(grams)
    if linear is not None:
        offset = keras.Input(shape=(1,), dtype="float32", name="offset")
        ids_inputs.append(offset)
    trained = layers.head_logits(lookup(ids), grams)
    ids_model = keras.Model(
        ids_inputs[0] if len(ids_inputs) == 1 else ids_inputs,
        layers.blend(trained, offset) if config.lstm_seeds == 1 else layers.each(trained, offset),
        name="tweetclf_ids",
    )
    readers: list[keras.layers.Layer] = [lookup]  # one lookup for the LSTMs and the pooled vectors
    if layers.hasher is not None:
        readers.append(layers.hasher)
    if linear is not None:
        readers += [linear.layer] if linear_lookup is None else [linear.layer, linear_lookup]

    def score(read: dict[str, keras.KerasTensor]) -> keras.KerasTensor:
        vectors = read[lookup.name]
        served = layers.served_logits(vectors, read[layers.hasher.name] if layers.hasher else None)
        linear_logit = None
        if linear is not None:
            pooled = vectors if linear_lookup is None else read[linear_lookup.name]
            linear_logit = linear.logit(read[linear.layer.name], pooled)
        return layers.blend(served, linear_logit)

    return ids_model, text_model_of(readers, score, name="tweetclf"), layers.hasher


def text_model_of(
    readers: list[keras.layers.Layer],
    score: Callable[[dict[str, keras.KerasTensor]], keras.KerasTensor],
    name: str,
) -> keras.Model:
    """Raw strings -> the ``readers`` (the layers that read strings) -> a nested model named
    :data:`SCORER` over their outputs, keyed by each reader's name, built by ``score``.

    The split lets the explain signature score a text with one word left out from the
    readers' outputs computed word by word, without rebuilding and re-reading strings.
    """
    text = keras.Input(shape=(), dtype="string", name="text")
    read = {layer.name: layer(text) for layer in readers}
    inputs = {
        key: keras.Input(shape=tensor.shape[1:], dtype=tensor.dtype, name=key) for key, tensor in read.items()
    }
    scorer = keras.Model(inputs, score(inputs), name=SCORER)
    return keras.Model(text, scorer(read), name=name)


class _SharedLayers:
    """The layers both models of :func:`build_models` call, so they share every weight."""

    def __init__(self, config: TrainConfig, with_offset: bool) -> None:
        seeds = self.seeds = config.lstm_seeds
        self.stacks = [_recurrent_stack(config, k) for k in range(seeds)]
        if seeds == 1 and not with_offset:  # the original's output layer
            self.finals = [keras.layers.Dense(1, activation="sigmoid", name="probability")]
        else:
            self.finals = [keras.layers.Dense(1, name=_named("lstm_logit", k)) for k in range(seeds)]
        self.add = keras.layers.Add(name="logit")
        self.sigmoid = keras.layers.Activation("sigmoid", name="probability")
        if seeds > 1:  # the blend of the stacks, and each stack's own output for training
            self.mean = keras.layers.Average(name="lstm_logit_mean")
            self.head_adds = [keras.layers.Add(name=_named("head_logit", k)) for k in range(seeds)]
            self.head_sigmoids = [
                keras.layers.Activation("sigmoid", name=_named("head_probability", k)) for k in range(seeds)
            ]
            self.heads = keras.layers.Concatenate(name="head_probabilities")
        self.hasher = None
        if config.ngrams:
            self.hasher = HashedNgrams(config.ngram_buckets, MAX_NGRAMS, name="ngram_ids")
            self.ngram_embedding = keras.layers.Embedding(
                config.ngram_buckets + 1, config.ngram_dim, mask_zero=True, name="ngrams"
            )
            self.ngram_pool = keras.layers.GlobalAveragePooling1D(name="ngram_mean")
            self.concats = [keras.layers.Concatenate(name=_named("features", k)) for k in range(seeds)]

    def head_logits(
        self, vectors: keras.KerasTensor, ngram_ids: keras.KerasTensor | None
    ) -> list[keras.KerasTensor]:
        """Each stack's output (a probability for the plain single LSTM, else a logit)."""
        grams = self.ngram_pool(self.ngram_embedding(ngram_ids)) if ngram_ids is not None else None
        outputs = []
        for k, (stack, final) in enumerate(zip(self.stacks, self.finals, strict=True)):
            x = vectors
            for layer in stack:
                x = layer(x)
            if grams is not None:
                x = self.concats[k]([x, grams])
            outputs.append(final(x))
        return outputs

    def served_logits(
        self, vectors: keras.KerasTensor, ngram_ids: keras.KerasTensor | None
    ) -> list[keras.KerasTensor]:
        """What the text model blends: the stacks' mean logit from one :class:`SeedStacks`
        where it can serve them (several plain stacks, no n-gram branch), else each stack's."""
        if self.seeds > 1 and ngram_ids is None and SeedStacks.supports(self.stacks):
            return [SeedStacks(self.stacks, self.finals, name="lstm_logit_mean")(vectors)]
        return self.head_logits(vectors, ngram_ids)

    def blend(self, outputs: list[keras.KerasTensor], offset: keras.KerasTensor | None) -> keras.KerasTensor:
        """The probability: the stacks' mean logit (+ the linear member's logit)."""
        if self.seeds == 1 and offset is None:
            return outputs[0]
        logit = outputs[0] if len(outputs) == 1 else self.mean(outputs)
        return self.sigmoid(logit if offset is None else self.add([logit, offset]))

    def each(self, outputs: list[keras.KerasTensor], offset: keras.KerasTensor | None) -> keras.KerasTensor:
        """``[batch, seeds]``: every stack's own probability, so each learns on its own loss."""
        if offset is not None:
            outputs = [adder([logit, offset]) for adder, logit in zip(self.head_adds, outputs, strict=True)]
        return self.heads([squash(logit) for squash, logit in zip(self.head_sigmoids, outputs, strict=True)])


def _named(name: str, seed: int) -> str:
    """Layer names of the first stack stay the original's; the others get ``_seed<k+1>``."""
    return name if seed == 0 else f"{name}_seed{seed + 1}"


def _recurrent_stack(config: TrainConfig, seed: int) -> list[keras.layers.Layer]:
    """Conv1D -> MaxPool1D -> ``lstm_stacks`` x (LSTM -> BatchNorm -> Dropout), fresh weights."""
    layers: list[keras.layers.Layer] = [
        keras.layers.Conv1D(
            config.conv_filters,
            config.kernel_size,
            # "valid" as the original (30 tokens -> 21 -> pooled 11 steps); "same" only when too short
            padding="valid" if config.sequence_length >= config.kernel_size else "same",
            activation="relu",
            name=_named("conv", seed),
        ),
        keras.layers.MaxPool1D(2, padding="same", name=_named("pool", seed)),
    ]
    for i in range(config.lstm_stacks):
        sequences = i < config.lstm_stacks - 1 or config.pooling != "last"
        # unrolled: ~11 steps; a flat graph beats a while loop on CPU
        lstm = keras.layers.LSTM(
            config.lstm_units, return_sequences=sequences, unroll=True, name=_named(f"lstm_{i + 1}", seed)
        )
        if config.bidirectional:
            lstm = keras.layers.Bidirectional(lstm, name=_named(f"bidirectional_{i + 1}", seed))
        layers.append(lstm)
        if i == config.lstm_stacks - 1 and config.pooling == "max-mean":
            layers.append(MaxMeanPool(name=_named("max_mean", seed)))
        layers += [
            keras.layers.BatchNormalization(name=_named(f"batch_norm_{i + 1}", seed)),
            keras.layers.Dropout(
                config.dropout, seed=config.seed + 100 * seed + i, name=_named(f"dropout_{i + 1}", seed)
            ),
        ]
    return layers


def blend_heads(probabilities: Any) -> np.ndarray:
    """``[n, seeds]`` per-stack probabilities (the ids model's) -> ``[n]``, averaged in logit space.

    The exported model averages the stacks' logits before its sigmoid; this is the same blend.

    >>> blend_heads(np.array([[0.5], [0.9]])).round(2).tolist()
    [0.5, 0.9]
    >>> blend_heads(np.array([[0.2, 0.8]])).round(2).tolist()
    [0.5]
    """
    p = np.asarray(probabilities, np.float64)
    p = p.reshape(len(p), -1)
    if p.shape[1] == 1:
        return p[:, 0]
    p = np.clip(p, 1e-7, 1 - 1e-7)
    blended: np.ndarray = 1 / (1 + np.exp(-np.log(p / (1 - p)).mean(axis=1)))
    return blended


def linear_model(linear: LinearFit, lookup: GloveLookup | None = None) -> keras.Model:
    """The linear member alone as a text model: raw strings -> probability ``[batch, 1]``.

    ``lookup`` gives the word vectors when the member was fitted with them.
    """
    readers = [linear.layer] if lookup is None else [linear.layer, lookup]

    def score(read: dict[str, keras.KerasTensor]) -> keras.KerasTensor:
        logit = linear.logit(read[linear.layer.name], read[lookup.name] if lookup is not None else None)
        return keras.layers.Activation("sigmoid", name="probability")(logit)

    return text_model_of(readers, score, name="tweetclf_linear")
