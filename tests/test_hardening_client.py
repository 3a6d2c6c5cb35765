"""Issue 10, client side: each test reproduces a defect found by attacking the client."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from integrify.clopos import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    CloposConfigError,
    InternalServerError,
    ResponseDecodeError,
    ResponseTooLargeError,
    SavedToken,
)
from integrify.clopos._core import decode
from integrify.clopos._core.call import retry_after_from
from integrify.clopos.emulator import Emulator

from .helpers import async_client, sync_client

PAY = [{"id": 1, "name": "Cash", "amount": 12.5}]
RECEIPTS = "/open-api/receipts"


def stored_with_cid(emu: Emulator, cid: str) -> int:
    receipts = emu.state.brand("openapitest").receipts
    return sum(1 for r in receipts.created.values() if r.get("cid") == cid and r["id"] not in receipts.deleted)


# -- 1. idempotent create across calls ------------------------------------------------------------


def test_user_retries_after_the_client_gave_up_get_their_receipts_once(clopos_emulator: Emulator) -> None:
    """30 cids through a server that loses half of the answers; the user retries each until it returns."""
    clopos_emulator.faults.add("drop_after", route=RECEIPTS, method="*", times=None, probability=0.5, seed=7)
    client = sync_client(clopos_emulator, max_retries=1, backoff=0.001)
    returned: dict[str, int] = {}
    gave_up = 0
    for n in range(30):
        cid = str(uuid.uuid4())
        for _ in range(60):
            try:
                receipt = client.create_receipt(cid=cid, payment_methods=PAY, user_id=1, total=12.5 + n).unwrap()
            except APIConnectionError as error:
                assert error.request_sent
                gave_up += 1
                continue
            returned[cid] = receipt.data.id
            break
    clopos_emulator.faults.clear()
    assert len(returned) == 30 and len(set(returned.values())) == 30
    assert all(stored_with_cid(clopos_emulator, cid) == 1 for cid in returned)
    assert gave_up > 0  # the client did give up at times, and the user's retry still got the receipt


def test_lost_answer_then_revoked_token_still_recovers(clopos_emulator: Emulator) -> None:
    """201 lost -> retry meets 401 -> renewed and replayed -> 409 -> the receipt, recovered."""
    client = sync_client(clopos_emulator)
    assert client.get_venues().ok
    clopos_emulator.faults.add("drop_after", route=RECEIPTS, method="POST", times=1)
    clopos_emulator.faults.add("revoke_token", route=RECEIPTS, method="POST", times=1, after=1)
    cid = str(uuid.uuid4())
    response = client.create_receipt(cid=cid, payment_methods=PAY, user_id=1, total=12.5)
    assert response.ok and response.recovered
    assert response.unwrap().data.cid == cid
    assert stored_with_cid(clopos_emulator, cid) == 1
    assert clopos_emulator.count("POST", "/open-api/auth") == 2


# -- 2. a retried DELETE ---------------------------------------------------------------------------


def test_lost_delete_answer_is_the_success_it_was(clopos_emulator: Emulator) -> None:
    client = sync_client(clopos_emulator)
    created = client.create_receipt(cid=str(uuid.uuid4()), payment_methods=PAY, user_id=1).unwrap().data
    clopos_emulator.faults.add("drop_after", route="/open-api/receipts/{id}", method="DELETE", times=1)
    response = client.delete_receipt(created.id)
    assert response.ok and response.recovered and response.status_code == 200
    assert clopos_emulator.count("DELETE", "/open-api/receipts/{id}") == 2
    assert client.get_receipt_by_id(created.id).status_code == 404
    assert client.delete_receipt(created.id).status_code == 404  # a plain 404 stays a 404


# -- 3. one pool per event loop, freed -------------------------------------------------------------


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to count file descriptors")
def test_a_thousand_event_loops_do_not_leak_pools(clopos_emulator: Emulator, sender: str) -> None:
    if sender == "httpx":
        pytest.skip("an httpx.AsyncClient you pass in belongs to one event loop: yours to open and close")
    client = async_client(clopos_emulator)
    asyncio.run(client.get_venues())
    gc.collect()
    fds, rss = _open_fds(), _rss_mb()
    for _ in range(1000):
        assert asyncio.run(client.get_venues()).ok
    gc.collect()
    assert _open_fds() - fds < 20
    assert _rss_mb() - rss < 80
    assert len(client._transport._rooms) == 0


# -- 4. an overall deadline and a size cap ---------------------------------------------------------


#: Per ``raw_server`` base URL: set when a handler ran to its end (the client read or waited through all of it).
SERVED: dict[str, threading.Event] = {}


@contextlib.contextmanager
def raw_server(handler: Callable[[socket.socket], None]) -> Iterator[str]:
    """A bare TCP server on 127.0.0.1 answering each connection with ``handler``; yields its base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    base = f"http://127.0.0.1:{listener.getsockname()[1]}/open-api"
    served = SERVED[base] = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=_handle, args=(conn,), daemon=True).start()

    def _handle(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            conn.recv(65536)
            handler(conn)
            served.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        stop.set()
        thread.join()
        listener.close()


def trickle_body(conn: socket.socket) -> None:
    """A byte every 0.1 s for a minute: never idle long enough for a read timeout."""
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{")
    for _ in range(600):
        time.sleep(0.1)
        conn.sendall(b" ")


def trickle_headers(conn: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nx-slow: " + b"a" * 1200:
        time.sleep(0.05)
        conn.sendall(bytes([byte]))


def huge_body(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200000000\r\n\r\n")
    with contextlib.suppress(OSError):
        for _ in range(20):
            conn.sendall(b" " * 65536)


def huge_chunked(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
    with contextlib.suppress(OSError):
        for _ in range(40):
            conn.sendall(b"10000\r\n" + b" " * 65536 + b"\r\n")


@pytest.mark.parametrize("handler", [trickle_body, trickle_headers], ids=["body", "headers"])
def test_a_trickling_server_cannot_outlast_total_timeout_sync(
    clopos_emulator: Emulator, handler: Callable[[socket.socket], None], sender: str
) -> None:
    if sender == "httpx" and handler is trickle_headers:
        pytest.skip("over an httpx.Client you pass in, the headers' wait is bounded by the read timeout only")
    with raw_server(handler) as base:
        client = sync_client(clopos_emulator, base_url=base, timeout=2, total_timeout=1.5, max_retries=3)
        with pytest.raises(APITimeoutError):
            client.get_venues(headers={"x-token": "t"})
        assert not SERVED[base].is_set()  # it ended at its deadline, not when the minute of trickling was over


@pytest.mark.parametrize("handler", [trickle_body, trickle_headers], ids=["body", "headers"])
async def test_a_trickling_server_cannot_outlast_total_timeout_async(
    clopos_emulator: Emulator, handler: Callable[[socket.socket], None]
) -> None:
    with raw_server(handler) as base:
        client = async_client(clopos_emulator, base_url=base, timeout=2, total_timeout=1.5, max_retries=3)
        with pytest.raises(APITimeoutError):
            await client.get_venues(headers={"x-token": "t"})
        assert not SERVED[base].is_set()
        await client.aclose()


@pytest.mark.parametrize("handler", [huge_body, huge_chunked], ids=["length", "chunked"])
def test_a_body_above_the_cap_is_refused_sync(
    clopos_emulator: Emulator, handler: Callable[[socket.socket], None]
) -> None:
    with raw_server(handler) as base:
        client = sync_client(clopos_emulator, base_url=base, max_response_bytes=1_000_000)
        with pytest.raises(ResponseTooLargeError) as caught:
            client.get_venues(headers={"x-token": "t"})
        assert caught.value.limit == 1_000_000 and "max_response_bytes" in str(caught.value)


@pytest.mark.parametrize("handler", [huge_body, huge_chunked], ids=["length", "chunked"])
async def test_a_body_above_the_cap_is_refused_async(
    clopos_emulator: Emulator, handler: Callable[[socket.socket], None]
) -> None:
    with raw_server(handler) as base:
        client = async_client(clopos_emulator, base_url=base, max_response_bytes=1_000_000)
        with pytest.raises(ResponseTooLargeError):
            await client.get_venues(headers={"x-token": "t"})
        await client.aclose()


def test_given_httpx_clients_keep_the_cap_and_deadline(clopos_emulator: Emulator) -> None:
    with raw_server(huge_body) as base, httpx.Client() as http:
        client = sync_client(clopos_emulator, base_url=base, max_response_bytes=1_000_000, http_client=http)
        with pytest.raises(ResponseTooLargeError):
            client.get_venues(headers={"x-token": "t"})
    with raw_server(trickle_body) as base, httpx.Client() as http:
        client = sync_client(clopos_emulator, base_url=base, timeout=2, total_timeout=1.0, http_client=http)
        with pytest.raises(APITimeoutError):
            client.get_venues(headers={"x-token": "t"})
        assert not SERVED[base].is_set()


def test_retries_stop_at_the_deadline(clopos_emulator: Emulator) -> None:
    """A 2 s wait fits once in 3 s (if the first answer takes under 1 s), never twice: 2 requests, not 11."""
    clopos_emulator.faults.add("status", route="/open-api/venues", status=503, times=None, retry_after=2)
    client = sync_client(clopos_emulator, max_retries=10, total_timeout=3.0)
    client.auth()
    response = client.get_venues()
    assert response.status_code == 503
    assert clopos_emulator.count("GET", "/open-api/venues") == 2


# -- 5. secrets in tracebacks with local variables -------------------------------------------------


def _rendered(error: BaseException) -> str:
    """The traceback with every frame's locals, less the test's own frame (which holds the secret)."""
    assert error.__traceback__ is not None
    frames = error.__traceback__.tb_next
    return "".join(traceback.TracebackException(type(error), error, frames, capture_locals=True).format())


def test_no_secret_or_token_in_tracebacks_with_locals(clopos_emulator: Emulator) -> None:
    secret = clopos_emulator.credentials.client_secret
    client = sync_client(clopos_emulator, raise_errors=True)
    assert client.get_venues().ok
    token = next(iter(clopos_emulator.state.tokens))
    clopos_emulator.faults.add("status", route="/open-api/receipts/{id}", status=500, times=1)
    with pytest.raises(InternalServerError) as server_error:
        client.with_options(max_retries=0).get_receipt_by_id(1)
    with pytest.raises(AuthenticationError) as auth_error:
        sync_client(clopos_emulator, client_secret=secret[:-1] + "x").get_venues()
    with pytest.raises(APIConnectionError) as network_error:
        sync_client(clopos_emulator, base_url="http://127.0.0.1:9/open-api", max_retries=0).get_venues()
    with pytest.raises(AuthenticationError) as wrong_auth_call:
        client.auth(client_secret=secret[:-1] + "y")
    clopos_emulator.faults.add("truncate", route=RECEIPTS, method="POST", times=5)
    with pytest.raises((ResponseDecodeError, APIConnectionError)) as decode_error:
        client.create_receipt(cid=str(uuid.uuid4()), payment_methods=PAY, user_id=1)
    for caught in (server_error, auth_error, network_error, wrong_auth_call, decode_error):
        text = _rendered(caught.value)
        assert "client_secret" in text or "headers" in text or "self" in text  # locals were captured
        assert secret not in text and secret[:-1] not in text
        assert token not in text


# -- 6. Retry-After that is not a number ------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_non_finite_retry_after_counts_as_absent(value: str) -> None:
    assert retry_after_from(httpx.Headers({"retry-after": value})) is None
    assert retry_after_from(httpx.Headers({"retry-after": value, "ratelimit-reset": "3"})) == 3.0


# -- 7. drift never loses data ----------------------------------------------------------------------


def _drifted_customer(emu: Emulator) -> int:
    customers = emu.state.brand("openapitest").table("customers")
    record = next(iter(customers.values()))
    record["cashback_balance"] = {"amount": 5}  # no id: the existing public client's own test payload
    record["receipt_count"] = "many"  # a type change
    return int(record["id"])


def test_drift_keeps_the_item_and_warns_once(clopos_emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    drifted = _drifted_customer(clopos_emulator)
    decode._warned.clear()
    client = sync_client(clopos_emulator)
    with caplog.at_level(logging.WARNING, logger="integrify.clopos"):
        page = client.get_customers(limit=100, with_=["cashback_balance"]).unwrap()
        again = client.get_customer_by_id(drifted).unwrap()
        client.get_customers(limit=100, with_=["cashback_balance"]).unwrap()
    customer = next(c for c in page.data if c.id == drifted)
    assert customer.cashback_balance == {"amount": 5}
    assert customer.receipt_count == "many"
    assert isinstance(customer.name, str)  # the valid fields are still validated
    assert again.data.cashback_balance == {"amount": 5}
    assert len(page.data) == page.total or len(page.data) == 100
    warnings = [r.getMessage() for r in caplog.records if "does not match the model" in r.getMessage()]
    assert sorted(w.split(" at ")[1].split(" ")[0] for w in warnings) == [
        "CashbackBalance.id",
        "Customer.receipt_count",
    ]
    assert len(warnings) == len(set(warnings))  # one per model path, not one per call


def test_strict_validation_raises_on_drift(clopos_emulator: Emulator) -> None:
    _drifted_customer(clopos_emulator)
    with pytest.raises(ResponseDecodeError, match="does not match"):
        sync_client(clopos_emulator, strict_validation=True).get_customers(limit=100, with_=["cashback_balance"])


def test_the_plugin_client_is_strict(clopos_client: Any) -> None:
    assert clopos_client.config.strict_validation is True


# -- 8. the concurrency tests are deterministic under load -------------------------------------------


def test_reset_restores_settings_a_test_changed(clopos_emulator: Emulator) -> None:
    """The flake's cause: a test set ``token_ttl = 1`` and the next tests ran with one-second tokens, so on
    a loaded machine the token renewed after a 401 expired before the replays arrived (401 again)."""
    clopos_emulator.state.config.token_ttl = 1.0
    clopos_emulator.reset()
    assert clopos_emulator.state.config.token_ttl == 3600.0


def test_ctrl_c_during_a_request_is_not_turned_into_a_retry() -> None:
    """KeyboardInterrupt while an answer is awaited leaves the call at once (it was read as a lost answer and
    retried, so ``clopos orders watch`` could outlive Ctrl-C)."""
    script = """
import os, signal, socket, threading, time
from integrify.clopos import CloposClientClass
server = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
port = server.getsockname()[1]
threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
client = CloposClientClass(base_url=f"http://127.0.0.1:{port}/open-api", max_retries=5, backoff=1.0, timeout=30)
started = time.monotonic()
try:
    client.get_venues(headers={"x-token": "t"})
except KeyboardInterrupt:
    print("interrupted after", round(time.monotonic() - started, 1))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("interrupted after"), (done.stdout, done.stderr)
    assert float(done.stdout.split()[-1]) < 25  # the call alone would take 30 s (its read timeout) or more


@pytest.mark.parametrize(
    "option",
    [
        {"total_timeout": 0},
        {"total_timeout": -5},
        {"total_timeout": "10"},
        {"total_timeout": float("inf")},
        {"max_response_bytes": 0},
        {"max_response_bytes": 2.5},
    ],
)
def test_bad_deadline_or_cap_is_refused_naming_the_option(clopos_emulator: Emulator, option: dict[str, Any]) -> None:
    [name] = option
    with pytest.raises(CloposConfigError, match=name):
        sync_client(clopos_emulator, **option)
    with pytest.raises(CloposConfigError, match=name):
        sync_client(clopos_emulator).with_options(**option)
    assert clopos_emulator.requests == []


def test_a_saved_token_is_reused_by_a_new_client(clopos_emulator: Emulator) -> None:
    first = sync_client(clopos_emulator)
    assert first.saved_token() is None
    assert first.get_venues().ok
    saved = first.saved_token()
    assert saved is not None and saved.value not in repr(saved) and repr(saved.value) == "'***'"
    second = sync_client(clopos_emulator)
    second.use_token(saved)
    assert second.get_venues().ok
    assert clopos_emulator.count("POST", "/open-api/auth") == 1
    expired = SavedToken(saved.value, time.time() - 1)
    third = sync_client(clopos_emulator)
    third.use_token(expired)  # due for renewal: ignored, a new token is bought
    assert third.get_venues().ok
    assert clopos_emulator.count("POST", "/open-api/auth") == 2
