"""The one error a command's settings raise: :class:`ConfigError`.

A package with its own error types subclasses it beside its own base class (as
``sagemaker_launcher.ConfigError`` and ``tweet_classifier.ConfigError`` do), so one
``except ConfigError`` catches a bad setting from any of them, and :func:`~dataclass_flags.run_main`
always prints it as the user's mistake.
"""

from __future__ import annotations


class ConfigError(ValueError):
    """A flag or setting is missing or out of range; the message names it.

    >>> raise ConfigError("--threads must be >= 1, got 0")
    Traceback (most recent call last):
    ...
    dataclass_flags.errors.ConfigError: --threads must be >= 1, got 0
    """
