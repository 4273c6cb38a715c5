"""tweetclf serve as a real process on a free port.

TF Serving REST and SageMaker contracts, hot reload, fuzzing, load.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from conftest import free_port
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tweet_classifier.client import ClientError, TweetClient

TWEETS = ["Forest fire near La Ronge Sask. Canada", "I love fruits", "", '🔥 fire, "smoke" and ash 🔥']


class Served:
    def __init__(self, base: Path, proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.base, self.proc, self.port, self.log = base, proc, port, log
        self.url = f"http://127.0.0.1:{port}"

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str | None = "application/json"
    ) -> tuple[int, object]:
        headers = {"Content-Type": content_type} if content_type and body is not None else {}
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as err:
            raw = err.read()
            return err.code, json.loads(raw) if raw else None

    def post(self, path: str, payload: object, content_type: str = "application/json") -> tuple[int, object]:
        return self.request("POST", path, json.dumps(payload).encode("utf-8"), content_type)

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0


def start_server(base: Path, tmp: Path, *extra: str, warmup: bool = False) -> Served:
    """``tweetclf serve`` on a free port, ready. Without ``warmup`` it skips the warmup records
    (``--no-model-warmup``: about 8 s less per load; test_warmup.py tests the replay)."""
    port = free_port()
    log = tmp / f"serve-{port}.log"
    command = [sys.executable, "-m", "tweet_classifier.cli", "serve", "--model", str(base)]
    command += ["--port", str(port), "--poll-interval", "0.2", *extra]
    command += [] if warmup else ["--no-model-warmup"]
    proc = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    served = Served(base, proc, port, log)
    deadline = time.time() + 120
    while time.time() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if served.request("GET", "/ping")[0] == 200:
                return served
        except OSError:  # refused, reset, or no answer yet while the model loads and warms (URLError too)
            pass
        time.sleep(0.2)
    proc.kill()
    raise AssertionError("the server did not become ready: " + log.read_text()[-3000:])


@pytest.fixture(scope="module")
def server(trained, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    result, _ = trained
    base = tmp_path_factory.mktemp("serve") / "tweetclf"
    base.mkdir()
    shutil.copytree(result.version_dir, base / "1")
    served = start_server(base, tmp_path_factory.mktemp("logs"))
    yield served
    served.proc.terminate()
    served.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def reference(trained) -> dict[str, np.ndarray]:
    """TF Serving's own loader (tf.compat.v1) on the same version, for the numbers to compare with."""
    import tensorflow as tf

    result, _ = trained
    with tf.compat.v1.Session(graph=tf.Graph()) as sess:
        meta = tf.compat.v1.saved_model.load(sess, ["serve"], str(result.version_dir))
        sig = meta.signature_def["serving_default"]
        out = sess.run({k: v.name for k, v in sig.outputs.items()}, {sig.inputs["text"].name: TWEETS})
    return out


def test_status_and_metadata(server: Served) -> None:
    ok = {"error_code": "OK", "error_message": ""}
    expected = {"model_version_status": [{"version": "1", "state": "AVAILABLE", "status": ok}]}
    assert server.request("GET", "/v1/models/tweetclf") == (200, expected)
    code, body = server.request("GET", "/v1/models/tweetclf/versions/1")
    assert code == 200 and body["model_version_status"][0]["state"] == "AVAILABLE"  # type: ignore[index]
    code, meta = server.request("GET", "/v1/models/tweetclf/metadata")
    sig = meta["metadata"]["signature_def"]["signature_def"]["serving_default"]  # type: ignore[index]
    assert code == 200 and meta["model_spec"]["version"] == "1"  # type: ignore[index]
    assert sig["inputs"]["text"]["dtype"] == "DT_STRING"
    assert (
        sig["outputs"]["probability"]["dtype"] == "DT_FLOAT"
        and sig["outputs"]["label"]["dtype"] == "DT_INT64"
    )
    document = server.request("GET", "/openapi.json")[1]
    assert document["openapi"].startswith("3.")  # type: ignore[index]
    limits = document["info"]["description"]  # type: ignore[index]
    assert "1024 texts (--max-instances)" in limits and "65536 words read" in limits


