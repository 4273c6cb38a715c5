"""TF Serving's gRPC API on ``tweetclf serve --grpc-port``, called with the official
``tensorflow-serving-api`` stubs as a TF Serving user would: the same answers as REST,
TF Serving's status codes for mistakes, never INTERNAL."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import numpy as np
import pytest
import tensorflow as tf
from conftest import free_port
from google.protobuf import json_format
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tensorflow.core.framework import tensor_pb2, tensor_shape_pb2, types_pb2
from tensorflow_serving.apis import (
    get_model_metadata_pb2,
    get_model_status_pb2,
    model_service_pb2_grpc,
    predict_pb2,
    prediction_service_pb2_grpc,
)
from test_server import TWEETS, Served, _scrape, start_server


class Both:
    """One server process, reached over REST and over gRPC."""

    def __init__(self, served: Served, grpc_port: int) -> None:
        self.served = served
        self.channel = grpc.insecure_channel(f"127.0.0.1:{grpc_port}")
        self.predictions = prediction_service_pb2_grpc.PredictionServiceStub(self.channel)
        self.models = model_service_pb2_grpc.ModelServiceStub(self.channel)


@pytest.fixture(scope="module")
def both(trained, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Both]:
    base = tmp_path_factory.mktemp("grpc") / "tweetclf"
    base.mkdir()
    shutil.copytree(trained[0].version_dir, base / "1")
    grpc_port = free_port()
    served = start_server(base, tmp_path_factory.mktemp("logs"), "--grpc-port", str(grpc_port))
    assert f"and gRPC on 127.0.0.1:{grpc_port}" in served.log.read_text()
    connected = Both(served, grpc_port)
    grpc.channel_ready_future(connected.channel).result(timeout=60)
    yield connected
    connected.channel.close()
    served.proc.terminate()
    served.proc.wait(timeout=30)


def predict_request(texts: list[str], signature: str = "", version: int | None = None) -> Any:
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "tweetclf"
    request.model_spec.signature_name = signature
    if version is not None:
        request.model_spec.version.value = version
    request.inputs["text"].CopyFrom(tf.make_tensor_proto(texts))
    return request


def arrays(response: Any) -> dict[str, np.ndarray]:
    return {name: tf.make_ndarray(proto) for name, proto in response.outputs.items()}


@pytest.mark.parametrize("signature", ["", "serving_default", "explain"])
def test_predict_answers_as_rest_does(both: Both, signature: str) -> None:
    response = both.predictions.Predict(predict_request(TWEETS, signature), timeout=60)
    assert response.model_spec.name == "tweetclf" and response.model_spec.version.value == 1
    assert response.model_spec.signature_name == (signature or "serving_default")
    got = arrays(response)
    payload = {"inputs": TWEETS, "signature_name": signature or "serving_default"}
    code, rest = both.served.post("/v1/models/tweetclf:predict", payload)
    assert code == 200
    outputs = rest["outputs"]  # type: ignore[index]
    assert sorted(got) == sorted(outputs)
    for name, value in got.items():
        if value.dtype == object:  # strings: REST sends them as text
            assert [[w.decode() for w in row] for row in value] == outputs[name]
        elif name in ("probability", "contribution"):
            np.testing.assert_allclose(value, outputs[name], atol=1e-6)
        else:
            assert value.tolist() == outputs[name]


def test_a_pinned_version_and_the_output_filter(both: Both) -> None:
    request = predict_request(["Forest fire near La Ronge"], "explain", version=1)
    request.output_filter.append("words")
    response = both.predictions.Predict(request, timeout=60)
    assert list(response.outputs) == ["words"] and response.model_spec.version.value == 1
    assert tf.make_ndarray(response.outputs["words"]).tolist() == [
        [b"Forest", b"fire", b"near", b"La", b"Ronge"]
    ]


def test_metadata_and_status_as_rest_reports_them(both: Both) -> None:
    request = get_model_metadata_pb2.GetModelMetadataRequest()
    request.model_spec.name = "tweetclf"
    request.metadata_field.append("signature_def")
    response = both.predictions.GetModelMetadata(request, timeout=60)
    definitions = get_model_metadata_pb2.SignatureDefMap()
    assert response.metadata["signature_def"].Unpack(definitions)
    assert sorted(definitions.signature_def) == ["explain", "oov_share", "serving_default"]
    text = definitions.signature_def["serving_default"].inputs["text"]
    assert text.dtype == types_pb2.DT_STRING and [d.size for d in text.tensor_shape.dim] == [-1]
    code, rest = both.served.request("GET", "/v1/models/tweetclf/metadata")
    assert code == 200
    ours = json_format.MessageToDict(definitions, preserving_proto_field_name=True)
    assert ours == json_format.MessageToDict(
        json_format.ParseDict(rest["metadata"]["signature_def"], get_model_metadata_pb2.SignatureDefMap()),  # type: ignore[index]
        preserving_proto_field_name=True,
    )
    status = get_model_status_pb2.GetModelStatusRequest()
    status.model_spec.name = "tweetclf"
    answer = both.models.GetModelStatus(status, timeout=60)
    (entry,) = answer.model_version_status
    assert entry.version == 1 and entry.state == entry.AVAILABLE and entry.status.error_code == 0


def _status_of(version: int | None, name: str = "tweetclf") -> Any:
    request = get_model_status_pb2.GetModelStatusRequest()
    request.model_spec.name = name
    if version is not None:
        request.model_spec.version.value = version
    return request


BAD, MISSING = grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND


def _text(value: Any, dtype: Any = None) -> Callable[[Any], None]:
    return lambda r: r.inputs["text"].CopyFrom(tf.make_tensor_proto(value, dtype))


def _long_explain(request: Any) -> None:
    """An explain request past --max-explain-words: 4 texts x 64 explained x 300 words = 76,800."""
    request.model_spec.signature_name = "explain"
    request.inputs["text"].CopyFrom(tf.make_tensor_proto([" ".join(["fire"] * 300)] * 4))


MISTAKES: list[tuple[str, Callable[[Any], None], grpc.StatusCode, str]] = [
    ("unknown model", lambda r: setattr(r.model_spec, "name", "nope"), MISSING, "nope"),
    ("unknown version", lambda r: setattr(r.model_spec.version, "value", 9), MISSING, "9"),
    ("version label", lambda r: setattr(r.model_spec, "version_label", "stable"), BAD, "label"),
    ("signature", lambda r: setattr(r.model_spec, "signature_name", "zzz"), BAD, '"zzz"'),
    ("dtype", _text([1.5]), BAD, "DT_FLOAT"),
    ("input name", lambda r: r.inputs["x"].CopyFrom(tf.make_tensor_proto(["a"])), BAD, "exactly ['text']"),
    ("rank", _text([["a"], ["b"]]), BAD, "vector"),
    ("empty", _text(np.array([], dtype=object), tf.string), BAD, "empty"),
    ("too many", _text(["a"] * 1025), BAD, "limit is 1024"),
    ("output filter", lambda r: r.output_filter.append("nope"), BAD, "['nope']"),
    ("explain work", _long_explain, BAD, "explain would read 76,800 words"),
    ("request text", _text(["fire " * 10_000] * 30), BAD, "more than 1,048,576 bytes of text"),
]


@pytest.mark.parametrize(("what", "mutate", "code", "message"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistakes_get_tf_servings_status_codes(
    both: Both, what: str, mutate: Callable[[Any], None], code: grpc.StatusCode, message: str
) -> None:
    request = predict_request(["Forest fire"])
    mutate(request)
    with pytest.raises(grpc.RpcError) as info:
        both.predictions.Predict(request, timeout=60)
    assert info.value.code() == code and message in info.value.details()


def test_status_and_metadata_mistakes(both: Both) -> None:
    for request, code in [
        (_status_of(None, "nope"), grpc.StatusCode.NOT_FOUND),
        (_status_of(9), grpc.StatusCode.NOT_FOUND),
    ]:
        with pytest.raises(grpc.RpcError) as info:
            both.models.GetModelStatus(request, timeout=60)
        assert info.value.code() == code
    metadata = get_model_metadata_pb2.GetModelMetadataRequest()
    metadata.model_spec.name = "tweetclf"  # no metadata_field: TF Serving refuses that too
    with pytest.raises(grpc.RpcError) as info:
        both.predictions.GetModelMetadata(metadata, timeout=60)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT


tensors = st.builds(
    lambda dtype, dims, strings, floats, unknown: tensor_pb2.TensorProto(
        dtype=dtype,
        tensor_shape=tensor_shape_pb2.TensorShapeProto(
            dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in dims], unknown_rank=unknown
        ),
        string_val=strings,
        float_val=floats,
    ),
    st.sampled_from([types_pb2.DT_STRING, types_pb2.DT_FLOAT, types_pb2.DT_INT64, 0, 999]),
    st.lists(st.integers(-3, 5), max_size=3),
    st.lists(st.binary(max_size=40), max_size=5),
    st.lists(st.floats(allow_nan=False), max_size=3),
    st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    inputs=st.dictionaries(st.sampled_from(["text", "x", ""]), tensors, max_size=2),
    signature=st.sampled_from(["", "serving_default", "explain", "nope"]),
    name=st.sampled_from(["tweetclf", "other"]),
    version=st.one_of(st.none(), st.integers(-1, 3)),
)
def test_fuzz_never_internal(
    both: Both, inputs: dict, signature: str, name: str, version: int | None
) -> None:
    request = predict_pb2.PredictRequest()
    request.model_spec.name, request.model_spec.signature_name = name, signature
    if version is not None:
        request.model_spec.version.value = version
    for key, tensor in inputs.items():
        request.inputs[key].CopyFrom(tensor)
    try:
        both.predictions.Predict(request, timeout=60)
    except grpc.RpcError as err:
        assert err.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND), err.details()
    assert both.served.proc.poll() is None
    assert "Traceback" not in both.served.log.read_text()


def test_grpc_requests_are_counted_in_the_metrics(both: Both) -> None:
    def count(samples: dict, model: str, status: str) -> float:
        labels = (("model", model), ("route", "grpc_predict"), ("status", status), ("version", "latest"))
        return float(samples.get(("tweetclf_requests_total", labels), 0.0))

    before = _scrape(both.served)
    both.predictions.Predict(predict_request(["Forest fire"]), timeout=60)
    with pytest.raises(grpc.RpcError):
        both.predictions.Predict(predict_request(["Forest fire"], "zzz"), timeout=60)
    unknown = predict_request(["Forest fire"])
    unknown.model_spec.name = "whatever-a-client-sends"
    with pytest.raises(grpc.RpcError):
        both.predictions.Predict(unknown, timeout=60)
    after = _scrape(both.served)
    assert count(after, "tweetclf", "OK") == count(before, "tweetclf", "OK") + 1
    assert count(after, "tweetclf", "INVALID_ARGUMENT") == count(before, "tweetclf", "INVALID_ARGUMENT") + 1
    assert count(after, "unknown", "NOT_FOUND") == count(before, "unknown", "NOT_FOUND") + 1
    latency = ("tweetclf_request_latency_seconds_count", (("route", "grpc_predict"),))
    assert after[latency] == before.get(latency, 0.0) + 3
    tfs = ":tensorflow:serving:request_count"
    for model, status in (("tweetclf", "OK"), ("tweetclf", "INVALID_ARGUMENT"), ("unknown", "NOT_FOUND")):
        labels = (("model_name", model), ("status", status))
        assert after[(tfs, labels)] == before.get((tfs, labels), 0.0) + 1
    grpc_latency = (":tensorflow:serving:request_latency_count",
                    (("API", "Predict"), ("entrypoint", "GRPC"), ("model_name", "tweetclf")))  # fmt: skip
    assert after[grpc_latency] == before.get(grpc_latency, 0.0) + 1


def test_readme_grpc_example_runs(both: Both, tmp_path: Path) -> None:
    """The integration README's Python gRPC example, run against the server as written there."""
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    block = re.search(r"```python\n(import grpc\n.*?)```", readme, re.S)
    assert block is not None, "the README has no gRPC example"
    code = block.group(1).replace("localhost:8500", both.channel._channel.target().decode())
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert 0.0 <= namespace["probability"] <= 1.0


def test_bytes_that_are_not_utf8_score_as_the_model_reads_them(both: Both, trained) -> None:
    """gRPC carries bytes; invalid UTF-8 is read with U+FFFD, as the graph's standardisation does."""
    from tweet_classifier.artifacts.exported_model import load_signatures

    raw = [b"Forest fire \xff\xfe near La Ronge", b"\xc3 smoke #wildfire \x80"]
    request = predict_request(["placeholder"])
    request.inputs["text"].CopyFrom(tf.make_tensor_proto(raw))
    served = arrays(both.predictions.Predict(request, timeout=60))["probability"]
    graph = load_signatures(trained[0].version_dir).functions["serving_default"]
    direct = graph(text=tf.constant(raw)).get("probability").numpy()
    np.testing.assert_allclose(served, direct, atol=1e-6)
