"""The launcher's command-line pieces: its shared flags, failures as one line, resource names."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataclass_flags import EXIT_FAILED, EXIT_USAGE, add_config_options, config_from_args
from dataclass_flags import run_main as generic_main
from sagemaker_launcher import (
    ConfigError,
    JobFailedError,
    LauncherError,
    ServingCompute,
    TrainSpec,
    Waiting,
    failure_line,
    unique_name,
)


def run_main(prog: str, parser: argparse.ArgumentParser, argv: list[str], **kwargs) -> int:
    """main() as the launcher's commands run it."""
    return generic_main(
        prog, parser, argv, user_errors=(LauncherError, *kwargs.pop("user_errors", ())), failures=failure_line
    )


def parser_for(cls: type, **kwargs) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="t")
    add_config_options(parser, cls, **kwargs)
    return parser


def test_train_spec_flags_keep_their_names() -> None:
    parser = parser_for(TrainSpec, exclude=("channels", "hyperparameters"))
    args = parser.parse_args(
        ["--source-dir", "c", "--entry-script", "e.py", "--output", "s3://b/o", "--max-runtime", "60"]
    )
    spec = config_from_args(TrainSpec, args, channels={}, hyperparameters={})
    assert (spec.output_path, spec.max_runtime_s, spec.base_job_name) == ("s3://b/o", 60, "training")


def raising(err: BaseException) -> Callable[[argparse.Namespace], int]:
    """A command handler that raises ``err``."""

    def handler(_args: argparse.Namespace) -> int:
        raise err

    return handler


def test_a_bad_setting_and_a_failed_job_are_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    """The launcher's two kinds of error under run_main: the user's (exit 2) and the job's (exit 1)."""
    outcomes = {}
    for raised in (ConfigError("no region"), JobFailedError("job x Failed: OOM")):
        parser = argparse.ArgumentParser(prog="t")
        parser.set_defaults(handler=raising(raised))
        outcomes[type(raised).__name__] = (run_main("t", parser, []), capsys.readouterr().err.strip())
    assert outcomes == {
        "ConfigError": (EXIT_USAGE, "t: error: no region"),
        "JobFailedError": (EXIT_FAILED, "t: job x Failed: OOM"),
    }


@given(st.text(max_size=100), st.floats(0, 4e9, allow_nan=False))
def test_unique_names_are_valid_sagemaker_names(prefix: str, when: float) -> None:
    name = unique_name(prefix, when=when)
    assert re.fullmatch(r"[A-Za-z0-9](-*[A-Za-z0-9])*", name) and len(name) <= 63
    assert unique_name(prefix, when=when + 0.002) != name  # a millisecond apart is enough


def test_an_aws_error_is_one_line_naming_the_call_and_the_resource(
    aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import boto3

    def handler(args: argparse.Namespace) -> int:  # a real ClientError from (moto's) AWS
        boto3.client("sagemaker").describe_endpoint(EndpointName=args.endpoint)
        return 0

    parser = argparse.ArgumentParser(prog="t")
    parser.add_argument("--endpoint")
    parser.set_defaults(handler=handler)
    assert run_main("t", parser, ["--endpoint", "nowhere"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("t: AWS DescribeEndpoint failed for endpoint nowhere: ValidationException: ")


def test_an_unreachable_aws_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    closed = "http://127.0.0.1:9"  # discard port: nothing listens

    def handler(_args: argparse.Namespace) -> int:
        client = boto3.client("s3", region_name="us-east-1", endpoint_url=closed)
        client.meta.events.register("needs-retry", lambda **_: None)
        client.list_buckets()
        return 0

    parser = argparse.ArgumentParser(prog="t")
    parser.set_defaults(handler=handler)
    assert run_main("t", parser, []) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("t: AWS call failed: Could not connect") and err.count("\n") == 1


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from sagemaker_launcher.cli import main

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and re.fullmatch(r"sagemaker-launch \d+\.\d+\.\d+\n", capsys.readouterr().out)


def test_serving_compute_and_waiting_flags() -> None:
    parser = parser_for(ServingCompute)
    add_config_options(parser, Waiting)
    args = parser.parse_args(["--instance-type", "ml.c5.xlarge", "--no-wait", "--poll", "5"])
    assert config_from_args(ServingCompute, args) == ServingCompute(instance_type="ml.c5.xlarge")
    assert config_from_args(Waiting, args) == Waiting(wait=False, poll_s=5.0)
    with pytest.raises(ConfigError, match="--instance-count must be >= 1, got 0"):
        config_from_args(ServingCompute, parser.parse_args(["--instance-count", "0"]))
    with pytest.raises(ConfigError, match=r"--poll must be > 0 seconds, got 0\.0"):
        config_from_args(Waiting, parser.parse_args(["--poll", "0"]))


def test_an_unknown_training_image_is_refused_by_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    parser = parser_for(TrainSpec, exclude=("channels", "hyperparameters"))
    with pytest.raises(SystemExit):
        parser.parse_args(
            ["--source-dir", "c", "--entry-script", "e", "--output", "s3://b/o", "--framework-version", "1.0"]
        )
    assert "invalid choice: '1.0'" in capsys.readouterr().err