def test_row_and_columnar_formats_match_tf_servings_loader(server: Served, reference) -> None:
    code, rows = server.post("/v1/models/tweetclf:predict", {"instances": TWEETS})
    assert code == 200
    got = rows["predictions"]  # type: ignore[index]
    np.testing.assert_allclose([p["probability"] for p in got], reference["probability"], atol=1e-6)
    assert [p["label"] for p in got] == reference["label"].tolist()
    code, cols = server.post("/v1/models/tweetclf/versions/1:predict", {"inputs": {"text": TWEETS}})
    assert code == 200 and cols["outputs"]["label"] == reference["label"].tolist()  # type: ignore[index]
    code, named = server.post("/v1/models/tweetclf:predict", {"instances": [{"text": t} for t in TWEETS]})
    assert code == 200 and named == rows
    code, sig = server.post(
        "/v1/models/tweetclf:predict", {"signature_name": "serving_default", "inputs": TWEETS}
    )
    assert code == 200 and sig == cols


def test_sagemaker_routes(server: Served, reference) -> None:
    expected = reference["label"].tolist()
    code, body = server.post("/invocations", {"instances": TWEETS})
    assert code == 200 and [p["label"] for p in body["predictions"]] == expected  # type: ignore[index]
    lines = "\n".join(json.dumps(t) for t in TWEETS).encode("utf-8")
    code, body = server.request("POST", "/invocations", lines, "application/jsonlines")
    assert code == 200 and [p["label"] for p in body["predictions"]] == expected  # type: ignore[index]
    csv_body = (
        '"Forest fire near La Ronge Sask. Canada"\nI love fruits\n""\n"🔥 fire, ""smoke"" and ash 🔥"\n'
    )
    code, body = server.request("POST", "/invocations", csv_body.encode("utf-8"), "text/csv")
    assert code == 200
    np.testing.assert_allclose(
        [p["probability"] for p in body["predictions"]],
        reference["probability"],
        atol=1e-6,  # type: ignore[index]
    )  # commas and quotes inside a tweet survive


@pytest.mark.parametrize(
    ("path", "body", "content_type", "status", "message"),
    [
        ("/v1/models/tweetclf:predict", b"{not json", "application/json", 400, "not valid JSON"),
        ("/v1/models/tweetclf:predict", b'{"x": 1}', "application/json", 400, "unknown keys"),
        ("/v1/models/tweetclf:predict", b"{}", "application/json", 400, "exactly one of"),
        ("/v1/models/tweetclf:predict", b'{"instances": []}', "application/json", 400, "is empty"),
        ("/v1/models/tweetclf:predict", b'{"instances": "a"}', "application/json", 400, "must be a list"),
        ("/v1/models/tweetclf:predict", b'{"instances": [1]}', "application/json", 400, "must be a string"),
        (
            "/v1/models/tweetclf:predict",
            b'{"instances": [["a"]]}',
            "application/json",
            400,
            "must be a string",
        ),
        (
            "/v1/models/tweetclf:predict",
            b'{"instances": ["\xff"]}',
            "application/json",
            400,
            "not valid UTF-8",
        ),
        ("/v1/models/tweetclf:predict", b'{"instances": ["\\ud800"]}', "application/json", 400, "surrogate"),
        (
            "/v1/models/tweetclf:predict",
            b'{"signature_name": "x", "instances": ["a"]}',
            None,
            400,
            "not found",
        ),
        (
            "/v1/models/tweetclf:predict",
            json.dumps({"instances": ["x" * 1_000_000]}).encode(),
            None,
            400,
            "longer",
        ),
        (
            "/v1/models/tweetclf:predict",
            json.dumps({"instances": ["a"] * 1025}).encode(),
            None,
            400,
            "limit is 1024",
        ),
        ("/v1/models/tweetclf:predict", b'{"instances": ["' + b"a" * 5_000_000 + b'"]}', None, 413, "limit"),
        (
            "/v1/models/tweetclf:predict",
            json.dumps({"instances": ["fire " * 10_000] * 30}).encode(),  # 30 x 50 KB = 1.5 MB
            None,
            400,
            "instances hold more than 1,048,576 bytes of text (the limit per request, "
            "--max-request-text-bytes)",
        ),
        (
            "/invocations",
            ("fire " * 10_000 + "\n").encode() * 30,
            "text/csv",
            400,
            "rows hold more than 1,048,576 bytes of text",
        ),
        ("/v1/models/nope:predict", b'{"instances": ["a"]}', None, 404, "nope"),
        ("/v1/models/tweetclf/versions/9:predict", b'{"instances": ["a"]}', None, 404, "9"),
        (
            "/invocations",
            b'{"instances": ["a"]}',
            "application/json; charset=utf-8",
            415,
            "unsupported content type",
        ),
        ("/invocations", b"a,b\n", "text/csv", 400, "one tweet per row"),
        ("/invocations", b"{bad\n", "application/jsonlines", 400, "line 1"),
    ],
)
def test_errors(
    server: Served, path: str, body: bytes, content_type: str | None, status: int, message: str
) -> None:
    code, answer = server.request("POST", path, body, content_type or "application/json")
    assert code == status and message in answer["error"], answer  # type: ignore[index]


