"""The ``explain`` signature: how much each word of a tweet moves its probability, in the graph.

A word's contribution is the probability of the tweet minus the probability of the same
tweet with that word left out (the blank-separated words joined by one blank), both from
the exported model itself: every member (LSTMs, n-gram TF-IDF, pooled vectors) sees the
shortened text exactly as ``serving_default`` would, so a client can check any contribution
by sending the shortened text. All variants of a batch go through the model in one call.

The shortened texts are not rebuilt and read again: the layers that read strings give
their outputs for them word by word (:mod:`tweet_classifier.model.word_removal` for the
lookup, :func:`ngram_tfidf.ngram_logits_without_word` for the n-grams), for the whole texts
too (no word left out), and the text model's scorer
(:func:`tweet_classifier.model.text_model_of`) scores them all in one call. That is what makes
a batch cost about 5x ``serving_default`` rather than 13x (BENCHMARKS.md, "Explain"): the
scorer, run once per shortened text, and the word-by-word readers share what is left. Below
:data:`WORD_BY_WORD_FROM` shortened texts the batch is small enough that re-reading them costs
less (fewer ops); both ways give the same answers.

Outputs, for ``text: string[batch]`` (``words`` wide: the most words of a text in the batch,
at most :data:`MAX_WORDS`, shorter rows padded with ``""`` / ``False`` / ``0``):

- ``probability`` float32 ``[batch]`` and ``label`` int64 ``[batch]``: as ``serving_default``;
- ``words`` string ``[batch, words]``: the text's blank-separated words, as written;
- ``tokens`` string ``[batch, words]``: each word after the lookup's standardisation
  (``"#wildfire"`` -> ``"# wildfire"``; ``""`` for a word it drops, such as a URL);
- ``oov`` bool ``[batch, words]``: one of the word's tokens has no GloVe vector;
- ``contribution`` float32 ``[batch, words]``: the change in probability the word makes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import tensorflow as tf

from glove_lookup import GloveLookup, standardize
from ngram_tfidf import NgramTfidf, each_word, ngram_logits_without_word, texts_without_word
from tweet_classifier.model.text_model import SCORER
from tweet_classifier.model.word_removal import token_ids_without_word
from tweet_classifier.signatures import MAX_WORDS

WORD_BY_WORD_FROM = 48  # shortened texts in a batch from which reading words once is faster


def lookup_of(model: keras.Model) -> GloveLookup | None:
    """The first :class:`GloveLookup` inside ``model`` (the one the LSTMs read), if any."""
    for layer in model._flatten_layers(include_self=False):
        if isinstance(layer, GloveLookup):
            return layer
    return None


def explain_function(
    text_model: keras.Model,
    threshold: float,
    probabilities: Callable[[tf.Tensor], tf.Tensor],
    *,
    reread: bool = False,
) -> Callable[[tf.Tensor], dict[str, tf.Tensor]]:
    """The ``explain`` signature's function for ``text_model`` (raw strings -> probability),
    a model of :func:`tweet_classifier.model.text_model_of`. ``probabilities``: texts ->
    ``[batch]`` probabilities of ``text_model``, the function ``serving_default`` traces too.

    ``reread=True``: the shortened texts are always read again, in one call of
    ``probabilities``. That is the function to run eagerly (untraced) where an
    explain graph would be run only a few times: its cost is ``probabilities``'s first
    call and a few ops, where the graph's first run costs several times more (it is
    optimised and both branches of its ``tf.cond`` are instantiated). Both give the same answers."""
    lookup = lookup_of(text_model)
    word_by_word = _scores_word_by_word(text_model)
    cutoff = tf.constant(threshold, tf.float32)

    def scores(text: tf.Tensor, words: tf.RaggedTensor, rows: tf.Tensor, position: tf.Tensor) -> tf.Tensor:
        """``[batch + variants]``: the texts' probabilities, then those of the shortened texts."""

        def read_again() -> tf.Tensor:
            return probabilities(tf.concat([text, texts_without_word(words, rows, position)], 0))

        if reread:
            return read_again()
        return tf.cond(  # a few words: one call on the shortened texts costs less op overhead
            tf.size(rows) < WORD_BY_WORD_FROM,
            read_again,
            lambda: word_by_word(text, words, rows, position),
        )

    def explain(text: tf.Tensor) -> dict[str, tf.Tensor]:
        words = tf.strings.split(text)  # ragged [batch, (words)]
        rows, position = each_word(words, MAX_WORDS)
        both = scores(text, words, rows, position)
        probability = both[: tf.shape(text)[0]]
        change = tf.gather(probability, rows) - both[tf.shape(text)[0] :]
        shown = words[:, :MAX_WORDS]
        tokens, oov = _word_tokens(shown.flat_values, lookup)

        def dense(values: tf.Tensor, default: Any) -> tf.Tensor:
            return shown.with_flat_values(values).to_tensor(default)

        listed = shown.to_tensor("")
        contribution = tf.scatter_nd(
            tf.stack([rows, position], axis=1), change, tf.shape(listed, out_type=tf.int64)
        )
        return {
            "probability": probability,
            "label": tf.cast(probability >= cutoff, tf.int64),
            "words": listed,
            "tokens": dense(tokens, ""),
            "oov": dense(oov, False),
            "contribution": contribution,
        }

    return explain


