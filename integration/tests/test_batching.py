"""The server's dynamic batcher, driven directly on an event loop with a slow fake model."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tweet_classifier.server.batching import Batcher


class SlowModel:
    """Echoes text lengths back; remembers each batch; takes ``delay_s`` per call."""

    def __init__(self, delay_s: float = 0.01) -> None:
        self.delay_s = delay_s
        self.batches: list[list[str]] = []
        self.lock = threading.Lock()

    def __call__(self, texts: list[str]) -> dict[str, np.ndarray]:
        time.sleep(self.delay_s)
        with self.lock:
            self.batches.append(list(texts))
        return {"length": np.array([len(t) for t in texts])}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.text(max_size=5), min_size=1, max_size=9), min_size=1, max_size=30))
def test_every_request_gets_its_own_answers_and_batches_stay_bounded(requests: list[list[str]]) -> None:
    model = SlowModel(0.001)

    async def scenario() -> list[dict[str, np.ndarray]]:
        with ThreadPoolExecutor(2) as pool:
            batcher = Batcher(model, pool, max_batch_size=10, workers=2)
            answers = await asyncio.gather(*(batcher.submit(r) for r in requests))
            batcher.close()
            return answers

    answers = asyncio.run(scenario())
    for texts, answer in zip(requests, answers, strict=True):
        assert answer["length"].tolist() == [len(t) for t in texts]
    assert all(len(batch) <= 10 for batch in model.batches)
    assert sum(map(len, model.batches)) == sum(map(len, requests))


def test_drain_and_close_answers_what_is_queued_then_stops() -> None:
    model = SlowModel(0.02)

    async def scenario() -> tuple[list[dict[str, np.ndarray]], bool, Batcher]:
        with ThreadPoolExecutor(1) as pool:
            batcher = Batcher(model, pool, max_batch_size=4, workers=1)
            pending = [asyncio.ensure_future(batcher.submit([f"t{i}", "x" * i])) for i in range(12)]
            await asyncio.sleep(0)  # every request is queued; the first batch is running
            await batcher.drain_and_close()
            drained_all = all(p.done() for p in pending)
            await asyncio.sleep(0)  # let the cancellation land
            return [p.result() for p in pending], drained_all, batcher

    answers, drained_all, batcher = asyncio.run(scenario())
    assert drained_all
    assert [a["length"].tolist() for a in answers] == [[len(f"t{i}"), i] for i in range(12)]
    assert len(model.batches) >= 6  # 24 texts, at most 4 per batch
    assert all(task.done() for task in batcher._tasks)


class FakeVersion:
    """Stands in for a loaded model version (what the server's batchers call)."""

    def __init__(self, version: int) -> None:
        self.version = version
        self.model = SlowModel(0.005)

    def predict(self, texts: list[str], signature: str = "serving_default") -> dict[str, np.ndarray]:
        return self.model(texts)


def test_a_new_version_retires_the_old_versions_batcher(tmp_path) -> None:
    from tweet_classifier.server import ServerConfig
    from tweet_classifier.server.service import Service

    server = Service(ServerConfig(model_base=tmp_path))
    one, two = FakeVersion(1), FakeVersion(2)

    async def scenario() -> tuple[list[tuple[int, str]], object, list[tuple[int, str]], bool]:
        old = server._batcher(one, "serving_default")  # type: ignore[arg-type]
        assert old is not None
        queued = [asyncio.ensure_future(old.submit(["a", "bb"])) for _ in range(5)]
        await asyncio.sleep(0)
        new = server._batcher(two, "serving_default")  # type: ignore[arg-type]
        keys_after_switch = sorted(server.batchers)
        straggler = server._batcher(one, "serving_default")  # type: ignore[arg-type]
        await asyncio.gather(*server._retiring)
        answered = all(q.done() and q.result()["length"].tolist() == [1, 2] for q in queued)
        assert new is not None
        await new.submit(["ccc"])
        new.close()
        return (
            keys_after_switch,
            straggler,
            sorted(server.batchers),
            answered and all(t.done() for t in old._tasks),
        )

    keys_after_switch, straggler, keys_at_end, old_drained = asyncio.run(scenario())
    server.executor.shutdown(wait=True)
    assert keys_after_switch == [(2, "serving_default")]
    assert straggler is None  # a request still holding version 1 runs alone, no new batcher for it
    assert keys_at_end == [(2, "serving_default")]
    assert old_drained  # the 5 queued requests were answered by version 1, then its workers stopped
    assert sum(map(len, one.model.batches)) == 10 and two.model.batches == [["ccc"]]
