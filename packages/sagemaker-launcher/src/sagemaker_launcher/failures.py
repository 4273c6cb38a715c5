"""What a launcher command's failure looks like on one line: a failed job, an AWS error.

:func:`failure_line` is the ``failures`` hook of :func:`dataclass_flags.run_main` for every
command line over the launcher; it imports no AWS library (it looks for the ones already loaded).
"""

from __future__ import annotations

import argparse
import sys

from sagemaker_launcher.errors import JobFailedError


def failure_line(err: BaseException, args: argparse.Namespace) -> str | None:
    """One line for a failed job or an AWS error (exit 1); ``None`` for anything else.

    >>> failure_line(JobFailedError("job x Failed: OOM"), argparse.Namespace())
    'job x Failed: OOM'
    >>> failure_line(ValueError("mine"), argparse.Namespace()) is None
    True
    """
    if isinstance(err, JobFailedError):
        return str(err)
    if is_aws_error(err):
        return aws_error_line(err, args)
    return None


RESOURCE_FLAGS = ("endpoint", "job", "job_name", "model_data", "bucket", "input", "csv")


def is_aws_error(err: BaseException) -> bool:
    """botocore's ``ClientError`` or ``BotoCoreError`` (without importing botocore if nothing did)."""
    exceptions = sys.modules.get("botocore.exceptions")
    return exceptions is not None and isinstance(err, (exceptions.ClientError, exceptions.BotoCoreError))


def aws_error_line(err: BaseException, args: argparse.Namespace) -> str:
    """``AWS <call> failed for <resource>: <code>: <message>`` from a botocore error and the flags."""
    resources = [
        f"{name.replace('_', '-')} {value}"
        for name in RESOURCE_FLAGS
        if (value := getattr(args, name, None)) not in (None, "")
    ]
    where = f" for {', '.join(resources)}" if resources else ""
    response = getattr(err, "response", None)
    if isinstance(response, dict):
        error = response.get("Error", {})
        call = getattr(err, "operation_name", "call")
        code = error.get("Code", "Unknown")
        message = error.get("Message") or response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
        return f"AWS {call} failed{where}: {code}: {message}".rstrip(": ")
    return f"AWS call failed{where}: {err}"
