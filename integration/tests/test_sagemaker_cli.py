"""tweetclf sagemaker against a moto server, and the container contract of the bundle it uploads."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import boto3
import pytest
from conftest import tweetclf

from glove_lookup import WordVectors
from sagemaker_launcher.testing import (
    TEST_ROLE,
    seed_endpoint_results,
)
from tweet_classifier import sample_csv
from tweet_classifier.cli import main
from tweet_classifier.sagemaker.bundle import ENTRY_SCRIPT, build_bundle

TRAIN = [
    "sagemaker",
    "train",
    "--train-csv",
    str(sample_csv()),
    "--bucket",
    "tweets-run",
    "--role",
    TEST_ROLE,
]


def bucket_keys(aws: str) -> list[str]:
    s3 = boto3.client("s3", endpoint_url=aws, region_name="us-east-1")
    return [o["Key"] for o in s3.list_objects_v2(Bucket="tweets-run")["Contents"]]


def started_job(aws: str, out: str) -> dict[str, Any]:
    """The training job ``tweetclf sagemaker train`` printed, as SageMaker describes it."""
    job = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("training job: "))
    sagemaker = boto3.client("sagemaker", endpoint_url=aws, region_name="us-east-1")
    described: dict[str, Any] = sagemaker.describe_training_job(TrainingJobName=job)
    return described


@pytest.mark.slow
def test_train_stages_data_and_vectors_and_starts_the_job(
    aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*TRAIN, "--epochs", "1", "--vocab-top-n", "500", "--instance-count", "2", "--poll", "0.01",
                 "--run-name", "first"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "model artifact: s3://tweets-run/tweetclf/first/output/first" in out
    keys = bucket_keys(aws)
    # one prefix per run: its data, its code and (the job's) output
    assert all(k.startswith("tweetclf/first/") for k in keys), keys
    assert "tweetclf/first/input/train/sample_tweets.csv" in keys
    assert "tweetclf/first/input/vectors/vectors.npz" in keys
    assert any(k.startswith("tweetclf/first/code/") and k.endswith("tweet_classifier/cli.py") for k in keys)
    described = started_job(aws, out)
    channels = {c["ChannelName"] for c in described["InputDataConfig"]}
    assert {"train", "vectors"} <= channels
    assert described["HyperParameters"]["epochs"] == "1"
    assert described["HyperParameters"]["trainable_vectors"] == "false"
    assert described["ResourceConfig"]["InstanceCount"] == 2
    # the tested training image (tox env sagemaker-image) unless asked otherwise
    assert described["AlgorithmSpecification"]["TrainingImage"].endswith("tensorflow-training:2.16-cpu-py310")


def test_train_on_another_image_takes_its_python(aws: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*TRAIN, "--epochs", "1", "--vocab-top-n", "500", "--no-wait", "--run-name", "newer",
                 "--framework-version", "2.21"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    image = started_job(aws, out)["AlgorithmSpecification"]["TrainingImage"]
    assert image.endswith("tensorflow-training:2.21-cpu-py312")
    with pytest.raises(SystemExit):
        main([*TRAIN, "--framework-version", "2.99"])
    assert "invalid choice: '2.99'" in capsys.readouterr().err


def test_train_with_a_teacher_stages_its_files_as_a_channel(
    aws: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tweet_classifier.teacher.random_bert import random_teacher_files

    teacher = random_teacher_files().save(tmp_path / "teacher")
    code = main([*TRAIN, "--teacher", str(teacher), "--poll", "0.01", "--run-name", "taught"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "staged as the teacher channel" in out
    keys = bucket_keys(aws)
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        assert f"tweetclf/taught/input/teacher/{name}" in keys
    described = started_job(aws, out)
    assert {"train", "vectors", "teacher"} <= {c["ChannelName"] for c in described["InputDataConfig"]}
    code = main([*TRAIN, "--teacher", str(tmp_path / "nowhere")])
    assert code == 2 and "no such teacher" in capsys.readouterr().err


def container_environment(aws: str, model: str | None = None) -> dict[str, str] | None:
    """The serving container's variables of ``model`` (the only model if ``None``)."""
    sm = boto3.client("sagemaker", endpoint_url=aws, region_name="us-east-1")
    model = model or sm.list_models()["Models"][0]["ModelName"]
    environment: dict[str, str] | None = sm.describe_model(ModelName=model)["PrimaryContainer"].get(
        "Environment"
    )
    return environment


