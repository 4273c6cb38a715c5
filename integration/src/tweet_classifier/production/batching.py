"""TF Serving's batching with the defaults of ``tweetclf serve``, wherever the export is served.

``tweetclf serve`` batches concurrent requests up to ``--max-batch-size`` texts, waits
``--batch-timeout-ms`` for a batch to fill and runs ``--threads`` batches at once. TF Serving
reads the same three numbers from its ``--batching_parameters_file``, and SageMaker's TF
Serving container from ``SAGEMAKER_TFS_*`` variables; one object writes both, so that local,
TF Serving and SageMaker serving behave alike under load.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields
from typing import Any

from tweet_classifier.errors import ConfigError
from tweet_classifier.server.config import ServerConfig

# TF Serving refuses a request (UNAVAILABLE, HTTP 503) once this many batches wait: with 256
# texts a batch, ~16k tweets, under a second of work on 2 cores. `tweetclf serve` bounds its
# work by request limits instead, so it has no such number.
MAX_ENQUEUED_BATCHES = 64
FLAGS = {"batch_timeout_micros": "--batch-timeout-ms", "num_batch_threads": "--threads"}


_SERVE: dict[str, Any] = {f.name: f.default for f in fields(ServerConfig)}  # tweetclf serve's defaults


@dataclass(frozen=True)
class BatchingParameters:
    """TF Serving's ``BatchingParameters`` (the fields we set), by default ``tweetclf serve``'s.

    Example:

    >>> print(BatchingParameters(max_batch_size=64).text_format(), end="")
    max_batch_size { value: 64 }
    batch_timeout_micros { value: 0 }
    num_batch_threads { value: 2 }
    max_enqueued_batches { value: 64 }
    >>> BatchingParameters().sagemaker_environment()["SAGEMAKER_TFS_MAX_BATCH_SIZE"]
    '256'
    """

    max_batch_size: int = int(_SERVE["max_batch_size"])
    batch_timeout_micros: int = round(_SERVE["batch_timeout_ms"] * 1000)
    num_batch_threads: int = int(_SERVE["threads"])
    max_enqueued_batches: int = MAX_ENQUEUED_BATCHES

    def __post_init__(self) -> None:
        for field in fields(self):
            least = 0 if field.name == "batch_timeout_micros" else 1
            value = getattr(self, field.name)
            if value < least:
                flag = FLAGS.get(field.name, "--" + field.name.replace("_", "-"))
                shown = value / 1000 if flag == "--batch-timeout-ms" else value
                raise ConfigError(f"{flag} must be >= {least}, got {shown}")

    def text_format(self) -> str:
        """The ``--batching_parameters_file`` (protobuf text format, wrapped integers)."""
        return "".join(f"{f.name} {{ value: {getattr(self, f.name)} }}\n" for f in fields(self))

    def sagemaker_environment(self) -> dict[str, str]:
        """The SageMaker TF Serving container's variables that write the same file in the container."""
        return {
            "SAGEMAKER_TFS_ENABLE_BATCHING": "true",
            **{f"SAGEMAKER_TFS_{f.name.upper()}": str(getattr(self, f.name)) for f in fields(self)},
        }


def add_batching_options(parser: argparse.ArgumentParser) -> None:
    """The batching flags, named as ``tweetclf serve``'s and with its defaults."""
    group = parser.add_argument_group("batching (as tweetclf serve batches)")
    default = BatchingParameters()
    group.add_argument(
        "--max-batch-size",
        type=int,
        default=default.max_batch_size,
        help="texts per batched model call (default: %(default)s)",
    )
    group.add_argument(
        "--batch-timeout-ms",
        type=float,
        default=default.batch_timeout_micros / 1000,
        help="wait this long for a batch to fill; 0: take what is queued (default: %(default)s)",
    )
    group.add_argument(
        "--threads",
        type=int,
        default=default.num_batch_threads,
        help="batches run at once (TF Serving's num_batch_threads; default: %(default)s)",
    )
    group.add_argument(
        "--max-enqueued-batches", type=int, default=default.max_enqueued_batches,
        help="batches that may wait; past them a request is refused at once, 503 (default: %(default)s)",
    )  # fmt: skip


def batching_from_args(args: argparse.Namespace) -> BatchingParameters:
    """The parameters :func:`add_batching_options`' flags give (range-checked, one-line errors)."""
    return BatchingParameters(
        max_batch_size=args.max_batch_size,
        batch_timeout_micros=round(args.batch_timeout_ms * 1000),
        num_batch_threads=args.threads,
        max_enqueued_batches=args.max_enqueued_batches,
    )
