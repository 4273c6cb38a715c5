"""run_main: a handler's status, a user's mistake and a recognised failure as one line, a bug's traceback."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from dataclass_flags import EXIT_FAILED, EXIT_USAGE, ConfigError, installed_version, run_main


class FailedError(Exception):
    pass


def failures(err: BaseException, args: argparse.Namespace) -> str | None:
    return f"{err} (run {args.run})" if isinstance(err, FailedError) else None


@pytest.mark.parametrize(
    ("raised", "code", "line"),
    [
        (KeyError("mine"), EXIT_USAGE, "t: error: 'mine'"),
        (ConfigError("--size must be >= 1"), EXIT_USAGE, "t: error: --size must be >= 1"),
        (FailedError("job x failed"), EXIT_FAILED, "t: job x failed (run 7)"),
        (KeyboardInterrupt(), 130, "t: interrupted"),
    ],
)
def test_errors_become_one_line(
    raised: BaseException, code: int, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def handler(_args: argparse.Namespace) -> int:
        raise raised

    parser = argparse.ArgumentParser(prog="t")
    parser.add_argument("--run", default="7")
    parser.set_defaults(handler=handler)
    assert run_main("t", parser, [], user_errors=(KeyError,), failures=failures) == code
    assert capsys.readouterr().err.strip() == line


def test_the_handlers_status_is_the_exit_status() -> None:
    parser = argparse.ArgumentParser(prog="t")
    parser.set_defaults(handler=lambda _args: 3)
    assert run_main("t", parser, []) == 3


def test_a_bug_keeps_its_traceback_and_no_command_prints_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="t")
    parser.set_defaults(handler=lambda _args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run_main("t", parser, [], user_errors=(KeyError,), failures=failures)
    assert run_main("t", argparse.ArgumentParser(prog="t"), []) == EXIT_USAGE
    assert "usage: t" in capsys.readouterr().out


def test_user_errors_are_looked_up_only_when_something_was_raised() -> None:
    calls: list[int] = []

    def mistakes() -> tuple[type[BaseException], ...]:
        calls.append(1)
        return (KeyError,)

    parser = argparse.ArgumentParser(prog="t")
    parser.set_defaults(handler=lambda _args: 0)
    assert run_main("t", parser, [], user_errors=mistakes) == 0 and calls == []
    parser.set_defaults(handler=lambda _args: {}["k"])
    assert run_main("t", parser, [], user_errors=mistakes) == EXIT_USAGE and calls == [1]


def test_installed_version() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", installed_version("dataclass-flags"))
    assert installed_version("no-such-distribution-here") == "unknown"


def test_importing_it_loads_nothing_outside_the_standard_library() -> None:
    heavy = "{'numpy', 'pandas', 'botocore', 'tensorflow'}"
    code = f"import sys, dataclass_flags; print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