def stage_model(aws: str, written_by: str | None = "2.21.0", key: str = "m/model.tar.gz") -> str:
    """A model.tar.gz in s3://tweets-run/ as far as deploy reads it: its version's metadata (moto
    runs no container, so no SavedModel is needed; ``test_deploy_a_packaged_export`` uses a real one)."""
    record: dict[str, Any] = {"threshold": 0.5}
    if written_by:
        record["written_by"] = {"tensorflow": written_by, "keras": "3.0.0"}
    data = json.dumps(record).encode("utf-8")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        member = tarfile.TarInfo("1/assets.extra/tweetclf.json")
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    s3 = boto3.client("s3", endpoint_url=aws, region_name="us-east-1")
    if not s3.list_buckets()["Buckets"]:
        s3.create_bucket(Bucket="tweets-run")
    s3.put_object(Bucket="tweets-run", Key=key, Body=buffer.getvalue())
    return f"s3://tweets-run/{key}"


def serving_variables(**changed: str) -> dict[str, str]:
    """What deploy sets by default: one thread per op and tweetclf serve's batching."""
    from tweet_classifier.production import BatchingParameters

    return {
        "SAGEMAKER_TFS_INTRA_OP_PARALLELISM": "1",
        **BatchingParameters().sagemaker_environment(),
        **changed,
    }


