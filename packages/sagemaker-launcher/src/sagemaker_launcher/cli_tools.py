"""What every command line over the launcher shares: AWS flags, flags from typed configs, main's prologue.

``sagemaker-launch`` and ``tweetclf sagemaker`` are built from these, so a flag, its help
and its default are written once (in the dataclass field that holds the value).

Example:

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Job:
...     instances: int = option(1, help="how many machines")
>>> parser = argparse.ArgumentParser(prog="demo")
>>> add_config_options(parser, Job)
>>> config_from_args(Job, parser.parse_args(["--instances", "3"]))
Job(instances=3)
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import types
import typing
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sagemaker_launcher.config import AwsConfig
from sagemaker_launcher.errors import JobFailedError, LauncherError

EXIT_USAGE = 2  # a user mistake: one line on stderr
EXIT_FAILED = 1  # a job ended Failed or Stopped
T = TypeVar("T")


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


def installed_version(distribution: str) -> str:
    """The installed version of ``distribution`` (what ``--version`` prints), else ``"unknown"``.

    >>> installed_version("no-such-distribution")
    'unknown'
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def parse_bool(text: str) -> bool:
    """``true/false``, ``yes/no``, ``on/off``, ``1/0`` (SageMaker passes booleans as text).

    >>> parse_bool("True"), parse_bool("0")
    (True, False)
    """
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true/false, got {text!r}")


def option(default: Any = dataclasses.MISSING, *, help: str, **more: Any) -> Any:
    """A dataclass field with its flag's metadata: ``help`` and any of ``flag``, ``choices``, ``switch``.

    Without ``default`` the flag is required.
    """
    return dataclasses.field(default=default, metadata={"help": help, **more})


def add_config_options(
    parser: argparse.ArgumentParser,
    cls: type,
    *,
    title: str | None = None,
    exclude: Collection[str] = (),
) -> None:
    """One flag per field of the dataclass ``cls``: ``--field-name`` unless ``metadata["flag"]``.

    Help comes from ``metadata["help"]``, choices from ``metadata["choices"]``, the default
    from the field; a field without a default is a required flag. Booleans take a value
    (``--flag true``) unless ``metadata["switch"]`` makes the bare flag flip the default.
    """
    target: Any = parser.add_argument_group(title) if title else parser
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        if field.name in exclude or not field.init:
            continue
        flag = field.metadata.get("flag", "--" + field.name.replace("_", "-"))
        note = str(field.metadata.get("help", "")).replace("%", "%%")
        required = field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        default = None if field.default is dataclasses.MISSING else field.default
        shown = "required" if required else f"default: {'none' if default is None else default}"
        options: dict[str, Any] = {"dest": field.name, "help": f"{note} ({shown})".strip()}
        kind = _scalar(hints[field.name], field.name)
        if kind is bool and field.metadata.get("switch"):  # a flag without value flips the default
            options["help"] = f"{note} (default: off)"
            target.add_argument(flag, action="store_false" if default else "store_true", **options)
            continue
        options.update(default=default, required=required, choices=field.metadata.get("choices"))
        if kind is bool:
            options.update(type=parse_bool, metavar="BOOL")
        else:
            options["type"] = kind
            if not options["choices"]:
                options["metavar"] = flag.lstrip("-").upper().replace("-", "_")
        target.add_argument(flag, **options)


def config_from_args(cls: Callable[..., T], args: argparse.Namespace, **overrides: Any) -> T:
    """``cls(**values)`` from the flags :func:`add_config_options` added, plus ``overrides``."""
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    values = {name: getattr(args, name) for name in names if hasattr(args, name)}
    values.update(overrides)
    return cls(**values)


def _scalar(hint: Any, name: str) -> type:
    """``int``/``float``/``str``/``bool``/``Path`` from a field's type (``X | None`` counts as ``X``)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        parts = [part for part in typing.get_args(hint) if part is not type(None)]
        hint = parts[0] if len(parts) == 1 else hint
    if hint in (int, float, str, bool, Path):
        return typing.cast(type, hint)
    raise TypeError(f"field {name}: no flag for type {hint!r} (exclude it and add the flag by hand)")


def run_main(
    prog: str,
    parser: argparse.ArgumentParser,
    argv: Sequence[str] | None,
    *,
    user_errors: tuple[type[BaseException], ...] | Callable[[], tuple[type[BaseException], ...]] = (),
    interrupted: str = "interrupted",
) -> int:
    """Parse ``argv`` and call ``args.handler(args)``; the exit status.

    No command: the help, exit 2. A failed job (:class:`JobFailedError`) or an AWS error
    (botocore's ``ClientError``/``BotoCoreError``): one line naming the call and the
    resource, exit 1. A :class:`LauncherError` or one of ``user_errors``: one line, exit 2.
    Anything else is a bug and keeps its traceback. ``user_errors`` may be a function, called
    only when something was raised (so that the libraries it names load only then).
    """
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        print(f"{prog}: {interrupted}", file=sys.stderr)
        return 130
    except JobFailedError as err:
        print(f"{prog}: {err}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as err:
        if is_aws_error(err):
            print(f"{prog}: {aws_error_line(err, args)}", file=sys.stderr)
            return EXIT_FAILED
        mistakes = user_errors() if callable(user_errors) else user_errors
        if isinstance(err, (LauncherError, *mistakes)):
            print(f"{prog}: error: {err}", file=sys.stderr)
            return EXIT_USAGE
        raise


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
