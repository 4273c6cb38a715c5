"""TF Serving endpoints with boto3: Model + EndpointConfig + Endpoint, invoke, delete.

boto3 (not sagemaker-core's wrappers) drives this control plane: the wrappers cannot parse
some replies of moto, which the tests run against (moto 5.x).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dataclass_flags import add_config_options, config_from_args, option
from sagemaker_launcher.config import AwsConfig, parse_s3_uri
from sagemaker_launcher.errors import ConfigError, LauncherError, NotFoundError
from sagemaker_launcher.images import DEFAULT_SERVING_IMAGE
from sagemaker_launcher.names import unique_name

TAG = "sagemaker-launcher:endpoint"
# What SageMaker's TF Serving container passes on as tensorflow_model_server's
# --tensorflow_intra_op_parallelism / --tensorflow_inter_op_parallelism (0: TensorFlow picks)
TFS_INTRA_OP_THREADS = "SAGEMAKER_TFS_INTRA_OP_PARALLELISM"
TFS_INTER_OP_THREADS = "SAGEMAKER_TFS_INTER_OP_PARALLELISM"


# SageMaker Serverless Inference: memory sizes it offers (MB) and the concurrency it allows
SERVERLESS_MEMORY_MB = (1024, 2048, 3072, 4096, 5120, 6144)
SERVERLESS_MAX_CONCURRENCY = 200


@dataclass(frozen=True)
class Serverless:
    """A serverless endpoint's size: billed per request, nothing while idle (cold starts instead).

    >>> Serverless(memory_mb=2048, max_concurrency=5).variant()
    {'ServerlessConfig': {'MemorySizeInMB': 2048, 'MaxConcurrency': 5}}
    """

    memory_mb: int = option(
        2048,
        flag="--serverless-memory",
        choices=SERVERLESS_MEMORY_MB,
        help="with --serverless: its memory, MB",
    )
    max_concurrency: int = option(
        5, flag="--serverless-concurrency", help="with --serverless: requests served at once (1..200)"
    )

    def __post_init__(self) -> None:
        if self.memory_mb not in SERVERLESS_MEMORY_MB:
            sizes = ", ".join(map(str, SERVERLESS_MEMORY_MB))
            raise ConfigError(f"serverless memory must be one of {sizes} MB, got {self.memory_mb}")
        if not 1 <= self.max_concurrency <= SERVERLESS_MAX_CONCURRENCY:
            most = SERVERLESS_MAX_CONCURRENCY
            raise ConfigError(f"serverless max concurrency must be 1..{most}, got {self.max_concurrency}")

    def variant(self) -> dict[str, Any]:
        """The production variant's part that replaces an instance type and count."""
        return {
            "ServerlessConfig": {"MemorySizeInMB": self.memory_mb, "MaxConcurrency": self.max_concurrency}
        }


def add_serverless_options(parser: argparse.ArgumentParser) -> None:
    """``--serverless`` and the size flags of :class:`Serverless`."""
    parser.add_argument(
        "--serverless",
        action="store_true",
        help="a serverless endpoint: billed per request, nothing while idle, a cold start after it "
        "(default: instances)",
    )
    add_config_options(parser, Serverless)


def serverless_from_args(args: argparse.Namespace) -> Serverless | None:
    """The :class:`Serverless` the flags ask for; ``None`` without ``--serverless``."""
    return config_from_args(Serverless, args) if args.serverless else None


@dataclass(frozen=True)
class Deployment:
    endpoint: str
    model: str
    endpoint_config: str
    image: str
    status: str


def inference_image(region: str, framework_version: str, instance_type: str) -> str:
    from sagemaker.core import image_uris

    try:
        uri: str = image_uris.retrieve(
            "tensorflow",
            region=region,
            version=framework_version,
            instance_type=instance_type,
            image_scope="inference",
        )
    except ValueError as err:
        raise ConfigError(f"no TensorFlow Serving image for {framework_version} in {region}: {err}") from None
    return uri


