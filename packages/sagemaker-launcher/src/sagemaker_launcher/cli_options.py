"""The flags every launcher command shares, declared once as dataclass fields (:mod:`dataclass_flags`).

``sagemaker-launch`` and ``tweetclf sagemaker`` add them with
:func:`dataclass_flags.add_config_options`; AWS's own flags come from :func:`add_aws_options`.

Example:

>>> from dataclass_flags import add_config_options, config_from_args
>>> parser = argparse.ArgumentParser(prog="demo")
>>> add_config_options(parser, ServingCompute)
>>> add_config_options(parser, Waiting)
>>> args = parser.parse_args(["--instance-count", "2", "--no-wait"])
>>> config_from_args(ServingCompute, args).instance_count, config_from_args(Waiting, args).wait
(2, False)
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from dataclass_flags import option
from sagemaker_launcher.config import AwsConfig
from sagemaker_launcher.errors import ConfigError
from sagemaker_launcher.images import DEFAULT_SERVING_IMAGE


@dataclass(frozen=True)
class ServingCompute:
    """Where a TF Serving model runs, on an endpoint or in a Batch Transform job."""

    instance_type: str = option("ml.m5.large", help="instance type that serves the model")
    instance_count: int = option(1, help="instances (>= 1)")
    framework_version: str = option(
        DEFAULT_SERVING_IMAGE, help="TF Serving image version (sagemaker_launcher.images)"
    )

    def __post_init__(self) -> None:
        if self.instance_count < 1:
            raise ConfigError(f"--instance-count must be >= 1, got {self.instance_count}")


@dataclass(frozen=True)
class Waiting:
    """Whether a command waits for its job or endpoint, and how often it asks."""

    wait: bool = option(
        True, switch=True, flag="--no-wait", help="print the name and return once it is started"
    )
    poll_s: float = option(30.0, flag="--poll", help="seconds between status checks")

    def __post_init__(self) -> None:
        if not self.poll_s > 0:
            raise ConfigError(f"--poll must be > 0 seconds, got {self.poll_s}")


def add_aws_options(parser: argparse.ArgumentParser, *, role: bool = False) -> None:
    """``--region``, ``--profile``, ``--config`` (and ``--role``): read by :func:`aws_config`."""
    group = parser.add_argument_group("AWS")
    group.add_argument("--region", help="AWS region (default: AWS_REGION / AWS_DEFAULT_REGION / --config)")
    group.add_argument("--profile", help="a named AWS profile (default: AWS_PROFILE)")
    group.add_argument(
        "--config", type=Path, help="JSON with region/role/profile/endpoint_url (default: none)"
    )
    if role:
        group.add_argument("--role", help="IAM role ARN that SageMaker assumes (default: SAGEMAKER_ROLE_ARN)")


def aws_config(args: argparse.Namespace) -> AwsConfig:
    """The :class:`AwsConfig` from the flags of :func:`add_aws_options`, environment, config file."""
    return AwsConfig.resolve(
        region=args.region, role=getattr(args, "role", None), profile=args.profile, config_file=args.config
    )
