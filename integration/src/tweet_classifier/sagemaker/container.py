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
        "per core, as tweetclf serve runs them (batch 256 1.2-1.4x faster than TensorFlow's default on "
        "2 cores, BENCHMARKS.md); 0: TensorFlow's default (default: %(default)s)",
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