def test_unknown_routes_and_versions(server: Served) -> None:
    assert server.request("GET", "/v1/models/nope")[0] == 404
    assert server.request("GET", "/v1/models/tweetclf/versions/7")[0] == 404
    assert server.request("GET", "/v1/models/tweetclf:predict")[0] == 405


def test_client_speaks_both_apis(server: Served) -> None:
    for api in ("tfserving", "sagemaker"):
        predictions = TweetClient(server.url, api=api).predict(TWEETS)
        assert len(predictions) == len(TWEETS) and all(p.label in (0, 1) for p in predictions)
    with pytest.raises(ClientError) as info:
        TweetClient(server.url, model="nope").predict(["a"])
    assert info.value.status == 404


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
            lambda children: (
                st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
            ),
            max_leaves=12,
        ).map(lambda v: json.dumps(v).encode()),
        st.dictionaries(
            st.sampled_from(["instances", "inputs", "signature_name"]), st.lists(st.text(max_size=20))
        ).map(lambda v: json.dumps(v).encode()),
        st.integers(1, 5000).map(lambda n: b'{"instances": [' + b"[" * n + b"]" * n + b"]}"),  # deep
        st.integers(4000, 6000).map(lambda n: b'{"instances": [' + b"7" * n + b"]}"),  # huge ints
    ),
    path=st.sampled_from(["/v1/models/tweetclf:predict", "/invocations"]),
    content_type=st.sampled_from(["application/json", "application/jsonlines", "text/csv", "text/plain"]),
)
def test_fuzz_never_5xx(server: Served, body: bytes, path: str, content_type: str) -> None:
    code, _ = server.request("POST", path, body, content_type)
    assert code < 500
    assert server.proc.poll() is None
    assert "Traceback" not in server.log.read_text()  # no client mistake is logged as a crash


def test_hot_reload_without_failed_requests(trained, tmp_path: Path) -> None:
    result, _ = trained
    base = tmp_path / "tweetclf"
    base.mkdir()
    shutil.copytree(result.version_dir, base / "1")
    served = start_server(base, tmp_path)
    failures: list[str] = []
    versions_seen: set[str] = set()
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            code, body = served.post("/v1/models/tweetclf:predict", {"instances": TWEETS[:2]})
            if code != 200:
                failures.append(f"{code} {body}")

    try:
        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        half = base / "3"  # a half-written version (killed export): no variables
        half.mkdir()
        (half / "saved_model.pb").write_bytes((result.version_dir / "saved_model.pb").read_bytes())
        staging = base / ".incoming-2"  # version 2 arrives atomically (rename)
        shutil.copytree(result.version_dir, staging)
        staging.rename(base / "2")
        deadline = time.time() + 60
        while time.time() < deadline:
            status = served.request("GET", "/v1/models/tweetclf")[1]["model_version_status"]  # type: ignore[index]
            versions_seen.add(status[0]["version"])
            if status[0]["version"] == "2":
                break
            time.sleep(0.1)
        time.sleep(1.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == []
        assert "2" in versions_seen
        status = served.request("GET", "/v1/models/tweetclf")[1]["model_version_status"]  # type: ignore[index]
        assert status[0]["version"] == "2"  # never the half-written 3
        assert served.request("GET", "/v1/models/tweetclf/versions/3")[0] == 404
    finally:
        stop.set()
        served.proc.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal (exit status -15 / 143)
        assert served.proc.wait(timeout=30) in (0, -signal.SIGTERM)
        assert "Application shutdown complete" in served.log.read_text()


def test_load_32_clients(server: Served) -> None:
    duration = float(os.environ.get("TWEETCLF_LOAD_SECONDS", "30"))
    errors: list[str] = []
    counts = [0] * 32

    def client(i: int) -> None:
        end = time.time() + duration
        while time.time() < end:
            code, body = server.post("/v1/models/tweetclf:predict", {"instances": [TWEETS[i % len(TWEETS)]]})
            if code != 200:
                errors.append(f"{code} {body}")
            counts[i] += 1

    for _ in range(50):  # warm up before measuring memory
        server.post("/v1/models/tweetclf:predict", {"instances": TWEETS})
    rss_before = server.rss_kb()
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(client, range(32)))
    rss_after = server.rss_kb()
    assert errors == [] and sum(counts) > 32
    assert rss_after - rss_before < 100_000, (rss_before, rss_after)  # KiB: no leak across the run


