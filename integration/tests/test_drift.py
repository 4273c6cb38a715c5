"""The OOV-share sampler: one oov_share call per 256 served texts, never on the answer's path."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from tweet_classifier.server.drift import BATCH, OovSampler
from tweet_classifier.server.metrics import Metrics


class Version:
    """A loaded version's surface that the sampler uses: signatures and predict."""

    def __init__(self, version: int, signatures: tuple[str, ...] = ("serving_default", "oov_share")) -> None:
        self.version, self.signatures, self.calls = version, dict.fromkeys(signatures), []

    def predict(self, texts: list[str], signature: str) -> dict[str, Any]:
        self.calls.append(len(texts))
        return {"oov_share": np.array([0.5 if "qzx" in t else 0.0 for t in texts], np.float32)}


def observed(metrics: Metrics, version: int) -> tuple[float, float]:
    labels = {"model": "tweetclf", "version": str(version)}
    count = metrics.registry.get_sample_value("tweetclf_served_oov_share_count", labels) or 0.0
    total = metrics.registry.get_sample_value("tweetclf_served_oov_share_sum", labels) or 0.0
    return count, total


def test_texts_are_measured_in_batches_and_the_rest_after_a_pause(monkeypatch) -> None:
    monkeypatch.setattr("tweet_classifier.server.drift.FLUSH_S", 0.5)
    metrics, executor = Metrics(), ThreadPoolExecutor(1)
    old, new, older_export = Version(1), Version(2), Version(3, ("serving_default",))
    sampler = OovSampler(metrics, "tweetclf", executor)

    async def serve() -> None:
        for _ in range(2 * BATCH + 10):  # single-text requests, each half out of vocabulary
            sampler.observe(old, ["qzx fire"])
            await asyncio.sleep(0)
        await asyncio.sleep(1.5)  # what is left is measured after the pause
        sampler.observe(new, ["qzx"])
        sampler.observe(older_export, ["an export without oov_share"])
        await asyncio.sleep(1.5)

    asyncio.run(serve())
    executor.shutdown(wait=True)
    assert 2 <= len(old.calls) <= 4 and max(old.calls) == BATCH  # batches, not a call per request
    assert sampler.buffer == [] and not sampler.pending
    count, total = observed(metrics, 1)
    assert count == sum(old.calls) and total == 0.5 * count
    assert observed(metrics, 2) == (1.0, 0.5) and new.calls == [1]
    assert observed(metrics, 3) == (0.0, 0.0) and older_export.calls == []
