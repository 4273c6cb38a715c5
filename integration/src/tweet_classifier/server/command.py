"""``tweetclf serve``: its flags (generated from :class:`ServerConfig`) and the command."""

from __future__ import annotations

import argparse
from typing import Any

from sagemaker_launcher import add_config_options, config_from_args
from tweet_classifier.errors import TweetClassifierError
from tweet_classifier.server.config import ServerConfig


def add_parser(sub: Any) -> None:
    serve = sub.add_parser(
        "serve", help="serve a model base over TF Serving's REST API and SageMaker's /ping + /invocations"
    )
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default: loopback only)")
    serve.add_argument("--port", type=int, default=8501, help="TF Serving's REST port (default: %(default)s)")
    add_config_options(serve, ServerConfig)
    serve.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from tweet_classifier.server.app import create_app

    config = config_from_args(ServerConfig, args)
    if not config.model_base.is_dir():
        raise TweetClassifierError(f"{config.model_base}: no such model base directory")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    where = f"http://{args.host}:{args.port}"
    print(f"serving {config.model_base} as {config.model_name} on {where} (Ctrl-C to stop)")
    uvicorn.run(
        create_app(config),
        host=args.host,
        port=args.port,
        access_log=False,
        log_level="info",
        timeout_graceful_shutdown=10,
    )
    return 0
