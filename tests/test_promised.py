"""What docs/resilience.md promises and nothing else tested: each case over real HTTP.

The emulator's faults produce most cases; a refused connection (a relay that starts listening after
the first refusal) and headers the emulator never sends (``Retry-After`` as an HTTP date,
``X-RateLimit-Reset``) come from small servers built here. Backoff is asserted on the waits the
request flow asks for (its ``Sleep`` actions, recorded by the driver instead of slept), never on
wall time.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from integrify.clopos import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    CloposAsyncClient,
    CloposClientClass,
    CloposSyncClient,
    ConflictError,
    PermissionDeniedError,
    ReceiptConflictError,
    ResponseDecodeError,
)
from integrify.clopos._core.transport import AsyncTransport, SyncTransport
from integrify.clopos.emulator import Emulator

ORDERS = "/open-api/orders"
RECEIPTS = "/open-api/receipts"
VENUES = "/open-api/venues"
AUTH = "/open-api/auth"
PAY = [{"id": 1, "name": "Cash", "amount": 12.5}]
ORDER = {
    "service": {"sale_type_id": 2, "sale_type_name": "Delivery", "venue_id": 1, "venue_name": "Main"},
    "products": [{"product_id": 1, "count": 1}],
}

pytestmark = pytest.mark.parametrize("sender", ["default", "httpx"], indirect=True)


# -- recording the waits the flow asks for -------------------------------------------------------


class SleepRecorder(SyncTransport):
    """The blocking driver, sending for real; the waits are recorded in ``sleeps`` instead of slept."""

    def __init__(self, http_client: httpx.Client | None, on_sleep: Callable[[], None]) -> None:
        super().__init__(http_client)
        self.sleeps: list[float] = []
        self.on_sleep = on_sleep

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.on_sleep()


class AsyncSleepRecorder(AsyncTransport):
    """The asyncio driver, sending for real; the waits are recorded in ``sleeps`` instead of slept."""

    def __init__(self, http_client: httpx.AsyncClient | None, on_sleep: Callable[[], None]) -> None:
        super().__init__(http_client)
        self.sleeps: list[float] = []
        self.on_sleep = on_sleep

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.on_sleep()


def _options(base_url: str, emu: Emulator, options: dict[str, Any]) -> dict[str, Any]:
    c = emu.credentials
    credentials = {"client_id": c.client_id, "client_secret": c.client_secret, "brand": c.brand, "venue_id": c.venue_id}
    return {"base_url": base_url, **credentials, **options}


@pytest.fixture
def recorded(sender: str, clopos_emulator: Emulator) -> Iterator[Callable[..., tuple[CloposSyncClient, SleepRecorder]]]:
    """Make a sync client (on the test's sender, default backoff) whose driver records its waits."""
    given: list[httpx.Client] = []

    def make(
        base_url: str | None = None, on_sleep: Callable[[], None] = lambda: None, **options: Any
    ) -> tuple[CloposSyncClient, SleepRecorder]:
        http = httpx.Client() if sender == "httpx" else None
        given.extend([http] if http else [])
        client = CloposClientClass(**_options(base_url or clopos_emulator.base_url, clopos_emulator, options))
        transport = SleepRecorder(http, on_sleep)
        client._setup(client.config, transport=transport)  # the driver is the seam the flow's Sleep goes through
        return client, transport

    yield make
    for http in given:
        http.close()


@pytest.fixture
async def recorded_async(
    sender: str, clopos_emulator: Emulator
) -> AsyncIterator[Callable[..., tuple[CloposAsyncClient, AsyncSleepRecorder]]]:
    """Make an async client (aiohttp, or an httpx.AsyncClient passed in) whose driver records its waits."""
    made: list[tuple[CloposAsyncClient, httpx.AsyncClient | None]] = []

    def make(
        base_url: str | None = None, on_sleep: Callable[[], None] = lambda: None, **options: Any
    ) -> tuple[CloposAsyncClient, AsyncSleepRecorder]:
        http = httpx.AsyncClient() if sender == "httpx" else None
        client = CloposClientClass(
            sync=False, **_options(base_url or clopos_emulator.base_url, clopos_emulator, options)
        )
        transport = AsyncSleepRecorder(http, on_sleep)
        client._setup(client.config, transport=transport)
        made.append((client, http))
        return client, transport

    yield make
    for client, http in made:
        await client.aclose()
        if http is not None:
            await http.aclose()


# -- small servers for what the emulator cannot do -----------------------------------------------


class Relay:
    """A TCP relay to ``target`` on a port that refuses connections until :meth:`listen` is called.

    The port is bound at once but not listened on, so connecting is refused (nothing else can take it).
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/open-api"
        self.listening = False

    def listen(self) -> None:
        if not self.listening:
            self.listening = True
            self.sock.listen()
            threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                downstream, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for source, sink in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() above
        self.sock.close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
        sink.shutdown(socket.SHUT_WR)
    except OSError:
        pass


@pytest.fixture
def relay(clopos_emulator: Emulator) -> Iterator[Relay]:
    relay = Relay((clopos_emulator.host, clopos_emulator.port))
    yield relay
    relay.close()


class Scripted:
    """An HTTP server that gives the scripted answers in turn, then repeats the last one."""

    def __init__(self, answers: list[tuple[int, dict[str, str], dict[str, Any]]]) -> None:
        self.answers = answers
        self.received: list[str] = []
        script = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                script.received.append(self.path)
                status, headers, body = script.answers[min(len(script.received), len(script.answers)) - 1]
                content = json.dumps(body).encode()
                self.send_response(status)
                for key, value in {**headers, "Content-Type": "application/json"}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/open-api"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scripted() -> Iterator[Callable[..., Scripted]]:
    servers: list[Scripted] = []

    def make(answers: list[tuple[int, dict[str, str], dict[str, Any]]]) -> Scripted:
        servers.append(Scripted(answers))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


RATE_LIMITED = {"success": False, "error": "rate_limited", "message": "Too many requests. Retry later."}
NO_VENUES = {"success": True, "data": [], "total": 0}


# -- unreadable 2xx answers ---------------------------------------------------------------------


def test_an_unreadable_2xx_is_retried_on_a_get_then_raises_decode_error(
    clopos_emulator: Emulator, recorded: Callable[..., tuple[CloposSyncClient, SleepRecorder]]
) -> None:
    client, transport = recorded(max_retries=2)
    clopos_emulator.faults.add("html", route=VENUES, status=200, times=1)
    assert client.get_venues().ok  # the second attempt is read
    clopos_emulator.faults.add("html", route=VENUES, status=200, times=3)
    with pytest.raises(ResponseDecodeError) as caught:
        client.get_venues()
    assert caught.value.status_code == 200 and caught.value.path == "/venues"
    assert clopos_emulator.count("GET", VENUES) == 2 + 3
    assert len(transport.sleeps) == 1 + 2


def test_an_unreadable_2xx_on_create_order_raises_decode_error_and_is_not_resent(
    clopos_emulator: Emulator, recorded: Callable[..., tuple[CloposSyncClient, SleepRecorder]]
) -> None:
    client, transport = recorded(max_retries=3)
    clopos_emulator.faults.add("html", route=ORDERS, method="POST", status=200, times=1)
    with pytest.raises(ResponseDecodeError) as caught:
        client.create_order(customer_id=9, payload=ORDER)
    assert caught.value.status_code == 200
    assert "not retried" in str(caught.value)
    assert clopos_emulator.count("POST", ORDERS) == 1
    assert transport.sleeps == []


async def test_an_unreadable_2xx_on_create_order_is_not_resent_async(
    clopos_emulator: Emulator, recorded_async: Callable[..., tuple[CloposAsyncClient, AsyncSleepRecorder]]
) -> None:
    client, transport = recorded_async(max_retries=3)
    clopos_emulator.faults.add("html", route=ORDERS, method="POST", status=200, times=1)
    with pytest.raises(ResponseDecodeError, match="not retried"):
        await client.create_order(customer_id=9, payload=ORDER)
    assert clopos_emulator.count("POST", ORDERS) == 1
    assert transport.sleeps == []


# -- create_order after a read timeout ---------------------------------------------------------


def _slow_unapplied_order(emu: Emulator) -> None:
    """The next POST /orders waits 2 s, then its connection is dropped: nothing is stored, whatever the client does."""
    emu.faults.add("latency", route=ORDERS, method="POST", ms=2000, times=1)
    emu.faults.add("drop_before", route=ORDERS, method="POST", times=1)


READ_TIMEOUT = httpx.Timeout(10.0, read=0.3)


def test_create_order_after_a_read_timeout_is_not_resent(
    clopos_emulator: Emulator, recorded: Callable[..., tuple[CloposSyncClient, SleepRecorder]]
) -> None:
    client, transport = recorded(max_retries=3, timeout=READ_TIMEOUT)
    _slow_unapplied_order(clopos_emulator)
    with pytest.raises(APITimeoutError) as caught:
        client.create_order(customer_id=9, payload=ORDER)
    assert caught.value.request_sent is True
    assert "may have reached the server" in str(caught.value)
    assert clopos_emulator.count("POST", ORDERS) == 1
    assert transport.sleeps == []


async def test_create_order_after_a_read_timeout_is_not_resent_async(
    clopos_emulator: Emulator, recorded_async: Callable[..., tuple[CloposAsyncClient, AsyncSleepRecorder]]
) -> None:
    client, transport = recorded_async(max_retries=3, timeout=READ_TIMEOUT)
    _slow_unapplied_order(clopos_emulator)
    with pytest.raises(APITimeoutError) as caught:
        await client.create_order(customer_id=9, payload=ORDER)
    assert caught.value.request_sent is True
    assert clopos_emulator.count("POST", ORDERS) == 1
    assert transport.sleeps == []


# -- a refused connection is retried, even for a POST -------------------------------------------


def test_a_refused_connection_is_retried_for_create_order(
    clopos_emulator: Emulator, relay: Relay, recorded: Callable[..., tuple[CloposSyncClient, SleepRecorder]]
) -> None:
    token = {"x-token": _token(clopos_emulator)}  # given, so that the first request is the POST itself
    client, transport = recorded(base_url=relay.url, on_sleep=relay.listen, max_retries=2)
    before = len(clopos_emulator.state.brand("openapitest").table("orders"))
    response = client.create_order(customer_id=9, payload=ORDER, headers=token)
    assert response.status_code == 201, response
    assert len(transport.sleeps) == 1  # refused once; the relay listens from the first wait on
    assert clopos_emulator.count("POST", ORDERS) == 1
    assert len(clopos_emulator.state.brand("openapitest").table("orders")) == before + 1


async def test_a_refused_connection_is_retried_for_create_order_async(
    clopos_emulator: Emulator,
    relay: Relay,
    recorded_async: Callable[..., tuple[CloposAsyncClient, AsyncSleepRecorder]],
) -> None:
    token = {"x-token": _token(clopos_emulator)}
    client, transport = recorded_async(base_url=relay.url, on_sleep=relay.listen, max_retries=2)
    response = await client.create_order(customer_id=9, payload=ORDER, headers=token)
    assert response.status_code == 201, response
    assert len(transport.sleeps) == 1
    assert clopos_emulator.count("POST", ORDERS) == 1


def test_a_refused_connection_ends_in_a_not_sent_error(
    relay: Relay, recorded: Callable[..., tuple[CloposSyncClient, SleepRecorder]]
) -> None:
    client, transport = recorded(base_url=relay.url, max_retries=2)  # the relay never listens
    with pytest.raises(APIConnectionError) as caught:
        client.create_order(customer_id=9, payload=ORDER, headers={"x-token": "oauth_unused"})
    assert caught.value.request_sent is False
    assert len(transport.sleeps) == 2


def _token(emu: Emulator) -> str:
    c = emu.credentials
    body = {"client_id": c.client_id, "client_secret": c.client_secret, "brand": c.brand, "venue_id": c.venue_id}
    return str(httpx.post(emu.base_url + "/auth", json=body).json()["token"])


# -- create_receipt: a 409 whose cid lookup finds nothing ---------------------------------------


@pytest.mark.parametrize("lookup", ["finds no receipt", "fails"])
def test_a_conflict_whose_cid_lookup_finds_nothing_is_returned_as_it_came(
    clopos_emulator: Emulator, recorded: Callable[..., tuple[CloposSyncClient, SleepRecorder]], lookup: str
) -> None:
    client, _ = recorded()
    cid = str(uuid.uuid4())
    clopos_emulator.faults.add("status", route=RECEIPTS, method="POST", status=409, times=1)
    if lookup == "fails":
        clopos_emulator.faults.add("status", route=RECEIPTS, method="GET", status=404, times=1)
    response = client.create_receipt(cid=cid, payment_methods=PAY, user_id=1, total=12.5)
    assert response.status_code == 409 and not response.ok and not response.recovered
    error = response.error()
    assert type(error) is ConflictError  # not a ReceiptConflictError: there is no stored receipt to name
    lookups = [r for r in clopos_emulator.requests if r.method == "GET" and r.route == RECEIPTS]
    assert len(lookups) == 1 and parse_qs(lookups[0].query_string)["filters[0][1]"] == [cid]
    with pytest.raises(ConflictError) as caught:
        clopos_emulator.faults.add("status", route=RECEIPTS, method="POST", status=409, times=1)
        client.with_options(raise_errors=True).create_receipt(cid=cid, payment_methods=PAY, user_id=1)
    assert not isinstance(caught.value, ReceiptConflictError)
    assert not any(r.get("cid") == cid for r in clopos_emulator.state.brand("openapitest").receipts.created.values())


# -- tokens: with_options() shares them, auth() fills the cache ---------------------------------


def test_with_options_clients_share_tokens_and_other_clients_do_not(
    clopos_emulator: Emulator, recorded: Callable[..., tuple[CloposSyncClient, SleepRecorder]]
) -> None:
    client, _ = recorded()
    derived = client.with_options(max_retries=0, raise_errors=True, timeout=5)
    assert client.get_venues().ok
    assert derived.get_users().ok and derived.with_options(backoff=1).get_venues().ok
    assert clopos_emulator.count("POST", AUTH) == 1
    other, _ = recorded()
    assert other.get_venues().ok
    assert clopos_emulator.count("POST", AUTH) == 2


def test_auth_fills_the_cache_for_later_calls(
    clopos_emulator: Emulator, recorded: Callable[..., tuple[CloposSyncClient, SleepRecorder]]
) -> None:
    client, _ = recorded()
    token = client.auth().unwrap().token
    assert clopos_emulator.count("POST", AUTH) == 1
    assert client.get_venues().ok and client.with_options(timeout=5).get_users().ok
    assert clopos_emulator.count("POST", AUTH) == 1
    assert clopos_emulator.requests[-1].headers["x-token"] == token


# -- backoff ------------------------------------------------------------------------------------


def test_backoff_doubles_from_half_a_second_with_jitter_and_caps_at_8s(
    clopos_emulator: Emulator, recorded: Callable[..., tuple[CloposSyncClient, SleepRecorder]]
) -> None:
    client, transport = recorded(max_retries=5)  # the default backoff: 0.5 s
    clopos_emulator.faults.add("status", route=VENUES, status=503, times=5)
    assert client.get_venues().ok
    steps = [0.5, 1, 2, 4, 8]
    assert len(transport.sleeps) == len(steps)
    for wait, step in zip(transport.sleeps, steps, strict=True):
        assert step / 2 <= wait <= step  # each wait is 50-100% of its step
    capped, transport_capped = recorded(max_retries=3, backoff=5)
    clopos_emulator.faults.add("status", route=VENUES, status=503, times=3)
    assert capped.get_venues().ok
    assert 2.5 <= transport_capped.sleeps[0] <= 5
    assert all(4 <= wait <= 8 for wait in transport_capped.sleeps[1:])  # 10 s and 20 s, capped at 8 s
    fractions = {round(wait / step, 6) for wait, step in zip(transport.sleeps, steps, strict=True)}
    assert len(fractions) > 1  # jitter: the fractions of the steps differ


# -- Retry-After as an HTTP date, X-RateLimit-Reset --------------------------------------------


def _http_date_in(seconds: float) -> dict[str, str]:
    return {"Retry-After": email.utils.formatdate(time.time() + seconds, usegmt=True)}


def _epoch_in(seconds: float) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": "60",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(int(time.time() + seconds)),
    }


def _seconds_in(seconds: float) -> dict[str, str]:
    """Generation 2's draft-standard headers: ``RateLimit-Reset`` counts seconds, not an epoch."""
    return {"RateLimit-Limit": "60", "RateLimit-Remaining": "0", "RateLimit-Reset": str(int(seconds))}


@pytest.mark.parametrize(
    "headers",
    [_http_date_in, _epoch_in, _seconds_in],
    ids=["retry-after-http-date", "x-ratelimit-reset", "ratelimit-reset"],
)
def test_the_asked_wait_is_honoured_by_the_retry_loop(
    scripted: Callable[..., Scripted],
    recorded: Callable[..., tuple[CloposSyncClient, SleepRecorder]],
    headers: Callable[[float], dict[str, str]],
) -> None:
    server = scripted([(429, headers(30), RATE_LIMITED), (200, {}, NO_VENUES)])
    client, transport = recorded(base_url=server.url, backoff=0.01)
    response = client.get_venues(headers={"x-token": "oauth_given"})
    assert response.ok, response
    assert len(server.received) == 2
    assert len(transport.sleeps) == 1 and 25 <= transport.sleeps[0] <= 30  # the asked wait, not the backoff


def test_retry_after_in_seconds_on_a_503_is_honoured(
    clopos_emulator: Emulator, recorded: Callable[..., tuple[CloposSyncClient, SleepRecorder]]
) -> None:
    client, transport = recorded(backoff=0.01)
    clopos_emulator.faults.add("status", route=VENUES, status=503, retry_after=7, times=1)
    assert client.get_venues().ok
    assert transport.sleeps == [7]


# -- error classes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_class"), [(403, PermissionDeniedError), (409, ConflictError), (422, BadRequestError)]
)
def test_error_statuses_map_to_their_documented_classes(
    clopos_emulator: Emulator,
    recorded: Callable[..., tuple[CloposSyncClient, SleepRecorder]],
    status: int,
    error_class: type[APIStatusError],
) -> None:
    client, transport = recorded()
    clopos_emulator.faults.add("status", route=VENUES, status=status, times=2)
    response = client.get_venues()
    assert response.status_code == status and type(response.error()) is error_class
    with pytest.raises(error_class) as caught:
        client.with_options(raise_errors=True).get_venues()
    assert type(caught.value) is error_class and caught.value.status_code == status
    assert transport.sleeps == [] and clopos_emulator.count("GET", VENUES) == 2  # none of them is retried


def test_a_real_conflict_is_a_conflict_error(
    clopos_emulator: Emulator, recorded: Callable[..., tuple[CloposSyncClient, SleepRecorder]]
) -> None:
    client, _ = recorded(raise_errors=True)
    code = uuid.uuid4().hex[:12]
    client.create_customer(name="First", code=code)
    with pytest.raises(ConflictError) as caught:
        client.create_customer(name="Second", code=code)
    assert caught.value.status_code == 409 and type(caught.value) is ConflictError
