"""tweetclf serve under load: latency and throughput over REST and gRPC, batching on and off, vs in-process.

Run: .venv/bin/python bench/serve.py [--seconds 10]  (make bench). Trains a model on Kaggle's
train.csv (or the sample) into bench/.cache/serve-model once, starts `tweetclf serve` on a free
loopback port (REST, and gRPC with --grpc-port), and drives it with persistent HTTP connections
and gRPC channels (TF Serving's stubs) from client threads; Prometheus metrics are on.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import CACHE, KAGGLE, SAMPLE, table


def model_base() -> Path:
    # exports with explain (word by word, through the text model's scorer) and oov_share
    base = CACHE / "serve-model-scorer"
    if not any(base.glob("*/saved_model.pb")):
        data = KAGGLE / "train.csv" if (KAGGLE / "train.csv").exists() else SAMPLE
        command = [sys.executable, "-m", "tweet_classifier.cli", "train", "--train-csv", str(data)]
        subprocess.run([*command, "--model-dir", str(base), "--quiet"], check=True)
    return base


def tweets() -> list[str]:
    path = KAGGLE / "test.csv" if (KAGGLE / "test.csv").exists() else SAMPLE
    with path.open(newline="", encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(
    base: Path, *extra: str, port: int | None = None, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "tweet_classifier.cli",
        "serve",
        "--model",
        str(base),
        "--port",
        str(port),
    ]
    proc = subprocess.Popen([*command, *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/ping")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def post_predict(
    port: int, signature: str, texts: list[str], version: int | None = None
) -> tuple[int, float]:
    """HTTP status and seconds of one REST predict of ``signature`` on ``texts`` (a new connection)."""
    path = "/v1/models/tweetclf" + (f"/versions/{version}" if version else "") + ":predict"
    body = json.dumps({"signature_name": signature, "instances": texts})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("POST", path, body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - started


def run_clients(
    client: Any, clients: int, per_request: int, latencies: list[list[float]], errors: list[int]
) -> dict[str, float]:
    """Run ``client(i)`` in ``clients`` threads at once; throughput and latency percentiles."""
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    flat = np.array([x for per in latencies for x in per])
    return {
        "tweets/s": len(flat) * per_request / elapsed,
        "p50 ms": float(np.percentile(flat, 50) * 1000),
        "p99 ms": float(np.percentile(flat, 99) * 1000),
        "errors": float(sum(errors)),
    }


def drive(port: int, clients: int, per_request: int, seconds: float, texts: list[str]) -> dict[str, float]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    path = "/v1/models/tweetclf:predict"
    headers = {"Content-Type": "application/json"}

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        end = time.perf_counter() + seconds
        k = i * 997
        while time.perf_counter() < end:
            batch = [texts[(k + j) % len(texts)] for j in range(per_request)]
            k += per_request
            body = json.dumps({"instances": batch})
            start = time.perf_counter()
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            response.read()
            latencies[i].append(time.perf_counter() - start)
            if response.status != 200:
                errors[i] += 1

    return run_clients(client, clients, per_request, latencies, errors)


def drive_grpc(port: int, clients: int, seconds: float, texts: list[str]) -> dict[str, float]:
    """Single-tweet Predict calls with TF Serving's stubs, a channel per client thread."""
    import grpc
    import tensorflow as tf
    from tensorflow_serving.apis import predict_pb2, prediction_service_pb2_grpc

    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    protos = [tf.make_tensor_proto([text]) for text in texts[:2000]]

    def client(i: int) -> None:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
            end, k = time.perf_counter() + seconds, i * 997
            while time.perf_counter() < end:
                request = predict_pb2.PredictRequest()
                request.model_spec.name = "tweetclf"
                request.inputs["text"].CopyFrom(protos[k % len(protos)])
                k += 1
                start = time.perf_counter()
                try:
                    stub.Predict(request, timeout=30)
                except grpc.RpcError:
                    errors[i] += 1
                latencies[i].append(time.perf_counter() - start)

    return run_clients(client, clients, 1, latencies, errors)


