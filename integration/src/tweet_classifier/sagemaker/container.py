"""The TF Serving container's settings that ``tweetclf sagemaker deploy`` and ``transform`` pass on.

SageMaker's TF Serving image reads ``SAGEMAKER_TFS_INTRA_OP_PARALLELISM`` and
``SAGEMAKER_TFS_INTER_OP_PARALLELISM`` and starts ``tensorflow_model_server`` with those
thread pools (0: TensorFlow picks, every core for every op).
"""

from __future__ import annotations

import argparse


def add_tf_threads(parser: argparse.ArgumentParser) -> None:
    """``--tf-threads`` for the commands that start a TF Serving container (deploy, transform)."""
    parser.add_argument(
        "--tf-threads",
        type=_threads,
        default=1,
        help="TensorFlow threads per op in the TF Serving container (SAGEMAKER_TFS_INTRA_OP_PARALLELISM; "
        "its inter-op pool stays one thread per core). 1: the model's string ops run side by side, one "
        "per core, as tweetclf serve runs them (faster at large batches than TensorFlow's default: "
        "BENCHMARKS.md); 0: TensorFlow's default (default: %(default)s)",
    )


def _threads(value: str) -> int:
    try:
        threads = int(value)
    except ValueError:
        threads = -1
    if threads < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of threads (0 or more), got {value!r}")
    return threads


def container_environment(args: argparse.Namespace) -> dict[str, str] | None:
    """The TF Serving container's variables for ``--tf-threads`` (none for TensorFlow's default).

    >>> container_environment(argparse.Namespace(tf_threads=1))
    {'SAGEMAKER_TFS_INTRA_OP_PARALLELISM': '1'}
    """
    from sagemaker_launcher import TFS_INTRA_OP_THREADS

    return {TFS_INTRA_OP_THREADS: str(args.tf_threads)} if args.tf_threads else None


def add_serving_options(parser: argparse.ArgumentParser, *, batching: bool = True) -> None:
    """``--framework-version`` (the TF Serving image) and, for endpoints, TF Serving's batching
    with ``tweetclf serve``'s defaults (``--no-batching``: one request per model call)."""
    parser.add_argument(
        "--framework-version",
        help="TF Serving image version, e.g. 2.19 (default: the tested one that loads the export, "
        "chosen by the TensorFlow that wrote it; an older one than it needs is refused)",
    )
    if batching:
        from tweet_classifier.production.batching import add_batching_options

        parser.add_argument(
            "--no-batching",
            dest="batching",
            action="store_false",
            help="leave TF Serving's batching off (default: on, as tweetclf serve batches)",
        )
        add_batching_options(parser)


def serving_environment(args: argparse.Namespace) -> dict[str, str] | None:
    """The TF Serving container's variables: ``--tf-threads`` and, unless ``--no-batching``, the
    batching flags as ``SAGEMAKER_TFS_*`` (none at all: the image's defaults).

    >>> flags = dict(max_batch_size=256, batch_timeout_ms=0.0, threads=2, max_enqueued_batches=64)
    >>> environment = serving_environment(argparse.Namespace(tf_threads=1, batching=True, **flags))
    >>> environment["SAGEMAKER_TFS_MAX_BATCH_SIZE"], environment["SAGEMAKER_TFS_INTRA_OP_PARALLELISM"]
    ('256', '1')
    """
    environment = container_environment(args) or {}
    if getattr(args, "batching", False):
        from tweet_classifier.production.batching import batching_from_args

        environment.update(batching_from_args(args).sagemaker_environment())
    return environment or None
