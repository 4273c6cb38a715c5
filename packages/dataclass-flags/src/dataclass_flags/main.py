"""``main()`` for a command line: the handler's exit status, a user's mistake as one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from dataclass_flags.errors import ConfigError

EXIT_USAGE = 2  # a user mistake: one line on stderr
EXIT_FAILED = 1  # a failure the command recognised (a job that failed, a remote service's error)

ErrorTypes = tuple[type[BaseException], ...]


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


def run_main(
    prog: str,
    parser: argparse.ArgumentParser,
    argv: Sequence[str] | None,
    *,
    user_errors: ErrorTypes | Callable[[], ErrorTypes] = (),
    failures: Callable[[BaseException, argparse.Namespace], str | None] | None = None,
    interrupted: str = "interrupted",
) -> int:
    """Parse ``argv`` and call ``args.handler(args)``; the exit status.

    No command: the help, exit 2. An error for which ``failures(err, args)`` returns a line:
    that line, exit 1. A :class:`ConfigError` or one of ``user_errors``: ``prog: error: <message>``,
    exit 2. Ctrl-C: exit
    130. Anything else is a bug and keeps its traceback. ``user_errors`` may be a function,
    called only when something was raised (so that the libraries it names load only then).

    >>> parser = argparse.ArgumentParser(prog="demo")
    >>> parser.set_defaults(handler=lambda args: int("x"))
    >>> run_main("demo", parser, [], user_errors=(ValueError,))
    2
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
    except Exception as err:
        line = failures(err, args) if failures is not None else None
        if line is not None:
            print(f"{prog}: {line}", file=sys.stderr)
            return EXIT_FAILED
        mistakes = user_errors() if callable(user_errors) else user_errors
        if isinstance(err, (ConfigError, *mistakes)):
            print(f"{prog}: error: {err}", file=sys.stderr)
            return EXIT_USAGE
        raise
