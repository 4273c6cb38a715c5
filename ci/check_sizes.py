"""Fail when a module of the product is over 300 lines or a function over 60 (the style rule).

Run: ``python ci/check_sizes.py`` (checks every source tree, :data:`TREES`). Declarative
tables (a function that only builds one literal, such as the OpenAPI document) are exempt by
name in :data:`TABLES`.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
TREES = (
    "integration/src",
    "packages/dataclass-flags/src",
    "packages/glove-lookup/src",
    "packages/ngram-tfidf/src",
    "packages/rebalance/src",
    "packages/sagemaker-launcher/src",
)
TABLES = {("tweet_classifier/server/openapi.py", "openapi_document")}  # one dict literal


def problems(path: Path, src: Path) -> list[str]:
    """``path:line: what`` for each rule ``path`` breaks (``src``: its tree, for the exemptions)."""
    text = path.read_text(encoding="utf-8")
    relative = path.relative_to(src).as_posix()
    found = []
    lines = len(text.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{path.relative_to(ROOT)}:1: module has {lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES and (relative, node.name) not in TABLES:
                found.append(
                    f"{path.relative_to(ROOT)}:{node.lineno}: {node.name}() has {length} lines"
                    f" (at most {MAX_FUNCTION_LINES})"
                )
    return found


def main() -> int:
    trees = [ROOT / tree for tree in TREES]
    found = [line for src in trees for path in sorted(src.rglob("*.py")) for line in problems(path, src)]
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