def container(image: str, model_data: str, environment: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A model's ``PrimaryContainer``: the image, the model, and the variables it gets (if any).

    >>> container("img", "s3://b/m.tar.gz", {TFS_INTRA_OP_THREADS: "1"})["Environment"]
    {'SAGEMAKER_TFS_INTRA_OP_PARALLELISM': '1'}
    """
    spec: dict[str, Any] = {"Image": image, "ModelDataUrl": model_data}
    if environment:
        spec["Environment"] = {str(key): str(value) for key, value in environment.items()}
    return spec


def _not_found(err: Exception) -> bool:
    code = getattr(err, "response", {}).get("Error", {}).get("Code", "")
    message = str(err)
    return code in ("ValidationException", "ResourceNotFound", "404") and (
        "not found" in message.lower()
        or "could not find" in message.lower()
        or "does not exist" in message.lower()
    )


def deploy(
    model_data: str,
    endpoint: str,
    config: AwsConfig,
    *,
    instance_type: str = "ml.m5.large",
    instance_count: int = 1,
    framework_version: str = DEFAULT_SERVING_IMAGE,
    wait: bool = True,
    poll_s: float = 15.0,
    timeout_s: float = 3600.0,
    environment: Mapping[str, str] | None = None,
    serverless: Serverless | None = None,
) -> Deployment:
    """Create (or switch) ``endpoint`` to serve ``model_data`` (``s3://.../model.tar.gz``).

    ``environment``: variables for the serving container, e.g. TF Serving's thread pools
    (:data:`sagemaker_launcher.TFS_INTRA_OP_THREADS`). ``serverless``: a serverless endpoint
    of that size instead of ``instance_count`` instances (the image stays the CPU one of
    ``instance_type``)."""
    if serverless is None and instance_count < 1:
        raise ConfigError(f"instance count must be >= 1, got {instance_count}")

    parse_s3_uri(model_data)
    role = config.need_role()
    sm = config.client("sagemaker")
    image = inference_image(config.region, framework_version, instance_type)
    name = unique_name(endpoint)
    tags = [{"Key": TAG, "Value": endpoint}]
    sm.create_model(
        ModelName=name,
        PrimaryContainer=container(image, model_data, environment),
        ExecutionRoleArn=role,
        Tags=tags,
    )
    capacity = (
        serverless.variant()
        if serverless
        else {"InitialInstanceCount": instance_count, "InstanceType": instance_type}
    )
    sm.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[{"VariantName": "AllTraffic", "ModelName": name, **capacity}],
        Tags=tags,
    )
    previous = _current_config(sm, endpoint)
    if previous is None:
        sm.create_endpoint(EndpointName=endpoint, EndpointConfigName=name, Tags=tags)
    else:
        sm.update_endpoint(EndpointName=endpoint, EndpointConfigName=name)
    status = wait_in_service(sm, endpoint, poll_s, timeout_s) if wait else "Creating"
    if previous is not None and wait:
        _delete_config_and_models(sm, previous)
    return Deployment(endpoint, name, name, image, status)


def _current_config(sm: Any, endpoint: str) -> str | None:
    """The endpoint config ``endpoint`` serves now; ``None`` if there is no such endpoint."""
    from botocore.exceptions import ClientError

    try:
        return str(sm.describe_endpoint(EndpointName=endpoint)["EndpointConfigName"])
    except ClientError as err:
        if not _not_found(err):
            raise
    return None


def wait_in_service(sm: Any, endpoint: str, poll_s: float, timeout_s: float) -> str:
    deadline = time.monotonic() + timeout_s
    while True:
        described = sm.describe_endpoint(EndpointName=endpoint)
        status = described["EndpointStatus"]
        if status == "InService":
            return str(status)
        if status in ("Failed", "OutOfService"):
            reason = described.get("FailureReason", "no reason given")
            raise LauncherError(f"endpoint {endpoint} is {status}: {reason}")
        if time.monotonic() > deadline:
            raise LauncherError(f"endpoint {endpoint} still {status} after {timeout_s:.0f} s")
        time.sleep(poll_s)


def _delete_config_and_models(sm: Any, config_name: str) -> None:
    from botocore.exceptions import ClientError

    try:
        variants = sm.describe_endpoint_config(EndpointConfigName=config_name)["ProductionVariants"]
    except ClientError as err:
        if _not_found(err):
            return
        raise
    for variant in variants:
        try:
            sm.delete_model(ModelName=variant["ModelName"])
        except ClientError as err:
            if not _not_found(err):
                raise
    try:
        sm.delete_endpoint_config(EndpointConfigName=config_name)
    except ClientError as err:
        if not _not_found(err):
            raise


def delete(endpoint: str, config: AwsConfig) -> bool:
    """Remove the endpoint, its config and its models; ``False`` when there was nothing to remove."""
    from botocore.exceptions import ClientError

    sm = config.client("sagemaker")
    try:
        config_name = sm.describe_endpoint(EndpointName=endpoint)["EndpointConfigName"]
    except ClientError as err:
        if _not_found(err):
            return False
        raise
    sm.delete_endpoint(EndpointName=endpoint)
    _delete_config_and_models(sm, config_name)
    return True


def check_in_service(endpoint: str, config: AwsConfig) -> None:
    """A clear error when ``endpoint`` does not exist or is not InService (before sending data)."""
    from botocore.exceptions import ClientError

    try:
        status = config.client("sagemaker").describe_endpoint(EndpointName=endpoint)["EndpointStatus"]
    except ClientError as err:
        if _not_found(err):
            raise NotFoundError(f"endpoint {endpoint} not found in {config.region}") from None
        raise
    if status != "InService":
        raise LauncherError(f"endpoint {endpoint} is {status}, not InService")


def invoke(endpoint: str, instances: list[Any], config: AwsConfig) -> list[Any]:
    """POST ``{"instances": [...]}`` with Content-Type exactly ``application/json``; the predictions."""
    from botocore.exceptions import ClientError

    runtime = config.client("sagemaker-runtime")
    body = json.dumps({"instances": instances})
    try:
        response = runtime.invoke_endpoint(
            EndpointName=endpoint, ContentType="application/json", Accept="application/json", Body=body
        )
    except ClientError as err:
        if _not_found(err):
            raise NotFoundError(f"endpoint {endpoint} not found in {config.region}") from None
        raise LauncherError(f"endpoint {endpoint}: {err}") from None
    raw = response["Body"].read()
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        raise LauncherError(f"endpoint {endpoint} answered non-JSON: {raw[:200]!r}") from None
    if not isinstance(data, dict) or "predictions" not in data:
        raise LauncherError(f"endpoint {endpoint} answered without 'predictions': {str(data)[:200]}")
    predictions: list[Any] = data["predictions"]
    return predictions