def test_deploy_invoke_delete(aws: str, capsys: pytest.CaptureFixture[str]) -> None:
    stage_model(aws)
    assert main(["sagemaker", "deploy", "--model-data", "s3://tweets-run/m/model.tar.gz", "--endpoint", "tw",
                 "--role", TEST_ROLE]) == 0  # fmt: skip
    # TF Serving runs one thread per op and batches as tweetclf serve does
    assert container_environment(aws) == serving_variables()
    seed_endpoint_results(
        aws, [{"predictions": [{"label": 1, "probability": 0.91}, {"label": 0, "probability": 0.2}]}]
    )
    assert main(["sagemaker", "invoke", "--endpoint", "tw", "Forest fire", "nice day"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()[-2:]
    assert lines == ["1\t0.9100\tForest fire", "0\t0.2000\tnice day"]
    assert main(["sagemaker", "delete", "--endpoint", "tw"]) == 0
    assert main(["sagemaker", "delete", "--endpoint", "tw"]) == 0
    assert main(["sagemaker", "invoke", "--endpoint", "tw", "x"]) == 2
    assert "endpoint tw not found" in capsys.readouterr().err


def test_client_reaches_an_endpoint_through_the_launcher(aws: str) -> None:
    from tweet_classifier.client import Prediction, TweetClient

    stage_model(aws)
    assert main(["sagemaker", "deploy", "--model-data", "s3://tweets-run/m/model.tar.gz", "--endpoint", "ep",
                 "--role", TEST_ROLE]) == 0  # fmt: skip
    seed_endpoint_results(aws, [{"predictions": [{"label": 1, "probability": 0.75}]}])
    assert TweetClient("ep", api="endpoint").predict(["Forest fire"]) == [Prediction(1, 0.75)]


@pytest.mark.slow
def test_container_contract(tmp_path: Path, glove: WordVectors) -> None:
    """The uploaded bundle, run the way SageMaker's driver runs it, trains and its model is servable."""
    opt_ml = tmp_path / "opt_ml"
    code = build_bundle(opt_ml / "code")
    (opt_ml / "input" / "data" / "train").mkdir(parents=True)
    shutil.copy(sample_csv(), opt_ml / "input" / "data" / "train" / "train.csv")
    (opt_ml / "input" / "data" / "vectors").mkdir()
    glove.restrict(top_n=3000).save(opt_ml / "input" / "data" / "vectors" / "vectors.npz")
    (opt_ml / "model").mkdir()
    env = {
        **os.environ,
        "SM_MODEL_DIR": str(opt_ml / "model"),
        "SM_OUTPUT_DIR": str(opt_ml / "output"),
        "SM_CHANNEL_TRAIN": str(opt_ml / "input" / "data" / "train"),
        "SM_CHANNEL_VECTORS": str(opt_ml / "input" / "data" / "vectors"),
        "SM_HOSTS": '["algo-1"]',
        "SM_CURRENT_HOST": "algo-1",
        "SM_CURRENT_HOST_RANK": "0",
        "SM_NUM_GPUS": "0",
        "SM_HPS": '{"epochs": 1}',
    }
    where = subprocess.run(
        [sys.executable, "-c", "import tweet_classifier; print(tweet_classifier.__file__)"],
        cwd=code, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.strip().startswith(str(code))  # the job imports the uploaded copy
    run = subprocess.run(
        [sys.executable, ENTRY_SCRIPT, "--epochs", "1", "--batch_size", "16", "--sequence_length", "20"],
        cwd=code, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert (opt_ml / "model" / "1" / "saved_model.pb").is_file()
    # SageMaker tars SM_MODEL_DIR as model.tar.gz; the TF Serving container (and tweetclf serve) read 1/
    with tarfile.open(tmp_path / "model.tar.gz", "w:gz") as archive:
        archive.add(opt_ml / "model" / "1", arcname="1")
    served_base = tmp_path / "served" / "model"
    served_base.mkdir(parents=True)
    with tarfile.open(tmp_path / "model.tar.gz") as archive:
        archive.extractall(served_base, filter="data")
    from test_server import start_server

    server = start_server(served_base, tmp_path, "--model-name", "model")
    try:
        code_, body = server.post("/invocations", {"instances": ["Forest fire near La Ronge", ""]})
        assert code_ == 200 and len(body["predictions"]) == 2  # type: ignore[index]
    finally:
        server.proc.terminate()
        server.proc.wait(timeout=30)


def test_transform_a_csv_into_a_submission(
    aws: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The on-ramp: a CSV in, Kaggle's id,target out; the run's files under one prefix."""
    (tmp_path / "test.csv").write_text("id,text\n7,Forest fire\n9,nice day\n", encoding="utf-8")
    s3 = boto3.client("s3", endpoint_url=aws, region_name="us-east-1")
    stage_model(aws)
    # what the TF Serving container writes for the staged file (moto runs no container)
    answer = {"predictions": [{"label": 1, "probability": 0.9}, {"label": 0, "probability": 0.1}]}
    s3.put_object(
        Bucket="tweets-run", Key="tweetclf/t1/output/test.jsonl.out", Body=json.dumps(answer) + "\n"
    )
    out = tmp_path / "submission.csv"
    code = main(["sagemaker", "transform", "--model-data", "s3://tweets-run/m/model.tar.gz", "--csv",
                 str(tmp_path / "test.csv"), "--out", str(out), "--bucket", "tweets-run", "--run-name", "t1",
                 "--role", TEST_ROLE, "--poll", "0.01"])  # fmt: skip
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert out.read_text(encoding="utf-8").splitlines() == ["id,target", "7,1", "9,0"]
    staged = s3.get_object(Bucket="tweets-run", Key="tweetclf/t1/input/test.jsonl")["Body"].read()
    assert [json.loads(line) for line in staged.decode("utf-8").splitlines()] == ["Forest fire", "nice day"]
    assert (
        "transform job: t1\n" in printed.out
        and "results under s3://tweets-run/tweetclf/t1/output" in printed.out
    )
    assert container_environment(aws, "t1") == {"SAGEMAKER_TFS_INTRA_OP_PARALLELISM": "1"}


def test_transform_from_s3_to_s3(aws: str, capsys: pytest.CaptureFixture[str]) -> None:
    stage_model(aws)
    code = main(["sagemaker", "transform", "--model-data", "s3://tweets-run/m/model.tar.gz",
                 "--input", "s3://tweets-run/in/", "--output", "s3://tweets-run/out/", "--run-name", "t2",
                 "--tf-threads", "2", "--role", TEST_ROLE, "--poll", "0.01"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    sm = boto3.client("sagemaker", endpoint_url=aws, region_name="us-east-1")
    job = sm.describe_transform_job(TransformJobName="t2")
    assert job["ModelName"] == "t2" and job["TransformOutput"]["S3OutputPath"] == "s3://tweets-run/out/"
    assert job["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == "s3://tweets-run/in/"
    assert container_environment(aws, "t2") == {"SAGEMAKER_TFS_INTRA_OP_PARALLELISM": "2"}


def test_tf_threads_reach_the_serving_container(aws: str, capsys: pytest.CaptureFixture[str]) -> None:
    stage_model(aws)
    deploy = ["sagemaker", "deploy", "--model-data", "s3://tweets-run/m/model.tar.gz", "--role", TEST_ROLE]
    assert main([*deploy, "--endpoint", "four", "--tf-threads", "4", "--no-batching"]) == 0
    assert container_environment(aws) == {"SAGEMAKER_TFS_INTRA_OP_PARALLELISM": "4"}
    assert main(["sagemaker", "delete", "--endpoint", "four"]) == 0
    assert main([*deploy, "--endpoint", "zero", "--tf-threads", "0", "--no-batching"]) == 0
    assert container_environment(aws) is None  # TensorFlow's and the image's defaults: nothing set
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main([*deploy, "--endpoint", "bad", "--tf-threads", "-1"])
    assert exit_info.value.code == 2
    assert "--tf-threads: expected a whole number of threads (0 or more), got '-1'" in capsys.readouterr().err


def test_an_aws_error_is_one_line_and_exit_1(aws: str, tmp_path: Path) -> None:
    """AWS unreachable (nothing listens on the endpoint): one line naming the resource, exit 1."""
    env = {**os.environ, "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"}
    done = subprocess.run(
        [*tweetclf(), "sagemaker", "delete", "--endpoint", "tw"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(
        "tweetclf: AWS call failed for endpoint tw: Could not connect to the endpoint URL"
    )
    assert done.stderr.count("\n") == 1


def deployed_model(aws: str) -> dict[str, Any]:
    sm = boto3.client("sagemaker", endpoint_url=aws, region_name="us-east-1")
    return sm.describe_model(ModelName=sm.list_models()["Models"][0]["ModelName"])["PrimaryContainer"]


def test_deploy_a_packaged_export_on_the_image_that_loads_it(
    aws: str, trained, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real ``tweetclf package`` tarball: its recorded TensorFlow picks the tested TF Serving image;
    the batching flags reach the container as tweetclf serve's names say."""
    _, base = trained
    assert main(["package", "--model", str(base), "--out", str(tmp_path / "model.tar.gz")]) == 0
    s3 = boto3.client("s3", endpoint_url=aws, region_name="us-east-1")
    s3.create_bucket(Bucket="tweets-run")
    s3.upload_file(str(tmp_path / "model.tar.gz"), "tweets-run", "real/model.tar.gz")
    code = main(["sagemaker", "deploy", "--model-data", "s3://tweets-run/real/model.tar.gz",
                 "--endpoint", "real", "--max-batch-size", "32", "--batch-timeout-ms", "2.5",
                 "--role", TEST_ROLE])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    container = deployed_model(aws)
    assert container["Image"].endswith("tensorflow-inference:2.16-cpu")
    assert container["Environment"] == serving_variables(
        SAGEMAKER_TFS_MAX_BATCH_SIZE="32", SAGEMAKER_TFS_BATCH_TIMEOUT_MICROS="2500"
    )
    assert "(TF Serving 2.16, ml.m5.large)" in capsys.readouterr().out


def test_deploy_refuses_an_image_older_than_the_export_needs(
    aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stage_model(aws, written_by="2.30.0")
    deploy = ["sagemaker", "deploy", "--model-data", "s3://tweets-run/m/model.tar.gz", "--endpoint", "new",
              "--role", TEST_ROLE]  # fmt: skip
    assert main([*deploy, "--framework-version", "2.19"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "2.30.0" in err and "2.19" in err and "--framework-version" in err
    assert main(deploy) == 2  # no known image is new enough: said, not guessed
    assert "newest known is 2.20" in capsys.readouterr().err
    sm = boto3.client("sagemaker", endpoint_url=aws, region_name="us-east-1")
    assert sm.list_models()["Models"] == [] and sm.list_endpoints()["Endpoints"] == []
    assert main([*deploy, "--framework-version", "2.30"]) == 2  # new enough, but the SDK knows no such image
    assert "no TensorFlow Serving image for 2.30" in capsys.readouterr().err


def test_deploy_an_export_that_does_not_say_who_wrote_it_or_none_at_all(
    aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stage_model(aws, written_by=None)  # exported before exports recorded their TensorFlow
    deploy = ["sagemaker", "deploy", "--endpoint", "old", "--role", TEST_ROLE, "--model-data"]
    assert main([*deploy, "s3://tweets-run/m/model.tar.gz"]) == 0
    assert deployed_model(aws)["Image"].endswith("tensorflow-inference:2.16-cpu")
    assert main([*deploy, "s3://tweets-run/absent/model.tar.gz"]) == 2
    assert "s3://tweets-run/absent/model.tar.gz: no such object" in capsys.readouterr().err


def test_deploy_serverless(aws: str, capsys: pytest.CaptureFixture[str]) -> None:
    stage_model(aws)
    assert main(["sagemaker", "deploy", "--model-data", "s3://tweets-run/m/model.tar.gz",
                 "--endpoint", "idle", "--serverless", "--serverless-memory", "4096",
                 "--role", TEST_ROLE]) == 0  # fmt: skip
    assert "(TF Serving 2.16, serverless, 4096 MB)" in capsys.readouterr().out
    sm = boto3.client("sagemaker", endpoint_url=aws, region_name="us-east-1")
    config = sm.describe_endpoint(EndpointName="idle")["EndpointConfigName"]
    (variant,) = sm.describe_endpoint_config(EndpointConfigName=config)["ProductionVariants"]
    assert variant["ServerlessConfig"] == {"MemorySizeInMB": 4096, "MaxConcurrency": 5}
    assert main(["sagemaker", "delete", "--endpoint", "idle"]) == 0
    assert sm.list_models()["Models"] == [] and sm.list_endpoint_configs()["EndpointConfigs"] == []
