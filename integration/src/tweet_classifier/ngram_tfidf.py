"""The linear member's features: TF-IDF of word and character n-grams, in core TF string ops.

Two blocks, as scikit-learn's ``char_wb`` + ``word`` TF-IDF pair that the strongest cheap
peer uses: character 1..6-grams of each blank-separated word padded with one blank on each
side, and word 1..3-grams of the tokens of two or more letters/digits. Both come from the
same light cleaning (HTML entities decoded, URLs -> ``url``, ``@user`` for mentions, ``#``
dropped, lowercase). Each block is weighted ``(1 + ln tf) * idf`` and L2-normalised on its
own, then the layer takes one dot product with the fitted weights: a logistic regression's
logit, computed inside the exported graph.

The n-grams themselves come from :func:`ngrams`, which training uses too; the TF-IDF
arithmetic of the layer is checked against :func:`tfidf_matrix` (NumPy, what the solver is
fitted on) by the tests.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

CHAR_NGRAMS = (1, 6)
WORD_NGRAMS = (1, 3)
# Word n-grams carry this prefix in the shared vocabulary; cleaning turns every control
# character of the input into a blank, so no character n-gram can start with it.
WORD_PREFIX = "\x1f"
VOCABULARY_ASSET = "ngram_vocabulary.txt"
_HTML = (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&#x27;", "'"))


def clean(texts: Any) -> tf.Tensor:
    """Light cleaning before n-grams: lowercase, entities decoded, URLs/mentions/hashes normalised.

    >>> clean(tf.constant(["RT @Fire_Dept: Forest FIRE &amp; #smoke http://t.co/x"])).numpy()
    array([b'rt @user: forest fire & smoke url'], dtype=object)
    """
    rx = tf.strings.regex_replace
    x = tf.strings.unicode_transcode(
        tf.convert_to_tensor(texts, tf.string), "UTF-8", "UTF-8", errors="replace", replacement_char=0xFFFD
    )
    x = rx(x, r"[\pC\pZ]", " ")
    x = tf.strings.lower(x, encoding="utf-8")
    for entity, char in _HTML:
        x = rx(x, entity, char)
    x = rx(x, r"(?:https?://|www\.)\S*", "url")
    x = rx(x, r"@[\pL\pN_]+", "@user")
    return tf.strings.strip(rx(x, "#", ""))


def ngrams(texts: Any) -> tf.RaggedTensor:
    """Ragged ``[batch, (grams)]`` strings: character n-grams, then word n-grams (with prefix)."""
    cleaned = clean(texts)
    words = tf.strings.split(cleaned)
    padded = tf.ragged.map_flat_values(lambda w: tf.strings.join([" ", w, " "]), words)
    chars = tf.strings.unicode_split(padded, "UTF-8", errors="replace")
    char_grams = tf.strings.ngrams(
        chars, tuple(range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1)), separator=""
    ).merge_dims(1, 2)
    tokens = tf.strings.split(tf.strings.regex_replace(cleaned, r"[^\pL\pN_]+", " "))
    tokens = tf.ragged.boolean_mask(tokens, tf.strings.length(tokens, unit="UTF8_CHAR") >= 2)
    word_grams = tf.strings.ngrams(tokens, tuple(range(WORD_NGRAMS[0], WORD_NGRAMS[1] + 1)), separator=" ")
    word_grams = tf.ragged.map_flat_values(lambda g: tf.strings.join([WORD_PREFIX, g]), word_grams)
    return tf.concat([char_grams, word_grams], axis=1)


@dataclass(frozen=True)
class GramCounts:
    """Every text's distinct n-grams and how often each occurs: ``(row, gram, count)`` triples.

    ``grams`` holds the distinct n-gram strings of all texts; ``gram_index`` points into it.
    """

    rows: np.ndarray  # int64 [nnz], text index
    gram_index: np.ndarray  # int64 [nnz], index into grams
    counts: np.ndarray  # int64 [nnz]
    grams: np.ndarray  # object [distinct grams], str
    is_word: np.ndarray  # bool [distinct grams]: a word n-gram (else a character n-gram)
    num_texts: int

    @classmethod
    def of(cls, texts: list[str], batch_size: int = 2048) -> GramCounts:
        """Count the n-grams of ``texts`` with the same TF ops as the layer."""
        rows, fingerprints, strings = [], [], []
        for start in range(0, len(texts), batch_size):
            grams = ngrams(tf.constant(texts[start : start + batch_size], tf.string))
            rows.append(grams.value_rowids().numpy() + start)
            flat = grams.flat_values
            fingerprints.append(tf.strings.to_hash_bucket_fast(flat, 2**62).numpy())
            strings.append(flat.numpy())
        row = np.concatenate(rows) if rows else np.empty(0, np.int64)
        fp = np.concatenate(fingerprints) if fingerprints else np.empty(0, np.int64)
        text = np.concatenate(strings) if strings else np.empty(0, object)
        distinct, first, gram_of = np.unique(fp, return_index=True, return_inverse=True)
        pairs, counts = np.unique(row * len(distinct) + gram_of, return_counts=True)
        grams = np.array([g.decode("utf-8") for g in text[first]], dtype=object)
        is_word = np.array([g.startswith(WORD_PREFIX) for g in grams], dtype=bool)
        size = max(len(distinct), 1)
        return cls(pairs // size, pairs % size, counts, grams, is_word, len(texts))

    def subset(self, texts: np.ndarray) -> GramCounts:
        """The counts of some texts only (renumbered ``0..len(texts)-1``, same gram list)."""
        position = np.full(self.num_texts, -1, np.int64)
        position[texts] = np.arange(len(texts))
        keep = position[self.rows] >= 0
        return GramCounts(
            position[self.rows[keep]],
            self.gram_index[keep],
            self.counts[keep],
            self.grams,
            self.is_word,
            len(texts),
        )


@dataclass(frozen=True)
class NgramVocabulary:
    """The n-grams a linear member knows, character n-grams first, with their IDF.

    >>> vocab = NgramVocabulary.fit(GramCounts.of(["fire", "fire near"]), char_min_df=2, word_min_df=2)
    >>> vocab.num_char, vocab.num_word, vocab.grams[vocab.num_char :] == [WORD_PREFIX + "fire"]
    (20, 1, True)
    """

    grams: list[str]
    idf: np.ndarray  # float32 [len(grams)]
    num_char: int
    source: np.ndarray | None = None  # the gram indices in the GramCounts it was fitted on
    source_grams: np.ndarray | None = None  # that GramCounts' gram list

    @property
    def num_word(self) -> int:
        return len(self.grams) - self.num_char

    @classmethod
    def fit(cls, counts: GramCounts, char_min_df: int = 1, word_min_df: int = 1) -> NgramVocabulary:
        """Keep n-grams seen in at least ``*_min_df`` texts; smooth IDF ``ln((1+n)/(1+df)) + 1``."""
        df = np.bincount(counts.gram_index, minlength=len(counts.grams))
        keep = np.where(counts.is_word, df >= word_min_df, df >= char_min_df) & (df > 0)
        chars = np.flatnonzero(keep & ~counts.is_word)
        order = np.concatenate([chars, np.flatnonzero(keep & counts.is_word)])
        idf = np.log((1 + counts.num_texts) / (1 + df[order])) + 1
        return cls(list(counts.grams[order]), idf.astype(np.float32), len(chars), order, counts.grams)

    def columns(self, counts: GramCounts) -> np.ndarray:
        """For each gram of ``counts.grams``: its column here, or -1."""
        column = np.full(len(counts.grams), -1, np.int64)
        if self.source is not None and counts.grams is self.source_grams:
            column[self.source] = np.arange(len(self.source))
            return column
        index = {g: i for i, g in enumerate(self.grams)}
        return np.array([index.get(g, -1) for g in counts.grams], dtype=np.int64)


def tfidf_matrix(counts: GramCounts, vocabulary: NgramVocabulary) -> Any:
    """The TF-IDF features (scipy CSR ``[texts, grams]``) in NumPy: what the solver is fitted on."""
    from scipy.sparse import csr_matrix

    column = vocabulary.columns(counts)[counts.gram_index]
    known = column >= 0
    rows, column = counts.rows[known], column[known]
    values = (1 + np.log(counts.counts[known])) * vocabulary.idf[column].astype(np.float64)
    block = rows * 2 + (column >= vocabulary.num_char)
    norms = np.sqrt(np.bincount(block, weights=values**2, minlength=2 * counts.num_texts))
    values = values / norms[block]
    return csr_matrix(
        (values.astype(np.float32), (rows, column)), shape=(counts.num_texts, len(vocabulary.grams))
    )


@keras.saving.register_keras_serializable(package="tweet_classifier")
class NgramTfidf(keras.layers.Layer):
    """Raw strings ``[batch]`` -> float32 logit ``[batch, 1]`` of a linear model over n-gram TF-IDF.

    The vocabulary is a ``StaticHashTable`` built from an asset file (as in ``GloveLookup``);
    IDF, weights and bias are variables. Only core TF ops, so TF Serving loads it.

    Args:
        vocabulary: the :class:`NgramVocabulary` (``None`` only when restoring from a config,
            with ``vocabulary_size`` and ``num_char``).
        weights: float ``[len(vocabulary.grams)]``, the linear weights (zeros if ``None``).
        bias: the intercept.

    Example:

    >>> vocab = NgramVocabulary.fit(GramCounts.of(["forest fire", "fun"]))
    >>> layer = NgramTfidf(vocab, weights=np.ones(len(vocab.grams)), bias=-1.0)
    >>> [round(float(v), 3) for v in layer(tf.constant(["fire", ""])).numpy()[:, 0]]
    [4.449, -1.0]
    """

    def __init__(
        self,
        vocabulary: NgramVocabulary | None = None,
        weights: Any = None,
        bias: float = 0.0,
        *,
        vocabulary_size: int | None = None,
        num_char: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("dtype", "float32")
        kwargs["trainable"] = False  # fitted by a convex solver, never by gradients
        super().__init__(**kwargs)
        if vocabulary is not None:
            vocabulary_size, num_char = len(vocabulary.grams), vocabulary.num_char
        if vocabulary_size is None or num_char is None or vocabulary_size < 1:
            raise ValueError("NgramTfidf needs a non-empty vocabulary (or vocabulary_size and num_char)")
        self.vocabulary_size = int(vocabulary_size)
        self.num_char = int(num_char)
        if weights is not None and np.shape(weights) != (self.vocabulary_size,):
            raise ValueError(f"weights must have shape ({self.vocabulary_size},), got {np.shape(weights)}")
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.supports_jit = False
        idf = vocabulary.idf if vocabulary is not None else None
        self.idf = self.add_weight(
            name="idf",
            shape=(self.vocabulary_size,),
            initializer=_constant(idf),
            trainable=False,
        )
        self.kernel = self.add_weight(
            name="kernel", shape=(self.vocabulary_size,), initializer=_constant(weights), trainable=False
        )
        self.bias = self.add_weight(
            name="bias", shape=(), initializer=_constant(np.float32(bias)), trainable=False
        )
        self._asset_dir = tempfile.mkdtemp(prefix="tweetclf_ngrams_")
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._asset_dir, True)
        self._table: tf.lookup.StaticHashTable | None = None
        self._vocabulary_path: str | None = None
        if vocabulary is not None:
            path = Path(self._asset_dir) / VOCABULARY_ASSET
            path.write_text("".join(g + "\n" for g in vocabulary.grams), encoding="utf-8")
            self._set_table(str(path))
        self.built = True

    def _set_table(self, path: str) -> None:
        initializer = tf.lookup.TextFileInitializer(
            path,
            key_dtype=tf.string,
            key_index=tf.lookup.TextFileIndex.WHOLE_LINE,
            value_dtype=tf.int64,
            value_index=tf.lookup.TextFileIndex.LINE_NUMBER,
            vocab_size=self.vocabulary_size,
        )
        self._table = tf.lookup.StaticHashTable(initializer, default_value=-1)
        self._vocabulary_path = path

    def save_assets(self, dir_path: str) -> None:
        assert self._vocabulary_path is not None
        shutil.copyfile(self._vocabulary_path, Path(dir_path) / VOCABULARY_ASSET)

    def load_assets(self, dir_path: str) -> None:
        target = Path(self._asset_dir) / VOCABULARY_ASSET
        shutil.copyfile(Path(dir_path) / VOCABULARY_ASSET, target)
        self._set_table(str(target))

    def features(self, texts: Any) -> tf.SparseTensor:
        """float32 ``[batch, vocabulary_size]`` TF-IDF features, each block L2-normalised."""
        batch, rows, column, values = self._tfidf(texts)
        indices = tf.stack([rows, column], axis=1)
        size = tf.constant(self.vocabulary_size, tf.int64)
        return tf.sparse.reorder(tf.SparseTensor(indices, values, tf.stack([batch, size])))

    def _tfidf(self, texts: Any) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]:
        """``(batch, rows, columns, values)`` of the features, in no particular order."""
        if self._table is None:
            raise ValueError("this NgramTfidf has no vocabulary (restore it with load_assets)")
        texts = tf.convert_to_tensor(texts, tf.string)
        if texts.shape.rank == 2:
            texts = tf.squeeze(texts, axis=-1)
        batch = tf.shape(texts, out_type=tf.int64)[0]
        grams = ngrams(texts)
        column = self._table.lookup(grams.flat_values)
        known = column >= 0
        rows = tf.boolean_mask(grams.value_rowids(), known)
        column = tf.boolean_mask(column, known)
        size = tf.constant(self.vocabulary_size, tf.int64)
        pairs, _, counts = tf.unique_with_counts(rows * size + column, out_idx=tf.int64)
        rows, column = pairs // size, pairs % size
        values = (1.0 + tf.math.log(tf.cast(counts, tf.float32))) * tf.gather(self.idf, column)
        block = rows * 2 + tf.cast(column >= self.num_char, tf.int64)
        norms = tf.sqrt(tf.math.unsorted_segment_sum(tf.square(values), block, 2 * batch))
        return batch, rows, column, values / tf.gather(norms, block)

    def call(self, texts: Any) -> tf.Tensor:
        batch, rows, column, values = self._tfidf(texts)
        products = values * tf.gather(self.kernel, column)
        logit = tf.math.unsorted_segment_sum(products, rows, batch) + self.bias
        return logit[:, tf.newaxis]

    def compute_output_spec(self, inputs: Any) -> keras.KerasTensor:
        return keras.KerasTensor((inputs.shape[0], 1), dtype="float32")

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = super().get_config()
        config.update({"vocabulary_size": self.vocabulary_size, "num_char": self.num_char})
        return config


def _constant(value: Any) -> Any:
    if value is None:
        return "zeros"
    array = np.asarray(value, np.float32)
    return lambda shape, dtype=None: array.reshape(shape)
