"""``.iter()`` and ``.pages()``: every item once, no page twice, stops right, async prefetch in order."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from integrify.clopos import CloposAsyncClient, CloposClientClass, CloposSyncClient, InternalServerError
from integrify.clopos.emulator import Emulator
from integrify.clopos.emulator.faults import Fault


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


class HoldLaterPages:
    """An ASGI wrapper inside the emulator's request recorder: requests for page 2 onwards of ``path`` wait
    until ``count`` of them wait together (``filled``), or one has waited ``timeout``; then all go through
    (the emulator's ``gather`` fault does the waiting).

    ``most_inside`` is the most requests of ``path`` inside the emulator's app at once; a request leaves it
    before its answer is sent, so a client cannot have seen an answer while it is still counted.
    """

    def __init__(self, app: ASGIApp, path: str, count: int, timeout: float = 30) -> None:
        self.app, self.path = app, path
        self.gate = Fault("gather", count=count, ms=timeout * 1000)
        self.inside = self.most_inside = 0

    @property
    def filled(self) -> bool:
        return self.gate.gathered

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        try:
            if parse_qs(scope["query_string"].decode()).get("page") != ["1"]:
                await self.gate.gather()
            await self.app(scope, receive, send)
        finally:
            self.inside -= 1


@pytest.fixture
def hold_later_pages(clopos_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Callable[..., HoldLaterPages]:
    def install(path: str, count: int, timeout: float = 30) -> HoldLaterPages:
        recorder = clopos_emulator.app.recorder
        gate = HoldLaterPages(recorder.app, path, count, timeout)
        monkeypatch.setattr(recorder, "app", gate)
        return gate

    return install


async def test_async_iter_matches_sync_and_prefetches(
    clopos_emulator: Emulator,
    clopos_client: CloposSyncClient,
    clopos_async_client: CloposAsyncClient,
    hold_later_pages: Callable[..., HoldLaterPages],
) -> None:
    """Pages 2-5 are all asked for before any of them is answered (the default window, 4), never more at once."""
    expected = [r.id for r in clopos_client.get_receipts.iter(limit=20)]
    clopos_emulator.clear_requests()
    gate = hold_later_pages("/open-api/receipts", 4)
    got = [r.id async for r in clopos_async_client.get_receipts.iter(limit=20)]
    assert got == expected
    pages = pages_requested(clopos_emulator, "/open-api/receipts")
    assert sorted(pages) == list(range(1, 16)) and len(pages) == len(set(pages))
    assert gate.filled and gate.most_inside == 4


async def test_async_prefetch_window_is_configurable(
    clopos_emulator: Emulator,
    clopos_async_client: CloposAsyncClient,
    hold_later_pages: Callable[..., HoldLaterPages],
) -> None:
    """``prefetch=1``: a page is asked for only once the one before is answered (a second one would be held
    with it; the hold gives up after half a second)."""
    gate = hold_later_pages("/open-api/receipts", 2, timeout=0.5)
    client = clopos_async_client.with_options(prefetch=1)
    ids = [r.id async for r in client.get_receipts.iter(limit=50)]
    assert len(ids) == len(set(ids)) == 300
    assert not gate.filled and gate.most_inside == 1
    assert pages_requested(clopos_emulator, "/open-api/receipts") == [1, 2, 3, 4, 5, 6]


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


class PagesWithoutTotal(ThreadingHTTPServer):
    """A local API whose lists carry no ``total`` (the emulator always sends one): ``items`` venues, any token."""

    def __init__(self, items: int) -> None:
        super().__init__(("127.0.0.1", 0), _PagesHandler)
        self.items = items
        self.pages: list[int] = []
        self.inside = self.most_inside = 0
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/open-api"


class _PagesHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: PagesWithoutTotal

    def do_POST(self) -> None:  # /open-api/auth
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self._answer({"success": True, "token": "oauth_local", "token_type": "Bearer", "expires_in": 3600})

    def do_GET(self) -> None:  # /open-api/venues?page=&limit=
        server = self.server
        with server.lock:
            server.inside += 1
            server.most_inside = max(server.most_inside, server.inside)
        query = parse_qs(urlsplit(self.path).query)
        page, limit = int(query["page"][0]), int(query["limit"][0])
        first = (page - 1) * limit + 1
        data = [{"id": i, "name": f"Venue {i}"} for i in range(first, min(first + limit, server.items + 1))]
        with server.lock:
            server.pages.append(page)
            server.inside -= 1  # before answering: the next page cannot be asked for while this one counts
        self._answer({"success": True, "data": data})

    def _answer(self, body: dict[str, Any]) -> None:
        content = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve_pages() -> Iterator[Callable[[int], PagesWithoutTotal]]:
    servers: list[PagesWithoutTotal] = []

    def start(items: int) -> PagesWithoutTotal:
        server = PagesWithoutTotal(items)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def local_options(server: PagesWithoutTotal) -> dict[str, Any]:
    return {"base_url": server.base_url, "client_id": "local", "client_secret": "s", "brand": "local", "venue_id": 1}


#: (venues, page size, pages asked for): stopped by a short page, or by an empty one after full pages.
WITHOUT_TOTAL = [(24, 10, [1, 2, 3]), (20, 10, [1, 2, 3]), (5, 10, [1])]


@pytest.mark.parametrize("kind", ["default", "httpx"])
@pytest.mark.parametrize(("items", "limit", "asked"), WITHOUT_TOTAL)
def test_without_total_it_stops_at_a_short_page(
    serve_pages: Callable[[int], PagesWithoutTotal], kind: str, items: int, limit: int, asked: list[int]
) -> None:
    server = serve_pages(items)
    http = httpx.Client() if kind == "httpx" else None
    with CloposClientClass(**local_options(server), http_client=http) as client:
        venues = [v.id for v in client.get_venues.iter(limit=limit)]
    if http is not None:
        http.close()
    assert venues == list(range(1, items + 1))
    assert server.pages == asked


@pytest.mark.parametrize("kind", ["default", "httpx"])
@pytest.mark.parametrize(("items", "limit", "asked"), WITHOUT_TOTAL)
async def test_async_without_total_asks_one_page_at_a_time(
    serve_pages: Callable[[int], PagesWithoutTotal], kind: str, items: int, limit: int, asked: list[int]
) -> None:
    """With no ``total`` the last page is unknown, so nothing is prefetched past it: one page at a time."""
    server = serve_pages(items)
    http = httpx.AsyncClient() if kind == "httpx" else None
    async with CloposClientClass(sync=False, **local_options(server), http_client=http) as client:
        venues = [v.id async for v in client.get_venues.iter(limit=limit)]
    if http is not None:
        await http.aclose()
    assert venues == list(range(1, items + 1))
    assert server.pages == asked and server.most_inside == 1
