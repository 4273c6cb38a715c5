"""An export written by the project's TensorFlow, served by the TF Serving image's (tox env serving-compat).

``$EXPORT_DIR`` holds ``1/`` and ``answers.json`` from ``write_export.py`` (run with the
project's TensorFlow). This env holds the TensorFlow of the default TF Serving image
(``ci/images/tensorflow-serving-2.16.txt``). The export is loaded as ``tensorflow_model_server``
loads it: the v1 SavedModel loader into a session (tables initialised by the export's init op),
then its warmup records replayed, then every signature's answers compared with the writer's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tensorflow as tf

EXPORT = Path(os.environ.get("EXPORT_DIR", "export"))
PINS = Path(__file__).resolve().parents[2] / "ci" / "images" / "tensorflow-serving-2.16.txt"


@pytest.fixture(scope="module")
def answers() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXPORT / "answers.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def served(answers: dict[str, Any]) -> Any:
    """(session, signature defs) of the export loaded by TF Serving's loader."""
    graph = tf.Graph()
    with graph.as_default():
        session = tf.compat.v1.Session(graph=graph)
        meta = tf.compat.v1.saved_model.loader.load(session, ["serve"], str(EXPORT / answers["version"]))
    yield session, meta.signature_def
    session.close()


def run(served: Any, signature: str, inputs: dict[str, Any]) -> dict[str, Any]:
    session, defs = served
    definition = defs[signature]
    feed = {definition.inputs[name].name: value for name, value in inputs.items()}
    fetch = {name: info.name for name, info in definition.outputs.items()}
    return dict(session.run(fetch, feed))


def test_this_env_holds_the_serving_images_tensorflow(answers: dict[str, Any]) -> None:
    wanted = next(line for line in PINS.read_text().splitlines() if line.startswith("tensorflow=="))
    assert tf.__version__ == wanted.split("==")[1]
    assert answers["tensorflow"] != tf.__version__  # a real cross-version check: written by another


def test_the_writer_is_one_deploy_counts_as_checked(answers: dict[str, Any]) -> None:
    """deploy and tf-serving-config send exports of writers up to NEWEST_CHECKED_WRITER to this
    TF Serving. When the project's TensorFlow moves past it, this check is what covers the new
    writer: move the constant (sagemaker_launcher.images) once the other tests here pass."""
    writer = tuple(int(part) for part in answers["tensorflow"].split(".")[:2])
    checked = tuple(int(part) for part in answers["newest_checked_writer"].split(".")[:2])
    assert writer <= checked, (
        f"exports are written by TensorFlow {answers['tensorflow']}; deploy counts writers up to "
        f"{answers['newest_checked_writer']} as checked: move NEWEST_CHECKED_WRITER if this env passes"
    )


def test_the_warmup_records_replay(served: Any) -> None:
    from tensorflow_serving.apis import prediction_log_pb2

    path = EXPORT / "1" / "assets.extra" / "tf_serving_warmup_requests"
    replayed = set()
    for record in tf.compat.v1.io.tf_record_iterator(str(path)):
        request = prediction_log_pb2.PredictionLog.FromString(record).predict_log.request
        inputs = {name: tf.make_ndarray(tensor) for name, tensor in request.inputs.items()}
        outputs = run(served, request.model_spec.signature_name, inputs)
        assert outputs, request.model_spec.signature_name
        replayed.add(request.model_spec.signature_name)
    assert replayed == {"serving_default", "explain", "oov_share"}


@pytest.mark.parametrize("signature", ["serving_default", "explain", "oov_share"])
def test_answers_equal_the_writers(served: Any, answers: dict[str, Any], signature: str) -> None:
    outputs = run(served, signature, {"text": np.array(answers["texts"], dtype=object)})
    expected = answers[signature]
    assert set(outputs) == set(expected)
    for name, value in outputs.items():
        if value.dtype == object:  # strings: the tokens and words explain read
            decoded = np.vectorize(lambda b: b.decode("utf-8", "replace"), otypes=[object])(value)
            assert decoded.tolist() == expected[name], name
        elif np.issubdtype(value.dtype, np.floating):
            np.testing.assert_allclose(value, np.array(expected[name]), atol=1e-5, err_msg=name)
        else:
            assert value.tolist() == expected[name], name