def _scores_word_by_word(
    text_model: keras.Model,
) -> Callable[[tf.Tensor, tf.RaggedTensor, tf.Tensor, tf.Tensor], tf.Tensor]:
    """``(text, words, rows, position) -> [batch + variants]``: the probability of each text,
    then of each text without a word, in one call of the model's scorer.

    The string-reading layers give their outputs word by word (:mod:`word_removal`), the
    whole texts included (position -1: no word left out); a reader of another kind reads
    the texts and the shortened texts.
    """
    scorer = text_model.get_layer(SCORER)
    readers = [
        layer
        for layer in text_model.layers
        if layer is not scorer and not isinstance(layer, keras.layers.InputLayer)
    ]

    def scores(text: tf.Tensor, words: tf.RaggedTensor, rows: tf.Tensor, position: tf.Tensor) -> tf.Tensor:
        whole = tf.range(words.nrows())  # each text itself first: no word left out
        every_row = tf.concat([whole, rows], 0)
        every_position = tf.concat([-tf.ones_like(whole), position], 0)

        def read(layer: keras.layers.Layer) -> Any:
            if isinstance(layer, GloveLookup):
                return layer(token_ids_without_word(layer, words, every_row, every_position))
            if isinstance(layer, NgramTfidf):
                return ngram_logits_without_word(layer, words, every_row, every_position)
            return layer(tf.concat([text, texts_without_word(words, rows, position)], 0))

        outputs = {layer.name: read(layer) for layer in readers}
        return tf.reshape(scorer(outputs, training=False), [-1])

    return scores


def oov_share_function(text_model: keras.Model) -> Callable[[tf.Tensor], dict[str, tf.Tensor]] | None:
    """The ``oov_share`` signature: each text's share of standardised tokens without a GloVe
    vector (0 for a text without tokens); ``None`` for a model without a GloVe lookup.

    ``tweetclf serve`` feeds it to a drift metric: the share grows when tweets use new words.
    """
    lookup = lookup_of(text_model)
    if lookup is None:
        return None

    def oov_share(text: tf.Tensor) -> dict[str, tf.Tensor]:
        tokens, known = _tokens_known(text, lookup)
        unknown = tf.cast(tf.logical_not(known), tf.float32)
        counts = tf.cast(tokens.row_lengths(), tf.float32)
        return {"oov_share": tf.math.divide_no_nan(tf.reduce_sum(unknown, axis=1), counts)}

    return oov_share


def _word_tokens(words: tf.Tensor, lookup: GloveLookup | None) -> tuple[tf.Tensor, tf.Tensor]:
    """Each word's standardised tokens (joined by a blank) and whether one is out of vocabulary."""
    if lookup is None:  # a linear model without GloVe: no word is "out of" a vocabulary it lacks
        tokens = tf.strings.split(standardize(words, "tweet"))
        oov = tf.zeros_like(words, tf.bool)
    else:
        tokens, known = _tokens_known(words, lookup)
        oov = tf.reduce_any(tf.logical_not(known), axis=1)
    return tf.strings.reduce_join(tokens, axis=1, separator=" "), oov


def _tokens_known(texts: tf.Tensor, lookup: GloveLookup) -> tuple[tf.RaggedTensor, tf.RaggedTensor]:
    """Each text's tokens after the lookup's standardisation, and whether each has a vector."""
    tokens = tf.strings.split(standardize(texts, lookup.standardize, clean_blanks=False))
    return tokens, tf.ragged.map_flat_values(lookup.in_vocabulary, tokens)
