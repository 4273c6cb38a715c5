"""Training jobs with the SageMaker SDK v3 ``ModelTrainer`` (TensorFlow training image)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataclass_flags import option
from sagemaker_launcher.config import AwsConfig, parse_s3_uri
from sagemaker_launcher.errors import ConfigError, JobFailedError, NotFoundError
from sagemaker_launcher.images import DEFAULT_TRAINING_IMAGE, TRAINING_IMAGES

CHANNEL_NAME = re.compile(r"^[A-Za-z0-9._]{1,64}$")
TERMINAL = ("Completed", "Failed", "Stopped")


@dataclass(frozen=True)
class TrainSpec:
    """What to run: code, data channels, hyperparameters, compute, where outputs go.

    The field metadata is the help of ``sagemaker-launch train``'s flags.

    Example:

    >>> spec = TrainSpec(Path("code"), "train.py", {"train": "s3://b/in/"}, "s3://b/out")
    >>> spec.instance_type, spec.framework_version
    ('ml.m5.xlarge', '2.16')
    """

    source_dir: Path = option(help="code uploaded to the job")
    entry_script: str = option(help="script inside --source-dir that the job runs")
    channels: Mapping[str, str] = option(help="input channels: name -> s3:// prefix")
    output_path: str = option(flag="--output", help="s3://... where model.tar.gz goes")
    hyperparameters: Mapping[str, Any] = field(
        default_factory=dict, metadata={"help": "passed to the script as --key value"}
    )
    requirements: str | None = option(
        None, help="requirements file inside --source-dir (pip install before the run)"
    )
    instance_type: str = option("ml.m5.xlarge", help="training instance type")
    instance_count: int = option(1, help="instances; > 1 is multi-worker (SM_HOSTS)")
    framework_version: str = option(
        DEFAULT_TRAINING_IMAGE,
        choices=tuple(sorted(TRAINING_IMAGES)),
        help="TensorFlow training image; make test runs our code with the default's versions, the "
        "others are accepted untested",
    )
    py_version: str = option(
        TRAINING_IMAGES[DEFAULT_TRAINING_IMAGE].py_version, help="Python of the training image"
    )
    checkpoint_uri: str | None = option(
        None, flag="--checkpoint", help="s3://... synced with /opt/ml/checkpoints"
    )
    max_runtime_s: int = option(24 * 3600, flag="--max-runtime", help="seconds before the job is stopped")
    spot: bool = option(False, switch=True, help="managed spot training")
    max_wait_s: int | None = option(
        None, flag="--max-wait", help="seconds to wait for spot capacity + run (>= --max-runtime)"
    )
    base_job_name: str = option("training", flag="--job-name-prefix", help="prefix of the job's name")
    code_prefix: str | None = option(
        None, help="S3 key prefix (in the output bucket) for the uploaded code; none: the SDK's own"
    )

    def validate(self) -> None:
        if not (self.source_dir / self.entry_script).is_file():
            raise ConfigError(f"{self.source_dir / self.entry_script}: entry script not found")
        if self.requirements and not (self.source_dir / self.requirements).is_file():
            raise ConfigError(f"{self.source_dir / self.requirements}: requirements file not found")
        for name, uri in self.channels.items():
            if not CHANNEL_NAME.match(name):
                raise ConfigError(
                    f"channel name {name!r} is not allowed: letters, digits, '.' and '_' only "
                    "(a '-' breaks the SageMaker driver's `export SM_CHANNEL_...`)"
                )
            parse_s3_uri(uri)
        parse_s3_uri(self.output_path)
        if self.checkpoint_uri:
            parse_s3_uri(self.checkpoint_uri)
        if self.instance_count < 1:
            raise ConfigError(f"instance count must be >= 1, got {self.instance_count}")
        if self.spot and self.max_wait_s is not None and self.max_wait_s < self.max_runtime_s:
            raise ConfigError("--max-wait must be >= --max-runtime for spot training")


@dataclass(frozen=True)
class JobResult:
    job_name: str
    status: str
    model_artifacts: str | None
    failure_reason: str | None = None


def training_image(region: str, framework_version: str, py_version: str, instance_type: str) -> str:
    from sagemaker.core import image_uris

    try:
        uri: str = image_uris.retrieve(
            "tensorflow",
            region=region,
            version=framework_version,
            py_version=py_version,
            instance_type=instance_type,
            image_scope="training",
        )
    except ValueError as err:
        raise ConfigError(
            f"no TensorFlow training image {framework_version}/{py_version} in {region}: {err}"
        ) from None
    return uri


def sdk_session(config: AwsConfig, bucket: str, prefix: str | None = None) -> Any:
    """A SageMaker SDK session on our boto3 session (honours AWS_ENDPOINT_URL; no STS lookup)."""
    os.environ.setdefault("SageMaker.PythonSDK.Modules.TelemetryOptOut", "true")
    from sagemaker.core.helper.session_helper import Session

    boto = config.boto_session()
    return Session(
        boto_session=boto,
        sagemaker_client=boto.client("sagemaker", endpoint_url=config.endpoint_url),
        sagemaker_runtime_client=boto.client("sagemaker-runtime", endpoint_url=config.endpoint_url),
        default_bucket=bucket,
        default_bucket_prefix=prefix.strip("/") if prefix else None,
    )


def start_training(spec: TrainSpec, config: AwsConfig) -> str:
    """Create the training job (without waiting); returns its name."""
    from sagemaker.core.training.configs import (
        CheckpointConfig,
        Compute,
        InputData,
        OutputDataConfig,
        SourceCode,
        StoppingCondition,
    )
    from sagemaker.train import ModelTrainer

    spec.validate()
    role = config.need_role()
    bucket, _ = parse_s3_uri(spec.output_path)
    trainer = ModelTrainer(
        sagemaker_session=sdk_session(config, bucket, spec.code_prefix),
        role=role,
        base_job_name=spec.base_job_name,
        training_image=training_image(
            config.region, spec.framework_version, spec.py_version, spec.instance_type
        ),
        source_code=SourceCode(
            source_dir=str(spec.source_dir), entry_script=spec.entry_script, requirements=spec.requirements
        ),
        compute=Compute(
            instance_type=spec.instance_type,
            instance_count=spec.instance_count,
            enable_managed_spot_training=spec.spot or None,
        ),
        hyperparameters={k: v for k, v in spec.hyperparameters.items()},
        output_data_config=OutputDataConfig(s3_output_path=spec.output_path),
        checkpoint_config=CheckpointConfig(s3_uri=spec.checkpoint_uri) if spec.checkpoint_uri else None,
        stopping_condition=StoppingCondition(
            max_runtime_in_seconds=spec.max_runtime_s,
            max_wait_time_in_seconds=(spec.max_wait_s or spec.max_runtime_s) if spec.spot else None,
        ),
        input_data_config=[InputData(channel_name=n, data_source=u) for n, u in spec.channels.items()],
    )
    trainer.train(wait=False, logs=False)
    name: str = trainer._latest_training_job.training_job_name
    return name


LOG_GROUP = "/aws/sagemaker/TrainingJobs"


class LogTail:
    """New CloudWatch log lines of a training job (one stream per host), fetched incrementally."""

    def __init__(self, job_name: str, config: AwsConfig) -> None:
        self.job_name = job_name
        self.logs = config.client("logs")
        self.tokens: dict[str, str | None] = {}

    def new_lines(self) -> list[str]:
        from botocore.exceptions import ClientError

        try:
            streams = self.logs.describe_log_streams(
                logGroupName=LOG_GROUP, logStreamNamePrefix=self.job_name + "/"
            )
        except ClientError:
            return []  # the group appears once the first instance starts
        lines = []
        for stream in streams.get("logStreams", []):
            name = stream["logStreamName"]
            params: dict[str, Any] = {"logGroupName": LOG_GROUP, "logStreamName": name, "startFromHead": True}
            if self.tokens.get(name):
                params["nextToken"] = self.tokens[name]
            events = self.logs.get_log_events(**params)
            self.tokens[name] = events.get("nextForwardToken")
            host = name.split("/", 1)[-1]
            lines += [f"[{host}] {event['message']}" for event in events.get("events", [])]
        return lines


def wait_for_job(
    job_name: str,
    config: AwsConfig,
    *,
    poll_s: float = 30.0,
    on_status: Callable[[str, str], None] | None = None,
    on_log: Callable[[str], None] | None = None,
) -> JobResult:
    """Poll until the job ends, reporting status changes and new log lines; Failed/Stopped: JobFailedError."""
    sm = config.client("sagemaker")
    tail = LogTail(job_name, config) if on_log else None
    last = None
    while True:
        described = sm.describe_training_job(TrainingJobName=job_name)
        status = described["TrainingJobStatus"]
        secondary = described.get("SecondaryStatus", "")
        if on_status and (status, secondary) != last:
            on_status(status, secondary)
        last = (status, secondary)
        if tail is not None and on_log is not None:
            for line in tail.new_lines():
                on_log(line)
        if status in TERMINAL:
            break
        time.sleep(poll_s)
    artifacts = described.get("ModelArtifacts", {}).get("S3ModelArtifacts")
    result = JobResult(job_name, status, artifacts, described.get("FailureReason"))
    if status != "Completed":
        raise JobFailedError(
            f"training job {job_name} {status}: {result.failure_reason or 'no reason given'}"
        )
    return result


def run_training(
    spec: TrainSpec,
    config: AwsConfig,
    *,
    wait: bool = True,
    poll_s: float = 30.0,
    echo: Callable[[str], None] = print,
) -> JobResult | None:
    """Start the job, say its name, then (``wait``) report each status change and the artifact URI."""
    job = start_training(spec, config)
    echo(f"training job: {job}")
    if not wait:
        return None
    result = wait_for_job(
        job,
        config,
        poll_s=poll_s,
        on_status=lambda status, detail: echo(f"  {status}: {detail}"),
        on_log=echo,
    )
    echo(f"model artifact: {result.model_artifacts}")
    return result


def model_artifact(job_name: str, config: AwsConfig) -> str:
    """The ``s3://.../model.tar.gz`` a completed training job wrote.

    Raises :class:`NotFoundError` for an unknown job, :class:`JobFailedError` when it did not
    complete (yet) or wrote no artifact.
    """
    from botocore.exceptions import ClientError

    try:
        described = config.client("sagemaker").describe_training_job(TrainingJobName=job_name)
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in ("ValidationException", "ResourceNotFound"):
            raise NotFoundError(f"training job {job_name} not found in {config.region}") from None
        raise
    uri = described.get("ModelArtifacts", {}).get("S3ModelArtifacts")
    if described["TrainingJobStatus"] != "Completed" or not uri:
        raise JobFailedError(f"training job {job_name} is {described['TrainingJobStatus']}, no model to use")
    return str(uri)
