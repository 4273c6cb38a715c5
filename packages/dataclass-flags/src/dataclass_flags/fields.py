"""Flags from the fields of a typed dataclass: a flag, its help and its default are written once.

Example:

>>> import argparse
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
import types
import typing
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


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
    only: Collection[str] | None = None,
) -> None:
    """One flag per field of the dataclass ``cls``: ``--field-name`` unless ``metadata["flag"]``.

    Help comes from ``metadata["help"]``, choices from ``metadata["choices"]``, the default
    from the field; a field without a default is a required flag. Booleans take a value
    (``--flag true``) unless ``metadata["switch"]`` makes the bare flag flip the default.
    ``exclude`` leaves fields out; ``only`` names the fields to add (a command that takes some of
    a config's settings from its own flags).
    """
    target: Any = parser.add_argument_group(title) if title else parser
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        if field.name in exclude or not field.init or (only is not None and field.name not in only):
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
