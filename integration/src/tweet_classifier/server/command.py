"""``tweetclf serve``: its flags (generated from :class:`ServerConfig`) and the command."""

from __future__ import annotations

import argparse
import errno
import socket
from typing import Any

from dataclass_flags import add_config_options, config_from_args
from tweet_classifier.errors import TweetClassifierError
from tweet_classifier.server.config import ServerConfig

LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"  # ours and uvicorn's lines alike


def add_parser(sub: Any) -> None:
    serve = sub.add_parser(
        "serve",
        help="serve a model over TF Serving's REST API (and its gRPC API with --grpc-port) and "
        "SageMaker's /ping + /invocations",
    )
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default: loopback only)")
    serve.add_argument(
        "--port",
        type=_port,
        default=8501,
        help="TF Serving's REST port; 0 picks a free one and prints it (default: %(default)s)",
    )
    serve.add_argument(
        "--grpc-port",
        type=_port,
        default=None,
        help="also serve TF Serving's gRPC API (PredictionService, ModelService) on this port, as TF "
        "Serving does on 8500; 0 picks a free one and prints it (default: off)",
    )
    add_config_options(serve, ServerConfig)
    serve.set_defaults(handler=cmd_serve)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0..65535, got {port}")
    return port


def bind(host: str, port: int, flag: str = "--port") -> socket.socket:
    """A listening socket on ``host:port``, or a one-line error when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        if err.errno == errno.EADDRINUSE:
            raise TweetClassifierError(
                f"port {port} on {host} is already in use; pick another with {flag}"
            ) from None
        raise TweetClassifierError(f"cannot listen on {host}:{port}: {err.strerror}") from None
    sock.listen(2048)
    return sock


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    from tweet_classifier.artifacts.versions import complete_versions
    from tweet_classifier.tensorflow_start import start_tensorflow

    config = config_from_args(ServerConfig, args)
    if not config.model_base.is_dir():
        raise TweetClassifierError(f"{config.model_base}: no such model directory")
    sock = bind(args.host, args.port)  # a busy port is reported before the model loads
    port = sock.getsockname()[1]
    grpc_address = None
    if args.grpc_port is not None:  # checked now; gRPC binds it again once the model is loaded
        probe = bind(args.host, args.grpc_port, "--grpc-port")
        grpc_port = probe.getsockname()[1]
        probe.close()
        grpc_address = f"[{args.host}]:{grpc_port}" if ":" in args.host else f"{args.host}:{grpc_port}"
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    what = f"version {config.only_version} of " if config.only_version is not None else ""
    where = f"http://{args.host}:{port}"
    if grpc_address is not None:
        where += f" and gRPC on {grpc_address}"
    print(f"serving {what}{config.base_path} as {config.model_name} on {where} (Ctrl-C to stop)", flush=True)
    if config.only_version is None and not complete_versions(config.base_path):
        print(
            f"waiting for a complete version in {config.base_path}: a folder <N>/ with saved_model.pb "
            "and variables/ (tweetclf train --model-dir writes one); /ping answers 503 until then",
            flush=True,
        )
    start_tensorflow(config.tf_threads, config.concurrent_calls)
    import uvicorn

    from tweet_classifier.server.app import create_app

    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config, grpc_address),
            access_log=False,
            log_level="info",
            log_config=None,  # uvicorn's lines go through the root logger, in LOG_FORMAT
            timeout_graceful_shutdown=10,
        )
    )
    server.run(sockets=[sock])
    return 0
