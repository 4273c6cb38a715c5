"""stage: objects land under the prefix, the bucket is private and encrypted, re-runs skip what is there."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from sagemaker_launcher import AwsConfig, ConfigError, stage
from sagemaker_launcher.cli import main


def s3(url: str):
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1")


def test_stage_files_and_directories(aws: str, tmp_path: Path) -> None:
    (tmp_path / "train.csv").write_text("id,text,target\n1,fire,1\n")
    bundle = tmp_path / "bundle"
    (bundle / "sub").mkdir(parents=True)
    (bundle / "entry.py").write_text("print('hi')\n")
    (bundle / "sub" / "req.txt").write_text("numpy\n")
    config = AwsConfig.resolve()
    staged = stage([tmp_path / "train.csv", bundle], "s3://tweets-bucket/run1", config)
    assert [s.uri for s in staged] == [
        "s3://tweets-bucket/run1/train.csv",
        "s3://tweets-bucket/run1/bundle/entry.py",
        "s3://tweets-bucket/run1/bundle/sub/req.txt",
    ]
    assert all(s.uploaded for s in staged)
    client = s3(aws)
    body = client.get_object(Bucket="tweets-bucket", Key="run1/bundle/sub/req.txt")["Body"].read()
    assert body == b"numpy\n"
    rules = client.get_bucket_encryption(Bucket="tweets-bucket")["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = client.get_public_access_block(Bucket="tweets-bucket")["PublicAccessBlockConfiguration"]
    assert all(block.values())

    again = stage([tmp_path / "train.csv", bundle], "s3://tweets-bucket/run1", config)
    assert not any(s.uploaded for s in again)  # idempotent
    (bundle / "entry.py").write_text("print('changed')\n")
    third = stage([bundle], "s3://tweets-bucket/run1", config)
    assert [s.uploaded for s in third] == [True, False]


def test_cli_stage_and_errors(aws: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "v.npz"
    file.write_bytes(b"\x00" * 10)
    assert main(["stage", str(file), "--to", "s3://cli-bucket/p"]) == 0
    assert "s3://cli-bucket/p/v.npz\tuploaded" in capsys.readouterr().out
    assert main(["stage", str(file), "--to", "not-s3://x"]) == 2
    assert "is not an S3 URI" in capsys.readouterr().err
    assert main(["stage", str(tmp_path / "absent"), "--to", "s3://cli-bucket/p"]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_configuration_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "SAGEMAKER_LAUNCHER_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match="no AWS region"):
        AwsConfig.resolve()
    with pytest.raises(ConfigError, match="is not an IAM role ARN"):
        AwsConfig.resolve(region="us-east-1", role="SageMakerRole")
    config_file = tmp_path / "launcher.json"
    config_file.write_text('{"region": "eu-west-1", "role": "arn:aws:iam::123456789012:role/R"}')
    resolved = AwsConfig.resolve(config_file=config_file)
    assert (resolved.region, resolved.role) == ("eu-west-1", "arn:aws:iam::123456789012:role/R")
    config_file.write_text("{oops")
    with pytest.raises(ConfigError, match=r"launcher\.json:1: not valid JSON"):
        AwsConfig.resolve(config_file=config_file)
    with pytest.raises(ConfigError, match="role ARN is required"):
        AwsConfig.resolve(region="us-east-1").need_role()


def test_the_network_guard_refuses_non_loopback_addresses() -> None:
    import socket

    with socket.socket() as sock, pytest.raises(AssertionError, match="only loopback"):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: refused by the guard before any packet


def test_large_files_go_up_in_parts(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sagemaker_launcher.staging as staging

    monkeypatch.setattr(staging, "MULTIPART_THRESHOLD", 5 * 1024 * 1024)  # S3's smallest part
    big = tmp_path / "vectors.npz"
    big.write_bytes(b"\x01" * (11 * 1024 * 1024))
    [item] = stage([big], "s3://big-bucket/v", AwsConfig.resolve())
    head = s3(aws).head_object(Bucket="big-bucket", Key="v/vectors.npz")
    assert item.uploaded and head["ContentLength"] == big.stat().st_size
    assert head["ETag"].strip('"').endswith("-3")  # a multipart upload of 3 parts
    assert not stage([big], "s3://big-bucket/v", AwsConfig.resolve())[0].uploaded
