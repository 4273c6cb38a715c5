"""``sagemaker-launch``: stage files to S3, train, transform, deploy/invoke/delete TF Serving endpoints."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dataclass_flags import add_config_options, config_from_args, installed_version, run_main
from sagemaker_launcher.cli_options import ServingCompute, Waiting, add_aws_options, aws_config
from sagemaker_launcher.endpoints import add_serverless_options, serverless_from_args
from sagemaker_launcher.errors import LauncherError
from sagemaker_launcher.failures import failure_line
from sagemaker_launcher.training import TrainSpec

DESCRIPTION = "S3 staging, SageMaker training jobs, Batch Transform and TF Serving endpoints."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sagemaker-launch", description=DESCRIPTION)
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {installed_version('sagemaker-launcher')}"
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_stage(sub)
    _add_train(sub)
    _add_transform(sub)
    _add_endpoint_commands(sub)
    return parser


def _add_stage(sub: Any) -> None:
    stage = sub.add_parser("stage", help="upload files/dirs to s3://BUCKET/PREFIX (skips identical objects)")
    stage.add_argument("paths", nargs="+", type=Path, help="files or directories")
    stage.add_argument("--to", required=True, help="s3://BUCKET/PREFIX (the bucket is created if missing)")
    add_aws_options(stage)
    stage.set_defaults(handler=cmd_stage)


def _add_train(sub: Any) -> None:
    train = sub.add_parser("train", help="run a SageMaker training job (TensorFlow image, ModelTrainer)")
    add_config_options(train, TrainSpec, exclude=("channels", "hyperparameters"))
    train.add_argument(
        "--channel", action="append", default=[], metavar="NAME=S3URI", help="an input channel (repeatable)"
    )
    train.add_argument(
        "--hyperparameter",
        "-p",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="passed to the script as --KEY VALUE (repeatable)",
    )
    add_config_options(train, Waiting)
    add_aws_options(train, role=True)
    train.set_defaults(handler=cmd_train)


def _add_transform(sub: Any) -> None:
    transform = sub.add_parser("transform", help="Batch Transform: score JSON-lines files under an S3 prefix")
    source = transform.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="an existing SageMaker model name")
    source.add_argument("--model-data", help="s3://.../model.tar.gz: creates a model first (needs --role)")
    transform.add_argument(
        "--input", required=True, help="s3://... prefix of .jsonl files (one instance per line)"
    )
    transform.add_argument("--output", required=True, help="s3://... prefix for the .out files")
    add_config_options(transform, ServingCompute)
    add_config_options(transform, Waiting)
    add_aws_options(transform, role=True)
    transform.set_defaults(handler=cmd_transform)


def _add_endpoint_commands(sub: Any) -> None:
    deploy = sub.add_parser(
        "deploy", help="serve s3://.../model.tar.gz on a TF Serving endpoint (create or switch)"
    )
    deploy.add_argument("--model-data", required=True, help="s3://.../model.tar.gz (1/saved_model.pb inside)")
    deploy.add_argument("--endpoint", required=True, help="endpoint name")
    add_config_options(deploy, ServingCompute)
    add_config_options(deploy, Waiting, only=("wait",))
    add_serverless_options(deploy)
    add_aws_options(deploy, role=True)
    deploy.set_defaults(handler=cmd_deploy)

    invoke = sub.add_parser("invoke", help='send {"instances": [...]} to an endpoint, print the predictions')
    invoke.add_argument("--endpoint", required=True)
    invoke.add_argument("texts", nargs="*", help="instances (strings)")
    invoke.add_argument("--jsonl", type=Path, help="one JSON instance per line")
    add_aws_options(invoke)
    invoke.set_defaults(handler=cmd_invoke)

    delete = sub.add_parser("delete", help="delete an endpoint, its config and model (fine if already gone)")
    delete.add_argument("--endpoint", required=True)
    add_aws_options(delete)
    delete.set_defaults(handler=cmd_delete)


def cmd_stage(args: argparse.Namespace) -> int:
    from sagemaker_launcher.staging import stage

    for item in stage(args.paths, args.to, aws_config(args)):
        print(f"{item.uri}\t{'uploaded' if item.uploaded else 'unchanged'}")
    return 0


def _pairs(values: list[str], what: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key:
            raise LauncherError(f"{what} {value!r} must look like NAME=VALUE")
        pairs[key] = rest
    return pairs


def cmd_train(args: argparse.Namespace) -> int:
    from sagemaker_launcher.training import run_training

    config = aws_config(args)
    spec = config_from_args(
        TrainSpec,
        args,
        channels=_pairs(args.channel, "--channel"),
        hyperparameters=_pairs(args.hyperparameter, "--hyperparameter"),
    )
    waiting = config_from_args(Waiting, args)
    run_training(
        spec, config, wait=waiting.wait, poll_s=waiting.poll_s, echo=lambda line: print(line, flush=True)
    )
    return 0


def cmd_transform(args: argparse.Namespace) -> int:
    from sagemaker_launcher.names import unique_name
    from sagemaker_launcher.transform import create_model, run_transform

    config = aws_config(args)
    compute = config_from_args(ServingCompute, args)
    waiting = config_from_args(Waiting, args)
    model = args.model
    if args.model_data:
        model = unique_name("transform")
        create_model(args.model_data, model, config, compute.framework_version, compute.instance_type)
        print(f"model: {model}")
    run_transform(
        model,
        args.input,
        args.output,
        config,
        instance_type=compute.instance_type,
        instance_count=compute.instance_count,
        wait=waiting.wait,
        poll_s=waiting.poll_s,
    )
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    from sagemaker_launcher.endpoints import deploy

    compute = config_from_args(ServingCompute, args)
    result = deploy(
        args.model_data,
        args.endpoint,
        aws_config(args),
        instance_type=compute.instance_type,
        instance_count=compute.instance_count,
        framework_version=compute.framework_version,
        wait=config_from_args(Waiting, args).wait,
        serverless=serverless_from_args(args),
    )
    print(f"endpoint {result.endpoint}: {result.status} (model {result.model}, image {result.image})")
    return 0


def _read_jsonl(path: Path) -> list[Any]:
    instances = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise LauncherError(f"{path}: cannot read ({err})") from None
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                instances.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise LauncherError(f"{path}:{number}: not valid JSON ({err.msg})") from None
    return instances


def cmd_invoke(args: argparse.Namespace) -> int:
    from sagemaker_launcher.endpoints import check_in_service, invoke

    config = aws_config(args)
    check_in_service(args.endpoint, config)
    instances: list[Any] = list(args.texts) + (_read_jsonl(args.jsonl) if args.jsonl else [])
    if not instances:
        raise LauncherError("nothing to send: give TEXT arguments or --jsonl FILE")
    for prediction in invoke(args.endpoint, instances, config):
        print(json.dumps(prediction))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from sagemaker_launcher.endpoints import delete

    removed = delete(args.endpoint, aws_config(args))
    print(f"endpoint {args.endpoint}: {'deleted' if removed else 'not found (nothing to delete)'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(
        "sagemaker-launch", build_parser(), argv, user_errors=(LauncherError,), failures=failure_line
    )


if __name__ == "__main__":
    raise SystemExit(main())
