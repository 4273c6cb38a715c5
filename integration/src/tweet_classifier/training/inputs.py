"""What training reads: the split, the class balance, the word vectors and their lookups."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rebalance import class_weights, oversample, stratified_split, undersample
from tweet_classifier.config import TrainConfig
from tweet_classifier.errors import DataError
from tweet_classifier.tweets import Tweets, check_labels


@dataclass(frozen=True)
class Split:
    """Every labelled tweet (``frame``: text, standardized, target) and its training/validation parts.

    ``standardized`` is each text after the word lookup's standardisation, computed once
    here and reused for the vocabulary, the token ids and the pooled vectors. The linear
    member alone has no validation part: it is scored out of fold.
    """

    frame: pd.DataFrame
    train: pd.DataFrame
    valid: pd.DataFrame


def split_tweets(tweets: Tweets, config: TrainConfig) -> Split:
    """A stratified ``valid_size`` split (none for ``model=linear``)."""
    check_labels(tweets, config.min_tweets_per_class)
    frame = pd.DataFrame(
        {"text": tweets.texts, "standardized": standardized(tweets.texts), "target": tweets.targets}
    )
    check_readable(tweets, frame["standardized"], config)
    if config.model == "linear":
        return Split(frame, frame, frame.iloc[:0])
    train, valid = stratified_split(frame, "target", test_size=config.valid_size, seed=config.seed)
    return Split(frame, train, valid)


def check_readable(tweets: Tweets, standardized_texts: pd.Series, config: TrainConfig) -> None:
    """Raise :class:`DataError` when no text has anything left for the members to read: no
    n-gram after the linear member's cleaning, or (``model=lstm``) no token after the lookup's."""
    import tensorflow as tf

    from ngram_tfidf import clean

    if config.model == "lstm":
        empty, reader = not any(standardized_texts.str.len() > 0), "the word lookup's standardisation"
    else:
        cleaned = clean(tf.constant(tweets.texts, tf.string)).numpy()
        empty, reader = not any(len(text) for text in cleaned), "the n-gram cleaning"
    if empty:
        raise DataError(
            f"{tweets.source}: every text is empty after {reader}; there is nothing to learn from"
        )


def balance(frame: pd.DataFrame, config: TrainConfig) -> tuple[pd.DataFrame, dict[int, float] | None]:
    """The training rows after ``config.balance``, and the class weights if that is the strategy."""
    if config.balance == "undersample":
        return undersample(frame, "target", seed=config.seed), None
    if config.balance == "oversample":
        return oversample(frame, "target", seed=config.seed), None
    if config.balance == "class-weight":
        return frame, {int(k): float(v) for k, v in class_weights(frame["target"]).items()}
    return frame, None


def standardized(texts: Sequence[str], batch_size: int = 4096) -> np.ndarray:
    """Each text after :func:`glove_lookup.standardize` (the lookup's "tweet" mode), as bytes.

    The output feeds ``GloveLookup.token_ids(..., standardized=True)`` and
    ``HashedNgrams(..., standardized=True)``, which give the ids of the raw texts.
    """
    import tensorflow as tf

    from glove_lookup import standardize

    texts = list(texts)
    parts = [
        standardize(tf.constant(texts[start : start + batch_size], tf.string), clean_blanks=False).numpy()
        for start in range(0, len(texts), batch_size)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, object)


def vocabulary_of(standardized_texts: Sequence[bytes] | np.ndarray | pd.Series) -> set[str]:
    """The distinct tokens of texts that :func:`standardized` returned."""
    import tensorflow as tf

    if len(standardized_texts) == 0:
        return set()
    tokens = tf.strings.split(tf.constant(list(standardized_texts), tf.string)).flat_values.numpy()
    return {t.decode("utf-8") for t in tokens}


def training_vocabulary(texts: Sequence[str]) -> set[str]:
    """The tokens of raw ``texts`` after the layer's standardisation."""
    return vocabulary_of(standardized(texts))


def pooled_vectors(lookup: Any, inputs: Sequence[str] | np.ndarray, batch_size: int = 2048) -> np.ndarray:
    """float32 ``[texts, 2 * dim]``: each text's :class:`VectorPool` features, as the graph computes them.

    ``inputs``: raw texts, or their token ids ``[texts, sequence_length]`` from the same vocabulary.
    """
    import tensorflow as tf

    from glove_lookup import VectorPool

    pool = VectorPool()
    parts = [
        pool(lookup(tf.constant(inputs[start : start + batch_size]))).numpy()
        for start in range(0, len(inputs), batch_size)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, 2 * lookup.output_dim), np.float32)


def strategy_scope(strategy: Any) -> Any:
    """A fresh ``strategy.scope()`` (one cannot be re-entered), or a no-op without a strategy."""
    return strategy.scope() if strategy is not None else contextlib.nullcontext()


@dataclass(frozen=True)
class Lookups:
    """The trimmed vectors and the lookups built on them (all ``None`` when no member needs vectors).

    ``linear`` is a frozen copy for the linear member's pooled vectors, only when the LSTMs
    fine-tune ``lookup``: the linear weights fit the vectors as loaded.
    """

    vectors: Any = None  # glove_lookup.WordVectors
    lookup: Any = None  # glove_lookup.GloveLookup
    linear: Any = None

    @property
    def for_linear(self) -> Any:
        return self.linear or self.lookup

    def token_ids(self, standardized_texts: pd.Series) -> np.ndarray:
        """int64 ``[texts, sequence_length]`` ids of texts :func:`standardized` returned."""
        import tensorflow as tf

        texts = tf.constant(standardized_texts.to_numpy(), tf.string)
        return np.asarray(self.lookup.token_ids(texts, standardized=True))

    def raw_bytes(self) -> int:
        """Bytes of the vocabulary and vectors as plain arrays (the export's size is compared with it)."""
        wv = self.vectors
        return int(wv.matrix.nbytes + sum(len(w.encode("utf-8")) + 1 for w in wv.words)) if wv else 0


def build_lookups(vectors: Any, train: pd.DataFrame, config: TrainConfig, strategy: Any = None) -> Lookups:
    """Trim ``vectors`` to the vocabulary of the ``train`` rows + ``vocab_top_n``; build the lookups."""
    from glove_lookup import GloveLookup, WordVectors

    if config.model == "linear" and not config.uses_linear_vectors:
        return Lookups()
    wv = vectors if isinstance(vectors, WordVectors) else WordVectors.load(vectors)
    wv = wv.restrict(vocabulary=vocabulary_of(train["standardized"]), top_n=config.vocab_top_n)
    with strategy_scope(strategy):
        lookup = GloveLookup(wv, sequence_length=config.sequence_length, trainable=config.trainable_vectors)
        linear = None
        if config.model == "hybrid" and config.trainable_vectors and config.linear_vectors:
            linear = GloveLookup(wv, sequence_length=config.sequence_length, name="linear_lookup")
    return Lookups(wv, lookup, linear)
