"""`tweetclf sagemaker {train,deploy,invoke,delete,transform}`: the launcher + this project's entry point."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from sagemaker_launcher import add_aws_options, aws_config
from tweet_classifier.config import TrainConfig


def add_parser(sub: Any) -> None:
    sagemaker = sub.add_parser(
        "sagemaker", help="train, deploy, invoke, delete, transform on Amazon SageMaker"
    )
    ssub = sagemaker.add_subparsers(title="sagemaker commands", metavar="COMMAND")

    train = ssub.add_parser(
        "train", help="stage data + trimmed vectors, run the training job, print the artifact"
    )
    train.add_argument("--train-csv", type=Path, required=True)
    train.add_argument(
        "--bucket", required=True, help="S3 bucket for data, code and output (created if missing)"
    )
    train.add_argument("--prefix", default="tweetclf", help="key prefix in the bucket (default: %(default)s)")
    train.add_argument(
        "--vectors", default="glove-6b-50d", help="glove-6b-50d or a vector file (trimmed to .npz)"
    )
    train.add_argument("--instance-type", default="ml.m5.xlarge")
    train.add_argument("--instance-count", type=int, default=1, help="> 1: multi-worker training")
    train.add_argument("--spot", action="store_true", help="managed spot training")
    train.add_argument("--no-wait", action="store_true", help="print the job name and return")
    train.add_argument("--poll", type=float, default=30.0, help=argparse.SUPPRESS)
    TrainConfig.add_arguments(train)
    add_aws_options(train, role=True)
    train.set_defaults(handler=cmd_train)

    def model_source(parser: argparse.ArgumentParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--job", help="a training job name")
        source.add_argument("--model-data", help="s3://.../model.tar.gz")

    deploy = ssub.add_parser("deploy", help="serve a training job's model (or a model.tar.gz) on an endpoint")
    model_source(deploy)
    deploy.add_argument("--endpoint", required=True)
    deploy.add_argument("--instance-type", default="ml.m5.large")
    add_aws_options(deploy, role=True)
    deploy.set_defaults(handler=cmd_deploy)

    invoke = ssub.add_parser("invoke", help="label and probability per text from an endpoint")
    invoke.add_argument("--endpoint", required=True)
    invoke.add_argument("texts", nargs="+")
    add_aws_options(invoke)
    invoke.set_defaults(handler=cmd_invoke)

    delete = ssub.add_parser("delete", help="delete the endpoint, its config and model")
    delete.add_argument("--endpoint", required=True)
    add_aws_options(delete)
    delete.set_defaults(handler=cmd_delete)

    transform = ssub.add_parser("transform", help="Batch Transform over JSON-lines files")
    model_source(transform)
    transform.add_argument(
        "--input", required=True, help="s3://... prefix of .jsonl files (one tweet per line)"
    )
    transform.add_argument("--output", required=True)
    transform.add_argument("--instance-type", default="ml.m5.large")
    transform.add_argument("--poll", type=float, default=30.0, help=argparse.SUPPRESS)
    add_aws_options(transform, role=True)
    transform.set_defaults(handler=cmd_transform)


def _model_data(args: argparse.Namespace, config: Any) -> str:
    from sagemaker_launcher import model_artifact

    return str(args.model_data) if args.model_data else model_artifact(args.job, config)


def cmd_train(args: argparse.Namespace) -> int:
    from sagemaker_launcher import run_training, unique_name
    from tweet_classifier.sagemaker.jobs import stage_training_data, training_spec, trim_vectors

    config = aws_config(args)
    config.need_role()
    hyper = TrainConfig.from_namespace(args)
    run = unique_name("run")
    base = f"s3://{args.bucket}/{args.prefix}/{run}"
    with tempfile.TemporaryDirectory(prefix="tweetclf-sagemaker-") as tmp:
        work = Path(tmp)
        vectors = trim_vectors(args.train_csv, args.vectors, hyper.vocab_top_n, work / "vectors.npz")
        print(f"vectors: {len(vectors):,} words (training vocabulary + top {hyper.vocab_top_n:,})")
        channels = stage_training_data(args.train_csv, work / "vectors.npz", base, config)
        spec = training_spec(
            channels,
            f"s3://{args.bucket}/{args.prefix}/output",
            hyper,
            work / "code",
            instance_type=args.instance_type,
            instance_count=args.instance_count,
            spot=args.spot,
        )
        # inside the with: the bundle dir must live until start_training has uploaded it
        run_training(
            spec, config, wait=not args.no_wait, poll_s=args.poll, echo=lambda line: print(line, flush=True)
        )
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    from sagemaker_launcher import deploy

    config = aws_config(args)
    result = deploy(_model_data(args, config), args.endpoint, config, instance_type=args.instance_type)
    print(f"endpoint {result.endpoint}: {result.status}")
    return 0


def cmd_invoke(args: argparse.Namespace) -> int:
    from sagemaker_launcher import check_in_service, invoke

    config = aws_config(args)
    check_in_service(args.endpoint, config)
    for text, prediction in zip(args.texts, invoke(args.endpoint, list(args.texts), config), strict=False):
        print(f"{int(prediction['label'])}\t{float(prediction['probability']):.4f}\t{text}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from sagemaker_launcher import delete

    removed = delete(args.endpoint, aws_config(args))
    print(f"endpoint {args.endpoint}: {'deleted' if removed else 'not found (nothing to delete)'}")
    return 0


def cmd_transform(args: argparse.Namespace) -> int:
    from sagemaker_launcher import create_model, run_transform, unique_name

    config = aws_config(args)
    model = unique_name("tweetclf-transform")
    create_model(_model_data(args, config), model, config, instance_type=args.instance_type)
    run_transform(model, args.input, args.output, config, instance_type=args.instance_type, poll_s=args.poll)
    return 0
