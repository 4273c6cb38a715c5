"""sagemaker_launcher: S3 staging and SageMaker TF Serving endpoints (knows nothing of tweets).

Public API::

    AwsConfig.resolve(region=..., role=..., profile=..., config_file=...)
    stage(paths, "s3://bucket/prefix", config) -> [Staged(uri, uploaded)]
    start_training(TrainSpec(...), config) -> job name; wait_for_job(name, config) -> JobResult
    deploy(model_data, endpoint, config, instance_type=...) -> Deployment
    invoke(endpoint, instances, config) -> predictions
    delete(endpoint, config) -> bool

CLI: ``sagemaker-launch {stage,train,deploy,invoke,delete}``.
"""

from sagemaker_launcher.config import AwsConfig, check_role, parse_s3_uri
from sagemaker_launcher.endpoints import Deployment, delete, deploy, invoke
from sagemaker_launcher.errors import ConfigError, JobFailedError, LauncherError, NotFoundError
from sagemaker_launcher.staging import Staged, stage
from sagemaker_launcher.training import JobResult, TrainSpec, start_training, wait_for_job

__all__ = [
    "AwsConfig",
    "ConfigError",
    "Deployment",
    "JobFailedError",
    "JobResult",
    "LauncherError",
    "NotFoundError",
    "Staged",
    "TrainSpec",
    "check_role",
    "delete",
    "deploy",
    "invoke",
    "parse_s3_uri",
    "stage",
    "start_training",
    "wait_for_job",
]
