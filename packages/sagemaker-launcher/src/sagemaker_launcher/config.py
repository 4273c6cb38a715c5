"""Where and as whom to talk to AWS: flags, then environment, then an optional config file."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sagemaker_launcher.errors import ConfigError

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
S3_URI = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(?P<key>.*))?$")
CONFIG_FILE_ENV = "SAGEMAKER_LAUNCHER_CONFIG"


@dataclass(frozen=True)
class AwsConfig:
    """Region, role, profile and endpoint URL (``AWS_ENDPOINT_URL`` for moto/LocalStack).

    Example:

    >>> AwsConfig.resolve(region="eu-west-1", environ={}).region
    'eu-west-1'
    """

    region: str
    role: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None

    @classmethod
    def resolve(
        cls,
        *,
        region: str | None = None,
        role: str | None = None,
        profile: str | None = None,
        config_file: str | Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> AwsConfig:
        env = os.environ if environ is None else environ
        file_values = _read_config_file(config_file or env.get(CONFIG_FILE_ENV))
        region = region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or file_values.get("region")
        if not region:
            raise ConfigError("no AWS region: pass --region, or set AWS_REGION / AWS_DEFAULT_REGION")
        role = role or env.get("SAGEMAKER_ROLE_ARN") or file_values.get("role")
        if role is not None:
            check_role(role)
        return cls(
            region=region,
            role=role,
            profile=profile or env.get("AWS_PROFILE") or file_values.get("profile"),
            endpoint_url=env.get("AWS_ENDPOINT_URL") or file_values.get("endpoint_url"),
        )

    def need_role(self) -> str:
        if not self.role:
            raise ConfigError("an IAM role ARN is required: pass --role or set SAGEMAKER_ROLE_ARN")
        return self.role

    def boto_session(self) -> Any:
        import boto3

        session = boto3.session.Session(profile_name=self.profile, region_name=self.region)
        if session.get_credentials() is None:
            raise ConfigError(
                "no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
                "or AWS_PROFILE, or run aws configure"
            )
        return session

    def client(self, service: str) -> Any:
        return self.boto_session().client(service, endpoint_url=self.endpoint_url)


def check_role(role: str) -> str:
    if not ROLE_ARN.match(role):
        raise ConfigError(f"{role!r} is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)")
    return role


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/key/prefix`` -> ``("bucket", "key/prefix")`` (key without a leading slash)."""
    match = S3_URI.match(uri)
    if not match:
        raise ConfigError(f"{uri!r} is not an S3 URI like s3://bucket/prefix")
    return match["bucket"], (match["key"] or "").strip("/")


def _read_config_file(path: str | Path | None) -> dict[str, str]:
    if not path:
        return {}
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: config file not found") from None
    except json.JSONDecodeError as err:
        raise ConfigError(f"{file}:{err.lineno}: not valid JSON ({err.msg})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: expected a JSON object with region/role/profile/endpoint_url")
    return {k: str(v) for k, v in data.items() if k in ("region", "role", "profile", "endpoint_url")}
