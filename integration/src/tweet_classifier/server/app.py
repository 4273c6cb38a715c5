"""The ASGI app: TF Serving REST (``/v1/models/...``) and SageMaker (``/ping``, ``/invocations``)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from tweet_classifier.server.access_log import AccessLog
from tweet_classifier.server.config import ServerConfig
from tweet_classifier.server.errors import PayloadTooLargeError, refusal
from tweet_classifier.server.metrics import METRICS_PATH
from tweet_classifier.server.openapi import openapi_document
from tweet_classifier.server.protocol import MODEL_PATH, parse_invocation, parse_predict
from tweet_classifier.server.service import Service

log = logging.getLogger("tweetclf.serve")
DRAIN_BYTES = 64 * 1024 * 1024


def error(status: int, message: str) -> JSONResponse:
    """TF Serving's error body."""
    return JSONResponse({"error": message}, status_code=status)


async def answered(request: Request, work: Callable[[], Awaitable[Response]]) -> Response:
    """``work``'s response; a refusal as its status (:mod:`.errors`), anything else as 500."""
    try:
        return await work()
    except ClientDisconnect:  # nobody is left to answer: no error to log
        return Response(status_code=400)
    except Exception as err:
        refused = refusal(err)
        if refused is not None:
            return error(refused.http_status, refused.message)
        # a bug or a TF failure: say so in TF Serving's format, keep serving
        log.exception("request %s %s failed", request.method, request.url.path)
        return error(500, f"internal error: {type(err).__name__}")


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or 413 past ``limit`` bytes (``--max-body-bytes``).

    An oversized body is still read (and dropped) up to ``DRAIN_BYTES`` so the client,
    still sending, gets the 413 instead of a reset connection.
    """
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        elif size > DRAIN_BYTES:
            break
    if size > limit:
        raise PayloadTooLargeError(f"the body has more than {limit} bytes (the limit; see --max-body-bytes)")
    return b"".join(chunks)


async def models_route(request: Request) -> Response:
    service: Service = request.app.state.service
    match = MODEL_PATH.match(request.path_params["rest"])
    if match is None:
        return error(404, f"Malformed request: {request.method} {request.url.path}")
    name, tail = match["name"], match["tail"]
    version = int(match["version"]) if match["version"] else None

    async def work() -> Response:
        if request.method == "GET" and tail is None:
            return JSONResponse({"model_version_status": service.store.status(name, version)})
        if request.method == "GET" and tail == "/metadata":
            model = service.store.get(name, version)
            spec = {"name": name, "signature_name": "", "version": str(model.version)}
            return JSONResponse({"model_spec": spec, "metadata": {"signature_def": model.signature_def()}})
        if request.method == "POST" and tail == ":predict":
            model = service.store.get(name, version)
            body = await read_body(request, service.config.max_body_bytes)
            parsed = parse_predict(body, model.serving_input, service.config.limits)
            return JSONResponse(await service.predict(model, parsed, pinned=version is not None))
        allowed = tail in (None, "/metadata", ":predict")
        return error(405 if allowed else 404, f"{request.method} is not allowed here")

    return await answered(request, work)


async def ping(request: Request) -> Response:
    service: Service = request.app.state.service
    if service.store.latest is None:
        return error(503, "no model version is loaded yet")
    return Response(status_code=200)


async def invocations(request: Request) -> Response:
    service: Service = request.app.state.service

    async def work() -> Response:
        model = service.store.get(service.config.model_name)
        body = await read_body(request, service.config.max_body_bytes)
        content_type = request.headers.get("content-type", "")
        parsed = parse_invocation(body, content_type, model.serving_input, service.config.limits)
        return JSONResponse(await service.predict(model, parsed, pinned=False))

    return await answered(request, work)


async def http_error(request: Request, exc: Exception) -> Response:
    """The framework's own errors (unknown path, method not allowed) in our JSON shape."""
    assert isinstance(exc, HTTPException)
    return error(exc.status_code, f"{request.method} {request.url.path}: {exc.detail}")


async def prometheus_metrics(request: Request) -> Response:
    body, content_type = request.app.state.service.metrics.exposition()
    return Response(body, media_type=content_type)


async def openapi(request: Request) -> Response:
    config = request.app.state.service.config
    return JSONResponse(openapi_document(config.model_name, config.limits, config.max_body_bytes))


def create_app(config: ServerConfig, grpc_address: str | None = None) -> ASGIApp:
    """The Starlette app, wrapped in the access log; the model loads during startup.

    ``grpc_address`` (``host:port``): also serve TF Serving's gRPC API there, once loaded.
    """
    service = Service(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.start()
        grpc_server = None
        if grpc_address is not None:
            from tweet_classifier.server.grpc_api import start_grpc

            grpc_server = await start_grpc(service, grpc_address)
        try:
            yield
        finally:
            if grpc_server is not None:
                await grpc_server.stop(grace=5)
            await service.stop()

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
    app.state.service = service
    return AccessLog(app, service.metrics)
