"""transform: the CreateTransformJob request (JSON lines in and out, one record per line)."""

from __future__ import annotations

import boto3
import pytest
from conftest import ROLE

from sagemaker_launcher.cli import main


def test_transform_request(aws: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["transform", "--model-data", "s3://models/run1/model.tar.gz", "--input", "s3://tweets-data/in/"]
    args += ["--output", "s3://tweets-data/out/", "--role", ROLE, "--poll", "0.01", "--instance-count", "2"]
    assert main(args) == 0
    out = capsys.readouterr().out
    job = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("transform job: "))
    model = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("model: "))
    described = boto3.client("sagemaker", endpoint_url=aws, region_name="us-east-1").describe_transform_job(
        TransformJobName=job
    )
    assert described["ModelName"] == model
    assert described["TransformInput"]["ContentType"] == "application/jsonlines"
    assert described["TransformInput"]["SplitType"] == "Line"
    assert described["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == "s3://tweets-data/in/"
    assert described["TransformOutput"] == {
        "S3OutputPath": "s3://tweets-data/out/",
        "Accept": "application/jsonlines",
        "AssembleWith": "Line",
    }
    assert described["TransformResources"]["InstanceCount"] == 2
    assert "Completed: results under s3://tweets-data/out/" in out


def test_transform_needs_a_model(aws: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["transform", "--input", "s3://tweets-data/in/", "--output", "s3://tweets-data/out/"])
    assert main(["transform", "--model-data", "s3://models/m.tar.gz", "--input", "s3://tweets-data/in/",
                 "--output", "s3://tweets-data/out/"]) == 2  # fmt: skip
    assert "role ARN is required" in capsys.readouterr().err


def test_a_transform_model_gets_the_container_environment(aws: str) -> None:
    from sagemaker_launcher import TFS_INTRA_OP_THREADS, AwsConfig, create_model

    config = AwsConfig.resolve(role=ROLE)
    create_model("s3://models/run1/model.tar.gz", "with-env", config, environment={TFS_INTRA_OP_THREADS: "1"})
    create_model("s3://models/run1/model.tar.gz", "without-env", config)
    client = boto3.client("sagemaker", endpoint_url=aws, region_name="us-east-1")
    with_env = client.describe_model(ModelName="with-env")["PrimaryContainer"]
    assert with_env["Environment"] == {"SAGEMAKER_TFS_INTRA_OP_PARALLELISM": "1"}
    assert "Environment" not in client.describe_model(ModelName="without-env")["PrimaryContainer"]
