"""What the demo and the default commands write stays out of git, and `make clean` removes it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# the default output of each command: train --model-dir, the demo, evaluate --report-dir, package --out
WRITTEN = ["models/tweetclf/1/saved_model.pb", "models/demo/1/saved_model.pb", "reports/evaluate-x-v1/a.png",
           "model.tar.gz"]  # fmt: skip


def test_default_outputs_are_ignored_by_git() -> None:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "check-ignore", "--no-index", *WRITTEN], capture_output=True, text=True
    )
    assert sorted(done.stdout.split()) == sorted(WRITTEN)


def test_make_clean_removes_them(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for name in [*WRITTEN, "models/keep-me-not-a-default/1/x", "notes.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    subprocess.run(["make", "-s", "clean"], cwd=tmp_path, check=True, capture_output=True)
    assert not any((tmp_path / name).exists() for name in WRITTEN)
    assert (tmp_path / "models/keep-me-not-a-default/1/x").exists()  # a user's own model base stays
    assert (tmp_path / "notes.txt").exists()


def test_setup_and_tox_are_quiet_unless_asked() -> None:
    def line_of(target: str, command: str, *args: str) -> str:
        done = subprocess.run(
            ["make", "-n", "-B", "-C", str(ROOT), *args, target], capture_output=True, text=True
        )
        return next(line for line in done.stdout.splitlines() if command in line)

    assert "--quiet" in line_of(".venv/.setup-done", "uv pip install")  # not hundreds of package lines
    assert "--quiet" not in line_of(".venv/.setup-done", "uv pip install", "V=1")
    assert "tox run -q" in line_of("test", "tox run")  # no freeze list of every env's packages
    assert "tox run -q" not in line_of("test", "tox run", "V=1")
