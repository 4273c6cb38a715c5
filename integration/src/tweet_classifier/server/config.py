"""Settings of ``tweetclf serve``: one typed object whose field metadata is the flags' help."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tweet_classifier.errors import ConfigError
from tweet_classifier.server.protocol import Limits


def _option(default: Any, help: str, **more: Any) -> Any:
    return field(default=default, metadata={"help": help, **more})


@dataclass(frozen=True)
class ServerConfig:
    """What the server serves and its limits (``tweetclf serve`` has a flag for each field).

    Example:

    >>> ServerConfig(Path("models/tweetclf"), max_instances=8).limits
    Limits(max_instances=8, max_text_bytes=65536)
    """

    model_base: Path = field(metadata={"help": "the base path holding <N>/saved_model.pb"})
    model_name: str = _option("tweetclf", "the name in /v1/models/NAME")
    poll_interval_s: float = _option(2.0, "seconds between checks for new versions", flag="--poll-interval")
    max_body_bytes: int = _option(4 * 1024 * 1024, "request bodies larger than this get 413")
    max_instances: int = _option(Limits.max_instances, "texts per request; more get 400")
    max_text_bytes: int = _option(Limits.max_text_bytes, "bytes per text; longer texts get 400")
    batching: bool = _option(
        True, "run each request alone instead of batching concurrent ones", flag="--no-batching", switch=True
    )
    max_batch_size: int = _option(256, "texts per batched model call")
    batch_timeout_ms: float = _option(0.0, "wait this long for a batch to fill (0: take what is queued)")
    threads: int = _option(2, "model calls at once")
    tf_threads: int = _option(1, "TensorFlow threads per model call; 0 = TensorFlow's default (all cores)")

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_instances", "max_text_bytes", "max_batch_size", "threads"):
            if getattr(self, name) < 1:
                raise ConfigError(f"--{name.replace('_', '-')} must be >= 1, got {getattr(self, name)}")
        for name in ("poll_interval_s", "batch_timeout_ms", "tf_threads"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be >= 0, got {getattr(self, name)}")

    @property
    def limits(self) -> Limits:
        return Limits(max_instances=self.max_instances, max_text_bytes=self.max_text_bytes)

    @property
    def batch_timeout_s(self) -> float:
        return self.batch_timeout_ms / 1000
