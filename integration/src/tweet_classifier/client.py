"""A small client for ``tweetclf serve``, TF Serving, and SageMaker-style ``/invocations``.

Always sends ``{"instances": [...]}`` with Content-Type exactly ``application/json`` (SageMaker's
container answers 415 to ``application/json; charset=utf-8`` and turns a bare list into one instance).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


class ClientError(RuntimeError):
    """The server answered with an error (``status`` and its message) or could not be reached."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Prediction:
    label: int
    probability: float


class TweetClient:
    """``TweetClient("http://127.0.0.1:8501").predict(["Forest fire"])`` -> ``[Prediction(...)]``.

    Args:
        url: the server's base URL; with ``api="endpoint"``, the SageMaker endpoint's name.
        model: the model name (TF Serving route).
        api: ``"tfserving"`` (``/v1/models/{model}:predict``), ``"sagemaker"`` (``/invocations``
            of a local server or container), or ``"endpoint"`` (a SageMaker endpoint, through
            ``sagemaker_launcher`` with the standard AWS configuration).
        version: pin a version (TF Serving route only).
        aws: the ``sagemaker_launcher.AwsConfig`` for ``api="endpoint"`` (default: resolved
            from the environment: ``AWS_REGION``, ``AWS_PROFILE``, ``AWS_ENDPOINT_URL``...).

    Example:

    >>> client = TweetClient("http://127.0.0.1:8501", model="tweetclf")
    >>> client.predict_url
    'http://127.0.0.1:8501/v1/models/tweetclf:predict'
    """

    def __init__(
        self,
        url: str,
        model: str = "tweetclf",
        api: str = "tfserving",
        version: int | None = None,
        timeout: float = 30,
        aws: Any = None,
    ) -> None:
        if api not in ("tfserving", "sagemaker", "endpoint"):
            raise ValueError(f"api must be 'tfserving', 'sagemaker' or 'endpoint', got {api!r}")
        self.url = url.rstrip("/")
        self.model = model
        self.api = api
        self.version = version
        self.timeout = timeout
        self.aws = aws

    @property
    def predict_url(self) -> str:
        if self.api == "sagemaker":
            return f"{self.url}/invocations"
        pinned = f"/versions/{self.version}" if self.version is not None else ""
        return f"{self.url}/v1/models/{self.model}{pinned}:predict"

    def predict(self, texts: list[str]) -> list[Prediction]:
        if self.api == "endpoint":
            from sagemaker_launcher import AwsConfig, LauncherError, invoke

            try:
                predictions = invoke(self.url, list(texts), self.aws or AwsConfig.resolve())
            except LauncherError as err:
                raise ClientError(str(err)) from None
        else:
            predictions = self._post(self.predict_url, {"instances": list(texts)})["predictions"]
        return [Prediction(int(p["label"]), float(p["probability"])) for p in predictions]

    def status(self) -> dict[str, Any]:
        return self._request(urllib.request.Request(f"{self.url}/v1/models/{self.model}"))

    def _post(self, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        return self._request(request)

    def _request(self, request: urllib.request.Request) -> dict[str, Any]:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data: dict[str, Any] = json.loads(response.read())
                return data
        except urllib.error.HTTPError as err:
            try:
                message = json.loads(err.read()).get("error", err.reason)
            except (ValueError, AttributeError):
                message = err.reason
            raise ClientError(f"{request.full_url}: {err.code} {message}", err.code) from None
        except urllib.error.URLError as err:
            raise ClientError(f"{request.full_url}: cannot connect ({err.reason})") from None
