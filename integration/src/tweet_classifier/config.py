"""Training hyperparameters: one typed object, filled from CLI flags or SageMaker ``--key value``."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass, fields
from typing import Any

BALANCING = ("class-weight", "undersample", "oversample", "none")
MODELS = ("hybrid", "lstm", "linear")
POOLINGS = ("last", "max-mean")
HELP = {
    "model": "hybrid: a logistic regression over n-gram TF-IDF (and pooled GloVe vectors) "
    "+ LSTMs correcting its logit; "
    "lstm or linear: one member alone",
    "linear_vectors": "the linear member also weighs the direction of the tweet's mean and max GloVe vector",
    "linear_c": "inverse L2 strength of the linear member's logistic regression",
    "bidirectional": "LSTM layers read the tweet both ways",
    "pooling": "last: the last LSTM's final state; max-mean: max and mean of its states over time",
    "lstm_seeds": "recurrent stacks trained side by side from different initial weights; "
    "the model averages their logits",
    "folds": "folds for the linear member's out-of-fold scores (they pick the threshold "
    "and train the hybrid's LSTM)",
}


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of the classifier and its training run.

    Example:

    >>> TrainConfig(epochs=3).lstm_units
    50
    """

    model: str = "hybrid"
    linear_c: float = 2.0
    linear_vectors: bool = True
    folds: int = 5
    sequence_length: int = 30
    unit_multiplier: float = 1.0
    lstm_stacks: int = 2
    lstm_seeds: int = 2
    bidirectional: bool = False
    pooling: str = "last"
    filters: int = 100
    kernel_size: int = 10
    dropout: float = 0.2
    learning_rate: float = 1e-3
    epochs: int = 10
    batch_size: int = 128
    trainable_vectors: bool = False
    balance: str = "class-weight"
    valid_size: float = 0.1
    patience: int = 2
    vocab_top_n: int = 30000
    ngrams: bool = False
    ngram_buckets: int = 65536
    ngram_dim: int = 16
    seed: int = 0

    def __post_init__(self) -> None:
        checks = [
            ("model", self.model in MODELS, f"one of {', '.join(MODELS)}"),
            ("linear_c", self.linear_c > 0, "> 0"),
            ("folds", self.folds >= 2, ">= 2"),
            ("sequence_length", self.sequence_length >= 1, ">= 1"),
            ("unit_multiplier", self.unit_multiplier > 0, "> 0"),
            ("lstm_stacks", self.lstm_stacks >= 1, ">= 1"),
            ("lstm_seeds", self.lstm_seeds >= 1, ">= 1"),
            ("pooling", self.pooling in POOLINGS, f"one of {', '.join(POOLINGS)}"),
            ("filters", self.filters >= 1, ">= 1"),
            ("kernel_size", self.kernel_size >= 1, ">= 1"),
            ("dropout", 0 <= self.dropout < 1, "in [0, 1)"),
            ("learning_rate", self.learning_rate > 0, "> 0"),
            ("epochs", self.epochs >= 1, ">= 1"),
            ("batch_size", self.batch_size >= 1, ">= 1"),
            ("balance", self.balance in BALANCING, f"one of {', '.join(BALANCING)}"),
            ("valid_size", 0 < self.valid_size < 1, "in (0, 1)"),
            ("patience", self.patience >= 0, ">= 0"),
            ("vocab_top_n", self.vocab_top_n >= 0, ">= 0"),
            ("ngram_buckets", self.ngram_buckets >= 1, ">= 1"),
            ("ngram_dim", self.ngram_dim >= 1, ">= 1"),
        ]
        for name, ok, allowed in checks:
            if not ok:
                raise ValueError(f"{name} must be {allowed}, got {getattr(self, name)!r}")

    @property
    def uses_linear_vectors(self) -> bool:
        """Whether the linear member (if any) weighs pooled word vectors."""
        return self.linear_vectors and self.model != "lstm"

    @property
    def lstm_units(self) -> int:
        return max(1, round(50 * self.unit_multiplier))

    @property
    def conv_filters(self) -> int:
        return max(1, round(self.filters * self.unit_multiplier))

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        """Add one ``--flag-name`` per field (SageMaker passes the same names as ``--key value``)."""
        group = parser.add_argument_group("hyperparameters")
        for field in fields(cls):
            flag = "--" + field.name.replace("_", "-")
            default = field.default
            if field.type in ("bool", bool):
                note = HELP.get(field.name, "")
                group.add_argument(
                    flag,
                    type=_parse_bool,
                    default=default,
                    metavar="BOOL",
                    help=f"{note} (default: {default})".strip(),
                )
            else:
                kind = {"int": int, "float": float, "str": str}[str(field.type)]
                choices = {"balance": BALANCING, "model": MODELS, "pooling": POOLINGS}.get(field.name)
                note = HELP.get(field.name, "")
                group.add_argument(
                    flag,
                    type=kind,
                    default=default,
                    choices=choices,
                    help=f"{note} (default: {default})".strip(),
                )

    @classmethod
    def from_namespace(cls, namespace: argparse.Namespace) -> TrainConfig:
        return cls(**{f.name: getattr(namespace, f.name) for f in fields(cls)})


def _parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true/false, got {text!r}")
