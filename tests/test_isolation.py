"""The pytest plugin's ``clopos_emulator`` fixture: nothing a test changes on the shared emulator reaches the
next test, whatever the test's outcome; a marker gives one test its own settings.

Run as a user's project runs (pytester, a pytest process of its own), so that the order of the tests is known.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

PROJECT = '''
import dataclasses

import httpx
import pytest

from integrify.clopos.emulator import DEMO2

START = {}


def fingerprint(emu):
    """Everything a test can change through the emulator's options, control routes and API."""
    windows = emu.app.core.rate_windows.events
    return {
        "config": dataclasses.asdict(emu.config),
        "faults": [fault.public() for fault in emu.faults.rules],
        "tokens": len(emu.state.tokens),
        "rate_windows": {key: len(events) for key, events in windows.items() if events},
        "requests": len(emu.requests),
        "counters": dict(emu.app.recorder.counters),
        "max_in_flight": emu.max_in_flight,
        "summary": emu.state.summary(),
        "order_1": emu.state.brand("openapitest").table("orders")[1]["status"],
        "credentials": emu.credentials,
    }


def test_1_changes_everything_then_fails(clopos_emulator, clopos_client):
    START.update(fingerprint(clopos_emulator))
    clopos_emulator.configure(receipts=7, timezone="UTC")  # rebuilds the data: first
    control = clopos_emulator.root_url + "/_emulator"
    assert clopos_client.create_receipt(
        cid="leak", payment_methods=[{"id": 1, "name": "Cash", "amount": 1}], user_id=1
    ).status_code == 201
    assert clopos_client.update_order(1, "IGNORE").ok
    assert httpx.post(control + "/tokens/expire").status_code == 200
    assert httpx.get(clopos_emulator.base_url + "/v2/venues").status_code == 401  # a failed-request window
    assert httpx.post(control + "/faults", json={"kind": "status", "times": None}).status_code == 200
    clopos_emulator.faults.add("latency", ms=1, times=None)
    clopos_emulator.config.token_ttl = 1.0
    clopos_emulator.config.latency_ms = 1
    clopos_emulator.config.strict_order_status = False
    clopos_emulator.config.max_body_bytes = 10
    clopos_emulator.config.rate_limits.auth_per_ip = 1  # in place, inside a nested setting
    clopos_emulator.credentials = DEMO2
    changed = fingerprint(clopos_emulator)
    assert [key for key in START if START[key] == changed[key]] == []  # each part did change
    assert False, "fails on purpose: the teardown runs anyway"


def test_2_the_next_test_sees_the_start(clopos_emulator_server):
    assert fingerprint(clopos_emulator_server) == START  # the server, not the resetting fixture


@pytest.mark.clopos_emulator(token_ttl=1.0, receipts=10, faults=[{"kind": "status", "route": "/open-api/venues"}])
def test_3_settings_of_its_own(clopos_emulator, clopos_client):
    assert clopos_emulator.config.token_ttl == 1.0
    assert clopos_emulator.state.summary()["openapitest"]["receipts"] == 10
    assert clopos_client.with_options(max_retries=0).get_venues().status_code == 503
    assert clopos_client.get_receipts().unwrap().total == 10


def test_4_and_they_end_with_it(clopos_emulator_server):
    assert fingerprint(clopos_emulator_server) == START


@pytest.mark.clopos_emulator(nope=1)
def test_5_an_unknown_setting(clopos_emulator):
    pass


@pytest.mark.clopos_emulator(db="x.db")
def test_6_a_setting_fixed_at_start(clopos_emulator):
    pass
'''


def test_a_change_in_one_test_never_reaches_the_next(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_leak=PROJECT)
    # In a process of its own (an in-process run drops the modules it imported, so httpx's error classes the
    # client already holds would no longer be the ones raised), with only our plugin: a quick start.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = pytester.runpytest_subprocess("-p", "integrify.clopos.emulator.pytest_plugin", timeout=300)
    result.assert_outcomes(passed=3, failed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*TypeError: unknown emulator option(s): nope*",
            "*ValueError: db is fixed when the emulator starts*",
            "*fails on purpose*",
        ]
    )


def test_reset_arms_the_faults_given_at_start_again() -> None:
    """``run_emulator(faults=...)`` / ``--fault``: part of the start, so a reset brings them back."""
    from integrify.clopos.emulator import run_emulator

    with run_emulator(receipts=5, faults=[{"kind": "status", "route": "/open-api/venues", "times": 1}]) as emu:
        emu.faults.clear()
        emu.faults.add("html")
        emu.reset()
        assert [(f.kind, f.route, f.times) for f in emu.faults.rules] == [("status", "/open-api/venues", 1)]
