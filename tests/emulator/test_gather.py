"""The ``gather`` fault: matching requests wait for each other, so a test proves they overlap without timing."""

from __future__ import annotations

import threading

import httpx
import pytest

from integrify.clopos.emulator import Emulator
from integrify.clopos.emulator.faults import parse_fault_spec

from ..helpers import sync_client

VENUES = "/open-api/venues"


def _arrived(emulator: Emulator) -> int:
    return sum(1 for r in emulator.requests if r.path == VENUES)


def test_requests_wait_until_count_of_them_wait_together(clopos_emulator: Emulator) -> None:
    client = sync_client(clopos_emulator)
    client.get_products(limit=1)  # the token first: auth is not what is gathered
    fault = clopos_emulator.faults.add("gather", route=VENUES, count=3)
    assert fault.times == 3  # one gathering
    answered: list[int] = []

    def call() -> None:
        answered.append(client.get_venues().status_code)

    first = [threading.Thread(target=call) for _ in range(2)]
    for thread in first:
        thread.start()
    for _ in range(1000):  # both requests arrive and wait (for up to 30 s)
        if _arrived(clopos_emulator) == 2:
            break
        threading.Event().wait(0.01)
    assert _arrived(clopos_emulator) == 2 and answered == [] and not fault.gathered
    last = threading.Thread(target=call)
    last.start()
    for thread in [*first, last]:
        thread.join(30)
    assert answered == [200, 200, 200] and fault.gathered
    assert all(r.faults == ("gather",) for r in clopos_emulator.requests if r.path == VENUES)
    assert client.get_venues().ok  # the fault was used up: the next one goes straight through


def test_a_gathering_that_does_not_fill_lets_them_go_after_ms(clopos_emulator: Emulator) -> None:
    fault = clopos_emulator.faults.add("gather", route=VENUES, count=3, ms=200)
    assert sync_client(clopos_emulator).get_venues().ok
    assert not fault.gathered


def test_a_gather_spec_and_its_checks() -> None:
    spec = parse_fault_spec("gather:count=4,route=/open-api/receipts,after=1,ms=5000")
    assert spec == {"kind": "gather", "count": 4, "route": "/open-api/receipts", "after": 1, "ms": 5000.0}


@pytest.mark.parametrize("count", [0, -1, "two", 2.5, True])
def test_a_bad_count_is_refused_and_adds_nothing(clopos_emulator: Emulator, count: object) -> None:
    with pytest.raises(ValueError, match="count must be"):
        clopos_emulator.faults.add("gather", count=count)
    answer = httpx.post(clopos_emulator.root_url + "/_emulator/faults", json={"kind": "gather", "count": count})
    assert answer.status_code == 400 and "count" in answer.text
    assert clopos_emulator.faults.rules == []
