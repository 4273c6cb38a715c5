"""Fail when a committed notebook carries outputs; ``--strip`` removes them in place.

Run: ``python ci/check_notebooks.py [--strip] [PATH ...]`` (default: every ``*.ipynb`` in the
repository, outside virtualenvs and tox envs). Notebooks are plain JSON; no Jupyter needed.
Outputs hold figures, account ids, bucket names and timings: they belong in nobody's git history.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", ".tox", ".git", "node_modules", ".ipynb_checkpoints"}


def notebooks(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        else:
            found += [p for p in sorted(path.rglob("*.ipynb")) if not SKIP & set(p.relative_to(path).parts)]
    return found


def problems(notebook: dict[str, Any]) -> list[int]:
    """The numbers (from 1) of the cells that hold outputs or an execution count."""
    return [
        number
        for number, cell in enumerate(notebook.get("cells", []), start=1)
        if cell.get("outputs") or cell.get("execution_count") is not None
    ]


def strip(notebook: dict[str, Any]) -> dict[str, Any]:
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT])
    parser.add_argument("--strip", action="store_true", help="remove outputs and execution counts in place")
    args = parser.parse_args(argv)
    failed = 0
    for path in notebooks(args.paths):
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            print(f"{path}: not a readable notebook ({err})", file=sys.stderr)
            failed += 1
            continue
        found = problems(notebook)
        if found and args.strip:
            temporary = path.with_name(f".{path.name}.tmp")
            temporary.write_text(json.dumps(strip(notebook), indent=1, ensure_ascii=False) + "\n", "utf-8")
            temporary.replace(path)
            print(f"{path}: stripped {len(found)} cell(s)")
        elif found:
            cells = ", ".join(map(str, found))
            print(
                f"{path}: cells {cells} hold outputs; strip them: python ci/check_notebooks.py --strip {path}"
            )
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
