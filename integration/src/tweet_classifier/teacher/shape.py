"""The sizes of a BERT encoder, read from its ``config.json`` (no TensorFlow needed)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tweet_classifier.errors import TeacherError

CONFIG_FIELDS = (
    "vocab_size",
    "hidden_size",
    "num_hidden_layers",
    "num_attention_heads",
    "intermediate_size",
    "max_position_embeddings",
)


@dataclass(frozen=True)
class BertShape:
    """The sizes of a BERT encoder (``config.json``'s fields), all-MiniLM-L6-v2's by default.

    >>> BertShape().head_size, BertShape(hidden=64, heads=4).head_size
    (32, 16)
    """

    vocab_size: int = 30522
    hidden: int = 384
    layers: int = 6
    heads: int = 12
    intermediate: int = 1536
    max_positions: int = 512
    eps: float = 1e-12

    def __post_init__(self) -> None:
        if self.hidden % self.heads:
            raise TeacherError(f"hidden size {self.hidden} is not a multiple of {self.heads} heads")

    @property
    def head_size(self) -> int:
        return self.hidden // self.heads

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> BertShape:
        """The shape a Hugging Face BERT ``config.json`` describes (post-LN BERT with GELU only)."""
        act, kind = config.get("hidden_act", "gelu"), config.get("model_type", "bert")
        if act != "gelu" or kind != "bert":
            raise TeacherError(f"only BERT with erf GELU is supported, got model_type={kind!r} act={act!r}")
        missing = [k for k in CONFIG_FIELDS if k not in config]
        if missing:
            raise TeacherError(f"config.json lacks {', '.join(missing)}")
        return cls(
            vocab_size=int(config["vocab_size"]),
            hidden=int(config["hidden_size"]),
            layers=int(config["num_hidden_layers"]),
            heads=int(config["num_attention_heads"]),
            intermediate=int(config["intermediate_size"]),
            max_positions=int(config["max_position_embeddings"]),
            eps=float(config.get("layer_norm_eps", 1e-12)),
        )
