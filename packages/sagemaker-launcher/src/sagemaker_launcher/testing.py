"""Helpers for tests that stand a moto server on 127.0.0.1 in for AWS (used by our test suites).

Example:

>>> with moto_server() as url:  # doctest: +SKIP
...     os.environ.update(aws_environment(url))
"""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

TEST_ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


@contextmanager
def moto_server() -> Iterator[str]:
    """A ThreadedMotoServer on 127.0.0.1 (a free port); yields its URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def aws_environment(url: str, region: str = "us-east-1") -> dict[str, str]:
    """Environment variables that point boto3 and the SageMaker SDK at ``url``."""
    return {
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "SAGEMAKER_VALIDATE_ROLE": "false",
        "SageMaker.PythonSDK.Modules.TelemetryOptOut": "true",
    }


def use_moto(url: str, monkeypatch: Any) -> str:
    """Aim this process (and its subprocesses) at an emptied moto server at ``url``; returns ``url``.

    ``monkeypatch``: pytest's fixture (anything with ``setenv``/``delenv``/``setattr``). Also
    drops a user's AWS profile/role/config settings and refuses in-process non-loopback sockets.
    """
    monkeypatch.setattr(socket.socket, "connect", loopback_only_connect())
    for name, value in aws_environment(url).items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "SAGEMAKER_ROLE_ARN", "SAGEMAKER_LAUNCHER_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    reset(url)
    return url


def reset(url: str) -> None:
    """Forget every resource moto holds."""
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=30).read()


def seed_endpoint_results(url: str, bodies: list[dict[str, Any]], region: str = "us-east-1") -> None:
    """Queue the JSON bodies moto's invoke_endpoint answers next."""
    payload = {
        "region": region,
        "results": [{"Body": json.dumps(b), "ContentType": "application/json"} for b in bodies],
    }
    request = urllib.request.Request(
        f"{url}/moto-api/static/sagemaker/endpoint-results",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=30).read()


def is_loopback(host: Any) -> bool:
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like never leave the machine
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_only_connect() -> Callable[[socket.socket, Any], Any]:
    """A replacement for ``socket.socket.connect`` that refuses any non-loopback address."""
    original = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if not is_loopback(host):
            raise AssertionError(f"a test tried to reach {address!r}: only loopback addresses are allowed")
        return original(self, address)

    return guarded
