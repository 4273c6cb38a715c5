"""`tweetclf sagemaker {train,deploy,invoke,delete,transform}`: the launcher + this project's entry point."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from dataclass_flags import add_config_options, config_from_args
from sagemaker_launcher import ServingCompute, TrainSpec, Waiting, add_aws_options, aws_config
from sagemaker_launcher.endpoints import add_serverless_options, serverless_from_args
from tweet_classifier.config import TrainConfig
from tweet_classifier.sagemaker.container import (
    add_serving_options,
    add_tf_threads,
    container_environment,
    serving_environment,
)

RUN_LAYOUT = "s3://BUCKET/PREFIX/<run>/{input,code,output}"
# the launcher's training flags this command takes as they are (the rest it fills in itself)
COMPUTE = ("instance_type", "instance_count", "spot", "framework_version")


def add_parser(sub: Any) -> None:
    sagemaker = sub.add_parser(
        "sagemaker", help="train, deploy, invoke, delete, transform on Amazon SageMaker"
    )
    ssub = sagemaker.add_subparsers(title="sagemaker commands", metavar="COMMAND")
    _add_train(ssub)
    _add_endpoint_commands(ssub)
    _add_transform(ssub)


def _add_train(ssub: Any) -> None:
    train = ssub.add_parser(
        "train", help="stage data + trimmed vectors, run the training job, print the artifact"
    )
    train.add_argument(
        "--train-csv", type=Path, required=True, help="labelled CSV with text and target columns"
    )
    _run_location(train)
    train.add_argument(
        "--vectors",
        default="glove-6b-50d",
        help="glove-6b-50d or a vector file, trimmed to the CSV's words before upload (default: %(default)s)",
    )
    add_config_options(train, TrainSpec, only=COMPUTE)
    add_config_options(train, Waiting)
    TrainConfig.add_arguments(train)
    add_aws_options(train, role=True)
    train.set_defaults(handler=cmd_train)


def _add_endpoint_commands(ssub: Any) -> None:
    deploy = ssub.add_parser("deploy", help="serve a training job's model (or a model.tar.gz) on an endpoint")
    _model_source(deploy)
    deploy.add_argument("--endpoint", required=True, help="the endpoint's name (created or updated)")
    add_config_options(deploy, ServingCompute, only=("instance_type",))
    add_tf_threads(deploy)
    add_serving_options(deploy)
    add_serverless_options(deploy)
    add_aws_options(deploy, role=True)
    deploy.set_defaults(handler=cmd_deploy)

    invoke = ssub.add_parser("invoke", help="label and probability per text from an endpoint")
    invoke.add_argument("--endpoint", required=True, help="the endpoint's name (InService)")
    invoke.add_argument("texts", nargs="+", help="tweets to classify, one argument each")
    add_aws_options(invoke)
    invoke.set_defaults(handler=cmd_invoke)

    delete = ssub.add_parser("delete", help="delete the endpoint, its config and model")
    delete.add_argument("--endpoint", required=True, help="the endpoint's name")
    add_aws_options(delete)
    delete.set_defaults(handler=cmd_delete)


def _add_transform(ssub: Any) -> None:
    transform = ssub.add_parser(
        "transform",
        help="Batch Transform: a CSV in, a Kaggle submission out (or S3 JSON lines in and out)",
    )
    _model_source(transform)
    local = transform.add_argument_group("a CSV in, a submission out")
    local.add_argument("--csv", type=Path, help="CSV with a text column (and id) to score (default: none)")
    local.add_argument("--out", type=Path, help="the id,target submission to write (required with --csv)")
    local.add_argument(
        "--bucket", help=f"S3 bucket for the run, {RUN_LAYOUT}, created if missing (required with --csv)"
    )
    local.add_argument(
        "--prefix", default="tweetclf", help="with --csv: key prefix in the bucket (default: %(default)s)"
    )
    raw = transform.add_argument_group("S3 in, S3 out")
    raw.add_argument("--input", help="s3://... prefix of .jsonl files, one tweet per line (default: none)")
    raw.add_argument("--output", help="s3://... prefix for the .out results (required with --input)")
    add_config_options(transform, ServingCompute, only=("instance_type",))
    add_tf_threads(transform)
    add_serving_options(transform, batching=False)
    transform.add_argument("--run-name", help="name of this run in S3 and in the job names (default: dated)")
    add_config_options(transform, Waiting, only=("poll_s",))
    add_aws_options(transform, role=True)
    transform.set_defaults(handler=cmd_transform)


def _run_location(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bucket", required=True, help=f"S3 bucket for the run, {RUN_LAYOUT} (created if missing)"
    )
    parser.add_argument(
        "--prefix", default="tweetclf", help="key prefix in the bucket (default: %(default)s)"
    )
    parser.add_argument("--run-name", help="name of this run in S3 and in the job names (default: dated)")


def _model_source(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--job", help="a training job's name, whose model artifact is used (required: this or --model-data)"
    )
    source.add_argument(
        "--model-data", help="s3://.../model.tar.gz made by tweetclf package (required: this or --job)"
    )


def _run_name(args: argparse.Namespace, kind: str) -> str:
    from sagemaker_launcher import unique_name

    return args.run_name or unique_name(f"tweetclf-{kind}")


def _model_data(args: argparse.Namespace, config: Any) -> str:
    from sagemaker_launcher import model_artifact

    return str(args.model_data) if args.model_data else model_artifact(args.job, config)


def cmd_train(args: argparse.Namespace) -> int:
    from sagemaker_launcher import parse_s3_uri, run_training
    from tweet_classifier.sagemaker.jobs import (
        stage_training_data,
        teacher_files,
        training_spec,
        trim_vectors,
    )

    config = aws_config(args)
    config.need_role()
    hyper = TrainConfig.from_namespace(args)
    run = _run_name(args, "train")
    base = f"s3://{args.bucket}/{args.prefix}/{run}"
    parse_s3_uri(base)  # a bad bucket name fails before the vectors are trimmed
    print(f"run: {base}/{{input,code,output}}")
    with tempfile.TemporaryDirectory(prefix="tweetclf-sagemaker-") as tmp:
        work = Path(tmp)
        vectors = trim_vectors(args.train_csv, args.vectors, hyper.vocab_top_n, work / "vectors.npz")
        print(f"vectors: {len(vectors):,} words (training vocabulary + top {hyper.vocab_top_n:,})")
        teacher = teacher_files(hyper.teacher, work / "teacher") if hyper.teacher else None
        if teacher is not None:
            print(f"teacher: {hyper.teacher} staged as the teacher channel (fine-tuned in the job)")
        channels = stage_training_data(args.train_csv, work / "vectors.npz", base, config, teacher)
        spec = training_spec(
            channels,
            f"{base}/output",
            hyper,
            work / "code",
            instance_type=args.instance_type,
            instance_count=args.instance_count,
            spot=args.spot,
            code_prefix=f"{args.prefix}/{run}/code",
            job_name_prefix=run,
            image=args.framework_version,
        )
        # inside the with: the bundle dir must live until start_training has uploaded it
        waiting = config_from_args(Waiting, args)
        run_training(
            spec, config, wait=waiting.wait, poll_s=waiting.poll_s, echo=lambda line: print(line, flush=True)
        )
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    from sagemaker_launcher import deploy
    from tweet_classifier.sagemaker.exports import serving_version

    config = aws_config(args)
    environment = serving_environment(args)  # bad batching flags are refused before AWS is called
    serverless = serverless_from_args(args)
    model_data = _model_data(args, config)
    version = serving_version(model_data, config, args.framework_version)
    result = deploy(
        model_data,
        args.endpoint,
        config,
        instance_type=args.instance_type,
        environment=environment,
        framework_version=version,
        serverless=serverless,
    )
    kind = f"serverless, {serverless.memory_mb} MB" if serverless else args.instance_type
    print(f"endpoint {result.endpoint}: {result.status} (TF Serving {version}, {kind})")
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
    from sagemaker_launcher import ConfigError

    if bool(args.csv) == bool(args.input):
        raise ConfigError(
            "give either --csv FILE --out FILE --bucket B, or --input s3://... --output s3://..."
        )
    if args.csv:
        return _transform_csv(args)
    if not args.output:
        raise ConfigError("--input needs --output s3://... for the results")
    _model_and_transform(args, aws_config(args), _run_name(args, "transform"), args.input, args.output)
    return 0


def _model_and_transform(args: argparse.Namespace, config: Any, name: str, source: str, output: str) -> None:
    """Create the model ``name`` (the TF Serving container with ``--tf-threads``) and run the
    Batch Transform job of that name from ``source`` to ``output``, waiting for it."""
    from sagemaker_launcher import create_model, run_transform
    from tweet_classifier.sagemaker.exports import serving_version

    model_data = _model_data(args, config)
    environment = container_environment(args)
    version = serving_version(model_data, config, args.framework_version)
    create_model(model_data, name, config, version, instance_type=args.instance_type, environment=environment)
    run_transform(
        name, source, output, config, instance_type=args.instance_type, poll_s=args.poll_s, job_name=name
    )


def _transform_csv(args: argparse.Namespace) -> int:
    """Stage the CSV's texts as JSON lines, run the job, wait, and write Kaggle's ``id,target``."""
    from sagemaker_launcher import (
        ConfigError,
        parse_s3_uri,
        put_jsonl,
        read_transform_output,
    )
    from tweet_classifier.commands.paths import check_writable
    from tweet_classifier.commands.score import write_submission
    from tweet_classifier.tweets import read_tweets

    if not args.out or not args.bucket:
        raise ConfigError("--csv needs --out FILE (the submission) and --bucket B (where the run is staged)")
    check_writable(args.out, "--out")
    run = _run_name(args, "transform")
    base = f"s3://{args.bucket}/{args.prefix}/{run}"
    parse_s3_uri(base)
    tweets = read_tweets(args.csv, labelled=False, allow_empty_text=True)
    config = aws_config(args)
    input_uri = put_jsonl(tweets.texts, f"{base}/input/{args.csv.stem}.jsonl", config)
    print(f"staged: {input_uri} ({len(tweets):,} tweets)")
    output_uri = f"{base}/output"
    _model_and_transform(args, config, run, f"{base}/input/", output_uri)
    predictions = read_transform_output(output_uri, input_uri, config, expected=len(tweets))
    labels = [int(p["label"]) if isinstance(p, dict) else int(p) for p in predictions]
    write_submission(args.out, tweets.ids, labels)
    print(f"wrote {args.out} ({len(labels):,} rows, {sum(labels):,} predicted disasters)")
    return 0
