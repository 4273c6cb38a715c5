"""TF Serving's own Prometheus names, beside ours: one dashboard watches both servers.

``tensorflow_model_server --monitoring_config_file`` exposes (among others)

- ``:tensorflow:serving:request_count{model_name, status}``: every model request, by its status
  code's name (``OK``, ``INVALID_ARGUMENT``, ...);
- ``:tensorflow:serving:request_latency{model_name, API, entrypoint}``: a histogram of the
  successful requests' wall time in microseconds (``API="Predict"``, ``entrypoint`` ``REST`` or
  ``GRPC``; buckets 10 us x 1.8^k).

``tweetclf serve`` records the same two for its predict routes (REST ``:predict``, SageMaker's
``/invocations``, gRPC ``Predict``). A REST status becomes the gRPC code TF Serving would name.
Everything else (metadata, drift, batch sizes) stays under our ``tweetclf_*`` names.

Example:

>>> from prometheus_client import CollectorRegistry, generate_latest
>>> registry = CollectorRegistry()
>>> names = TfServingNames(registry)
>>> names.observe("tweetclf", 200, "REST", 0.002)
>>> b':tensorflow:serving:request_count{model_name="tweetclf",status="OK"} 1.0' in generate_latest(registry)
True
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

REQUEST_COUNT = ":tensorflow:serving:request_count"
REQUEST_LATENCY = ":tensorflow:serving:request_latency"
LATENCY_BUCKETS_US = tuple(
    float(f"{10 * 1.8**k:.6g}") for k in range(32)
)  # TF Serving's Exponential(10, 1.8, 33)
_STATUS_CODES = {
    200: "OK",
    400: "INVALID_ARGUMENT",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    413: "INVALID_ARGUMENT",
    415: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def code_name(status: int) -> str:
    """The gRPC status code TF Serving reports for a REST answer's HTTP status.

    >>> code_name(200), code_name(400), code_name(503), code_name(418)
    ('OK', 'INVALID_ARGUMENT', 'UNAVAILABLE', 'UNKNOWN')
    """
    return _STATUS_CODES.get(status, "UNKNOWN")


class TfServingNames:
    """The request count (a collector of its own: TF Serving's name has no ``_total``) and the
    latency histogram, registered in ``registry``."""

    def __init__(self, registry: Any) -> None:
        from prometheus_client import Histogram

        self._counts: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        registry.register(self)
        self.latency = Histogram(
            REQUEST_LATENCY,
            "Distribution of wall time (in microseconds) for Tensorflow Serving request.",
            ["model_name", "API", "entrypoint"],
            buckets=LATENCY_BUCKETS_US,
            registry=registry,
        )

    def observe(self, model: str, status: int | str, entrypoint: str, seconds: float) -> None:
        """One predict request: ``status`` an HTTP status (REST) or a gRPC code's name."""
        code = status if isinstance(status, str) else code_name(status)
        with self._lock:
            self._counts[model, code] = self._counts.get((model, code), 0) + 1
        if code == "OK":  # as TF Serving: the latency of the requests it answered
            self.latency.labels(model, "Predict", entrypoint).observe(seconds * 1e6)

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import Metric

        family = Metric(REQUEST_COUNT, "The total number of requests.", "unknown")
        with self._lock:
            counts = sorted(self._counts.items())
        for (model, code), count in counts:
            family.add_sample(REQUEST_COUNT, {"model_name": model, "status": code}, float(count))
        yield family
