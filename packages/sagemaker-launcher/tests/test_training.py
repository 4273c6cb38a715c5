"""train: the CreateTrainingJob request carries image, channels, hyperparameters, compute, paths; failures."""

from __future__ import annotations

import time
from pathlib import Path

import boto3
import pytest
from conftest import ROLE

from sagemaker_launcher import AwsConfig, ConfigError, JobFailedError, TrainSpec, start_training, wait_for_job
from sagemaker_launcher.cli import main


@pytest.fixture
def code(tmp_path: Path) -> Path:
    source = tmp_path / "bundle"
    source.mkdir()
    (source / "entry.py").write_text("print('training')\n")
    (source / "requirements.txt").write_text("numpy\n")
    return source


def spec(code: Path, **changes: object) -> TrainSpec:
    values: dict[str, object] = {
        "source_dir": code,
        "entry_script": "entry.py",
        "requirements": "requirements.txt",
        "channels": {
            "train": "s3://tweets-data/run/train.csv",
            "vectors": "s3://tweets-data/run/vectors.npz",
        },
        "hyperparameters": {"epochs": 3, "balance": "class-weight"},
        "output_path": "s3://tweets-data/output",
        "instance_count": 2,
        "checkpoint_uri": "s3://tweets-data/checkpoints",
        "base_job_name": "tweetclf",
    }
    values.update(changes)
    return TrainSpec(**values)  # type: ignore[arg-type]


def make_bucket(url: str) -> None:
    boto3.client("s3", endpoint_url=url, region_name="us-east-1").create_bucket(Bucket="tweets-data")


def test_request_carries_everything(aws: str, code: Path) -> None:
    make_bucket(aws)
    config = AwsConfig.resolve(role=ROLE)
    job = start_training(spec(code), config)
    described = boto3.client("sagemaker", endpoint_url=aws, region_name="us-east-1").describe_training_job(
        TrainingJobName=job
    )
    assert job.startswith("tweetclf")
    assert described["AlgorithmSpecification"]["TrainingImage"].endswith("tensorflow-training:2.16-cpu-py310")
    assert described["RoleArn"] == ROLE
    channels = {
        c["ChannelName"]: c["DataSource"]["S3DataSource"]["S3Uri"] for c in described["InputDataConfig"]
    }
    assert channels["train"] == "s3://tweets-data/run/train.csv"
    assert channels["vectors"] == "s3://tweets-data/run/vectors.npz"
    assert "code" in channels  # the SDK uploads the source bundle as a channel
    assert described["HyperParameters"]["epochs"] == "3"
    assert described["HyperParameters"]["balance"] == "class-weight"
    assert described["ResourceConfig"]["InstanceCount"] == 2
    assert described["ResourceConfig"]["InstanceType"] == "ml.m5.xlarge"
    assert described["OutputDataConfig"]["S3OutputPath"] == "s3://tweets-data/output"
    assert described["CheckpointConfig"]["S3Uri"] == "s3://tweets-data/checkpoints"
    seen: list[str] = []
    result = wait_for_job(job, config, poll_s=0.01, on_status=lambda s, d: seen.append(s))
    assert result.status == "Completed" and seen == ["Completed"]
    assert result.model_artifacts and result.model_artifacts.startswith("s3://tweets-data/output")


def test_failed_job_reports_its_reason(aws: str, code: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from moto.sagemaker.models import sagemaker_backends

    make_bucket(aws)
    config = AwsConfig.resolve(role=ROLE)
    job = start_training(spec(code, instance_count=1), config)
    fake = sagemaker_backends["123456789012"]["us-east-1"].training_jobs[job]
    fake.training_job_status = "Failed"
    fake.failure_reason = "AlgorithmError: train.csv:3: column 'target' must be 0 or 1"
    with pytest.raises(JobFailedError, match=r"Failed: AlgorithmError: train\.csv:3"):
        wait_for_job(job, config, poll_s=0.01)


def test_cli_train_exit_codes(aws: str, code: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    from moto.sagemaker.models import FakeTrainingJob

    make_bucket(aws)
    args = ["train", "--source-dir", str(code), "--entry-script", "entry.py"]
    args += [
        "--channel",
        "train=s3://tweets-data/t.csv",
        "-p",
        "epochs=1",
        "--output",
        "s3://tweets-data/out",
    ]
    args += ["--role", ROLE, "--poll", "0.01"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "training job: training-" in out and "model artifact: s3://tweets-data/out" in out

    original = FakeTrainingJob.__init__

    def failing(self, *a, **k):  # every new job ends Stopped, as after a max-runtime stop
        original(self, *a, **k)
        self.training_job_status = "Stopped"
        self.failure_reason = "MaxRuntimeExceeded"

    monkeypatch.setattr(FakeTrainingJob, "__init__", failing)
    assert main(args) == 1
    assert "Stopped: MaxRuntimeExceeded" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"channels": {"train-data": "s3://tweets-data/t.csv"}}, "channel name 'train-data' is not allowed"),
        ({"channels": {"train": "/local/file.csv"}}, "is not an S3 URI"),
        ({"entry_script": "missing.py"}, "entry script not found"),
        ({"instance_count": 0}, "instance count must be >= 1"),
        ({"spot": True, "max_wait_s": 10}, "--max-wait must be >= --max-runtime"),
    ],
)
def test_bad_specs(aws: str, code: Path, changes: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        start_training(spec(code, **changes), AwsConfig.resolve(role=ROLE))


def test_status_and_logs_are_streamed(aws: str, code: Path) -> None:
    from sagemaker_launcher.training import LOG_GROUP, run_training

    make_bucket(aws)
    config = AwsConfig.resolve(role=ROLE)
    logs = boto3.client("logs", endpoint_url=aws, region_name="us-east-1")
    logs.create_log_group(logGroupName=LOG_GROUP)
    original_start = start_training

    def start_and_log(spec_: TrainSpec, config_: AwsConfig) -> str:  # the container writes its log
        job = original_start(spec_, config_)
        logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=f"{job}/algo-1-1700000000")
        now = int(time.time() * 1000)  # CloudWatch drops events older than 14 days
        events = [{"timestamp": now + i, "message": m} for i, m in enumerate(["epoch 1/1", "exported"])]
        logs.put_log_events(
            logGroupName=LOG_GROUP, logStreamName=f"{job}/algo-1-1700000000", logEvents=events
        )
        return job

    import sagemaker_launcher.training as training

    lines: list[str] = []
    original = training.start_training
    training.start_training = start_and_log  # type: ignore[assignment]
    try:
        run_training(spec(code, instance_count=1), config, poll_s=0.01, echo=lines.append)
    finally:
        training.start_training = original
    assert lines[0].startswith("training job: tweetclf")
    assert "  Completed: Completed" in lines
    assert "[algo-1-1700000000] epoch 1/1" in lines and "[algo-1-1700000000] exported" in lines
    assert lines[-1].startswith("model artifact: s3://tweets-data/output")
