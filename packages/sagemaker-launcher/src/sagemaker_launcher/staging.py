"""S3 in and out: upload files and directories once (identical objects are skipped), JSON lines, download."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sagemaker_launcher.config import AwsConfig, parse_s3_uri
from sagemaker_launcher.errors import ConfigError

MULTIPART_THRESHOLD = 64 * 1024 * 1024


@dataclass(frozen=True)
class Staged:
    uri: str
    uploaded: bool  # False: the same content was already there


def ensure_bucket(s3: Any, bucket: str, region: str) -> bool:
    """Create ``bucket`` if missing, with default encryption and public access blocked; True if created."""
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=bucket)
        return False
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise ConfigError(f"s3://{bucket}: cannot use this bucket ({err})") from None
    params: dict[str, Any] = {"Bucket": bucket}
    if region != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**params)
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    return True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return base64.b64encode(digest.digest()).decode("ascii")


def _files(local: Path) -> list[tuple[Path, str]]:
    """(file, key suffix) pairs: a file keeps its name, a directory its relative paths under its name."""
    if local.is_file():
        return [(local, local.name)]
    if local.is_dir():
        return [
            (p, f"{local.name}/{p.relative_to(local).as_posix()}")
            for p in sorted(local.rglob("*"))
            if p.is_file()
        ]
    raise ConfigError(f"{local}: no such file or directory")


def stage(paths: list[str | Path], to: str, config: AwsConfig) -> list[Staged]:
    """Upload ``paths`` under ``to`` (``s3://bucket/prefix``); returns one entry per file."""
    from boto3.s3.transfer import TransferConfig

    bucket, prefix = parse_s3_uri(to)
    items = [item for path in paths for item in _files(Path(path))]
    s3 = config.client("s3")
    ensure_bucket(s3, bucket, config.region)
    transfer = TransferConfig(
        multipart_threshold=MULTIPART_THRESHOLD, multipart_chunksize=MULTIPART_THRESHOLD
    )
    staged = []
    for file, suffix in items:
        key = f"{prefix}/{suffix}" if prefix else suffix
        checksum = _sha256(file)
        if _same_object(s3, bucket, key, checksum, file.stat().st_size):
            staged.append(Staged(f"s3://{bucket}/{key}", uploaded=False))
            continue
        s3.upload_file(str(file), bucket, key, ExtraArgs={"Metadata": {"sha256": checksum}}, Config=transfer)
        staged.append(Staged(f"s3://{bucket}/{key}", uploaded=True))
    return staged


def _same_object(s3: Any, bucket: str, key: str, checksum: str, size: int) -> bool:
    from botocore.exceptions import ClientError

    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError:
        return False
    return bool(head.get("ContentLength") == size and head.get("Metadata", {}).get("sha256") == checksum)


def put_jsonl(instances: list[Any], uri: str, config: AwsConfig) -> str:
    """Upload ``instances`` as one JSON-lines object at ``uri`` (Batch Transform's input); returns ``uri``."""
    bucket, key = parse_s3_uri(uri)
    if not key or uri.endswith("/"):
        raise ConfigError(f"{uri}: give an object key, not a bucket or prefix")
    body = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in instances).encode("utf-8")
    s3 = config.client("s3")
    ensure_bucket(s3, bucket, config.region)
    s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/jsonlines")
    return uri


def download(uri: str, path: Path, config: AwsConfig) -> Path:
    """Copy one S3 object to ``path``: written beside it first, then renamed (never half a file)."""
    bucket, key = parse_s3_uri(uri)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    try:
        config.client("s3").download_file(bucket, key, str(partial))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path
