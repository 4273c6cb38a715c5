"""The CLI toolkit: flags generated from typed configs, main's exit codes, resource names."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sagemaker_launcher import (
    EXIT_FAILED,
    EXIT_USAGE,
    ConfigError,
    JobFailedError,
    TrainSpec,
    add_config_options,
    config_from_args,
    run_main,
    unique_name,
)


@dataclass(frozen=True)
class Job:
    source: Path = field(metadata={"help": "where the code is"})
    size: int = field(default=1, metadata={"help": "machines (100% of them)"})
    rate: float = 0.5
    kind: str = field(default="a", metadata={"choices": ("a", "b")})
    fine_tune: bool = False
    spot: bool = field(default=False, metadata={"switch": True})
    wait: bool = field(default=True, metadata={"switch": True, "flag": "--no-wait"})
    wait_s: int | None = field(default=None, metadata={"flag": "--max-wait"})


def parser_for(cls: type, **kwargs) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="t")
    add_config_options(parser, cls, **kwargs)
    return parser


def test_flags_carry_types_defaults_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = parser_for(Job)
    args = ["--source", "code", "--size", "3", "--rate", "0.1", "--kind", "b", "--fine-tune", "yes"]
    job = config_from_args(Job, parser.parse_args([*args, "--spot", "--no-wait", "--max-wait", "60"]))
    assert job == Job(Path("code"), 3, 0.1, "b", True, True, False, 60)
    assert config_from_args(Job, parser.parse_args(["--source", "x"])) == Job(Path("x"))
    assert config_from_args(Job, parser.parse_args(["--source", "x"]), size=7).size == 7
    with pytest.raises(SystemExit):
        parser.parse_args(["--kind", "c", "--source", "x"])
    with pytest.raises(SystemExit):
        parser.parse_args([])  # --source is required: it has no default
    parser.print_help()
    text = " ".join(capsys.readouterr().out.split())
    assert "where the code is (required)" in text
    assert "machines (100% of them) (default: 1)" in text
    assert "--max-wait MAX_WAIT" in text and "(default: none)" in text


def test_excluded_and_unsupported_fields() -> None:
    @dataclass
    class Odd:
        pairs: dict[str, str] = field(default_factory=dict)
        name: str = "n"

    with pytest.raises(TypeError, match="field pairs"):
        parser_for(Odd)
    args = parser_for(Odd, exclude=("pairs",)).parse_args(["--name", "m"])
    assert config_from_args(Odd, args) == Odd({}, "m")


def test_train_spec_flags_keep_their_names() -> None:
    parser = parser_for(TrainSpec, exclude=("channels", "hyperparameters"))
    args = parser.parse_args(
        ["--source-dir", "c", "--entry-script", "e.py", "--output", "s3://b/o", "--max-runtime", "60"]
    )
    spec = config_from_args(TrainSpec, args, channels={}, hyperparameters={})
    assert (spec.output_path, spec.max_runtime_s, spec.base_job_name) == ("s3://b/o", 60, "training")


@pytest.mark.parametrize(
    ("raised", "code", "line"),
    [
        (ConfigError("no region"), EXIT_USAGE, "t: error: no region"),
        (JobFailedError("job x Failed: OOM"), EXIT_FAILED, "t: job x Failed: OOM"),
        (KeyError("mine"), EXIT_USAGE, "t: error: 'mine'"),
        (KeyboardInterrupt(), 130, "t: interrupted"),
    ],
)
def test_main_turns_errors_into_one_line(
    raised: BaseException, code: int, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def handler(_args: argparse.Namespace) -> int:
        raise raised

    parser = argparse.ArgumentParser(prog="t")
    parser.set_defaults(handler=handler)
    assert run_main("t", parser, [], user_errors=(KeyError,)) == code
    assert capsys.readouterr().err.strip() == line


def test_main_keeps_the_traceback_of_a_bug(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="t")
    parser.set_defaults(handler=lambda _args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run_main("t", parser, [])
    empty = argparse.ArgumentParser(prog="t")
    assert run_main("t", empty, []) == EXIT_USAGE  # no command: the help
    assert "usage: t" in capsys.readouterr().out


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


def test_user_errors_may_be_looked_up_only_when_needed(capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[int] = []

    def mistakes() -> tuple[type[BaseException], ...]:
        calls.append(1)
        return (KeyError,)

    parser = argparse.ArgumentParser(prog="t")
    parser.set_defaults(handler=lambda _args: 0)
    assert run_main("t", parser, [], user_errors=mistakes) == 0 and calls == []
    parser.set_defaults(handler=lambda _args: {}["k"])
    assert run_main("t", parser, [], user_errors=mistakes) == EXIT_USAGE and calls == [1]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from sagemaker_launcher.cli import main

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and re.fullmatch(r"sagemaker-launch \d+\.\d+\.\d+\n", capsys.readouterr().out)
