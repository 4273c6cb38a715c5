"""Our training code on the default SageMaker training image's versions (tox env sagemaker-image).

The bundle in ``$BUNDLE_DIR`` is the one ``tweetclf sagemaker train`` uploads; this env holds
the image's TensorFlow, Keras, numpy, pandas and protobuf and the bundle's ``requirements.txt``
installed under them. Each test runs the entry script as SageMaker's driver runs it.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

import pytest

BUNDLE = Path(os.environ.get("BUNDLE_DIR", "bundle"))
PINS = Path(__file__).resolve().parents[2] / "ci" / "images" / "tensorflow-training-2.16.txt"
HPS = ["--epochs", "1", "--batch_size", "16", "--vocab_top_n", "2000", "--sequence_length", "20",
       "--lstm_seeds", "1"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_bundles_requirements_leave_the_images_tensorflow_numpy_pandas_protobuf() -> None:
    """requirements.txt is installed over the image's packages, as the container's pip does: it
    may raise Keras (the bundle asks for >= 3.5), but moving TensorFlow, numpy, pandas or protobuf
    would run our code on versions nobody tested."""
    from packaging.requirements import Requirement

    pins = [line for line in PINS.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]
    asked = {
        Requirement(line).name: Requirement(line)
        for line in (BUNDLE / "requirements.txt").read_text().split()
    }
    for pin in pins:
        name, _, wanted = pin.partition("==")
        if name in asked:
            assert asked[name].specifier.contains(version(name)), pin
        else:
            assert version(name) == wanted, pin


@functools.cache
def vectors() -> Path:
    """The GloVe vectors channel's file, trimmed as ``tweetclf sagemaker train`` trims them (once)."""
    from glove_lookup import WordVectors

    path = Path(tempfile.mkdtemp(prefix="vectors-")) / "vectors.npz"
    WordVectors.load("glove-6b-50d").restrict(top_n=3000).save(path)
    return path


def opt_ml(root: Path) -> dict[str, str]:
    """A SageMaker /opt/ml under ``root``: the sample tweets and GloVe vectors as channels."""
    sample = BUNDLE / "tweet_classifier" / "data" / "sample_tweets.csv"
    (root / "input" / "data" / "train").mkdir(parents=True)
    shutil.copy(sample, root / "input" / "data" / "train" / "train.csv")
    (root / "input" / "data" / "vectors").mkdir()
    shutil.copy(vectors(), root / "input" / "data" / "vectors" / "vectors.npz")
    (root / "model").mkdir()
    return {
        "SM_MODEL_DIR": str(root / "model"),
        "SM_OUTPUT_DIR": str(root / "output"),
        "SM_CHANNEL_TRAIN": str(root / "input" / "data" / "train"),
        "SM_CHANNEL_VECTORS": str(root / "input" / "data" / "vectors"),
        "SM_HOSTS": '["algo-1"]',
        "SM_CURRENT_HOST": "algo-1",
        "SM_NUM_GPUS": "0",
    }


def start(env: dict[str, str]) -> subprocess.Popen[str]:
    """The bundle's entry script, from the bundle's directory, as the training driver starts it."""
    return subprocess.Popen(
        [sys.executable, "train_entry.py", *HPS], cwd=BUNDLE, env={**os.environ, **env},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def test_the_job_imports_the_bundle_not_an_installed_copy() -> None:
    where = subprocess.run(
        [sys.executable, "-c", "import tweet_classifier; print(tweet_classifier.__file__)"],
        cwd=BUNDLE, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert Path(where.stdout.strip()).resolve().is_relative_to(BUNDLE.resolve())


def test_one_host_trains_exports_and_the_export_answers(tmp_path: Path) -> None:
    job = start(opt_ml(tmp_path))
    out, _ = job.communicate(timeout=900)
    assert job.returncode == 0, out[-3000:]
    export = tmp_path / "model" / "1"
    meta = json.loads((export / "assets.extra" / "tweetclf.json").read_text(encoding="utf-8"))
    assert meta["written_by"]["tensorflow"] == "2.16.2" and meta["written_by"]["keras"] == version("keras")
    import tensorflow as tf

    serve = tf.saved_model.load(str(export)).signatures["serving_default"]
    answer = serve(text=tf.constant(["Forest fire near La Ronge Sask. Canada", "", "what a goal"]))
    probability = answer["probability"].numpy()
    assert probability.shape == (3,) and ((probability >= 0) & (probability <= 1)).all()
    assert set(answer["label"].numpy().tolist()) <= {0, 1}


@pytest.mark.slow
def test_two_hosts_train_together_and_only_the_chief_exports(tmp_path: Path) -> None:
    hosts = [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]
    jobs, roots = [], []
    for rank, host in enumerate(hosts):
        root = tmp_path / f"host{rank}"
        roots.append(root)
        jobs.append(start({**opt_ml(root), "SM_HOSTS": json.dumps(hosts), "SM_CURRENT_HOST": host}))
    try:
        outputs = [job.communicate(timeout=900)[0] for job in jobs]
    finally:
        for job in jobs:
            if job.poll() is None:
                job.kill()
    for job, out in zip(jobs, outputs, strict=True):
        assert job.returncode == 0, out[-3000:]
    assert [sorted(p.name for p in (root / "model").iterdir()) for root in roots] == [["1"], []]
