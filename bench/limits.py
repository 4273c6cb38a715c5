"""What one request can cost `tweetclf serve`, and what explain clients do to single-tweet latency.

Run: .venv/bin/python bench/limits.py [--baseline REV] [--seconds 10]  (make bench). Uses
bench/serve.py's model. For each server (ours; with --baseline, the code of commit REV too,
from a git worktree in bench/.cache, the same model) it prints:

- heavy requests (the issue's, and the largest inside today's limits): the answer, the seconds
  it took, and how far the server's peak RSS (VmHWM) rose over its level after warm-up;
- single-tweet p50/p99 from 4 clients, quiet and while 2 clients send 16-tweet explain requests.

Targets (issue 27): every request answered or refused within 2 s with RSS growing <= 500 MB;
p99 under explain load <= 3x the quiet p99 (or <= 50 ms).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from common import CACHE, ROOT, table
from serve import model_base, post_predict, start, tweets

HEAVY = {  # name -> (signature, texts)
    "explain 64 texts x 5,000 distinct words (3.7 MB)": (
        "explain",
        [" ".join(f"w{i}z{j}" for j in range(5000)) for i in range(64)],
    ),
    "explain 8 texts x 30,000 one-letter words": (
        "explain",
        [" ".join("abcdefghij"[j % 10] for j in range(30000))] * 8,
    ),
    "explain 4 texts x 256 distinct words (at the word limit)": (
        "explain",
        [" ".join(f"w{i}y{j}" for j in range(256)) for i in range(4)],
    ),
    "explain 256 tweets": ("explain", None),
    "serving_default 64 texts x 60 KB distinct words (3.9 MB)": (
        "serving_default",
        [" ".join(f"v{i}q{j}" for j in range(8500))[:60000] for i in range(64)],
    ),
    "serving_default 17 texts x 60 KB distinct words (1.0 MB: the text limit)": (
        "serving_default",
        [" ".join(f"u{i}q{j}" for j in range(8500))[:60000] for i in range(17)],
    ),
    "serving_default 1,024 tweets": ("serving_default", None),
}


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def heavy_rows(port: int, pid: int, texts: list[str], label: str) -> list[tuple[str, ...]]:
    rows = []
    for name, (signature, sent) in HEAVY.items():
        before = peak_rss_mb(pid)
        status, seconds = post_predict(
            port, signature, sent or texts[: 256 if signature == "explain" else 1024]
        )
        grown = max(peak_rss_mb(pid) - before, 0.0)
        rows.append((label, name, str(status), f"{seconds:.2f}", f"{grown:,.0f}"))
    return rows


def single_tweet_latency(port: int, texts: list[str], seconds: float, explainers: int) -> tuple[float, float]:
    """p50 and p99 ms of 1-tweet predictions from 4 clients, with ``explainers`` 16-tweet explain clients."""
    stop = time.perf_counter() + seconds
    latencies: list[float] = []

    def predict(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        k = i * 101
        while time.perf_counter() < stop:
            body = json.dumps({"instances": [texts[k % len(texts)]]})
            started = time.perf_counter()
            conn.request("POST", "/v1/models/tweetclf:predict", body, {"Content-Type": "application/json"})
            conn.getresponse().read()
            latencies.append(time.perf_counter() - started)
            k += 1

    def explain(i: int) -> None:
        k = i * 16
        while time.perf_counter() < stop:
            post_predict(port, "explain", [texts[(k + j) % len(texts)] for j in range(16)])
            k += 16

    threads = [threading.Thread(target=predict, args=(i,)) for i in range(4)]
    threads += [threading.Thread(target=explain, args=(i,)) for i in range(explainers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ms = np.array(latencies) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def baseline_env(rev: str) -> dict[str, str]:
    """An environment whose Python imports the code of ``rev`` (a git worktree) before ours."""
    tree = CACHE / f"baseline-{rev}"
    if not tree.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev], check=True)
    paths = [tree / "integration" / "src", *sorted((tree / "packages").glob("*/src"))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, paths))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="also serve the code of this git revision, e.g. 2dabd1f")
    parser.add_argument("--seconds", type=float, default=10.0, help="per latency run (default: %(default)s)")
    args = parser.parse_args()
    base, texts = model_base(), tweets()
    servers = [("ours", None)] + ([(args.baseline, baseline_env(args.baseline))] if args.baseline else [])
    heavy = [("server", "request", "HTTP", "seconds", "peak RSS +MB")]
    latency = [("server", "explain clients", "p50 ms", "p99 ms")]
    for label, env in servers:
        with tempfile.TemporaryDirectory() as tmp:
            version = max(base.glob("[0-9]*"), key=lambda p: int(p.name))
            (Path(tmp) / "tweetclf").mkdir()
            (Path(tmp) / "tweetclf" / "1").symlink_to(version)
            proc, port = start(Path(tmp) / "tweetclf", env=env)
            try:
                for signature in ("serving_default", "explain"):  # warm, whatever the version carries
                    post_predict(port, signature, texts[:64])
                for explainers in (0, 2):
                    p50, p99 = single_tweet_latency(port, texts, args.seconds, explainers)
                    latency.append((label, str(explainers), f"{p50:.1f}", f"{p99:.1f}"))
                heavy += heavy_rows(port, proc.pid, texts, label)
            finally:
                proc.terminate()
                proc.wait(timeout=60)
    print(f"model: {base}; 2 cores shared by the server and the clients")
    print(table(latency))
    print()
    print(table(heavy))


if __name__ == "__main__":
    main()
