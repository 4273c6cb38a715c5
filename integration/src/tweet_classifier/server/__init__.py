"""A local server speaking TF Serving's REST API and SageMaker's /ping + /invocations.

``create_app(ServerConfig(...))`` builds the Starlette app; ``tweetclf serve`` runs it with uvicorn.
"""

from tweet_classifier.server.app import create_app
from tweet_classifier.server.config import ServerConfig

__all__ = ["ServerConfig", "create_app"]
