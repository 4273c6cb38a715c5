"""Settings of ``tweetclf serve``: one typed object whose field metadata is the flags' help."""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from pathlib import Path

from dataclass_flags import option
from tweet_classifier.errors import ConfigError
from tweet_classifier.server.protocol import Limits
from tweet_classifier.signatures import MAX_WORDS


@dataclass(frozen=True)
class ServerConfig:
    """What the server serves and its limits (``tweetclf serve`` has a flag for each field).

    Example:

    >>> ServerConfig(Path("models/tweetclf"), max_instances=8).limits
    Limits(max_instances=8, max_text_bytes=65536, max_explain_words=65536, max_request_text_bytes=1048576)
    """

    model_base: Path = option(
        flag="--model",
        help="a model base (serves its highest version and each newer one) or one version dir (only it)",
    )
    model_name: str = option("tweetclf", help="the name in /v1/models/NAME")
    poll_interval_s: float = option(
        2.0, flag="--poll-interval", help="seconds between checks for new versions"
    )
    max_body_bytes: int = option(4 * 1024 * 1024, help="request bodies larger than this get 413")
    max_instances: int = option(Limits.max_instances, help="texts per request; more get 400")
    max_text_bytes: int = option(Limits.max_text_bytes, help="bytes per text; longer texts get 400")
    max_request_text_bytes: int = option(
        Limits.max_request_text_bytes,
        help="bytes of text per request, all texts together (what it costs: BENCHMARKS.md, Local server); "
        "more get 400",
    )
    max_explain_words: int = option(
        Limits.max_explain_words,
        help=f"words an explain request may read: each text's explained words (its first {MAX_WORDS}) times "
        "its words, summed; more get 400 (256 tweets of 15 words read 57,600)",
    )
    batching: bool = option(
        True,
        flag="--no-batching",
        switch=True,
        help="run each request alone instead of batching concurrent ones",
    )
    model_warmup: bool = option(
        True,
        flag="--no-model-warmup",
        switch=True,
        help="load a version without replaying its assets.extra/tf_serving_warmup_requests first "
        "(as TF Serving's --enable_model_warmup=false): it comes up sooner, its first calls are slow",
    )
    max_batch_size: int = option(256, help="texts per batched model call")
    batch_timeout_ms: float = option(0.0, help="wait this long for a batch to fill (0: take what is queued)")
    threads: int = option(2, help="serving_default model calls at once")
    explain_threads: int = option(
        1,
        help="explain and oov_share calls at once, on threads of their own so that they never hold "
        "serving_default's (0: share --threads)",
    )
    tf_threads: int = option(
        1, help="TensorFlow threads per model call; 0 = TensorFlow's default (all cores)"
    )

    def __post_init__(self) -> None:
        flags = {f.name: f.metadata.get("flag", "--" + f.name.replace("_", "-")) for f in fields(self)}
        lowest = {
            "max_body_bytes": 1,
            "max_instances": 1,
            "max_text_bytes": 1,
            "max_explain_words": 1,
            "max_request_text_bytes": 1,
            "max_batch_size": 1,
            "threads": 1,
        }
        lowest.update(poll_interval_s=0, batch_timeout_ms=0, tf_threads=0, explain_threads=0)
        for name, least in lowest.items():
            if getattr(self, name) < least:
                raise ConfigError(f"{flags[name]} must be >= {least}, got {getattr(self, name)}")

    @property
    def base_path(self) -> Path:
        """The base path the store watches (the parent of a version dir given as the model)."""
        return self.model_base.parent if self.only_version is not None else self.model_base

    @functools.cached_property
    def only_version(self) -> int | None:
        """The version when the model given is one version dir (``base/<N>`` with a SavedModel);
        looked up once (it reads the disk)."""
        from tweet_classifier.artifacts.versions import is_complete

        model = self.model_base
        return int(model.name) if model.name.isdigit() and is_complete(model) else None

    @property
    def concurrent_calls(self) -> int:
        """Model calls that can run at once: serving_default's threads and explain's own."""
        return self.threads + self.explain_threads

    @functools.cached_property
    def limits(self) -> Limits:
        """The request limits (built once: every request reads them)."""
        return Limits(
            self.max_instances, self.max_text_bytes, self.max_explain_words, self.max_request_text_bytes
        )

    @property
    def batch_timeout_s(self) -> float:
        return self.batch_timeout_ms / 1000
