"""The access log: one line per HTTP request, and its count and latency in the metrics."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tweet_classifier.server.metrics import Metrics

ACCESS = logging.getLogger("tweetclf.access")


class AccessLog:
    """One log line per request: method, path, status, latency (ms)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            seconds = time.perf_counter() - start
            self.metrics.observe_request(scope["path"], status, seconds)
            client = scope.get("client") or ("-", 0)
            ACCESS.info(
                '%s "%s %s" %s %.2fms', client[0], scope["method"], scope["path"], status, seconds * 1000
            )
