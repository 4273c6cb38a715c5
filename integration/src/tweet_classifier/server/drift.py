"""The OOV-share drift metric, fed from the served texts off the answers' path."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor

from tweet_classifier.server.metrics import Metrics
from tweet_classifier.server.store import LoadedVersion

log = logging.getLogger("tweetclf.serve")
BATCH = 256  # texts per oov_share call: one call per this many served texts
FLUSH_S = 1.0  # fewer texts than that are measured after this long


class OovSampler:
    """Collects served texts and runs the version's ``oov_share`` signature on them in batches,
    one call at a time, in the server's executor: no answer waits for it, and the cost is one
    model call per :data:`BATCH` texts. Texts arriving while the buffer is full and a call
    runs are not measured (under load the metric is a sample)."""

    def __init__(self, metrics: Metrics, model_name: str, executor: Executor) -> None:
        self.metrics, self.model_name, self.executor = metrics, model_name, executor
        self.pending = False
        self.buffer: list[str] = []
        self.model: LoadedVersion | None = None
        self.timer: asyncio.TimerHandle | None = None

    def observe(self, model: LoadedVersion, texts: list[str]) -> None:
        if "oov_share" not in model.signatures:  # exported before the signature existed
            return
        if self.model is not None and self.model is not model:
            self.flush()  # the texts so far belong to the version that served them
            self.buffer = []  # (unless a call still runs: then they go unmeasured)
        if len(self.buffer) >= BATCH:
            return
        self.model = model
        self.buffer.extend(texts[: BATCH - len(self.buffer)])
        if len(self.buffer) >= BATCH and not self.pending:
            self.flush()
        elif self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(FLUSH_S, self.flush)

    def flush(self) -> None:
        """Measure the buffered texts now (or, while a call runs, a little later)."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if not self.buffer or self.model is None:
            return
        if self.pending:
            self.timer = asyncio.get_running_loop().call_later(FLUSH_S, self.flush)
            return
        texts, model, self.buffer, self.pending = self.buffer, self.model, [], True

        def measure() -> None:
            try:
                shares = model.predict(texts, "oov_share")["oov_share"]
                self.metrics.observe_oov_shares(self.model_name, model.version, shares)
            except Exception:  # a metric must never fail a request; say why
                log.exception("measuring the OOV share of version %s failed", model.version)
            finally:
                self.pending = False

        asyncio.get_running_loop().run_in_executor(self.executor, measure)
