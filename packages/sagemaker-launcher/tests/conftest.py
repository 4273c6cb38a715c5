"""A moto server on 127.0.0.1 stands in for AWS; any socket to a non-loopback address fails the test."""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def _loopback(host: Any) -> bool:
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like never leave the machine
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    original = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if not _loopback(host):
            raise AssertionError(f"a test tried to reach {address!r}: only 127.0.0.1 is allowed")
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Environment pointing boto3 and the SDK at the moto server, with a fresh moto state."""
    for name, value in {
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "SAGEMAKER_VALIDATE_ROLE": "false",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "SAGEMAKER_ROLE_ARN", "SAGEMAKER_LAUNCHER_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    urllib.request.urlopen(
        urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"), timeout=30
    ).read()
    return moto_url


def seed_endpoint_results(moto_url: str, bodies: list[dict[str, Any]]) -> None:
    payload = {
        "region": "us-east-1",
        "results": [{"Body": json.dumps(b), "ContentType": "application/json"} for b in bodies],
    }
    request = urllib.request.Request(
        f"{moto_url}/moto-api/static/sagemaker/endpoint-results",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=30).read()


@pytest.fixture
def moto_update_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto 5.x lacks UpdateEndpoint; emulate AWS's effect (the endpoint moves to the new config).

    Only the state change is emulated; AWS's rolling switch itself is checked only on AWS.
    """
    from moto.core.responses import ActionResult
    from moto.sagemaker.responses import SageMakerResponse

    def update_endpoint(self: Any) -> Any:
        endpoint = self.sagemaker_backend.endpoints[self._get_param("EndpointName")]
        endpoint.endpoint_config_name = self._get_param("EndpointConfigName")
        return ActionResult({"EndpointArn": endpoint.arn})

    monkeypatch.setattr(SageMakerResponse, "update_endpoint", update_endpoint, raising=False)
