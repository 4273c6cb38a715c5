"""The server's core in process (Starlette's TestClient): the REST adapter over the service, and
the one error table both transports answer from. The subprocess tests (test_server.py,
test_grpc.py) check the same contracts through real sockets."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pytest

from tweet_classifier.server import errors

pytest.importorskip("httpx")  # Starlette's TestClient (the integration package's test extra)


def test_every_refusal_has_one_http_status_and_one_grpc_code() -> None:
    import grpc

    kinds = set(errors.ServingError.__subclasses__())
    assert kinds == set(errors.STATUSES)
    for kind, (http_status, grpc_code) in errors.STATUSES.items():
        refused = errors.refusal(kind("why"))
        assert refused == errors.Refusal(http_status, grpc_code, "why")
        assert 400 <= http_status < 600 and grpc.StatusCode[grpc_code] is not grpc.StatusCode.OK
    assert errors.refusal(KeyError("a bug")) is None


@pytest.fixture(scope="module")
def client(trained) -> Iterator[object]:
    from starlette.testclient import TestClient

    from tweet_classifier.server import ServerConfig, create_app

    _, base = trained
    # tf_threads=0: leave this test process's TensorFlow threads as they are
    config = ServerConfig(model_base=base, tf_threads=0, max_body_bytes=64 * 1024, max_instances=8)
    with TestClient(create_app(config)) as test_client:  # runs the lifespan: the model loads
        yield test_client


def test_predict_answers_what_the_exported_model_answers(client, trained) -> None:
    from tweet_classifier import ExportedModel

    _, base = trained
    texts = ["Forest fire near La Ronge Sask. Canada", "I love fruits"]
    response = client.post("/v1/models/tweetclf:predict", json={"instances": texts})
    assert response.status_code == 200
    served = [row["probability"] for row in response.json()["predictions"]]
    expected, _ = ExportedModel(base).predict(texts)  # the base's newest version, as served
    np.testing.assert_allclose(served, expected, rtol=1e-5, atol=1e-6)


def test_status_metadata_ping_and_sagemaker_invocations(client) -> None:
    status = client.get("/v1/models/tweetclf").json()["model_version_status"]
    assert [entry["state"] for entry in status] == ["AVAILABLE"]
    metadata = client.get("/v1/models/tweetclf/metadata").json()
    assert "serving_default" in metadata["metadata"]["signature_def"]["signature_def"]
    assert client.get("/ping").status_code == 200
    csv = client.post("/invocations", content=b"fire\nflood\n", headers={"content-type": "text/csv"})
    assert csv.status_code == 200 and len(csv.json()["predictions"]) == 2


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "says"),
    [
        ("POST", "/v1/models/tweetclf:predict", b"{not json", {}, 400, "JSON"),
        ("POST", "/v1/models/tweetclf:predict", json.dumps({"instances": ["a"] * 9}).encode(), {}, 400, "8"),
        ("POST", "/v1/models/nobody:predict", b'{"instances": ["a"]}', {}, 404, "nobody"),
        ("POST", "/v1/models/tweetclf/versions/99:predict", b'{"instances": ["a"]}', {}, 404, "99"),
        ("POST", "/v1/models/tweetclf:predict", b" " * (65 * 1024), {}, 413, "--max-body-bytes"),
        ("POST", "/invocations", b"fire", {"content-type": "image/png"}, 415, "image/png"),
        ("GET", "/v1/models/tweetclf:predict", None, {}, 405, "GET"),
    ],
)
def test_refusals_get_the_status_of_the_error_table(
    client, method, path, body, headers, status, says
) -> None:
    response = client.request(method, path, content=body, headers=headers)
    assert response.status_code == status, response.text
    assert says in response.json()["error"]


def test_a_bug_is_a_500_naming_only_the_error_type_and_the_server_keeps_serving(
    client, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = client.app.app.state.service  # the access log wraps the Starlette app

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("secret detail")

    with monkeypatch.context() as patch:
        patch.setattr(service, "predict", broken)
        response = client.post("/v1/models/tweetclf:predict", json={"instances": ["fire"]})
    assert response.status_code == 500 and response.json() == {"error": "internal error: ZeroDivisionError"}
    assert client.post("/v1/models/tweetclf:predict", json={"instances": ["fire"]}).status_code == 200
