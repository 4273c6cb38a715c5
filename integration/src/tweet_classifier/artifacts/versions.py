"""Versioned model directories as TF Serving reads them: ``<base>/<N>/saved_model.pb``.

:func:`is_complete` is the one definition of a version that can be loaded; ``tweetclf``
(:func:`resolve_version`), the export (:func:`write_version`) and the server's store
(:func:`complete_versions`) all use it. A version is built in a hidden temporary directory
inside the base (same filesystem) and renamed into place, so a crash or ``kill -9`` never
leaves a numeric directory that TF Serving would try to load.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tweet_classifier.errors import ModelDirError

TMP_PREFIX = ".tmp-export-"
MODEL_FILES = ("saved_model.pb", "saved_model.pbtxt")
VARIABLES_INDEX = Path("variables") / "variables.index"
METADATA_FILE = Path("assets.extra") / "tweetclf.json"  # threshold, config, sizes: beside the SavedModel


def is_complete(version_dir: Path) -> bool:
    """Whether ``version_dir`` holds what loading needs, readable: the graph, the variables' index
    and every data shard the shard names promise (``variables.data-00000-of-00002`` -> 2).

    A copy or an export cut short lacks one of them; such a directory is never served.
    """
    graphs = [version_dir / name for name in MODEL_FILES if (version_dir / name).is_file()]
    index = version_dir / VARIABLES_INDEX
    if not graphs or not index.is_file():
        return False
    shards = sorted(index.parent.glob("variables.data-*-of-*"))
    promised = {int(p.name.rsplit("-of-", 1)[1]) for p in shards if p.name.rsplit("-of-", 1)[1].isdigit()}
    if not shards or len(promised) != 1 or len(shards) != promised.pop():
        return False
    return all(os.access(p, os.R_OK) for p in (graphs[0], index, *shards))


def read_metadata(version_dir: Path) -> dict[str, Any]:
    """The version's ``assets.extra/tweetclf.json`` (``{}`` for a SavedModel exported elsewhere)."""
    path = version_dir / METADATA_FILE
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def writer_tensorflow(metadata: dict[str, Any]) -> str | None:
    """The TensorFlow version that wrote an export, from its metadata (``None``: not recorded).

    >>> writer_tensorflow({"written_by": {"tensorflow": "2.21.0"}}), writer_tensorflow({})
    ('2.21.0', None)
    """
    writer = metadata.get("written_by")
    tensorflow = writer.get("tensorflow") if isinstance(writer, dict) else None
    return str(tensorflow) if tensorflow else None


def numeric_versions(base: Path) -> list[int]:
    """Every numeric directory under ``base``, complete or not, ascending (numbers are never reused)."""
    if not base.is_dir():
        return []
    return sorted(int(p.name) for p in base.iterdir() if p.is_dir() and p.name.isdigit())


def complete_versions(base: Path) -> list[int]:
    """The numeric versions under ``base`` that :func:`is_complete`, ascending."""
    return [v for v in numeric_versions(base) if is_complete(base / str(v))]


def check_model_base(base: Path) -> None:
    """``base`` must be absent, empty, or hold only version dirs (and our temp dirs)."""
    if not base.exists():
        return
    if not base.is_dir():
        raise ModelDirError(f"{base}: exists and is not a directory; give a model directory")
    strangers = sorted(
        p.name
        for p in base.iterdir()
        if not (p.is_dir() and (p.name.isdigit() or p.name.startswith(TMP_PREFIX)))
    )
    if strangers:
        shown = ", ".join(strangers[:3]) + (" ..." if len(strangers) > 3 else "")
        raise ModelDirError(
            f"{base}: not a model directory (it holds {shown}); "
            "give a new or empty directory, or a model base"
        )


def resolve_version(path: str | Path) -> Path:
    """A complete version dir as given, or the highest complete version of a model base."""
    path = Path(path)
    if is_complete(path):
        return path
    if not path.exists():
        raise ModelDirError(f"{path}: no such model directory")
    if any((path / name).is_file() for name in MODEL_FILES):
        raise ModelDirError(
            f"{path}: incomplete version (variables missing or unreadable); copied or exported in part?"
        )
    versions = complete_versions(path)
    if not versions:
        raise ModelDirError(
            f"{path}: no SavedModel here and no numeric version directory holding a complete one"
        )
    return path / str(versions[-1])


def _remove_stale_temps(base: Path) -> None:
    for entry in base.glob(TMP_PREFIX + "*"):
        pid = entry.name[len(TMP_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_version(base: Path, build: Callable[[Path], None]) -> Path:
    """Call ``build(tmp_dir)``, then rename ``tmp_dir`` to ``base/<highest + 1>``; returns the version dir."""
    check_model_base(base)
    base.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(base)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=base))
    try:
        build(tmp)
        if not is_complete(tmp):
            raise RuntimeError(f"the export into {tmp} wrote no complete SavedModel")
        _share_and_sync(tmp)
        version = max(numeric_versions(base), default=0) + 1
        while True:
            target = base / str(version)
            try:
                tmp.rename(target)  # atomic on one filesystem; fails if target is non-empty
                break
            except OSError:
                if not target.exists():
                    raise
                version += 1  # another export took this number meanwhile
        with contextlib.suppress(OSError):
            fd = os.open(base, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
        return target
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _share_and_sync(root: Path) -> None:
    """Directories 0755 and files 0644 (``mkdtemp`` makes 0700: a TF Serving running as another
    user could not read the version), every file flushed to disk."""
    root.chmod(0o755)
    for path in root.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)
        elif path.is_file():
            path.chmod(0o644)
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
