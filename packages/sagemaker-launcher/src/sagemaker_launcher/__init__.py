"""sagemaker_launcher: S3 staging, SageMaker training, TF Serving endpoints, Batch Transform.

It knows nothing of tweets: any SavedModel and any training script.

Public API::

    AwsConfig.resolve(region=..., role=..., profile=..., config_file=...)
    stage(paths, "s3://bucket/prefix", config) -> [Staged(uri, uploaded)]
    put_jsonl(instances, "s3://bucket/key.jsonl", config); download(uri, path, config)
    run_training(TrainSpec(...), config) -> JobResult   (start_training + wait_for_job)
    model_artifact(job_name, config) -> "s3://.../model.tar.gz"
    deploy(model_data, endpoint, config, environment=None, serverless=None) -> Deployment
    Serverless(memory_mb=2048, max_concurrency=5); check_in_service; invoke; delete
    create_model(model_data, name, config, environment=None); run_transform(model, input, output, config)
    TFS_INTRA_OP_THREADS, TFS_INTER_OP_THREADS   # the TF Serving container's thread-pool variables
    TRAINING_IMAGES, SERVING_IMAGES, DEFAULT_TRAINING_IMAGE, DEFAULT_SERVING_IMAGE   # the images we run on
    serving_image_for(written_by="2.21.0", forced=None) -> "2.16"   (refuses a too-old forced image)
    read_transform_output(output_uri, input_key, config) -> predictions
    unique_name(prefix) -> "prefix-YYYYmmdd-HHMMSS-mmm"

For command lines (flags declared with :mod:`dataclass_flags`): ``add_aws_options``,
``aws_config``, ``ServingCompute``, ``Waiting`` (:mod:`sagemaker_launcher.cli_options`) and
``failure_line``, the ``failures`` hook of ``dataclass_flags.run_main`` (:mod:`sagemaker_launcher.failures`).

CLI: ``sagemaker-launch {stage,train,transform,deploy,invoke,delete}``.
"""

from sagemaker_launcher.cli_options import ServingCompute, Waiting, add_aws_options, aws_config
from sagemaker_launcher.config import AwsConfig, check_role, parse_s3_uri
from sagemaker_launcher.endpoints import (
    TFS_INTER_OP_THREADS,
    TFS_INTRA_OP_THREADS,
    Deployment,
    Serverless,
    check_in_service,
    delete,
    deploy,
    invoke,
)
from sagemaker_launcher.errors import ConfigError, JobFailedError, LauncherError, NotFoundError
from sagemaker_launcher.failures import failure_line
from sagemaker_launcher.images import (
    DEFAULT_SERVING_IMAGE,
    DEFAULT_TRAINING_IMAGE,
    SERVING_IMAGES,
    TRAINING_IMAGES,
    ServingImage,
    TrainingImage,
    serving_image_for,
    training_image_spec,
)
from sagemaker_launcher.names import unique_name
from sagemaker_launcher.staging import Staged, download, put_jsonl, stage
from sagemaker_launcher.training import (
    JobResult,
    TrainSpec,
    model_artifact,
    run_training,
    start_training,
    wait_for_job,
)
from sagemaker_launcher.transform import (
    TransformResult,
    create_model,
    parse_transform_output,
    read_transform_output,
    run_transform,
    start_transform,
    wait_for_transform,
)

__all__ = [
    "DEFAULT_SERVING_IMAGE",
    "DEFAULT_TRAINING_IMAGE",
    "SERVING_IMAGES",
    "TFS_INTER_OP_THREADS",
    "TFS_INTRA_OP_THREADS",
    "TRAINING_IMAGES",
    "AwsConfig",
    "ConfigError",
    "Deployment",
    "JobFailedError",
    "JobResult",
    "LauncherError",
    "NotFoundError",
    "Serverless",
    "ServingCompute",
    "ServingImage",
    "Staged",
    "TrainSpec",
    "TrainingImage",
    "TransformResult",
    "Waiting",
    "add_aws_options",
    "aws_config",
    "check_in_service",
    "check_role",
    "create_model",
    "delete",
    "deploy",
    "download",
    "failure_line",
    "invoke",
    "model_artifact",
    "parse_s3_uri",
    "parse_transform_output",
    "put_jsonl",
    "read_transform_output",
    "run_training",
    "run_transform",
    "serving_image_for",
    "stage",
    "start_training",
    "start_transform",
    "training_image_spec",
    "unique_name",
    "wait_for_job",
    "wait_for_transform",
]
