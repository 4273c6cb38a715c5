"""The teacher at training time: fine-tune the BERT classifier on labelled tweets, then give logits.

Training only: the teacher's logits label the tweets the served model (the student) learns
from; the teacher is never exported.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tweet_classifier.errors import ConfigError
from tweet_classifier.teacher.files import TeacherFiles
from tweet_classifier.teacher.tokens import WordPieces, by_length, padded, shuffled_by_length


@dataclass(frozen=True)
class TeacherConfig:
    """How the teacher is fine-tuned (the measured recipe: AdamW 5e-5, batch 32, 3 epochs, 64 tokens).

    >>> TeacherConfig().steps(1000)
    96
    """

    epochs: int = 3
    batch_size: int = 32
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup: float = 0.1  # share of the steps with a linearly rising learning rate; then cosine decay
    max_tokens: int = 64
    dropout: float = 0.1
    seed: int = 0

    def __post_init__(self) -> None:
        checks = [
            ("epochs", self.epochs >= 1, ">= 1"),
            ("batch_size", self.batch_size >= 1, ">= 1"),
            ("learning_rate", self.learning_rate > 0, "> 0"),
            ("weight_decay", self.weight_decay >= 0, ">= 0"),
            ("warmup", 0 <= self.warmup < 1, "in [0, 1)"),
            ("max_tokens", self.max_tokens >= 3, ">= 3"),
            ("dropout", 0 <= self.dropout < 1, "in [0, 1)"),
        ]
        for name, ok, allowed in checks:
            if not ok:
                raise ConfigError(f"teacher {name} must be {allowed}, got {getattr(self, name)!r}")

    def steps(self, tweets: int) -> int:
        """Optimizer steps of the whole fine-tuning on ``tweets`` training tweets."""
        return self.epochs * -(-tweets // self.batch_size)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Teacher:
    """A fine-tuned BERT classifier and its tokenizer.

    Example (a tiny random BERT, one epoch on four tweets):

    >>> from tweet_classifier.teacher.random_bert import random_teacher_files
    >>> texts, labels = ["forest fire", "flood near the people", "i love my day", "fun today"], [1, 1, 0, 0]
    >>> teacher = Teacher.fine_tune(random_teacher_files(), texts, labels, TeacherConfig(epochs=1), verbose=0)
    >>> teacher.logits(["a forest fire", "fun"], progress=False).shape
    (2,)
    """

    def __init__(self, files: TeacherFiles, config: TeacherConfig) -> None:
        import keras

        from tweet_classifier.teacher.classifier import BertClassifier

        keras.utils.set_random_seed(config.seed)
        self.files = files
        self.config = config
        self.pieces = WordPieces(files.tokenizer_json, config.max_tokens)
        self.model = BertClassifier.from_weights(files.shape, files.weights, config.dropout)
        self._traced: Any = None

    @classmethod
    def fine_tune(
        cls,
        files: TeacherFiles,
        texts: Sequence[str],
        labels: Sequence[int] | np.ndarray,
        config: TeacherConfig,
        verbose: int | None = None,
    ) -> Teacher:
        """Fine-tune on ``texts`` / 0-1 ``labels`` (shuffled each epoch); Keras' progress bar per epoch."""
        import keras

        teacher = cls(files, config)
        y = np.asarray(labels, np.float32)
        if len(y) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(y)} labels")
        batches = _training_batches(teacher.pieces.encode(texts), y, config)
        teacher.model.compile(
            optimizer=keras.optimizers.AdamW(
                _schedule(config, config.steps(len(y))), weight_decay=config.weight_decay
            ),
            loss=keras.losses.BinaryCrossentropy(from_logits=True),
            jit_compile=False,  # batches vary in length: XLA would compile each shape again
        )
        teacher.model.fit(
            batches,
            epochs=config.epochs,
            shuffle=False,  # the batches are reshuffled by length every epoch
            verbose=(1 if sys.stdout.isatty() else 2) if verbose is None else verbose,
        )
        return teacher

    def logits(self, texts: Sequence[str], batch_size: int = 128, progress: bool = True) -> np.ndarray:
        """float32 ``[texts]``: the teacher's logit of label 1 for each text (a progress bar on a tty)."""
        from tqdm import tqdm

        ids = self.pieces.encode(texts)
        out = np.zeros(len(ids), np.float32)
        batches = by_length(ids, batch_size)
        total = -(-len(ids) // batch_size)
        forward = self._forward()
        shown = None if progress else True  # None: a bar on a terminal only, not in job logs
        for batch in tqdm(batches, total=total, desc="teacher labelling", unit="batch", disable=shown):
            out[batch.rows] = forward(batch.token_ids, batch.mask).numpy().reshape(-1)
        return out

    def _forward(self) -> Any:
        """The model at inference, traced once for any batch size and length."""
        import tensorflow as tf

        if self._traced is None:
            matrix = tf.TensorSpec((None, None), tf.int32)
            self._traced = tf.function(
                lambda ids, mask: self.model((ids, mask), training=False), input_signature=[matrix, matrix]
            )
        return self._traced

    def save_weights(self, path: Path) -> None:
        """The fine-tuned weights as Keras ``.weights.h5`` (no pickle)."""
        self.model.save_weights(str(path))

    @classmethod
    def from_weights(cls, files: TeacherFiles, config: TeacherConfig, path: Path) -> Teacher:
        teacher = cls(files, config)
        teacher.model.load_weights(str(path))
        return teacher


def _schedule(config: TeacherConfig, steps: int) -> Any:
    """Linear warm-up over ``warmup`` of the steps, then cosine decay to 0."""
    import keras

    warmup = int(config.warmup * steps)
    return keras.optimizers.schedules.CosineDecay(
        0.0 if warmup else config.learning_rate,
        decay_steps=max(1, steps - warmup),
        alpha=0.0,
        warmup_target=config.learning_rate if warmup else None,
        warmup_steps=warmup,
    )


def _training_batches(ids: list[np.ndarray], y: np.ndarray, config: TeacherConfig) -> Any:
    """A ``tf.data`` pipeline of ((ids, mask), labels) batches, reshuffled every epoch, each padded
    to its own longest text (the length dimension varies, which Keras' ``PyDataset`` cannot carry)."""
    import tensorflow as tf

    rng = np.random.default_rng(config.seed)

    def batches() -> Any:
        for rows in shuffled_by_length(ids, config.batch_size, rng):
            batch = padded(ids, rows)
            yield (batch.token_ids, batch.mask), y[batch.rows].reshape(-1, 1)

    matrix = tf.TensorSpec((None, None), tf.int32)
    signature = ((matrix, matrix), tf.TensorSpec((None, 1), tf.float32))
    dataset = tf.data.Dataset.from_generator(batches, output_signature=signature)
    steps = -(-len(y) // config.batch_size)
    return dataset.apply(tf.data.experimental.assert_cardinality(steps)).prefetch(2)
