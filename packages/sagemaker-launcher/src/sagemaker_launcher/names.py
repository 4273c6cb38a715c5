"""Readable, unique names for SageMaker resources (models, jobs, endpoint configs)."""

from __future__ import annotations

import re
import time

MAX_NAME = 63  # SageMaker's limit for model, job and endpoint-config names
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9-]+")


def unique_name(prefix: str, when: float | None = None) -> str:
    """``prefix-YYYYmmdd-HHMMSS-mmm`` (UTC), cut to SageMaker's 63 characters, only ``[A-Za-z0-9-]``.

    >>> unique_name("tweetclf transform", when=0.25)
    'tweetclf-transform-19700101-000000-250'
    """
    when = time.time() if when is None else when
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(when)) + f"-{int(when * 1000) % 1000:03d}"
    head = _NOT_ALLOWED.sub("-", prefix).strip("-")[: MAX_NAME - len(stamp) - 1].rstrip("-")
    return f"{head}-{stamp}" if head else stamp