def formatted(r: dict[str, float]) -> tuple[str, str, str, str]:
    return (f"{r['tweets/s']:,.0f}", f"{r['p50 ms']:.2f}", f"{r['p99 ms']:.2f}", f"{r['errors']:.0f}")


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"instances": ["Forest fire near La Ronge Sask. Canada"]}'
done = function(summary, latency, requests)
  io.write(string.format("WRK %d %d %.3f %.3f %d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""


def drive_wrk(port: int, clients: int, seconds: float) -> dict[str, float] | None:
    """The same single-tweet scenario from wrk (a C load generator), if it is installed."""
    import shutil
    import tempfile

    if shutil.which("wrk") is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(WRK_SCRIPT)
    out = subprocess.run(
        ["wrk", "-t", "1", "-c", str(clients), "-d", f"{int(seconds)}s", "-s", handle.name,
         f"http://127.0.0.1:{port}/v1/models/tweetclf:predict"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    Path(handle.name).unlink()
    fields = next(line for line in out.splitlines() if line.startswith("WRK ")).split()
    requests, micros, p50, p99, errors = (
        int(fields[1]),
        int(fields[2]),
        float(fields[3]),
        float(fields[4]),
        fields[5],
    )
    return {"tweets/s": requests / (micros / 1e6), "p50 ms": p50, "p99 ms": p99, "errors": float(errors)}


def in_process(base: Path, texts: list[str], batch: int, seconds: float) -> float:
    from tweet_classifier import ExportedModel

    model = ExportedModel(base)
    model.predict(texts[:batch], batch_size=batch)
    done, end, k = 0, time.perf_counter() + seconds, 0
    start = time.perf_counter()
    while time.perf_counter() < end:
        model.predict([texts[(k + j) % len(texts)] for j in range(batch)], batch_size=batch)
        done += batch
        k += batch
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per scenario (default: %(default)s)")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    base, texts = model_base(), tweets()
    rows = [("scenario", "batching", "tweets/s", "p50 ms", "p99 ms", "errors")]
    results = {}
    for batching in ("on", "off"):
        grpc_port = free_port()
        flags = ["--grpc-port", str(grpc_port)] + ([] if batching == "on" else ["--no-batching"])
        proc, port = start(base, *flags)
        try:
            drive(port, 8, 1, 2.0, texts)  # warm-up
            drive_grpc(grpc_port, 8, 2.0, texts)
            scenarios = [
                ("8 clients x 1 tweet", 8, 1),
                ("32 clients x 1 tweet", 32, 1),
                ("8 clients x 64 tweets", 8, 64),
            ]
            for label, clients, size in scenarios:
                r = drive(port, clients, size, args.seconds, texts)
                results[(label, batching)] = r
                rows.append((label, batching, *formatted(r)))
                if size == 1:  # the same load over gRPC, right after
                    g = drive_grpc(grpc_port, clients, args.seconds, texts)
                    results[(f"gRPC {label}", batching)] = g
                    rows.append((f"gRPC: {label}", batching, *formatted(g)))
            for clients in (8, 32):
                w = drive_wrk(port, clients, args.seconds)
                if w is not None:
                    rows.append((f"wrk: {clients} connections x 1 tweet", batching, *formatted(w)))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    local = in_process(base, texts, 64, args.seconds)
    best64 = max(results[("8 clients x 64 tweets", b)]["tweets/s"] for b in ("on", "off"))
    print(f"model: {base}, {args.seconds:.0f} s per scenario, client threads on the same 2-core machine")
    print(table(rows))
    print(f"\nin-process ExportedModel.predict, batch 64: {local:,.0f} tweets/s")
    print(f"served 64-tweet requests / in-process: {best64 / local:.2f}")
    for clients in (8, 32):
        rest, grpc_ = (
            results[(f"{clients} clients x 1 tweet", "on")],
            results[(f"gRPC {clients} clients x 1 tweet", "on")],
        )
        print(
            f"gRPC / REST single-tweet p50, {clients} clients, batching on: "
            f"{grpc_['p50 ms']:.2f} / {rest['p50 ms']:.2f} ms = {grpc_['p50 ms'] / rest['p50 ms']:.2f}"
        )


if __name__ == "__main__":
    main()
