"""The lint checks themselves find what they look for (``make lint`` runs these with pytest)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import check_imports
import check_sizes


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def graph_of(tree: Path) -> dict[str, set[str]]:
    known = check_imports.modules(tree)
    return {name: check_imports.imports(name, path, known) for name, path in known.items()}


CYCLE = {  # a cycle through a lazy import one way and a TYPE_CHECKING import the other
    "pkg/__init__.py": "from pkg.a import A\n",
    "pkg/a.py": "def f():\n    from pkg import b\n",
    "pkg/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import f\n",
    "pkg/c.py": "import pkg.a\n",
}
RE_EXPORTS = {  # a package that re-exports its modules is in no cycle with them
    "pkg/__init__.py": "from pkg.a import A\nfrom pkg.b import B\n",
    "pkg/a.py": "A = 1\n",
    "pkg/b.py": "from pkg.a import A\nB = A\n",
}


@pytest.mark.parametrize(("files", "expected"), [(CYCLE, [["pkg.a", "pkg.b", "pkg.a"]]), (RE_EXPORTS, [])])
def test_cycles_are_found_through_every_kind_of_import(
    tmp_path: Path, files: dict[str, str], expected: list[list[str]]
) -> None:
    assert check_imports.cycles(graph_of(write(tmp_path, files))) == expected


def test_the_repository_has_no_import_cycle() -> None:
    assert check_imports.main([]) == 0


def test_sizes_flag_long_modules_and_functions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    long_function = "def f():\n" + "    x = 1\n" * 61
    path = write(tmp_path, {"m.py": long_function + "\n" * 250}) / "m.py"
    monkeypatch.setattr(check_sizes, "ROOT", tmp_path)  # the messages name paths relative to it
    found = check_sizes.problems(path, tmp_path)
    assert [line.split(": ", 1)[1] for line in found] == [
        "module has 312 lines (at most 300)",
        "f() has 62 lines (at most 60)",
    ]
