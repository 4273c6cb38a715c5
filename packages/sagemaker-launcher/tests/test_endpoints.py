"""deploy / invoke / delete against moto: resources created, switched, removed; seeded results parsed."""

from __future__ import annotations

import boto3
import pytest
from conftest import ROLE, seed_endpoint_results

from sagemaker_launcher import TFS_INTRA_OP_THREADS, AwsConfig, NotFoundError, delete, deploy, invoke
from sagemaker_launcher.cli import main


def sm(url: str):
    return boto3.client("sagemaker", endpoint_url=url, region_name="us-east-1")


def test_deploy_switch_and_delete(aws: str, moto_update_endpoint: None) -> None:
    config = AwsConfig.resolve(role=ROLE)
    first = deploy("s3://models/run1/model.tar.gz", "tweets", config, poll_s=0.01)
    assert first.status == "InService"
    assert first.image.endswith("tensorflow-inference:2.16-cpu")
    client = sm(aws)
    model = client.describe_model(ModelName=first.model)
    assert model["PrimaryContainer"]["ModelDataUrl"] == "s3://models/run1/model.tar.gz"
    assert "Environment" not in model["PrimaryContainer"]  # none asked for: the image's defaults
    assert model["ExecutionRoleArn"] == ROLE
    assert client.describe_endpoint(EndpointName="tweets")["EndpointConfigName"] == first.endpoint_config

    second = deploy(
        "s3://models/run2/model.tar.gz",
        "tweets",
        config,
        poll_s=0.01,
        environment={TFS_INTRA_OP_THREADS: "1"},
    )
    container = client.describe_model(ModelName=second.model)["PrimaryContainer"]
    assert container["Environment"] == {"SAGEMAKER_TFS_INTRA_OP_PARALLELISM": "1"}
    assert client.describe_endpoint(EndpointName="tweets")["EndpointConfigName"] == second.endpoint_config
    assert [m["ModelName"] for m in client.list_models()["Models"]] == [second.model]  # the old one is gone
    assert [c["EndpointConfigName"] for c in client.list_endpoint_configs()["EndpointConfigs"]] == [
        second.model
    ]

    assert delete("tweets", config) is True
    assert client.list_endpoints()["Endpoints"] == []
    assert client.list_models()["Models"] == [] and client.list_endpoint_configs()["EndpointConfigs"] == []
    assert delete("tweets", config) is False  # idempotent


def test_invoke_parses_seeded_results(aws: str) -> None:
    config = AwsConfig.resolve(role=ROLE)
    deploy("s3://models/run1/model.tar.gz", "tweets", config, poll_s=0.01)
    seed_endpoint_results(
        aws, [{"predictions": [{"label": 1, "probability": 0.9}, {"label": 0, "probability": 0.1}]}]
    )
    assert invoke("tweets", ["Forest fire", "nice day"], config) == [
        {"label": 1, "probability": 0.9},
        {"label": 0, "probability": 0.1},
    ]


def test_unknown_endpoint(aws: str, capsys: pytest.CaptureFixture[str]) -> None:
    from sagemaker_launcher.endpoints import check_in_service

    with pytest.raises(NotFoundError, match="endpoint absent not found in us-east-1"):
        check_in_service("absent", AwsConfig.resolve())
    assert main(["invoke", "--endpoint", "absent", "hello"]) == 2
    assert "endpoint absent not found" in capsys.readouterr().err


def test_cli_deploy_invoke_delete(aws: str, capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    assert (
        main(["deploy", "--model-data", "s3://models/model.tar.gz", "--endpoint", "cli", "--role", ROLE]) == 0
    )
    assert "endpoint cli: InService" in capsys.readouterr().out
    seed_endpoint_results(aws, [{"predictions": [{"label": 1, "probability": 0.8}]}])
    lines = tmp_path / "in.jsonl"
    lines.write_text('"Forest fire"\n')
    assert main(["invoke", "--endpoint", "cli", "--jsonl", str(lines)]) == 0
    assert '"label": 1' in capsys.readouterr().out
    assert main(["delete", "--endpoint", "cli"]) == 0
    assert main(["delete", "--endpoint", "cli"]) == 0
    assert "not found (nothing to delete)" in capsys.readouterr().out
    assert (
        main(["deploy", "--model-data", "s3://models/model.tar.gz", "--endpoint", "x", "--role", "nope"]) == 2
    )
    assert "is not an IAM role ARN" in capsys.readouterr().err
    assert main(["deploy", "--model-data", "s3://models/model.tar.gz", "--endpoint", "x"]) == 2
    assert "role ARN is required" in capsys.readouterr().err


def test_no_tensorflow_imported() -> None:
    import subprocess
    import sys

    code = "import sys, sagemaker_launcher, sagemaker_launcher.cli; print('tensorflow' in sys.modules)"
    assert (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        == "False"
    )


def test_a_serverless_endpoint_has_no_instances_and_delete_cleans_it(
    aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["deploy", "--model-data", "s3://models/model.tar.gz", "--endpoint", "idle", "--role", ROLE]
    assert main([*args, "--serverless", "--serverless-memory", "3072", "--serverless-concurrency", "2"]) == 0
    client = sm(aws)
    config_name = client.describe_endpoint(EndpointName="idle")["EndpointConfigName"]
    (variant,) = client.describe_endpoint_config(EndpointConfigName=config_name)["ProductionVariants"]
    assert variant["ServerlessConfig"] == {"MemorySizeInMB": 3072, "MaxConcurrency": 2}
    assert "InstanceType" not in variant and "InitialInstanceCount" not in variant
    assert main(["delete", "--endpoint", "idle"]) == 0
    assert client.list_endpoint_configs()["EndpointConfigs"] == [] and client.list_models()["Models"] == []


def test_a_bad_serverless_size_is_refused_before_anything_is_created(
    aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sagemaker_launcher import ConfigError, Serverless

    with pytest.raises(ConfigError, match=r"max concurrency must be 1\.\.200, got 0"):
        Serverless(max_concurrency=0)
    with pytest.raises(ConfigError, match=r"memory must be one of 1024, .* MB, got 1000"):
        Serverless(memory_mb=1000)
    args = ["deploy", "--model-data", "s3://models/model.tar.gz", "--endpoint", "x", "--role", ROLE]
    assert main([*args, "--serverless", "--serverless-concurrency", "500"]) == 2
    assert "max concurrency must be 1..200, got 500" in capsys.readouterr().err
    assert sm(aws).list_models()["Models"] == []
