"""`tweetclf tf-serving-config`: the three files parse as TF Serving's protos, the commands use them.

``models.config`` is parsed with the official ``ModelServerConfig`` (tensorflow-serving-api).
That package lacks TF Serving's ``BatchingParameters`` and ``MonitoringConfig``: those two
files are parsed with descriptors that hold those messages' fields (names and types as in
TF Serving's session_bundle_config.proto and monitoring_config.proto), so an unknown field or
a wrongly typed value fails the parse as it would fail ``tensorflow_model_server``.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import tweetclf
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, text_format, wrappers_pb2

from tweet_classifier.production import MONITORING_PATH, BatchingParameters
from tweet_classifier.server.config import ServerConfig

F = descriptor_pb2.FieldDescriptorProto
FILE_FLAGS = [("model_config_file", "models"), ("batching_parameters_file", "batching"),
              ("monitoring_config_file", "monitoring")]  # fmt: skip


@functools.cache
def tf_serving_messages() -> dict[str, Any]:
    """BatchingParameters and MonitoringConfig as message classes, from their fields."""
    assert wrappers_pb2.Int64Value  # the wrapper types are in the default pool
    proto = descriptor_pb2.FileDescriptorProto(
        name="tweetclf_test/tf_serving_subset.proto",
        package="tweetclf_test",
        syntax="proto3",
        dependency=["google/protobuf/wrappers.proto"],
    )
    batching = proto.message_type.add(name="BatchingParameters")
    wrapped = [
        ("max_batch_size", ".google.protobuf.Int64Value"),
        ("batch_timeout_micros", ".google.protobuf.Int64Value"),
        ("max_enqueued_batches", ".google.protobuf.Int64Value"),
        ("num_batch_threads", ".google.protobuf.Int64Value"),
        ("thread_pool_name", ".google.protobuf.StringValue"),
    ]
    for number, (name, type_name) in enumerate(wrapped, start=1):
        batching.field.add(name=name, number=number, type=F.TYPE_MESSAGE, type_name=type_name)
    batching.field.add(name="allowed_batch_sizes", number=6, type=F.TYPE_INT64, label=F.LABEL_REPEATED)
    batching.field.add(name="pad_variable_length_inputs", number=7, type=F.TYPE_BOOL)
    prometheus = proto.message_type.add(name="PrometheusConfig")
    prometheus.field.add(name="enable", number=1, type=F.TYPE_BOOL)
    prometheus.field.add(name="path", number=2, type=F.TYPE_STRING)
    monitoring = proto.message_type.add(name="MonitoringConfig")
    monitoring.field.add(
        name="prometheus_config", number=1, type=F.TYPE_MESSAGE, type_name=".tweetclf_test.PrometheusConfig"
    )
    pool = descriptor_pool.Default()
    pool.Add(proto)
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"tweetclf_test.{name}"))
        for name in ("BatchingParameters", "MonitoringConfig")
    }


def parse(path: Path, message: Any) -> Any:
    return text_format.Parse(path.read_text(encoding="utf-8"), message)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*tweetclf(), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def written(trained, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, Path]:
    """(the finished command, the model base, the files' directory)."""
    _, base = trained
    out = tmp_path_factory.mktemp("tfs") / "config"
    done = run("tf-serving-config", "--model", str(base), "--out", str(out), "--max-batch-size", "64")
    return done, base, out


def test_models_config_is_a_model_server_config(written) -> None:
    from tensorflow_serving.config import model_server_config_pb2

    done, _, out = written
    assert done.returncode == 0, done.stderr[-2000:]
    config = parse(out / "models.config", model_server_config_pb2.ModelServerConfig())
    (model,) = config.model_config_list.config
    assert model.name == "tweetclf" and model.base_path == "/models/tweetclf"
    assert model.model_platform == "tensorflow"
    assert model.model_version_policy.latest.num_versions == 1  # the newest, as tweetclf serve
    for name in ("models", "batching", "monitoring"):  # a server run as another user reads them
        assert (out / f"{name}.config").stat().st_mode & 0o044 == 0o044
    assert sorted(p.name for p in out.iterdir()) == ["batching.config", "models.config", "monitoring.config"]


def test_batching_config_has_tweetclf_serves_batching(written) -> None:
    _, _, out = written
    batching = parse(out / "batching.config", tf_serving_messages()["BatchingParameters"]())
    serve = ServerConfig(Path("unused"))
    assert batching.max_batch_size.value == 64  # the flag
    assert batching.batch_timeout_micros.value == round(serve.batch_timeout_ms * 1000)
    assert batching.num_batch_threads.value == serve.threads
    assert batching.max_enqueued_batches.value == BatchingParameters().max_enqueued_batches


def test_monitoring_config_enables_prometheus(written) -> None:
    _, _, out = written
    monitoring = parse(out / "monitoring.config", tf_serving_messages()["MonitoringConfig"]())
    assert monitoring.prometheus_config.enable and monitoring.prometheus_config.path == MONITORING_PATH


def test_an_unknown_field_fails_the_parse() -> None:
    """The subset descriptors are a real check: a misspelt field is refused, as TF Serving would."""
    with pytest.raises(text_format.ParseError):
        text_format.Parse("max_batch_sise { value: 1 }", tf_serving_messages()["BatchingParameters"]())


def test_the_commands_use_the_files_and_the_tested_image(written) -> None:
    done, base, out = written
    lines = done.stdout.splitlines()
    docker = next(line for line in lines if line.startswith("  docker run "))
    assert "tensorflow/serving:2.16.1" in docker
    assert f"{base.resolve()}:/models/tweetclf:ro" in docker and f"{out.resolve()}:/config:ro" in docker
    files = [f"--{flag}=/config/{name}.config" for flag, name in FILE_FLAGS]
    for flag in [*files, "--enable_batching=true", "--enable_model_warmup=true"]:
        assert flag in docker
    server = next(line for line in lines if line.startswith("  tensorflow_model_server "))
    assert f"--model_base_path={base.resolve()}" in server and "--model_name=tweetclf" in server
    assert f"--batching_parameters_file={out.resolve() / 'batching.config'}" in server


def test_an_export_from_a_newer_tensorflow_gets_a_clear_refusal(trained, tmp_path: Path) -> None:
    _, base = trained
    copy = tmp_path / "m"
    shutil.copytree(base, copy)
    meta = next(copy.glob("*/assets.extra/tweetclf.json"))
    record = json.loads(meta.read_text(encoding="utf-8"))
    meta.write_text(json.dumps({**record, "written_by": {"tensorflow": "2.30.0"}}), encoding="utf-8")
    command = ["tf-serving-config", "--model", str(copy), "--out", str(tmp_path / "c")]
    forced = run(*command, "--serving-version", "2.19")
    assert forced.returncode == 2
    line = forced.stderr.strip()
    assert "\n" not in line and "2.30.0" in line and "2.19" in line and "--serving-version" in line
    assert not (tmp_path / "c").exists()  # nothing written
    newer = run(*command, "--serving-version", "2.30")
    assert newer.returncode == 0 and "tensorflow/serving:2.30 " in newer.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--max-batch-size", "0"], "--max-batch-size must be >= 1"),
        (["--threads", "0"], "--threads must be >= 1"),
        (["--batch-timeout-ms", "-1"], "--batch-timeout-ms must be >= 0"),
    ],
)
def test_bad_batching_flags_are_one_line(trained, tmp_path: Path, args: list[str], expected: str) -> None:
    _, base = trained
    done = run("tf-serving-config", "--model", str(base), "--out", str(tmp_path / "c"), *args)
    assert done.returncode == 2 and expected in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "c").exists()


def test_a_version_dir_or_an_empty_dir_is_refused_naming_the_base(trained, tmp_path: Path) -> None:
    _, base = trained
    version = next(p for p in base.iterdir() if p.name.isdigit())
    done = run("tf-serving-config", "--model", str(version), "--out", str(tmp_path / "c"))
    assert done.returncode == 2 and f"the model base above it: {base}" in done.stderr
    (tmp_path / "empty").mkdir()
    done = run("tf-serving-config", "--model", str(tmp_path / "empty"), "--out", str(tmp_path / "c"))
    assert done.returncode == 2 and "no exported version" in done.stderr