PATHS = ["/v1/models/tweetclf:predict", "/invocations"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=st.integers(1, 200_000), path=st.sampled_from(PATHS), kind=st.sampled_from("[{"))
def test_any_nesting_depth_is_a_400_at_worst(server: Served, depth: int, path: str, kind: str) -> None:
    inner = '{"a":' * depth + "1" + "}" * depth if kind == "{" else "[" * depth + "]" * depth
    code, answer = server.request("POST", path, f'{{"instances": [{inner}]}}'.encode())
    assert code == 400 and isinstance(answer, dict) and "error" in answer


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(digits=st.integers(1, 50_000), path=st.sampled_from(PATHS), where=st.sampled_from(["in", "beside"]))
def test_integers_of_any_size_are_a_400_at_worst(server: Served, digits: int, path: str, where: str) -> None:
    number = "9" * digits
    body = f'{{"instances": [{number}]}}' if where == "in" else f'{{"instances": ["a"], "n": {number}}}'
    code, answer = server.request("POST", path, body.encode())
    assert code in (200, 400) and isinstance(answer, dict), answer


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize(
    "path", ["/v1/models/tweetclf", "/v1/models/tweetclf:predict", "/ping", "/invocations", "/x"]
)
def test_every_error_body_is_json(server: Served, method: str, path: str) -> None:
    code, answer = server.request(method, path, b"{}")
    assert code in (404, 405) and isinstance(answer, dict) and answer["error"], answer


