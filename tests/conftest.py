"""Shared fixtures. The emulator fixtures (``clopos_emulator``, ``clopos_client``, ...) come from the
package's own pytest plugin, as they do for our users."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integrify.clopos.emulator import Emulator

pytest.register_assert_rewrite("tests.effects")  # its asserts explain themselves, as a test's do

from . import helpers  # noqa: E402

#: Modules whose tests run once per sender: the default ones and httpx clients passed in.
EVERY_SENDER = {"tests.test_resilience", "tests.test_hardening_client"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "sender" in metafunc.fixturenames and metafunc.module.__name__ in EVERY_SENDER:
        metafunc.parametrize("sender", ["default", "httpx"], indirect=True)


@pytest.fixture(autouse=True)
def sender(request: pytest.FixtureRequest) -> Iterator[str]:
    """Which sender ``helpers.sync_client`` / ``async_client`` build clients with."""
    kind = getattr(request, "param", "default")
    helpers.SENDER = kind
    yield kind
    helpers.SENDER = "default"
    helpers.close_given()


@pytest.fixture
def emu_env(clopos_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """The emulator with its ``CLOPOS_*`` settings in the environment (as a user would set them)."""
    for key in ("CLOPOS_API_VERSION", "CLOPOS_LOG"):
        monkeypatch.delenv(key, raising=False)
    for key, value in clopos_emulator.env().items():
        monkeypatch.setenv(key, value)
    return clopos_emulator
