"""The :class:`GloveLookup` Keras layer: raw strings in, GloVe vectors out."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any

import keras
import tensorflow as tf

from glove_lookup.errors import GloveLookupError
from glove_lookup.standardize import MODES, StandardizeFn, standardize
from glove_lookup.vectors import WordVectors

PAD_ID = 0
OOV_ID = 1
FIRST_WORD_ID = 2
VOCABULARY_ASSET = "vocabulary.txt"


def _table_shape(
    vectors: WordVectors | None, vocabulary_size: int | None, output_dim: int | None
) -> tuple[int, int]:
    """The embedding table's ``(rows, dim)``: the vectors' own, or the sizes a restore passes."""
    if vectors is None:
        if vocabulary_size is None or output_dim is None:
            raise ValueError("GloveLookup needs vectors=..., or vocabulary_size and output_dim (restoring)")
        if vocabulary_size < 1 or output_dim < 1:
            raise ValueError(
                f"vocabulary_size and output_dim must be >= 1, got {vocabulary_size} and {output_dim}"
            )
        return int(vocabulary_size), int(output_dim)
    for arg, given, actual in (
        ("vocabulary_size", vocabulary_size, len(vectors)),
        ("output_dim", output_dim, vectors.dim),
    ):
        if given is not None and given != actual:
            raise ValueError(f"{arg}={given} does not match the vectors ({actual})")
    return len(vectors), vectors.dim


@keras.saving.register_keras_serializable(package="glove_lookup")
class GloveLookup(keras.layers.Layer):
    """Map raw strings to a ``[batch, sequence_length, dim]`` float32 tensor of word vectors.

    Everything happens in core TensorFlow ops, so a model holding this layer can be
    exported as a SavedModel that takes raw text (TF Serving, SageMaker). The text is
    standardised (:func:`glove_lookup.standardize`), split on blanks, cut or padded
    to ``sequence_length`` tokens and looked up in a ``tf.lookup.StaticHashTable``
    built from an asset file. Ids: 0 = padding, 1 = out-of-vocabulary, 2.. = words
    in the order of ``vectors``; padding and OOV give zero vectors. The vectors sit
    in a variable (saved under ``variables/``, never as a graph constant), and the
    layer produces a mask (``token_ids > 0``) so recurrent layers skip padding.

    The layer also accepts integer ``[batch, sequence_length]`` tensors of ids from
    :meth:`token_ids`: a training pipeline can look tokens up inside ``tf.data``
    (in parallel with training, and without string tensors in ``model.fit``) while
    the exported model, sharing the same layer, still takes raw strings.

    Args:
        vectors: a :class:`WordVectors`, or anything :meth:`WordVectors.load` accepts
            (``"glove-6b-50d"``, a path). ``None`` only when restoring from a config,
            together with ``vocabulary_size`` and ``output_dim``.
        sequence_length: tokens per text (>= 1); longer texts are cut.
        standardize: ``"tweet"``, ``"lower_and_strip_punctuation"``, ``None`` or a
            callable of TF string ops (register it with
            ``keras.saving.register_keras_serializable`` to save the layer).
        trainable: fine-tune the vectors (``False`` keeps GloVe frozen).
        vocabulary_size: with ``vectors=None``: the number of words to expect.
        output_dim: with ``vectors=None``: the vector dimension.

    Example:

    >>> import tensorflow as tf
    >>> from glove_lookup import GloveLookup, WordVectors
    >>> wv = WordVectors(["forest", "fire"], [[1.0, 0.0], [0.0, 1.0]])
    >>> layer = GloveLookup(wv, sequence_length=4)
    >>> layer.token_ids(tf.constant(["Forest FIRE near"])).numpy().tolist()
    [[2, 3, 1, 0]]
    >>> layer(tf.constant(["fire"])).shape
    TensorShape([1, 4, 2])
    """

    def __init__(
        self,
        vectors: WordVectors | str | os.PathLike[str] | None = None,
        sequence_length: int = 30,
        standardize: str | StandardizeFn | None = "tweet",
        trainable: bool = False,
        *,
        vocabulary_size: int | None = None,
        output_dim: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("dtype", "float32")
        super().__init__(trainable=trainable, **kwargs)
        if isinstance(sequence_length, bool) or not isinstance(sequence_length, int) or sequence_length < 1:
            raise ValueError(f"sequence_length must be an int >= 1, got {sequence_length!r}")
        if not (standardize in MODES or callable(standardize)):
            raise ValueError(f"standardize must be one of {MODES} or a callable, got {standardize!r}")
        if vectors is not None and not isinstance(vectors, WordVectors):
            vectors = WordVectors.load(vectors)
        self.vocabulary_size, self.output_dim = _table_shape(vectors, vocabulary_size, output_dim)
        self.sequence_length = sequence_length
        self.standardize = standardize
        self.supports_masking = True
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.supports_jit = False

        matrix = vectors.matrix if vectors is not None else None
        self.embeddings = self.add_weight(
            name="embeddings",
            shape=(self.vocabulary_size, self.output_dim),
            initializer=(lambda shape, dtype=None: matrix) if matrix is not None else "zeros",
            trainable=trainable,
            dtype="float32",
        )
        self._asset_dir = tempfile.mkdtemp(prefix="glove_lookup_")
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._asset_dir, True)
        self._table: tf.lookup.StaticHashTable | None = None
        self._vocabulary_path: str | None = None
        if vectors is not None:
            path = Path(self._asset_dir) / VOCABULARY_ASSET
            path.write_text("\n".join(vectors.words) + "\n", encoding="utf-8")
            self._set_table(str(path))
        self.built = True

    # ------------------------------------------------------------ vocabulary
    def _set_table(self, vocabulary_path: str) -> None:
        initializer = tf.lookup.TextFileInitializer(
            vocabulary_path,
            key_dtype=tf.string,
            key_index=tf.lookup.TextFileIndex.WHOLE_LINE,
            value_dtype=tf.int64,
            value_index=tf.lookup.TextFileIndex.LINE_NUMBER,
            vocab_size=self.vocabulary_size,
        )
        self._table = tf.lookup.StaticHashTable(initializer, default_value=-1)
        self._vocabulary_path = vocabulary_path

    def get_vocabulary(self) -> list[str]:
        """The words, in id order from 2 (``token_ids`` of word ``i`` is ``i + 2``)."""
        if self._vocabulary_path is None:
            return []
        return Path(self._vocabulary_path).read_text(encoding="utf-8").split("\n")[: self.vocabulary_size]

    def save_assets(self, dir_path: str) -> None:
        """Keras saving hook: write the vocabulary beside the variables."""
        if self._vocabulary_path is None:
            raise GloveLookupError("this GloveLookup has no vocabulary to save")
        shutil.copyfile(self._vocabulary_path, Path(dir_path) / VOCABULARY_ASSET)

    def load_assets(self, dir_path: str) -> None:
        """Keras loading hook: rebuild the lookup table from the saved vocabulary."""
        target = Path(self._asset_dir) / VOCABULARY_ASSET
        shutil.copyfile(Path(dir_path) / VOCABULARY_ASSET, target)
        self._set_table(str(target))

    # ------------------------------------------------------------ computation
    def _flat_input(self, inputs: Any) -> tf.Tensor:
        texts = tf.convert_to_tensor(inputs)
        if texts.dtype != tf.string:
            raise TypeError(f"GloveLookup takes string tensors, got dtype {texts.dtype.name}")
        if texts.shape.rank == 2 and texts.shape[-1] == 1:
            texts = tf.squeeze(texts, axis=-1)
        if texts.shape.rank != 1:
            raise ValueError(f"GloveLookup takes texts of shape [batch] or [batch, 1], got {texts.shape}")
        return texts

    def token_ids(self, texts: Any, *, standardized: bool = False) -> tf.Tensor:
        """int64 ids ``[batch, sequence_length]``: 0 padding, 1 OOV, 2.. words.

        ``standardized=True``: ``texts`` are already ``standardize(texts, layer.standardize)``
        (a training pipeline that standardises each text once and reuses it); the ids are
        the same as for the raw texts, without running the string ops again.
        """
        if self._table is None:
            raise GloveLookupError("this GloveLookup has no vocabulary yet (restore it with load_assets)")
        flat = self._flat_input(texts)
        if not standardized:
            flat = standardize(flat, self.standardize, clean_blanks=False)
        tokens = tf.strings.split(flat)
        tokens = tokens.to_tensor(default_value="", shape=[None, self.sequence_length])
        rows = self._table.lookup(tokens)
        ids = tf.where(rows < 0, tf.constant(OOV_ID, tf.int64), rows + FIRST_WORD_ID)
        return tf.where(tokens == "", tf.constant(PAD_ID, tf.int64), ids)

    def in_vocabulary(self, tokens: Any) -> tf.Tensor:
        """bool, same shape as ``tokens`` (standardised tokens): the token has a vector.

        >>> from glove_lookup import WordVectors
        >>> layer = GloveLookup(WordVectors(["fire", "near"], [[1.0], [2.0]]), sequence_length=4)
        >>> layer.in_vocabulary(tf.constant(["fire", "ronge"])).numpy().tolist()
        [True, False]
        """
        if self._table is None:
            raise GloveLookupError("this GloveLookup has no vocabulary yet (restore it with load_assets)")
        return self._table.lookup(tf.convert_to_tensor(tokens, tf.string)) >= 0

    def _ids(self, inputs: Any) -> tf.Tensor:
        """Token ids from raw strings, or integer ids passed through (checked for shape)."""
        tensor = inputs if isinstance(inputs, tf.Tensor) else tf.convert_to_tensor(inputs)
        if not tensor.dtype.is_integer:
            return self.token_ids(tensor)
        if tensor.shape.rank != 2 or tensor.shape[-1] not in (None, self.sequence_length):
            raise ValueError(
                "integer input must be token ids of shape "
                f"[batch, {self.sequence_length}], got {tensor.shape}"
            )
        return tf.cast(tensor, tf.int64)

    def call(self, inputs: Any) -> tf.Tensor:
        ids = self._ids(inputs)
        rows = tf.maximum(ids - FIRST_WORD_ID, 0)
        vectors = tf.gather(self.embeddings.value, rows)
        known = tf.cast(ids >= FIRST_WORD_ID, vectors.dtype)[..., tf.newaxis]
        outputs = vectors * known
        # Hand Keras the mask we already have, so compute_mask is not run again.
        with contextlib.suppress(AttributeError):
            outputs._keras_mask = ids > PAD_ID
        return outputs

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(inputs, keras.KerasTensor):
            # Symbolic graph building: string ops cannot run on KerasTensors. The real
            # mask travels on the output tensor at run time (see ``call``).
            return None
        return self._ids(inputs) > PAD_ID

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (input_shape[0] if input_shape else None, self.sequence_length, self.output_dim)

    def compute_output_spec(self, inputs: Any) -> keras.KerasTensor:
        return keras.KerasTensor(self.compute_output_shape(tuple(inputs.shape)), dtype=self.compute_dtype)

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = super().get_config()
        standardize_config: Any = self.standardize
        if callable(self.standardize):
            standardize_config = keras.saving.serialize_keras_object(self.standardize)
        config.update(
            {
                "sequence_length": self.sequence_length,
                "standardize": standardize_config,
                "vocabulary_size": self.vocabulary_size,
                "output_dim": self.output_dim,
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> GloveLookup:
        config = dict(config)
        if isinstance(config.get("standardize"), dict):
            config["standardize"] = keras.saving.deserialize_keras_object(config["standardize"])
        return cls(**config)
