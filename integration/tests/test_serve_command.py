"""`tweetclf serve` as a user starts it: --model takes a base or a version dir, --port 0, a busy
port, waiting for a first version, one log format. Real server processes on free ports."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import tweetclf

LOGGED = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [\w.]+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")


def launch(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], Path, int]:
    """Start serve with --port 0 (and --no-model-warmup: test_warmup.py tests the replay);
    the process, its log and the port it printed."""
    log = tmp_path / f"serve-{time.monotonic_ns()}.log"
    proc = subprocess.Popen(
        [*tweetclf(), "serve", "--port", "0", "--poll-interval", "0.2", "--no-model-warmup", *args],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        assert proc.poll() is None, log.read_text()
        found = re.search(r"on http://127\.0\.0\.1:(\d+) ", log.read_text())
        if found:
            return proc, log, int(found.group(1))
        time.sleep(0.1)
    proc.kill()
    raise AssertionError(log.read_text())


def get(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return err.code


def wait_for(port: int, path: str, code: int, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if get(port, path) == code:
                return
        except OSError:  # refused, reset, or no answer yet while the model loads and warms (URLError too)
            pass
        time.sleep(0.2)
    raise AssertionError(f"{path} never answered {code}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


def test_a_version_dir_is_served_alone_on_the_port_printed(trained, tmp_path: Path) -> None:
    result, _ = trained
    base = tmp_path / "tweetclf"
    for version in ("1", "2"):
        shutil.copytree(result.version_dir, base / version)
    proc, log, port = launch(tmp_path, "--model", str(base / "1"))
    try:
        assert port != 0 and f"serving version 1 of {base}" in log.read_text()
        wait_for(port, "/ping", 200)
        assert get(port, "/v1/models/tweetclf/versions/1") == 200
        assert get(port, "/v1/models/tweetclf/versions/2") == 404  # only the version dir given
    finally:
        stop(proc)
    lines = log.read_text().splitlines()
    logged = [line for line in lines if "uvicorn" in line or "tweetclf.serve" in line]
    assert any("uvicorn" in line for line in logged) and any("tweetclf.serve" in line for line in logged)
    assert [line for line in logged if not LOGGED.match(line)] == []  # one format for both


def test_an_empty_base_says_what_it_waits_for(trained, tmp_path: Path) -> None:
    result, _ = trained
    base = tmp_path / "tweetclf"
    base.mkdir()
    proc, log, port = launch(tmp_path, "--model", str(base))
    try:
        wait_for(port, "/ping", 503)
        assert (
            f"waiting for a complete version in {base}: a folder <N>/ with saved_model.pb" in log.read_text()
        )
        shutil.copytree(result.version_dir, base / ".incoming")
        (base / ".incoming").rename(base / "1")
        wait_for(port, "/ping", 200, seconds=60)
    finally:
        stop(proc)


@pytest.mark.parametrize("flag", ["--port", "--grpc-port"])
def test_a_busy_or_impossible_port_is_one_line_before_any_model_loads(tmp_path: Path, flag: str) -> None:
    (tmp_path / "base").mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ports = ["--port", str(port)] if flag == "--port" else ["--port", "0", "--grpc-port", str(port)]
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", "import sys; from tweet_classifier.cli import main; "
             "code = main(sys.argv[1:]); print('tensorflow' in sys.modules, file=sys.stderr); sys.exit(code)",
             "serve", "--model", str(tmp_path / "base"), *ports],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 2
    line, started_tf = done.stderr.splitlines()
    assert line == f"tweetclf: error: port {port} on 127.0.0.1 is already in use; pick another with {flag}"
    assert started_tf == "False" and time.monotonic() - started < 30
    for bad in ("99999", "-1", "http"):
        refused = subprocess.run(
            [*tweetclf(), "serve", "--model", str(tmp_path / "base"), flag, bad],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert refused.returncode == 2 and f"argument {flag}: " in refused.stderr, refused.stderr


def test_serve_help_names_model() -> None:
    done = subprocess.run([*tweetclf(), "serve", "--help"], capture_output=True, text=True, timeout=60)
    assert "--model MODEL" in done.stdout and "--port PORT" in done.stdout
