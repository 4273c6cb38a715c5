"""The ASGI app: TF Serving REST (``/v1/models/...``) and SageMaker (``/ping``, ``/invocations``)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from tweet_classifier.server.access_log import AccessLog
from tweet_classifier.server.batching import Batcher
from tweet_classifier.server.config import ServerConfig
from tweet_classifier.server.drift import OovSampler
from tweet_classifier.server.metrics import METRICS_PATH, Metrics
from tweet_classifier.server.openapi import openapi_document
from tweet_classifier.server.protocol import (
    MODEL_PATH,
    BadRequestError,
    PredictRequest,
    UnsupportedMediaTypeError,
    check_signature,
    check_work,
    format_predictions,
    parse_invocation,
    parse_predict,
)
from tweet_classifier.server.store import LoadedVersion, ModelNotFoundError, ModelStore, NoVersionLoadedError
from tweet_classifier.tensorflow_start import set_tf_threads

log = logging.getLogger("tweetclf.serve")
ACCESS = logging.getLogger("tweetclf.access")
DRAIN_BYTES = 64 * 1024 * 1024


class PayloadTooLargeError(ValueError):
    """The body is larger than allowed (HTTP 413)."""


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class Server:
    """State shared by the routes: the model store, the batchers, the worker threads."""

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

    async def body(self, request: Request) -> bytes:
        """The request body, or 413 past ``max_body_bytes``.

        An oversized body is still read (and dropped) up to ``DRAIN_BYTES`` so the client,
        still sending, gets the 413 instead of a reset connection.
        """
        limit = self.config.max_body_bytes
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size <= limit:
                chunks.append(chunk)
            elif size > DRAIN_BYTES:
                break
        if size > limit:
            raise PayloadTooLargeError(
                f"the body has more than {limit} bytes (the limit; see --max-body-bytes)"
            )
        return b"".join(chunks)

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
        batched = self.config.batching and not pinned and signature == "serving_default"
        batcher = self._batcher(model, signature) if batched else None
        if batcher is not None:
            outputs = await batcher.submit(texts)
        else:
            self.metrics.observe_batch(len(texts))
            executor = self.executor if signature == "serving_default" else self.explain_executor
            outputs = await loop.run_in_executor(executor, model.predict, texts, signature)
        self.metrics.observe_predictions(self.config.model_name, model.version, outputs)
        if signature == "serving_default":
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


async def models_route(request: Request) -> Response:
    server: Server = request.app.state.server
    match = MODEL_PATH.match(request.path_params["rest"])
    if match is None:
        return error(404, f"Malformed request: {request.method} {request.url.path}")
    name, tail = match["name"], match["tail"]
    version = int(match["version"]) if match["version"] else None
    try:
        if request.method == "GET" and tail is None:
            return JSONResponse({"model_version_status": server.store.status(name, version)})
        if request.method == "GET" and tail == "/metadata":
            model = server.store.get(name, version)
            spec = {"name": name, "signature_name": "", "version": str(model.version)}
            return JSONResponse({"model_spec": spec, "metadata": {"signature_def": model.signature_def()}})
        if request.method == "POST" and tail == ":predict":
            model = server.store.get(name, version)
            parsed = parse_predict(await server.body(request), model.serving_input, server.config.limits)
            return JSONResponse(await server.predict(model, parsed, pinned=version is not None))
    except ModelNotFoundError as err:
        return error(404, str(err))
    except NoVersionLoadedError as err:
        return error(503, str(err))
    except PayloadTooLargeError as err:
        return error(413, str(err))
    except BadRequestError as err:
        return error(400, str(err))
    except ClientDisconnect:  # nobody is left to answer: no error to log
        return Response(status_code=400)
    except Exception as err:  # a bug or a TF failure: say so in TF Serving's format, keep serving
        log.exception("request %s %s failed", request.method, request.url.path)
        return error(500, f"internal error: {type(err).__name__}")
    return error(
        405 if tail in (None, "/metadata", ":predict") else 404, f"{request.method} is not allowed here"
    )


async def ping(request: Request) -> Response:
    server: Server = request.app.state.server
    if server.store.latest is None:
        return error(503, "no model version is loaded yet")
    return Response(status_code=200)


async def invocations(request: Request) -> Response:
    server: Server = request.app.state.server
    content_type = request.headers.get("content-type", "")
    try:
        model = server.store.get(server.config.model_name)
        body = await server.body(request)
        parsed = parse_invocation(body, content_type, model.serving_input, server.config.limits)
        return JSONResponse(await server.predict(model, parsed, pinned=False))
    except NoVersionLoadedError as err:
        return error(503, str(err))
    except UnsupportedMediaTypeError as err:
        return error(415, str(err))
    except PayloadTooLargeError as err:
        return error(413, str(err))
    except BadRequestError as err:
        return error(400, str(err))
    except ClientDisconnect:
        return Response(status_code=400)
    except Exception as err:
        log.exception("request %s %s failed", request.method, request.url.path)
        return error(500, f"internal error: {type(err).__name__}")


async def http_error(request: Request, exc: Exception) -> Response:
    """The framework's own errors (unknown path, method not allowed) in our JSON shape."""
    assert isinstance(exc, HTTPException)
    return error(exc.status_code, f"{request.method} {request.url.path}: {exc.detail}")


async def prometheus_metrics(request: Request) -> Response:
    body, content_type = request.app.state.server.metrics.exposition()
    return Response(body, media_type=content_type)


async def openapi(request: Request) -> Response:
    config = request.app.state.server.config
    return JSONResponse(openapi_document(config.model_name, config.limits, config.max_body_bytes))


def create_app(config: ServerConfig, grpc_address: str | None = None) -> ASGIApp:
    """The Starlette app, wrapped in the access log; the model loads during startup.

    ``grpc_address`` (``host:port``): also serve TF Serving's gRPC API there, once loaded.
    """
    server = Server(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await server.start()
        grpc_server = None
        if grpc_address is not None:
            from tweet_classifier.server.grpc_api import start_grpc

            grpc_server = await start_grpc(server, grpc_address)
        try:
            yield
        finally:
            if grpc_server is not None:
                await grpc_server.stop(grace=5)
            await server.stop()

    app = Starlette(
        routes=[
            Route("/v1/models/{rest:path}", models_route, methods=["GET", "POST"]),
            Route("/ping", ping, methods=["GET"]),
            Route("/invocations", invocations, methods=["POST"]),
            Route("/openapi.json", openapi, methods=["GET"]),
            Route(METRICS_PATH, prometheus_metrics, methods=["GET"]),
        ],
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error},
    )
    app.state.server = server
    return AccessLog(app, server.metrics)
