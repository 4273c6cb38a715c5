"""The first call of each signature after `tweetclf serve` reports AVAILABLE, beside its warm median.

Run: .venv/bin/python bench/first_call.py [--warm-calls 10]  (make bench). Uses bench/serve.py's
model (trained once on Kaggle's train.csv, or the sample, into bench/.cache), served twice in
the same run: as exported (with TF Serving's warmup file, assets.extra/tf_serving_warmup_requests)
and with that file removed (what every export was before it had one). Each time: start, wait
for AVAILABLE, time the first call of every (signature, batch) once, then its warm median; then
copy the version in as N+1 (a hot reload), wait until N+1 is AVAILABLE, and time the first calls
again. Target (issue 27): first call <= 3x the warm median, or <= 250 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from common import table
from serve import model_base, post_predict, start, tweets

from tweet_classifier.artifacts.warmup import WARMUP_FILE

CALLS = (("serving_default", 1), ("serving_default", 64), ("explain", 1), ("explain", 16), ("oov_share", 1))


def call(port: int, signature: str, texts: list[str], version: int | None = None) -> float:
    """Seconds for one REST predict of ``signature`` on ``texts`` (a 200 is required)."""
    status, seconds = post_predict(port, signature, texts, version)
    if status != 200:
        raise SystemExit(f"{signature} x {len(texts)}: HTTP {status}")
    return seconds


def wait_available(port: int, version: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/v1/models/tweetclf")
        status = json.loads(conn.getresponse().read() or b"{}")
        if any(
            s["version"] == str(version) and s["state"] == "AVAILABLE"
            for s in status.get("model_version_status", [])
        ):
            return
        time.sleep(0.05)
    raise SystemExit(f"version {version} never became AVAILABLE")


def first_calls(port: int, texts: list[str], version: int) -> dict[tuple[str, int], float]:
    return {(sig, n): call(port, sig, texts[:n], version) for sig, n in CALLS}


def served_run(version_dir: Path, texts: list[str], warm_calls: int, warmup: bool) -> list[tuple[str, ...]]:
    """Rows: (signature x batch, first after start, warm median, ratio, first after reload, ratio)."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "tweetclf"
        shutil.copytree(version_dir, base / "1")
        if not warmup:
            (base / "1" / WARMUP_FILE).unlink()
        proc, port = start(base, "--poll-interval", "0.2")
        try:
            wait_available(port, 1)
            after_start = first_calls(port, texts, 1)
            warm = {
                (sig, n): float(np.median([call(port, sig, texts[:n], 1) for _ in range(warm_calls)]))
                for sig, n in CALLS
            }
            shutil.copytree(base / "1", base / ".incoming")
            (base / ".incoming").rename(base / "2")  # appears complete, as an atomic export does
            wait_available(port, 2)
            after_reload = first_calls(port, texts, 2)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    rows = []
    for key in CALLS:
        ms = lambda s: f"{s * 1000:,.0f}"  # noqa: E731
        rows.append(
            (
                f"{key[0]} x {key[1]}",
                "yes" if warmup else "no",
                ms(after_start[key]),
                ms(warm[key]),
                f"{after_start[key] / warm[key]:.1f}x",
                ms(after_reload[key]),
                f"{after_reload[key] / warm[key]:.1f}x",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warm-calls", type=int, default=10, help="calls per warm median (default: %(default)s)"
    )
    args = parser.parse_args()
    base, texts = model_base(), tweets()
    version_dir = max(base.glob("[0-9]*"), key=lambda p: int(p.name))
    header = ("signature x tweets", "warmup file", "first after start ms", "warm median ms", "ratio")
    rows = [(*header, "first after reload ms", "ratio")]
    for warmup in (True, False):
        rows += served_run(version_dir, texts, args.warm_calls, warmup)
    print(f"model: {version_dir}; target: first call <= 3x warm median or <= 250 ms")
    print(table(rows))


if __name__ == "__main__":
    main()
