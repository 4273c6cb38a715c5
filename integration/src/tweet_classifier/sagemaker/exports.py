"""What an export in S3 says of itself: the TensorFlow that wrote it picks the TF Serving image.

A ``model.tar.gz`` (``tweetclf package``, or a training job's artifact) holds version dirs
with ``assets.extra/tweetclf.json``; its ``written_by.tensorflow`` is read by streaming the
archive (nothing is written to disk).
"""

from __future__ import annotations

import json
import re
import tarfile
from typing import Any

from sagemaker_launcher import AwsConfig, LauncherError, NotFoundError, parse_s3_uri, serving_image_for

METADATA = re.compile(r"^(?:\./)?(?:.*/)?(\d+)/assets\.extra/tweetclf\.json$")


def export_writer(model_data: str, config: AwsConfig) -> str | None:
    """The TensorFlow version that wrote the newest version in ``model_data`` (``None``: not recorded).

    A missing object or a file that is not a gzipped tar is a one-line :class:`LauncherError`.
    """
    from botocore.exceptions import ClientError

    bucket, key = parse_s3_uri(model_data)
    try:
        body = config.client("s3").get_object(Bucket=bucket, Key=key)["Body"]
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in ("NoSuchKey", "NoSuchBucket", "404"):
            raise NotFoundError(
                f"{model_data}: no such object (tweetclf package makes a model.tar.gz)"
            ) from None
        raise
    records: dict[int, dict[str, Any]] = {}
    try:
        with tarfile.open(fileobj=body, mode="r|gz") as archive:
            for member in archive:
                match = METADATA.match(member.name)
                handle = archive.extractfile(member) if match and member.isfile() else None
                if match and handle is not None:
                    records[int(match[1])] = json.loads(handle.read(1 << 20) or b"{}")
    except (tarfile.TarError, OSError, EOFError, json.JSONDecodeError) as err:
        raise LauncherError(f"{model_data}: not a model.tar.gz that tweetclf can read ({err})") from None
    from tweet_classifier.artifacts.versions import writer_tensorflow

    return writer_tensorflow(records[max(records)]) if records else None


def serving_version(model_data: str, config: AwsConfig, forced: str | None) -> str:
    """The TF Serving image version for ``model_data``: ``forced`` (``--framework-version``) when
    new enough for the export, else the default when it loads it (:mod:`sagemaker_launcher.images`)."""
    return serving_image_for(export_writer(model_data, config), forced)
