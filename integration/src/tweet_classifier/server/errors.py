"""The requests the server refuses, and the one table that says how each transport answers them.

REST answers a refusal with its HTTP status and ``{"error": message}``, gRPC with its status
code and the same message (:func:`refusal`). An error that is not in :data:`STATUSES` is a
bug or a TensorFlow failure: 500 / ``INTERNAL``, logged with its traceback.

>>> refusal(NoVersionLoadedError("no version yet"))
Refusal(http_status=503, grpc_code='UNAVAILABLE', message='no version yet')
>>> refusal(ZeroDivisionError()) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass


class ServingError(Exception):
    """A request the server refuses; the message is the client's answer."""


class BadRequestError(ServingError, ValueError):
    """The request is malformed or asks more than a limit allows."""


class UnsupportedMediaTypeError(ServingError, ValueError):
    """The Content-Type is not one the endpoint reads."""


class PayloadTooLargeError(ServingError, ValueError):
    """The body is larger than ``--max-body-bytes``."""


class ModelNotFoundError(ServingError, LookupError):
    """Unknown model name or version."""


class NoVersionLoadedError(ServingError, RuntimeError):
    """No version is loaded yet."""


# each refusal's HTTP status and gRPC status code name (grpc.StatusCode[name])
STATUSES: dict[type[ServingError], tuple[int, str]] = {
    BadRequestError: (400, "INVALID_ARGUMENT"),
    UnsupportedMediaTypeError: (415, "INVALID_ARGUMENT"),
    PayloadTooLargeError: (413, "RESOURCE_EXHAUSTED"),
    ModelNotFoundError: (404, "NOT_FOUND"),
    NoVersionLoadedError: (503, "UNAVAILABLE"),
}


@dataclass(frozen=True)
class Refusal:
    """How a transport answers a refused request."""

    http_status: int
    grpc_code: str
    message: str


def refusal(err: BaseException) -> Refusal | None:
    """The answer to ``err`` from :data:`STATUSES`; ``None`` when it is not a refusal (a bug)."""
    for kind, (http_status, grpc_code) in STATUSES.items():
        if isinstance(err, kind):
            return Refusal(http_status, grpc_code, str(err))
    return None
