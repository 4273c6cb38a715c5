"""Files written whole or not at all: through a temporary name beside the target, then renamed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """``write(tmp)`` then rename ``tmp`` to ``path``; a failure leaves ``path`` as it was.

    The temporary name keeps ``path``'s suffixes (``np.save`` and Keras go by them) and the
    file gets the usual permissions (a server run as another user can read a config).

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "a.config"
    >>> write_atomically(target, lambda tmp: tmp.write_text("x"))
    >>> target.read_text(), sorted(p.name for p in target.parent.iterdir())
    ('x', ['a.config'])
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
