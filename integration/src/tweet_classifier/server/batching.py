"""Server-side dynamic batching: concurrent requests share one model call (like TF Serving's batching)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor

import numpy as np

Run = Callable[[list[str]], dict[str, np.ndarray]]


class Batcher:
    """Queue requests; one worker task joins what is waiting (up to ``max_batch_size`` texts).

    While a batch runs in the executor, new requests queue up and form the next batch
    (``workers`` batches may run at once, one per model thread), so under load batches
    grow by themselves; ``timeout_s > 0`` also waits that long
    for company before running a small batch.
    """

    def __init__(
        self,
        run: Run,
        executor: Executor,
        max_batch_size: int = 256,
        timeout_s: float = 0.0,
        workers: int = 1,
    ) -> None:
        self._run = run
        self._executor = executor
        self.max_batch_size = max_batch_size
        self.timeout_s = timeout_s
        self._queue: asyncio.Queue[tuple[list[str], asyncio.Future[dict[str, np.ndarray]]]] = asyncio.Queue()
        self.workers = workers
        self._tasks: list[asyncio.Task[None]] = []

    async def submit(self, texts: list[str]) -> dict[str, np.ndarray]:
        if not self._tasks:  # several workers: one batch forms while another runs
            loop = asyncio.get_running_loop()
            self._tasks = [loop.create_task(self._work()) for _ in range(self.workers)]
        future: asyncio.Future[dict[str, np.ndarray]] = asyncio.get_running_loop().create_future()
        await self._queue.put((texts, future))
        return await future

    def close(self) -> None:
        """Stop the workers now; requests still queued are left unanswered (see :meth:`drain_and_close`)."""
        for task in self._tasks:
            task.cancel()

    async def drain_and_close(self) -> None:
        """Answer every request queued so far, then stop the workers (a retired model version)."""
        await self._queue.join()
        self.close()

    async def _work(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            size = len(batch[0][0])
            deadline = loop.time() + self.timeout_s
            while size < self.max_batch_size:
                try:
                    item = self._queue.get_nowait()
                except asyncio.QueueEmpty:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    try:
                        item = await asyncio.wait_for(self._queue.get(), remaining)
                    except TimeoutError:
                        break
                if size + len(item[0]) > self.max_batch_size:
                    await self._queue.put(item)  # it starts the next batch (order among waiters is kept)
                    self._queue.task_done()  # counted again by that put
                    break
                batch.append(item)
                size += len(item[0])
            try:
                await self._answer(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _answer(self, batch: list[tuple[list[str], asyncio.Future[dict[str, np.ndarray]]]]) -> None:
        texts = [t for item in batch for t in item[0]]
        try:
            outputs = await asyncio.get_running_loop().run_in_executor(self._executor, self._run, texts)
        except Exception as err:
            for _, future in batch:
                if not future.done():
                    future.set_exception(err)
            return
        start = 0
        for item_texts, future in batch:
            stop = start + len(item_texts)
            if not future.done():
                future.set_result({k: v[start:stop] for k, v in outputs.items()})
            start = stop
