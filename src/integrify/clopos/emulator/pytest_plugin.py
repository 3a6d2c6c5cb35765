"""pytest fixtures for testing a Clopos integration against the emulator (registered via ``pytest11``).

- ``clopos_emulator_server``: one running emulator for the session.
- ``clopos_emulator``: that server, reset to the demo state and its start settings before and after this
  test, whatever its outcome; ``@pytest.mark.clopos_emulator(token_ttl=1.0, ...)`` gives one test its own
  settings (``EmulatorConfig`` fields, see ``Emulator.configure``).
- ``clopos_client`` / ``clopos_async_client``: clients pointed at it with the demo credentials.

``clopos_async_client`` is a pytest-asyncio fixture (the ``[emulator]`` extra installs pytest-asyncio): it
works in strict mode (the default, with ``@pytest.mark.asyncio``) and in auto mode.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

try:
    from pytest_asyncio import fixture as async_fixture
except ImportError:  # without pytest-asyncio no async test runs; the sync fixtures still work
    async_fixture = pytest.fixture  # type: ignore[assignment]

if TYPE_CHECKING:
    from integrify.clopos import CloposAsyncClient, CloposSyncClient

    from .server import Emulator


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "clopos_emulator(**settings): emulator settings for this test only (EmulatorConfig fields, e.g. token_ttl=1.0)",
    )


@pytest.fixture(scope="session")
def clopos_emulator_server() -> Iterator[Emulator]:
    from integrify.clopos.emulator import run_emulator  # needs the [emulator] extra; the error says so

    with run_emulator() as emulator:
        yield emulator


@pytest.fixture
def clopos_emulator(clopos_emulator_server: Emulator, request: pytest.FixtureRequest) -> Iterator[Emulator]:
    emulator = clopos_emulator_server
    emulator.reset()
    marker = request.node.get_closest_marker("clopos_emulator")
    if marker is not None:
        if marker.args:
            raise TypeError("@pytest.mark.clopos_emulator takes settings by name, e.g. token_ttl=1.0")
        emulator.configure(**marker.kwargs)
    yield emulator
    emulator.reset()  # after a failure too: nothing this test changed reaches the next one


@pytest.fixture
def clopos_client(clopos_emulator: Emulator) -> Iterator[CloposSyncClient]:
    from integrify.clopos import CloposClientClass

    c = clopos_emulator.credentials
    client = CloposClientClass(
        base_url=clopos_emulator.base_url,
        client_id=c.client_id,
        client_secret=c.client_secret,
        brand=c.brand,
        venue_id=c.venue_id,
        strict_validation=True,  # drift from the documented models fails your tests, not your production
    )
    with client:
        yield client


@async_fixture
async def clopos_async_client(clopos_emulator: Emulator) -> AsyncIterator[CloposAsyncClient]:
    from integrify.clopos import CloposClientClass

    c = clopos_emulator.credentials
    client = CloposClientClass(
        base_url=clopos_emulator.base_url,
        sync=False,
        client_id=c.client_id,
        client_secret=c.client_secret,
        brand=c.brand,
        venue_id=c.venue_id,
        strict_validation=True,
    )
    async with client:
        yield client
