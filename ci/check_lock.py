"""Fail when uv.lock no longer matches the pyproject files, or ci/constraints.txt no longer matches uv.lock.

``make setup`` installs from uv.lock and every tox env that tests our packages installs under
ci/constraints.txt (uv.lock exported as pins), so both must follow the pyproject files.
Fix either with ``make lock``. Run: ``python ci/check_lock.py`` (needs ``uv`` and the package index).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "ci" / "constraints.txt"
EXPORT = (
    "export",
    "--frozen",
    "--all-packages",
    "--all-extras",
    "--no-emit-workspace",
    "--no-hashes",
    "--no-annotate",
    "--no-header",
)


def pins(text: str) -> list[str]:
    """The requirement lines of a constraints file (comments and blank lines dropped)."""
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def main() -> int:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    checked = subprocess.run([uv, "lock", "--check"], cwd=ROOT, capture_output=True, text=True)
    if checked.returncode != 0:
        print(f"uv.lock does not match the pyproject files: run make lock\n{checked.stderr.strip()}")
        return 1
    exported = subprocess.run([uv, *EXPORT], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    if pins(exported) != pins(CONSTRAINTS.read_text(encoding="utf-8")):
        print("ci/constraints.txt does not match uv.lock: run make lock")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
