"""The OOV-share drift metric, fed from the served texts off the answers' path."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor

from tweet_classifier.server.metrics import Metrics
from tweet_classifier.server.store import LoadedVersion

log = logging.getLogger("tweetclf.serve")


class OovSampler:
    """Runs a version's ``oov_share`` signature on served texts, one call at a time: at low load
    every request is measured; under load, a sample (a request arriving while a measurement
    runs is skipped), and no answer ever waits for it."""

    def __init__(self, metrics: Metrics, model_name: str, executor: Executor) -> None:
        self.metrics, self.model_name, self.executor = metrics, model_name, executor
        self.pending = False

    def observe(self, model: LoadedVersion, texts: list[str]) -> None:
        if self.pending or "oov_share" not in model.signatures:  # older exports have no such signature
            return
        self.pending = True

        def measure() -> None:
            try:
                shares = model.predict(texts, "oov_share")["oov_share"]
                self.metrics.observe_oov_shares(self.model_name, model.version, shares)
            except Exception:  # a metric must never fail a request; say why once per failure
                log.exception("measuring the OOV share of version %s failed", model.version)
            finally:
                self.pending = False

        asyncio.get_running_loop().run_in_executor(self.executor, measure)
