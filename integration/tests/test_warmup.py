"""TF Serving's warmup file: every export has one, valid for its signatures, and serve replays it."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
import tensorflow as tf
from tensorflow_serving.apis import predict_pb2, prediction_log_pb2

from tweet_classifier.artifacts.warmup import WARMUP_FILE
from tweet_classifier.model import WORD_BY_WORD_FROM
from tweet_classifier.server.store import ModelStore, load_version


def records(version_dir: Path) -> list[predict_pb2.PredictRequest]:
    """The warmup requests, parsed with TF Serving's own protos."""
    logs = [
        prediction_log_pb2.PredictionLog.FromString(raw)
        for raw in tf.data.TFRecordDataset(str(version_dir / WARMUP_FILE)).as_numpy_iterator()
    ]
    assert all(log.WhichOneof("log_type") == "predict_log" for log in logs)
    return [log.predict_log.request for log in logs]


def test_each_request_is_valid_for_its_signature_and_runs_in_tf_servings_loader(trained) -> None:
    result, _ = trained
    requests = records(result.version_dir)
    sizes: dict[str, list[int]] = {}
    with tf.compat.v1.Session(graph=tf.Graph()) as session:  # the loader TF Serving uses
        meta = tf.compat.v1.saved_model.load(session, ["serve"], str(result.version_dir))
        for request in requests:
            signature = meta.signature_def[request.model_spec.signature_name]
            assert set(request.inputs) == set(signature.inputs)
            feed = {}
            for name, tensor in request.inputs.items():
                assert tensor.dtype == tf.string.as_datatype_enum
                assert [d.size for d in tensor.tensor_shape.dim] == [len(tensor.string_val)]
                feed[signature.inputs[name].name] = list(tensor.string_val)
            outputs = session.run({k: v.name for k, v in signature.outputs.items()}, feed)
            batch = len(next(iter(request.inputs.values())).string_val)
            assert all(len(value) == batch for value in outputs.values())
            sizes.setdefault(request.model_spec.signature_name, []).append(batch)
        assert set(sizes) == set(meta.signature_def) - {"__saved_model_init_op"}
    assert all(len(set(batches)) >= 2 for batches in sizes.values()), sizes  # a few batch sizes each
    explain_words = [
        sum(len(text.split()) for text in request.inputs["text"].string_val)
        for request in requests
        if request.model_spec.signature_name == "explain"
    ]
    # both ways explain scores shortened texts: re-reading them (few), and word by word (many)
    assert min(explain_words) < WORD_BY_WORD_FROM <= max(explain_words)


def test_serve_replays_the_records_and_a_bad_one_fails_the_load(trained, tmp_path: Path, caplog) -> None:
    result, _ = trained
    base = tmp_path / "tweetclf"
    shutil.copytree(result.version_dir, base / "1")
    with caplog.at_level(logging.INFO, logger="tweetclf.serve"):
        load_version(base, 1)
    assert f"version 1 warmed with {len(records(base / '1'))} requests" in caplog.text

    bad = prediction_log_pb2.PredictionLog()
    bad.predict_log.request.model_spec.signature_name = "no_such_signature"
    bad.predict_log.request.inputs["text"].CopyFrom(tf.make_tensor_proto(["fire"], dtype=tf.string))
    with tf.io.TFRecordWriter(str(base / "1" / WARMUP_FILE)) as writer:
        writer.write(bad.SerializeToString())
    with pytest.raises(ValueError, match="no_such_signature"):
        load_version(base, 1)
    store = ModelStore(base, "tweetclf")
    assert store.refresh() is None  # like TF Serving: a version whose warmup fails is not served
    (status,) = store.status("tweetclf", 1)
    assert status["state"] == "END" and "no_such_signature" in status["status"]["error_message"]
    # --no-model-warmup: the file is not read, so the same version loads and is served
    unwarmed = ModelStore(base, "tweetclf", warmup=False)
    assert unwarmed.refresh() is not None and unwarmed.latest is not None
    assert unwarmed.latest.version == 1
