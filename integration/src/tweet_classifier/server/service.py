"""The transport-neutral core of ``tweetclf serve``: models, versions, batching, limits, warmup."""

from __future__ import annotations

import asyncio
import gc
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tweet_classifier.server.batching import Batcher
from tweet_classifier.server.config import ServerConfig
from tweet_classifier.server.drift import OovSampler
from tweet_classifier.server.metrics import Metrics
from tweet_classifier.server.protocol import PredictRequest, check_signature, check_work, format_predictions
from tweet_classifier.server.store import LoadedVersion, ModelStore
from tweet_classifier.signatures import SERVING_DEFAULT
from tweet_classifier.tensorflow_start import set_tf_threads

log = logging.getLogger("tweetclf.serve")


class Service:
    """What every transport serves: the model store, the batchers, the worker threads, the limits.

    The REST app (:func:`tweet_classifier.server.app.create_app`) and the gRPC services
    (:mod:`tweet_classifier.server.grpc_api`) parse requests and call :meth:`run`; this class
    knows neither HTTP nor gRPC. Refusals are the types of :mod:`tweet_classifier.server.errors`.
    """

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.store = ModelStore(
            config.base_path, config.model_name, config.only_version, warmup=config.model_warmup
        )
        self.metrics = Metrics(config.model_name)
        self.executor = ThreadPoolExecutor(max_workers=config.threads, thread_name_prefix="predict")
        self.explain_executor = (  # explain costs ~10x a batch: never on serving_default's threads
            ThreadPoolExecutor(config.explain_threads, thread_name_prefix="explain")
            if config.explain_threads
            else self.executor
        )
        self.batchers: dict[tuple[int, str], Batcher] = {}
        self._retiring: set[asyncio.Task[None]] = set()  # referenced until done (asyncio keeps weak refs)
        self._poller: asyncio.Task[None] | None = None
        self.oov = OovSampler(self.metrics, config.model_name, self.explain_executor)

    async def start(self) -> None:
        if self.config.tf_threads:  # possible only before TF starts its devices (tweetclf serve does it then)
            current = set_tf_threads(self.config.tf_threads, self.config.concurrent_calls)
            if current != self.config.tf_threads:
                log.warning("TensorFlow already started with %s threads per call", current or "default")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.executor, self.store.refresh)
        # TensorFlow leaves millions of long-lived objects; a full GC pass over them stalls every
        # request for ~150 ms (the p99 tail under load). Move them out of the collector's sight.
        gc.collect()
        gc.freeze()
        self._poller = loop.create_task(self._poll())

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
        for batcher in self.batchers.values():
            batcher.close()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.explain_executor.shutdown(wait=False, cancel_futures=True)

    async def _poll(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.config.poll_interval_s)
            try:
                await loop.run_in_executor(self.executor, self.store.refresh)
            except Exception:  # keep polling whatever one attempt did
                log.exception("checking %s for new versions failed", self.config.model_base)

    async def predict(self, model: LoadedVersion, parsed: PredictRequest, pinned: bool) -> dict[str, Any]:
        """A REST answer: the signature's outputs in TF Serving's row or columnar JSON."""
        return format_predictions(
            await self.run(model, parsed.texts, parsed.signature, pinned), parsed.columnar
        )

    async def run(
        self, model: LoadedVersion, texts: list[str], signature: str, pinned: bool
    ) -> dict[str, Any]:
        """``signature`` on ``texts`` (batched with other requests unless ``pinned``), for every API."""
        check_signature(signature, model.signatures)
        check_work(texts, signature, self.config.limits)
        loop = asyncio.get_running_loop()
        # explain's rows are as wide as the longest text of the call: never mix requests in one
        batched = self.config.batching and not pinned and signature == SERVING_DEFAULT
        batcher = self._batcher(model, signature) if batched else None
        if batcher is not None:
            outputs = await batcher.submit(texts)
        else:
            self.metrics.observe_batch(len(texts))
            executor = self.executor if signature == SERVING_DEFAULT else self.explain_executor
            outputs = await loop.run_in_executor(executor, model.predict, texts, signature)
        self.metrics.observe_predictions(self.config.model_name, model.version, outputs)
        if signature == SERVING_DEFAULT:
            self.oov.observe(model, texts)
        return outputs

    def _batcher(self, model: LoadedVersion, signature: str) -> Batcher | None:
        """The batcher of the served version; ``None`` for a request that still holds a replaced one.

        A new version's first batcher retires the older versions' batchers: they answer what is
        queued, then stop, so a replaced model is not kept alive by its idle batcher.
        """
        key = (model.version, signature)
        batcher = self.batchers.get(key)
        if batcher is not None:
            return batcher
        if any(version > model.version for version, _ in self.batchers):
            return None  # a newer version serves already; run this straggler alone

        def call(texts: list[str]) -> dict[str, Any]:
            self.metrics.observe_batch(len(texts))
            return model.predict(texts, signature)

        batcher = Batcher(
            call,
            self.executor,
            self.config.max_batch_size,
            self.config.batch_timeout_s,
            workers=self.config.threads,
        )
        self._retiring = {t for t in self._retiring if not t.done()}
        for old in [k for k in self.batchers if k[0] < model.version]:
            retired = self.batchers.pop(old)
            self._retiring.add(asyncio.get_running_loop().create_task(retired.drain_and_close()))
        self.batchers[key] = batcher
        return batcher
