"""Flags generated from typed dataclass fields: types, defaults, help, switches, choices."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dataclass_flags import add_config_options, config_from_args, option, parse_bool


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


def test_only_adds_the_named_fields_and_the_rest_keep_their_defaults() -> None:
    parser = parser_for(Job, only=("source", "spot"))
    with pytest.raises(SystemExit):
        parser.parse_args(["--source", "x", "--size", "2"])  # --size was not added
    assert config_from_args(Job, parser.parse_args(["--source", "x", "--spot"])) == Job(Path("x"), spot=True)


def test_option_is_a_field_with_the_flags_metadata() -> None:
    @dataclass(frozen=True)
    class Serve:
        name: str = option(help="the model's name")
        port: int = option(8501, flag="--rest-port", help="the port")

    args = parser_for(Serve).parse_args(["--rest-port", "1", "--name", "m"])
    assert config_from_args(Serve, args) == Serve("m", 1)


@pytest.mark.parametrize("text", ["yes", "True", " on ", "1"])
def test_parse_bool_reads_true(text: str) -> None:
    assert parse_bool(text) is True


def test_parse_bool_refuses_anything_else() -> None:
    assert parse_bool("off") is False
    with pytest.raises(argparse.ArgumentTypeError, match="expected true/false, got 'maybe'"):
        parse_bool("maybe")
