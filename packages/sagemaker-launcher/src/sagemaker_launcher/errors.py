"""Exception types of :mod:`sagemaker_launcher`; the CLI prints them as one line and exits 2."""

from __future__ import annotations

import dataclass_flags


class LauncherError(Exception):
    """Base class of the errors this package raises on purpose."""


class ConfigError(LauncherError, dataclass_flags.ConfigError):
    """Missing or malformed configuration: region, role, credentials, S3 URI, channel name."""


class JobFailedError(LauncherError):
    """A training or transform job ended Failed or Stopped; the message carries its FailureReason."""


class NotFoundError(LauncherError, LookupError):
    """An endpoint, model or job does not exist."""
