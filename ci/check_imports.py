"""Fail when the modules of a source tree import each other in a cycle (``make lint``).

Every import counts, wherever it is written: at the top, inside a function (a lazy import) or
under ``if TYPE_CHECKING:``; a cycle hidden behind a lazy import is still two modules that
cannot be understood apart. ``from package import name`` is an edge to the submodule ``name``
when there is one, else to ``package``; importing ``a.b.c`` does not count as importing
``a.b`` (Python runs ``a/b/__init__`` first, but a package that re-exports its modules would
then be in a cycle with each of them).

Run: ``python ci/check_imports.py [TREE ...]`` (default: :data:`TREES`).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from check_sizes import TREES  # the same source trees

ROOT = Path(__file__).resolve().parent.parent


def modules(tree: Path) -> dict[str, Path]:
    """``dotted.name -> file`` for every module under ``tree`` (a package's is its ``__init__``)."""
    found = {}
    for path in sorted(tree.rglob("*.py")):
        parts = list(path.relative_to(tree).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ``known`` that the module ``name`` (at ``path``) imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    edges: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            edges.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                edges.add(submodule if submodule in known else base)
    return {edge for edge in edges if edge in known and edge != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of two or more modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph) + 100))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_through(graph, group) for group in groups]


def _path_through(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """A cycle ``[a, b, ..., a]`` inside ``group`` (breadth-first from its first module back to it)."""
    start, members = group[0], set(group)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & members):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if target not in previous:
                    previous[target] = node
                    following.append(target)
        frontier = following
    return group


def main(argv: list[str]) -> int:
    found = []
    for tree in [ROOT / t for t in (argv or TREES)]:
        known = modules(tree)
        graph = {name: imports(name, path, known) for name, path in known.items()}
        found += cycles(graph)
    for cycle in found:
        print("import cycle: " + " -> ".join(cycle))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
