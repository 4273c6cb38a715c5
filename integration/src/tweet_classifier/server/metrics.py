"""Prometheus metrics of ``tweetclf serve``, at TF Serving's path ``/monitoring/prometheus/metrics``.

Requests by model, version, route and status (HTTP and gRPC); latency per route; texts per
model call; and two drift signals per model version: the served probabilities, and the share
of each served text's tokens that have no GloVe vector (both move when the tweets do). The
predict requests are also counted under TF Serving's own names (:mod:`.tf_serving_metrics`).

Example:

>>> metrics = Metrics()
>>> metrics.observe_request("/v1/models/tweetclf/versions/2:predict", 200, 0.004)
>>> b'route="predict"' in metrics.exposition()[0]
True
"""

from __future__ import annotations

from typing import Any

from tweet_classifier.server.protocol import MODEL_PATH
from tweet_classifier.server.tf_serving_metrics import TfServingNames

METRICS_PATH = "/monitoring/prometheus/metrics"
MODELS_PREFIX = "/v1/models/"
_ROUTES = {
    "/invocations": "invocations",
    "/ping": "ping",
    METRICS_PATH: "metrics",
    "/openapi.json": "openapi",
}
_GRPC_ROUTES = {
    "Predict": "grpc_predict",
    "GetModelMetadata": "grpc_metadata",
    "GetModelStatus": "grpc_status",
}
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
_OOV_BUCKETS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0)
_PROBABILITY_BUCKETS = tuple(round(0.1 * i, 1) for i in range(1, 11))


class Metrics:
    """The server's counters and histograms, in a registry of their own (one per app)."""

    def __init__(self, default_model: str = "tweetclf") -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.default_model = default_model
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "tweetclf_requests",
            "requests answered (HTTP and gRPC), by model, version (or latest), route and status",
            ["model", "version", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "tweetclf_request_latency_seconds",
            "time from request to answer, by route",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.batch_size = Histogram(
            "tweetclf_batch_size", "texts per model call", buckets=_BATCH_BUCKETS, registry=self.registry
        )
        self.probability = Histogram(
            "tweetclf_served_probability",
            "probabilities served, by model and version (their distribution shows drift)",
            ["model", "version"],
            buckets=_PROBABILITY_BUCKETS,
            registry=self.registry,
        )
        self.oov_share = Histogram(
            "tweetclf_served_oov_share",
            "share of a served text's tokens without a GloVe vector, by model and version (it grows "
            "when tweets use new words; under load a sample of the requests)",
            ["model", "version"],
            buckets=_OOV_BUCKETS,
            registry=self.registry,
        )
        self.tf_serving = TfServingNames(self.registry)

    def observe_request(self, path: str, status: int, seconds: float) -> None:
        model, version, route = self._labels(path, ok=status < 400)
        self.requests.labels(model, version, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)
        if route in ("predict", "invocations"):
            self.tf_serving.observe(model, status, "REST", seconds)

    def observe_grpc(self, method: str, model: str, version: str, code: str, seconds: float) -> None:
        """A gRPC call: ``method`` (``Predict``...), the model spec asked for, the status code's name."""
        route = _GRPC_ROUTES.get(method, "grpc_other")
        if code != "OK":  # the client chose these
            model, version = self._bounded(model, version)
        self.requests.labels(model, version, route, code).inc()
        self.latency.labels(route).observe(seconds)
        if route == "grpc_predict":
            self.tf_serving.observe(model, code, "GRPC", seconds)

    def observe_batch(self, size: int) -> None:
        self.batch_size.observe(size)

    def observe_predictions(self, model: str, version: int, outputs: dict[str, Any]) -> None:
        probabilities = outputs.get("probability")
        if probabilities is None:
            return
        histogram = self.probability.labels(model, str(version))
        for value in probabilities.reshape(-1).tolist():
            histogram.observe(value)

    def observe_oov_shares(self, model: str, version: int, shares: Any) -> None:
        histogram = self.oov_share.labels(model, str(version))
        for value in shares.reshape(-1).tolist():
            histogram.observe(value)

    def exposition(self) -> tuple[bytes, str]:
        """The text format body and its content type."""
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST

    def _bounded(self, model: str, version: str) -> tuple[str, str]:
        """A failed request's labels: any other model is "unknown", a pinned version "pinned"."""
        return (
            model if model == self.default_model else "unknown",
            version if version == "latest" else "pinned",
        )

    def _labels(self, path: str, ok: bool) -> tuple[str, str, str]:
        """(model, version, route) of a request path. A failed request's model and version come
        from the client, so they are bounded (any other model is "unknown", a pinned version
        "pinned"): a client cannot grow the label sets without end."""
        match = MODEL_PATH.match(path[len(MODELS_PREFIX) :]) if path.startswith(MODELS_PREFIX) else None
        if match is not None:
            tail = match["tail"]
            route = "predict" if tail == ":predict" else "metadata" if tail == "/metadata" else "status"
            model, version = match["name"], match["version"] or "latest"
            if not ok:
                model, version = self._bounded(model, version)
            return model, version, route
        route = _ROUTES.get(path, "other")
        model = self.default_model if route == "invocations" else ""
        return model, "latest" if model else "", route
