"""dataclass_flags: a command's flags declared once, in the fields of a typed dataclass.

Public API::

    option(default, help="...", flag="--name", choices=(...), switch=True)   # a field with its flag
    add_config_options(parser, Config, title=None, exclude=(), only=None)    # one flag per field
    config_from_args(Config, args, **overrides) -> Config
    run_main(prog, parser, argv, user_errors=(), failures=None) -> exit status
    parse_bool("yes") -> True; installed_version("dataclass-flags") -> "0.1.0"
    EXIT_USAGE (2: a user mistake), EXIT_FAILED (1: a failure ``failures`` recognised)
    ConfigError   # a bad setting: every package's own ConfigError subclasses it; always exit 2
"""

from dataclass_flags.errors import ConfigError
from dataclass_flags.fields import add_config_options, config_from_args, option, parse_bool
from dataclass_flags.main import EXIT_FAILED, EXIT_USAGE, installed_version, run_main

__all__ = [
    "EXIT_FAILED",
    "EXIT_USAGE",
    "ConfigError",
    "add_config_options",
    "config_from_args",
    "installed_version",
    "option",
    "parse_bool",
    "run_main",
]
