"""``tweetclf tf-serving-config``: TF Serving's three files for a model base, and how to run it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tweet_classifier.production.batching import add_batching_options, batching_from_args


def add_parser(sub: Any) -> None:
    command = sub.add_parser(
        "tf-serving-config",
        help="write models.config, batching.config and monitoring.config for tensorflow_model_server "
        "and print the docker / tensorflow_model_server command lines",
        description="Serve a model base with TensorFlow Serving as tweetclf serve serves it: the newest "
        "version, the same batching, one TensorFlow thread per op, warmup replayed, Prometheus metrics at "
        "/monitoring/prometheus/metrics on the REST port.",
    )
    command.add_argument(
        "--model", type=Path, required=True, help="the model base (its version dirs 1/, 2/, ...)"
    )
    command.add_argument("--out", type=Path, required=True, help="directory for the three files (created)")
    command.add_argument(
        "--model-name", default="tweetclf", help="the name in /v1/models/NAME (default: %(default)s)"
    )
    command.add_argument(
        "--serving-version",
        help="tensorflow/serving release, e.g. 2.19 (default: the oldest tested one that loads the export)",
    )
    command.add_argument(
        "--tf-threads",
        type=int,
        default=1,
        help="TensorFlow threads per op (--tensorflow_intra_op_parallelism), as tweetclf serve (default: 1)",
    )
    command.add_argument(
        "--rest-port", type=int, default=8501, help="host port for REST (default: %(default)s)"
    )
    command.add_argument(
        "--grpc-port", type=int, default=8500, help="host port for gRPC (default: %(default)s)"
    )
    add_batching_options(command)
    command.set_defaults(handler=cmd_tf_serving_config)


def cmd_tf_serving_config(args: argparse.Namespace) -> int:
    from tweet_classifier.errors import ConfigError
    from tweet_classifier.production.tf_serving import FILES, shell_line, write_serving_files

    if args.tf_threads < 0:
        raise ConfigError(f"--tf-threads must be >= 0, got {args.tf_threads}")
    files = write_serving_files(
        args.model,
        args.out,
        model_name=args.model_name,
        batching=batching_from_args(args),
        serving_version=args.serving_version,
        tf_threads=args.tf_threads,
        ports=(args.rest_port, args.grpc_port),
    )
    writer = f"written by TensorFlow {files.written_by}" if files.written_by else "writer not recorded"
    print(f"wrote {', '.join(str(files.path(name)) for name in FILES)}")
    print(f"export {writer}: tensorflow/serving {files.serving_version}")
    print(f"\ndocker:\n  {shell_line(files.docker_command)}")
    print(f"\ntensorflow_model_server (installed locally):\n  {shell_line(files.server_command)}")
    print(
        f'\nthen: curl -d \'{{"instances": ["Forest fire near La Ronge"]}}\' '
        f"localhost:{args.rest_port}/v1/models/{args.model_name}:predict"
    )
    return 0
