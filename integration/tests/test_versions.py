"""Atomic versioned export: numbering, no half-written version, even after kill -9."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tweet_classifier import ModelDirError
from tweet_classifier.artifacts.versions import (
    TMP_PREFIX,
    check_model_base,
    complete_versions,
    is_complete,
    numeric_versions,
    resolve_version,
    write_version,
)


def fake_build(directory: Path) -> None:
    (directory / "saved_model.pb").write_bytes(b"graph")
    (directory / "variables").mkdir()
    (directory / "variables" / "variables.index").write_bytes(b"index")
    (directory / "variables" / "variables.data-00000-of-00001").write_bytes(b"data")


def test_versions_count_up_and_resolve_to_the_highest(tmp_path: Path) -> None:
    base = tmp_path / "m"
    assert write_version(base, fake_build) == base / "1"
    assert write_version(base, fake_build) == base / "2"
    (base / "7").mkdir()  # a number without a model is skipped when resolving...
    assert write_version(base, fake_build) == base / "8"  # ...but never reused
    assert numeric_versions(base) == [1, 2, 7, 8]
    assert resolve_version(base) == base / "8"
    assert resolve_version(base / "2") == base / "2"
    (base / "9").mkdir()
    (base / "9" / "saved_model.pb").write_bytes(b"graph")  # half-copied: no variables index
    assert complete_versions(base) == [1, 2, 8]
    assert resolve_version(base) == base / "8"  # the highest complete one
    with pytest.raises(ModelDirError, match=r"9: incomplete version \(variables missing or unreadable\)"):
        resolve_version(base / "9")


def test_a_version_needs_every_variables_shard(tmp_path: Path) -> None:
    base = tmp_path / "m"
    write_version(base, fake_build)
    cut = base / "2"  # copied up to the index: the data shard never arrived
    cut.mkdir()
    fake_build(cut)
    (cut / "variables" / "variables.data-00000-of-00001").unlink()
    assert complete_versions(base) == [1] and resolve_version(base) == base / "1"
    (cut / "variables" / "variables.data-00000-of-00002").write_bytes(b"one of two")
    assert not is_complete(cut)  # two shards promised, one present
    (cut / "variables" / "variables.data-00001-of-00002").write_bytes(b"two of two")
    assert is_complete(cut) and resolve_version(base) == base / "2"


def test_a_version_is_readable_by_other_users(tmp_path: Path) -> None:
    """TF Serving may run as another user: directories 0755, files 0644, whatever the umask."""
    old_umask = os.umask(0o077)
    try:
        version = write_version(tmp_path / "m", fake_build)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(version.stat().st_mode) == 0o755
    inside = list(version.rglob("*"))
    assert any(p.is_file() for p in inside) and any(p.is_dir() for p in inside)
    for path in inside:
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path


def test_an_export_that_writes_no_model_is_not_numbered(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="no complete SavedModel"):
        write_version(tmp_path / "m", lambda d: (d / "saved_model.pb").write_bytes(b"graph"))
    assert list((tmp_path / "m").iterdir()) == []


def test_failed_build_leaves_nothing(tmp_path: Path) -> None:
    def broken(directory: Path) -> None:
        (directory / "saved_model.pb").write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_version(tmp_path / "m", broken)
    assert list((tmp_path / "m").iterdir()) == []


def test_non_model_directories_are_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ModelDirError, match=r"not a model directory \(it holds notes\.txt\)"):
        check_model_base(tmp_path)
    with pytest.raises(ModelDirError, match="is not a directory"):
        check_model_base(tmp_path / "notes.txt")
    with pytest.raises(ModelDirError, match="no SavedModel"):
        resolve_version(tmp_path)


def test_kill_9_during_export_leaves_no_version(tmp_path: Path) -> None:
    base = tmp_path / "m"
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from tweet_classifier.artifacts.versions import write_version
        def slow(d):
            (d / "saved_model.pb").write_bytes(b"x" * 1000)
            (d / "started").touch()
            time.sleep(60)
        write_version(Path({str(base)!r}), slow)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.time() + 60
        while not list(base.glob(f"{TMP_PREFIX}*/started")):
            assert time.time() < deadline and proc.poll() is None, "the export never started"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert numeric_versions(base) == []  # TF Serving sees nothing to load
    assert [p.name.startswith(TMP_PREFIX) for p in base.iterdir()] == [True]
    assert write_version(base, fake_build) == base / "1"  # the next export works...
    assert [p.name for p in base.iterdir()] == ["1"]  # ...and clears the dead process's leftovers
