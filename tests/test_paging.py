"""``.iter()`` and ``.pages()``: every item once, no page twice, stops right, async prefetch in order."""

from __future__ import annotations

import math
from collections import Counter
from urllib.parse import parse_qs

import httpx
import pytest

from integrify.clopos import CloposAsyncClient, CloposClientClass, CloposSyncClient, InternalServerError
from integrify.clopos.emulator import Emulator


def pages_requested(emu: Emulator, route: str) -> list[int]:
    return [int(parse_qs(r.query_string).get("page", ["1"])[0]) for r in emu.requests if r.route == route]


def test_sync_iter_walks_every_receipt_once(clopos_emulator: Emulator, clopos_client: CloposSyncClient) -> None:
    receipts = list(clopos_client.get_receipts.iter(limit=37, sort_order=1))
    total = clopos_emulator.state.summary()["openapitest"]["receipts"]
    assert len(receipts) == total == 300
    assert len({r.id for r in receipts}) == total
    assert [r.id for r in receipts] == sorted(r.id for r in receipts)
    pages = pages_requested(clopos_emulator, "/open-api/receipts")
    assert pages == list(range(1, math.ceil(total / 37) + 1))


def test_pages_keep_filters_and_start_page(clopos_emulator: Emulator, clopos_client: CloposSyncClient) -> None:
    first = clopos_client.get_receipts(limit=1, sort_order=1).unwrap().data[0]
    day = str(first.created_at)[:10]
    clopos_emulator.clear_requests()
    pages = list(clopos_client.get_receipts.pages(page=2, limit=2, date_from=day, date_to=day))
    expected = clopos_client.get_receipts(limit=2, date_from=day, date_to=day).unwrap().total
    assert isinstance(expected, int)
    assert sum(len(p.data) for p in pages) == max(0, expected - 2)
    assert pages_requested(clopos_emulator, "/open-api/receipts")[: len(pages)] == list(range(2, 2 + len(pages)))
    for request in clopos_emulator.requests:
        query = parse_qs(request.query_string)
        assert query["date[0]"] == [day] and query["date[1]"] == [day]


def test_iter_on_other_lists(clopos_client: CloposSyncClient) -> None:
    assert len(list(clopos_client.get_customers.iter(limit=5))) == 12
    assert len(list(clopos_client.get_products.iter(limit=4))) == clopos_client.get_products().unwrap().total
    assert [o.id for o in clopos_client.get_orders.iter(status="PENDING")] == [2, 5]


async def test_async_iter_matches_sync_and_prefetches(
    clopos_emulator: Emulator, clopos_client: CloposSyncClient, clopos_async_client: CloposAsyncClient
) -> None:
    expected = [r.id for r in clopos_client.get_receipts.iter(limit=20)]
    clopos_emulator.clear_requests()
    clopos_emulator.faults.add("latency", route="/open-api/receipts", ms=30, times=None)
    got = [r.id async for r in clopos_async_client.get_receipts.iter(limit=20)]
    assert got == expected
    pages = pages_requested(clopos_emulator, "/open-api/receipts")
    assert sorted(pages) == list(range(1, 16)) and len(pages) == len(set(pages))
    assert 2 <= clopos_emulator.max_in_flight <= 4


async def test_async_prefetch_window_is_configurable(
    clopos_emulator: Emulator, clopos_async_client: CloposAsyncClient
) -> None:
    clopos_emulator.faults.add("latency", route="/open-api/receipts", ms=30, times=None)
    client = clopos_async_client.with_options(prefetch=1)
    count = 0
    async for _ in client.get_receipts.iter(limit=50):
        count += 1
    assert count == 300
    assert clopos_emulator.max_in_flight == 1


def test_failure_in_a_page_surfaces_as_typed_error(clopos_emulator: Emulator, clopos_client: CloposSyncClient) -> None:
    walker = clopos_client.get_receipts.pages(limit=100)
    assert len(next(walker).data) == 100
    clopos_emulator.faults.add("status", route="/open-api/receipts", status=500, times=1)
    with pytest.raises(InternalServerError):
        next(walker)


async def test_async_failure_in_a_page_surfaces(
    clopos_emulator: Emulator, clopos_async_client: CloposAsyncClient
) -> None:
    clopos_emulator.faults.add("status", route="/open-api/receipts", status=500, times=None)
    with pytest.raises(InternalServerError):
        async for _ in clopos_async_client.get_receipts.iter(limit=100):
            pass


def test_without_total_it_stops_at_a_short_page() -> None:
    """A server that sends no ``total`` (a case the emulator does not produce): stop at the first short page."""
    seen = Counter()

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        seen[page] += 1
        size = 10 if page < 3 else 4
        data = [{"id": page * 100 + i, "name": f"v{i}"} for i in range(size)]
        return httpx.Response(200, json={"success": True, "data": data})

    client = CloposClientClass(
        base_url="http://clopos.test/open-api",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    venues = list(client.get_venues.iter(limit=10, headers={"x-token": "t", "x-brand": "b", "x-venue": "1"}))
    assert len(venues) == 24
    assert seen == Counter({1: 1, 2: 1, 3: 1})