def test_clients_that_lie_or_leave_are_dropped_quietly(server: Served) -> None:
    before = server.log.read_text()
    for announced, sent in ((1000, b'{"instanc'), (50, b""), (10**9, b"{" * 100)):
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            head = (
                "POST /v1/models/tweetclf:predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            )
            sock.sendall(head.encode() + f"Content-Length: {announced}\r\n\r\n".encode() + sent)
    time.sleep(1.0)
    assert server.request("GET", "/ping")[0] == 200  # still serving
    new = server.log.read_text()[len(before) :]
    assert "Traceback" not in new and '" 500 ' not in new, new


def test_a_broken_pinned_version_answers_404_and_reports_why(trained, tmp_path: Path) -> None:
    result, _ = trained
    base = tmp_path / "tweetclf"
    shutil.copytree(result.version_dir, base / "1")
    shutil.copytree(result.version_dir, base / "2")
    served = start_server(base, tmp_path)  # serves 2
    try:
        (base / "1" / "saved_model.pb").write_bytes(b"\x00 corrupt")  # an older version, broken on disk
        code, answer = served.post("/v1/models/tweetclf/versions/1:predict", {"instances": ["a"]})
        assert code == 404 and "version 1 of model tweetclf failed to load" in answer["error"]  # type: ignore[index]
        code, status = served.request("GET", "/v1/models/tweetclf/versions/1")
        entry = status["model_version_status"][0]  # type: ignore[index]
        assert entry["state"] == "END" and entry["status"]["error_code"] == "UNKNOWN"
        assert "cannot load this SavedModel" in entry["status"]["error_message"]
        assert served.post("/v1/models/tweetclf:predict", {"instances": ["a"]})[0] == 200
    finally:
        served.proc.terminate()
        served.proc.wait(timeout=30)
    assert "Traceback" not in served.log.read_text()


def _scrape(server: Served) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /monitoring/prometheus/metrics, keyed by name and labels."""
    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(server.url + "/monitoring/prometheus/metrics", timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        text = response.read().decode("utf-8")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_what_is_served(server: Served) -> None:
    def requests(route: str, status: str, version: str = "latest") -> float:
        labels = (("model", "tweetclf"), ("route", route), ("status", status), ("version", version))
        return before.get(("tweetclf_requests_total", labels), 0.0)

    before = _scrape(server)
    ok, bad = requests("predict", "200"), requests("predict", "400")
    texts = before.get(("tweetclf_served_probability_count", (("model", "tweetclf"), ("version", "1"))), 0.0)
    calls = before.get(("tweetclf_batch_size_count", ()), 0.0)
    assert server.post("/v1/models/tweetclf:predict", {"instances": TWEETS[:3]})[0] == 200
    assert server.post("/v1/models/tweetclf:predict", {"instances": [1]})[0] == 400
    assert server.request("POST", "/invocations", b'{"instances": ["Forest fire"]}')[0] == 200
    before, previous = _scrape(server), before
    assert requests("predict", "200") == ok + 1 and requests("predict", "400") == bad + 1
    assert requests("invocations", "200") >= 1
    served = before[("tweetclf_served_probability_count", (("model", "tweetclf"), ("version", "1")))]
    assert served == texts + 4  # 3 + 1 probabilities
    assert before[("tweetclf_batch_size_count", ())] >= calls + 1  # batches may join the two
    latency = ("tweetclf_request_latency_seconds_count", (("route", "predict"),))
    assert before[latency] >= previous.get(latency, 0.0) + 2
    # the same requests under TF Serving's own names: one dashboard for both servers
    tfs = ":tensorflow:serving:request_count"
    for status, more in (("OK", 2), ("INVALID_ARGUMENT", 1)):  # predict + invocations; the bad one
        labels = (("model_name", "tweetclf"), ("status", status))
        assert before[(tfs, labels)] == previous.get((tfs, labels), 0.0) + more
    rest = (("API", "Predict"), ("entrypoint", "REST"), ("model_name", "tweetclf"))
    tfs_latency = (":tensorflow:serving:request_latency_count", rest)
    assert before[tfs_latency] == previous.get(tfs_latency, 0.0) + 2  # answered requests only
    assert before[(":tensorflow:serving:request_latency_sum", rest)] > 0  # microseconds


@pytest.mark.parametrize("path", ["/v1/models/tweetclf:predict", "/invocations"])
def test_the_explain_signature_over_rest_and_sagemaker(server: Served, path: str) -> None:
    texts = ["Forest fire near La Ronge", "I love fruits"]
    code, answer = server.post(path, {"signature_name": "explain", "instances": texts})
    assert code == 200
    rows = answer["predictions"]  # type: ignore[index]
    code, plain = server.post(path, {"instances": texts})
    for row, served, text in zip(rows, plain["predictions"], texts, strict=True):  # type: ignore[index]
        assert sorted(row) == ["contribution", "label", "oov", "probability", "tokens", "words"]
        assert [w for w in row["words"] if w] == text.split() and len(row["words"]) == 5  # padded
        assert row["probability"] == pytest.approx(served["probability"], abs=1e-6)
        assert row["label"] == served["label"] and len(row["contribution"]) == len(row["oov"]) == 5


@pytest.mark.parametrize("path", ["/v1/models/tweetclf:predict", "/invocations"])
def test_explain_past_its_word_limit_is_refused_before_any_model_work(server: Served, path: str) -> None:
    long_text = " ".join(["fire"] * 300)  # 64 explained x 300 words = 19,200 words read
    code, answer = server.post(path, {"signature_name": "explain", "instances": [long_text] * 4})
    assert code == 400
    assert answer == {  # 4 x 19,200 = 76,800 > 65,536
        "error": "explain would read 76,800 words (each text once per explained word, up to 64, times its "
        "words); the limit is 65,536 per request (--max-explain-words): send fewer or shorter texts"
    }
    code, answer = server.post(path, {"signature_name": "explain", "instances": [long_text] * 3})
    assert code == 200 and len(answer["predictions"][0]["words"]) == 64  # type: ignore[index]


def test_explain_never_holds_the_threads_of_serving_default(trained, tmp_path: Path) -> None:
    """Two long explain requests at once (on --explain-threads 1) do not make a prediction wait:
    it is answered while both still run (on shared threads it would wait for one of them)."""
    base = tmp_path / "tweetclf"
    shutil.copytree(trained[0].version_dir, base / "1")
    # long explains allowed here; warmed, so that no first call is slow
    served = start_server(base, tmp_path, "--max-explain-words", "100000000", warmup=True)
    # 4,608,000 words read: about 1.2 s per request on a quiet machine, so both are still running
    # when the prediction comes 0.3 s after they were sent (one explain thread: the second waits)
    long_texts = [" ".join(f"w{i}x{j}" for j in range(6000)) for i in range(12)]
    finished: dict[str, float] = {}

    def explain(name: str) -> None:
        payload = {"signature_name": "explain", "instances": long_texts}
        code, _ = served.post("/v1/models/tweetclf:predict", payload)
        finished[name] = time.perf_counter()
        assert code == 200

    try:
        threads = [threading.Thread(target=explain, args=(f"explain {i}",)) for i in range(2)]
        sent = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        code, _ = served.post("/v1/models/tweetclf:predict", {"instances": ["Forest fire near La Ronge"]})
        predicted = time.perf_counter()
        for thread in threads:
            thread.join()
    finally:
        served.proc.terminate()
        served.proc.wait(timeout=30)
    answered = {name: round(at - sent, 3) for name, at in [("predict", predicted), *finished.items()]}
    assert code == 200 and predicted < min(finished.values()), f"seconds after sending: {answered}"


def test_explain_cost_counts_the_words_the_signature_lists() -> None:
    from tweet_classifier.server.protocol import explain_cost
    from tweet_classifier.signatures import MAX_WORDS

    assert explain_cost(["a " * 100, "b c", ""]) == MAX_WORDS * 100 + 2 * 2


def test_the_oov_share_of_served_texts_is_a_drift_metric(server: Served) -> None:
    """Each served text's share of tokens without a GloVe vector, measured after the answer."""
    from tweet_classifier.server.drift import FLUSH_S

    key = (("model", "tweetclf"), ("version", "1"))

    def after(previous: dict, expected_count: float) -> dict:
        deadline = time.time() + 30  # measured off the answer's path: wait for it
        while time.time() < deadline:
            now = _scrape(server)
            if now.get(("tweetclf_served_oov_share_count", key), 0.0) >= expected_count:
                return now
            time.sleep(0.1)
        raise AssertionError("the OOV share was not measured")

    def oov(samples: dict) -> dict:
        return {k: v for k, v in samples.items() if k[0].startswith("tweetclf_served_oov_share")}

    before, previous = _scrape(server), None
    while previous is None or oov(before) != oov(previous):  # earlier texts may still be measured
        time.sleep(FLUSH_S + 0.5)
        before, previous = _scrape(server), before
    count = before.get(("tweetclf_served_oov_share_count", key), 0.0)
    total = before.get(("tweetclf_served_oov_share_sum", key), 0.0)
    assert server.post("/v1/models/tweetclf:predict", {"instances": ["qzxvbnm zzqqxw"]})[0] == 200
    now = after(before, count + 1)
    assert now[("tweetclf_served_oov_share_sum", key)] == pytest.approx(total + 1.0)  # all unknown
    assert (
        server.post("/v1/models/tweetclf:predict", {"instances": ["fire near the forest", "qzxvbnm fire"]})[0]
        == 200
    )
    later = after(now, count + 3)
    assert later[("tweetclf_served_oov_share_sum", key)] == pytest.approx(total + 1.5)  # 0 and 1/2
    assert later[("tweetclf_served_oov_share_bucket", (("le", "0.0"), *key))] >= 1


def test_clients_cannot_grow_the_metric_label_sets() -> None:
    from tweet_classifier.server.metrics import Metrics

    metrics = Metrics("tweetclf")
    for i in range(200):  # failed requests name whatever model and version the client likes
        metrics.observe_request(f"/v1/models/m{i}/versions/{i}:predict", 404, 0.001)
        metrics.observe_request(f"/v1/models/tweetclf/versions/{1000 + i}", 404, 0.001)
        metrics.observe_request(f"/random/{i}", 404, 0.001)
    metrics.observe_request("/v1/models/tweetclf/versions/3:predict", 200, 0.001)
    series = {
        tuple(sorted(sample.labels.items()))
        for family in metrics.registry.collect()
        if family.name == "tweetclf_requests"
        for sample in family.samples
        if sample.name == "tweetclf_requests_total"
    }
    versions = {dict(labels)["version"] for labels in series}
    assert len(series) == 4 and versions == {"pinned", "3", ""}, series
