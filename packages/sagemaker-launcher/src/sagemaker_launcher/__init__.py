"""sagemaker_launcher: S3 staging and SageMaker TF Serving endpoints (knows nothing of tweets).

Public API::

    AwsConfig.resolve(region=..., role=..., profile=..., config_file=...)
    stage(paths, "s3://bucket/prefix", config) -> [Staged(uri, uploaded)]
    deploy(model_data, endpoint, config, instance_type=...) -> Deployment
    invoke(endpoint, instances, config) -> predictions
    delete(endpoint, config) -> bool

CLI: ``sagemaker-launch {stage,deploy,invoke,delete}``.
"""

from sagemaker_launcher.config import AwsConfig, check_role, parse_s3_uri
from sagemaker_launcher.endpoints import Deployment, delete, deploy, invoke
from sagemaker_launcher.errors import ConfigError, JobFailedError, LauncherError, NotFoundError
from sagemaker_launcher.staging import Staged, stage

__all__ = [
    "AwsConfig",
    "ConfigError",
    "Deployment",
    "JobFailedError",
    "LauncherError",
    "NotFoundError",
    "Staged",
    "check_role",
    "delete",
    "deploy",
    "invoke",
    "parse_s3_uri",
    "stage",
]
