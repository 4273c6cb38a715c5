"""TF Serving's deployment files for a model base, and the command lines that use them.

``tensorflow_model_server`` serves a model base (numeric version dirs) from three text-format
protobuf files: ``models.config`` (``ModelServerConfig``: name, base path, version policy),
``batching.config`` (``BatchingParameters``) and ``monitoring.config`` (``MonitoringConfig``:
Prometheus metrics on the REST port). They are written here with ``tweetclf serve``'s
behaviour: the newest version served, the same batching, one TensorFlow thread per op,
the warmup records replayed before a version answers.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tweet_classifier.atomic_write import write_atomically
from tweet_classifier.errors import ModelDirError
from tweet_classifier.production.batching import BatchingParameters

MONITORING_PATH = "/monitoring/prometheus/metrics"  # TF Serving's usual Prometheus path (REST port)
CONTAINER_MODELS = "/models"  # where the docker command mounts the model base
CONTAINER_CONFIG = "/config"  # and the three files
FILES = ("models.config", "batching.config", "monitoring.config")


@dataclass(frozen=True)
class ServingFiles:
    """What :func:`write_serving_files` wrote, and the commands that serve the model with them."""

    directory: Path
    serving_version: str  # the tensorflow/serving tag
    written_by: str | None  # the TensorFlow that wrote the newest version (None: not recorded)
    docker_command: list[str]
    server_command: list[str]

    def path(self, name: str) -> Path:
        return self.directory / name


def models_config(model_name: str, base_path: str) -> str:
    """``ModelServerConfig`` in text format: one TensorFlow model, its newest version served.

    >>> print(models_config("tweetclf", "/models/tweetclf"), end="")
    model_config_list {
      config {
        name: "tweetclf"
        base_path: "/models/tweetclf"
        model_platform: "tensorflow"
        model_version_policy { latest { num_versions: 1 } }
      }
    }
    """
    return (
        "model_config_list {\n  config {\n"
        f"    name: {_quoted(model_name)}\n    base_path: {_quoted(base_path)}\n"
        '    model_platform: "tensorflow"\n'
        "    model_version_policy { latest { num_versions: 1 } }\n  }\n}\n"
    )


def monitoring_config(path: str = MONITORING_PATH) -> str:
    """``MonitoringConfig`` in text format: Prometheus metrics at ``path`` on the REST port."""
    return f"prometheus_config {{\n  enable: true\n  path: {_quoted(path)}\n}}\n"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_serving_files(
    model_base: Path,
    directory: Path,
    *,
    model_name: str = "tweetclf",
    batching: BatchingParameters | None = None,
    serving_version: str | None = None,
    tf_threads: int = 1,
    ports: tuple[int, int] = (8501, 8500),
) -> ServingFiles:
    """Write the three files into ``directory`` (each replaced whole) for ``model_base``.

    ``serving_version``: the ``tensorflow/serving`` release (``2.16`` or ``2.16.1``); by default
    the oldest tested one that loads the newest version's export (:mod:`sagemaker_launcher.images`),
    and an older one than the export needs is refused. ``ports``: REST, gRPC.
    """
    written_by = _written_by(model_base)
    version = _serving_release(written_by, serving_version)
    batching = batching or BatchingParameters()
    contents = {
        "models.config": models_config(model_name, f"{CONTAINER_MODELS}/{model_name}"),
        "batching.config": batching.text_format(),
        "monitoring.config": monitoring_config(),
    }
    for name, text in contents.items():
        write_atomically(directory / name, partial(Path.write_text, data=text, encoding="utf-8"))
    rest, grpc = ports
    common = [
        "--enable_batching=true",
        f"--tensorflow_intra_op_parallelism={tf_threads}",
        "--enable_model_warmup=true",
    ]
    config = Path(directory).resolve()
    docker = [
        "docker", "run", "--rm", "-p", f"{rest}:8501", "-p", f"{grpc}:8500",
        "-v", f"{model_base.resolve()}:{CONTAINER_MODELS}/{model_name}:ro",
        "-v", f"{config}:{CONTAINER_CONFIG}:ro",
        f"tensorflow/serving:{version}",
        f"--model_config_file={CONTAINER_CONFIG}/models.config",
        f"--batching_parameters_file={CONTAINER_CONFIG}/batching.config",
        f"--monitoring_config_file={CONTAINER_CONFIG}/monitoring.config",
        *common,
    ]  # fmt: skip
    server = [
        "tensorflow_model_server", f"--port={grpc}", f"--rest_api_port={rest}",
        f"--model_name={model_name}", f"--model_base_path={model_base.resolve()}",
        f"--batching_parameters_file={config / 'batching.config'}",
        f"--monitoring_config_file={config / 'monitoring.config'}",
        *common,
    ]  # fmt: skip
    return ServingFiles(directory, version, written_by, docker, server)


def shell_line(command: list[str]) -> str:
    """A command as one shell line, quoted where needed.

    >>> shell_line(["docker", "run", "-v", "/my models:/models"])
    "docker run -v '/my models:/models'"
    """
    return " ".join(shlex.quote(part) for part in command)


def _written_by(model_base: Path) -> str | None:
    """The TensorFlow that wrote the newest complete version (None when it does not say)."""
    from tweet_classifier.artifacts.versions import (
        complete_versions,
        is_complete,
        read_metadata,
        writer_tensorflow,
    )

    if model_base.name.isdigit() and is_complete(model_base):
        raise ModelDirError(
            f"{model_base} is one version; TF Serving takes the model base above it: {model_base.parent}"
        )
    versions = complete_versions(model_base)
    if not versions:
        raise ModelDirError(f"{model_base}: no exported version (1/, 2/, ... with a saved_model.pb) to serve")
    return writer_tensorflow(read_metadata(model_base / str(versions[-1])))


def _serving_release(written_by: str | None, forced: str | None) -> str:
    """The tensorflow/serving tag: a full release for an image version we know (2.16 -> 2.16.1)."""
    from sagemaker_launcher import SERVING_IMAGES, serving_image_for

    version = serving_image_for(written_by, forced, flag="--serving-version")
    known = SERVING_IMAGES.get(version)
    return known.tensorflow if known else version
