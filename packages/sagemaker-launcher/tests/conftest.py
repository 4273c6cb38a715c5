"""A moto server on 127.0.0.1 stands in for AWS; any socket to a non-loopback address fails the test."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from sagemaker_launcher.testing import TEST_ROLE, loopback_only_connect, moto_server, use_moto
from sagemaker_launcher.testing import seed_endpoint_results as seed_endpoint_results  # re-exported for tests

ROLE = TEST_ROLE


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", loopback_only_connect())


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Environment pointing boto3 and the SDK at the moto server, with a fresh moto state."""
    return use_moto(moto_url, monkeypatch)


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
