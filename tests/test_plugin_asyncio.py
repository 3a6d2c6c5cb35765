"""The pytest plugin in a user's project: pytest-asyncio's default strict mode, ``@pytest.mark.asyncio``, auto mode."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = """
import pytest


@pytest.mark.asyncio
async def test_async_client(clopos_async_client, clopos_emulator):
    venues = (await clopos_async_client.get_venues()).unwrap()
    assert venues.data
    async for order in clopos_async_client.get_orders.iter(status="PENDING"):
        assert order.status == "PENDING"
    assert clopos_emulator.count("GET", "/open-api/venues") == 1


@pytest.mark.asyncio
async def test_each_test_gets_a_fresh_emulator(clopos_async_client, clopos_emulator):
    await clopos_async_client.get_venues()
    assert clopos_emulator.count("GET", "/open-api/venues") == 1


def test_sync_client(clopos_client):
    assert clopos_client.get_products(limit=5).unwrap().total > 0
"""


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_fixtures_work_in_a_user_project(pytester: pytest.Pytester, mode: str) -> None:
    pytester.makeini(f"[pytest]\nasyncio_mode = {mode}\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest("-p", "no:randomly", "-W", "error::pytest.PytestUnraisableExceptionWarning")
    result.assert_outcomes(passed=3)


def test_strict_is_the_default_mode(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest("-p", "no:randomly")
    result.stdout.fnmatch_lines(["*asyncio: mode=Mode.STRICT*"])
    result.assert_outcomes(passed=3)
