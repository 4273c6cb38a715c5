"""Batch Transform for bulk scoring: JSON lines in, JSON lines out, one record per line."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sagemaker_launcher.config import AwsConfig, parse_s3_uri
from sagemaker_launcher.endpoints import container, inference_image
from sagemaker_launcher.errors import JobFailedError, LauncherError
from sagemaker_launcher.images import DEFAULT_SERVING_IMAGE
from sagemaker_launcher.names import unique_name

TERMINAL = ("Completed", "Failed", "Stopped")


@dataclass(frozen=True)
class TransformResult:
    job_name: str
    status: str
    output: str


def create_model(
    model_data: str,
    name: str,
    config: AwsConfig,
    framework_version: str = DEFAULT_SERVING_IMAGE,
    instance_type: str = "ml.m5.large",
    environment: Mapping[str, str] | None = None,
) -> str:
    """A SageMaker Model for ``model_data`` (TF Serving image); returns its name.
    ``environment``: variables for the container (as :func:`~sagemaker_launcher.deploy`)."""
    parse_s3_uri(model_data)
    sm = config.client("sagemaker")
    image = inference_image(config.region, framework_version, instance_type)
    sm.create_model(
        ModelName=name,
        PrimaryContainer=container(image, model_data, environment),
        ExecutionRoleArn=config.need_role(),
    )
    return name


def start_transform(
    model: str,
    input_uri: str,
    output_uri: str,
    config: AwsConfig,
    *,
    instance_type: str = "ml.m5.large",
    instance_count: int = 1,
    job_name: str | None = None,
) -> str:
    """Start a transform job over the JSON-lines objects under ``input_uri``; returns the job name."""
    parse_s3_uri(input_uri)
    parse_s3_uri(output_uri)
    name = job_name or unique_name(model)
    config.client("sagemaker").create_transform_job(
        TransformJobName=name,
        ModelName=model,
        BatchStrategy="MultiRecord",
        MaxPayloadInMB=6,
        TransformInput={
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": input_uri}},
            "ContentType": "application/jsonlines",
            "SplitType": "Line",
        },
        TransformOutput={
            "S3OutputPath": output_uri,
            "Accept": "application/jsonlines",
            "AssembleWith": "Line",
        },
        TransformResources={"InstanceType": instance_type, "InstanceCount": instance_count},
    )
    return name


def wait_for_transform(job_name: str, config: AwsConfig, poll_s: float = 30.0) -> TransformResult:
    sm = config.client("sagemaker")
    while True:
        described = sm.describe_transform_job(TransformJobName=job_name)
        status = described["TransformJobStatus"]
        if status in TERMINAL:
            break
        time.sleep(poll_s)
    output = described["TransformOutput"]["S3OutputPath"]
    if status != "Completed":
        reason = described.get("FailureReason") or "no reason given"
        raise JobFailedError(f"transform job {job_name} {status}: {reason}")
    return TransformResult(job_name, status, output)


def run_transform(
    model: str,
    input_uri: str,
    output_uri: str,
    config: AwsConfig,
    *,
    instance_type: str = "ml.m5.large",
    instance_count: int = 1,
    wait: bool = True,
    poll_s: float = 30.0,
    echo: Callable[[str], None] = print,
    job_name: str | None = None,
) -> TransformResult | None:
    """Start the transform job, say its name, then (``wait``) where the results are."""
    job = start_transform(
        model,
        input_uri,
        output_uri,
        config,
        instance_type=instance_type,
        instance_count=instance_count,
        job_name=job_name,
    )
    echo(f"transform job: {job}")
    if not wait:
        return None
    result = wait_for_transform(job, config, poll_s=poll_s)
    echo(f"{result.status}: results under {result.output}")
    return result


def parse_transform_output(text: str, where: str = "transform output") -> list[Any]:
    """The predictions in a Batch Transform ``.out`` file, in input order.

    The TF Serving container answers each mini-batch with one ``{"predictions": [...]}``
    object, written as one line (``AssembleWith=Line``); a line may also hold one prediction.

    >>> parse_transform_output('{"predictions": [1, 2]}\\n{"label": 0}\\n')
    [1, 2, {'label': 0}]
    """
    predictions: list[Any] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as err:
            raise LauncherError(f"{where}:{number}: not JSON ({err.msg})") from None
        if isinstance(value, dict) and "predictions" in value:
            predictions.extend(value["predictions"])
        elif isinstance(value, dict) and "label" in value:
            predictions.append(value)
        else:
            raise LauncherError(f"{where}:{number}: expected predictions, got {line[:80]!r}")
    return predictions


def read_transform_output(
    output_uri: str, input_key: str, config: AwsConfig, expected: int | None = None
) -> list[Any]:
    """Read ``<output_uri>/<input file name>.out``, the results for one input object.

    ``expected``: the number of input lines; a different number of predictions is an error.
    """
    bucket, prefix = parse_s3_uri(output_uri)
    name = f"{input_key.rsplit('/', 1)[-1]}.out"
    key = f"{prefix.rstrip('/')}/{name}" if prefix.strip("/") else name
    body = config.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
    predictions = parse_transform_output(body, f"s3://{bucket}/{key}")
    if expected is not None and len(predictions) != expected:
        raise LauncherError(f"s3://{bucket}/{key}: {len(predictions)} predictions for {expected} input lines")
    return predictions
