"""Retries, timeouts, token renewal and the lost-answer recovery, against the emulator's faults over HTTP."""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
import uuid
from typing import Any

import pytest

from integrify.clopos import (
    APIConnectionError,
    APITimeoutError,
    CloposClientClass,
    CloposConfigError,
    ConflictError,
    NotFoundError,
    RateLimitError,
    ReceiptConflictError,
)
from integrify.clopos.emulator import Emulator
from integrify.clopos.schemas.common.response import ErrorResponse

from .helpers import async_client, sync_client

PAY = [{"id": 1, "name": "Cash", "amount": 12.5}]
RECEIPTS = "/open-api/receipts"
RECEIPT = "/open-api/receipts/{id}"


def receipts_with_cid(emu: Emulator, cid: str) -> int:
    receipts = emu.state.brand("openapitest").receipts
    return sum(1 for r in receipts.created.values() if r.get("cid") == cid and r["id"] not in receipts.deleted)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried_on_get(clopos_emulator: Emulator, status: int) -> None:
    client = sync_client(clopos_emulator)
    clopos_emulator.faults.add("status", route=RECEIPT, status=status, times=2)
    response = client.get_receipt_by_id(1)
    assert response.ok
    assert clopos_emulator.count("GET", RECEIPT) == 3


def test_500_is_not_retried_on_get(clopos_emulator: Emulator) -> None:
    client = sync_client(clopos_emulator)
    clopos_emulator.faults.add("status", route=RECEIPT, status=500)
    response = client.get_receipt_by_id(1)
    assert response.status_code == 500 and not response.ok
    assert isinstance(response.body, ErrorResponse)
    assert clopos_emulator.count("GET", RECEIPT) == 1


ORDER = {
    "service": {"sale_type_id": 2, "sale_type_name": "Delivery", "venue_id": 1, "venue_name": "Main"},
    "products": [{"product_id": 1, "count": 1}],
}
# (what, route, call, how many records the brand has of that kind)
POSTS: list[tuple[str, str, Any, Any]] = [
    (
        "create_receipt",
        RECEIPTS,
        lambda c: c.create_receipt(cid=str(uuid.uuid4()), payment_methods=PAY, user_id=1),
        lambda brand: len(brand.receipts.created),
    ),
    (
        "create_order",
        "/open-api/orders",
        lambda c: c.create_order(customer_id=9, payload=ORDER),
        lambda brand: len(brand.table("orders")),
    ),
]


@pytest.mark.parametrize(("route", "call", "count"), [p[1:] for p in POSTS], ids=[p[0] for p in POSTS])
def test_429_on_a_post_is_retried_after_the_asked_wait_and_makes_one_record(
    clopos_emulator: Emulator, route: str, call: Any, count: Any
) -> None:
    """A 429 is answered before the request is read: retried after ``Retry-After`` even for create_order,
    which is never resent once it may have been applied (the refused connection: tests/test_promised.py)."""
    client = sync_client(clopos_emulator)  # backoff 0.01 s: only Retry-After makes the wait 0.3 s
    brand = clopos_emulator.state.brand("openapitest")
    before = count(brand)
    clopos_emulator.faults.add("status", route=route, method="POST", status=429, retry_after=0.3)
    started = time.monotonic()
    response = call(client)
    assert response.status_code == 201, response.body
    assert time.monotonic() - started >= 0.3
    assert [r.status for r in clopos_emulator.requests if r.route == route] == [429, 201]
    assert count(brand) == before + 1


def test_retry_after_above_the_cap_raises_at_once(clopos_emulator: Emulator) -> None:
    client = sync_client(clopos_emulator, max_retry_wait=5)
    clopos_emulator.faults.add("status", route=RECEIPT, status=429, retry_after=120)
    with pytest.raises(RateLimitError) as caught:
        client.get_receipt_by_id(1)
    assert caught.value.retry_after == 120
    assert clopos_emulator.count("GET", RECEIPT) == 1


def test_html_error_page_becomes_a_clear_error(clopos_emulator: Emulator) -> None:
    client = sync_client(clopos_emulator, max_retries=1)
    clopos_emulator.faults.add("html", route=RECEIPT, times=5)
    response = client.get_receipt_by_id(1)
    assert response.status_code == 502
    assert isinstance(response.body, ErrorResponse)
    assert response.body.code == "invalid_response"
    assert "text/html" in response.body.text
    assert clopos_emulator.count("GET", RECEIPT) == 2


@pytest.mark.parametrize("kind", ["truncate", "drop_before", "drop_after"])
def test_broken_answers_are_retried_on_get(clopos_emulator: Emulator, kind: str) -> None:
    client = sync_client(clopos_emulator)
    clopos_emulator.faults.add(kind, route=RECEIPT, times=1)
    assert client.get_receipt_by_id(1).ok
    assert clopos_emulator.count("GET", RECEIPT) == 2


def test_broken_answer_after_retries_raises_connection_error(clopos_emulator: Emulator) -> None:
    client = sync_client(clopos_emulator, max_retries=1)
    clopos_emulator.faults.add("truncate", route=RECEIPT, times=5)
    with pytest.raises(APIConnectionError) as caught:
        client.get_receipt_by_id(1)
    assert caught.value.request_sent
    assert "GET /receipts/1" in str(caught.value)


def test_latency_beyond_the_timeout(clopos_emulator: Emulator) -> None:
    clopos_emulator.faults.add("latency", route=RECEIPT, ms=600, times=1)
    assert sync_client(clopos_emulator, timeout=0.3).get_receipt_by_id(1).ok  # the retry is fast
    clopos_emulator.faults.add("latency", route=RECEIPT, ms=600, times=1)
    with pytest.raises(APITimeoutError):
        sync_client(clopos_emulator, timeout=0.3, max_retries=0).get_receipt_by_id(1)


def test_lost_answer_on_create_receipt_is_recovered(clopos_emulator: Emulator) -> None:
    client = sync_client(clopos_emulator)
    cid = str(uuid.uuid4())
    clopos_emulator.faults.add("drop_after", route=RECEIPTS, method="POST", times=1)
    response = client.create_receipt(cid=cid, payment_methods=PAY, user_id=1, total=12.5)
    assert response.ok and response.recovered
    assert response.unwrap().data.cid == cid
    assert receipts_with_cid(clopos_emulator, cid) == 1
    assert clopos_emulator.count("POST", RECEIPTS) == 2


def test_the_same_receipt_sent_again_is_returned_not_doubled(clopos_emulator: Emulator) -> None:
    client = sync_client(clopos_emulator)
    cid = str(uuid.uuid4())
    first = client.create_receipt(cid=cid, payment_methods=PAY, user_id=1, total=12.5).unwrap()
    again = client.create_receipt(cid=cid, payment_methods=PAY, user_id=1, total="12.50")
    assert again.ok and again.recovered and again.status_code == 200
    assert again.unwrap().data.id == first.data.id
    assert receipts_with_cid(clopos_emulator, cid) == 1


def test_another_receipt_on_a_taken_cid_is_a_receipt_conflict(clopos_emulator: Emulator) -> None:
    client = sync_client(clopos_emulator)
    cid = str(uuid.uuid4())
    first = client.create_receipt(cid=cid, payment_methods=PAY, user_id=1, total=12.5).unwrap()
    other = [{"id": 1, "name": "Cash", "amount": 20}]
    again = client.create_receipt(cid=cid, payment_methods=other, user_id=1, total=20)
    assert again.status_code == 409 and not again.ok and not again.recovered
    error = again.error()
    assert isinstance(error, ReceiptConflictError) and isinstance(error, ConflictError)
    assert error.stored_receipt_id == first.data.id
    assert error.differences == ["total (20 sent, 12.5 stored)", "payment amounts"]
    assert str(first.data.id) in str(error)
    with pytest.raises(ReceiptConflictError):
        sync_client(clopos_emulator, raise_errors=True).create_receipt(cid=cid, payment_methods=other, user_id=1)
    assert receipts_with_cid(clopos_emulator, cid) == 1


def test_create_order_is_never_resent_after_an_ambiguous_failure(clopos_emulator: Emulator) -> None:
    client = sync_client(clopos_emulator)
    orders = clopos_emulator.state.brand("openapitest").table("orders")
    before = len(orders)
    clopos_emulator.faults.add("drop_after", route="/open-api/orders", method="POST", times=1)
    payload = {
        "service": {"sale_type_id": 2, "sale_type_name": "Delivery", "venue_id": 1, "venue_name": "Main"},
        "customer": {"id": 9, "name": "Rahid"},
        "products": [{"product_id": 1, "count": 1}],
    }
    with pytest.raises(APIConnectionError) as caught:
        client.create_order(customer_id=9, payload=payload)
    assert caught.value.request_sent
    assert "not retried" in str(caught.value)
    assert len(orders) == before + 1
    assert clopos_emulator.count("POST", "/open-api/orders") == 1


@pytest.mark.parametrize("how", ["expire", "revoke"])
def test_refused_token_is_renewed_and_the_call_replayed_once(clopos_emulator: Emulator, how: str) -> None:
    client = sync_client(clopos_emulator)
    assert client.get_venues().ok
    if how == "expire":
        clopos_emulator.expire_tokens()
    else:
        clopos_emulator.faults.add("revoke_token", route="/open-api/venues", times=1)
    assert client.get_venues().ok
    assert clopos_emulator.count("POST", "/open-api/auth") == 2


def test_token_given_in_headers_is_used_as_given(clopos_emulator: Emulator) -> None:
    client = sync_client(clopos_emulator)
    response = client.get_venues(headers={"x-token": "oauth_mine"})
    assert response.status_code == 401
    assert clopos_emulator.count("POST", "/open-api/auth") == 0


def test_short_lived_token_is_renewed_ahead_of_expiry(clopos_emulator: Emulator) -> None:
    clopos_emulator.config.token_ttl = 1.0  # the first token only (the fixture restores the setting anyway)
    client = sync_client(clopos_emulator)
    assert client.get_venues().ok
    clopos_emulator.config.token_ttl = 3600.0  # the renewed one outlives a stalled machine
    time.sleep(1.0)  # past the renewal point (90% of the lifetime), on the client's monotonic clock
    assert client.get_venues().ok
    assert clopos_emulator.count("POST", "/open-api/auth") == 2
    assert clopos_emulator.count("GET", "/open-api/venues") == 2  # no 401 round trip


def test_fifty_threads_after_expiry_make_one_auth(clopos_emulator: Emulator) -> None:
    client = sync_client(clopos_emulator)
    assert client.get_venues().ok
    clopos_emulator.expire_tokens()
    clopos_emulator.clear_requests()
    barrier = threading.Barrier(50)
    results: list[bool] = []

    def call() -> None:
        barrier.wait()
        results.append(client.get_receipt_by_id(1).ok)

    threads = [threading.Thread(target=call) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 50
    assert clopos_emulator.count("POST", "/open-api/auth") == 1


async def test_fifty_tasks_after_expiry_make_one_auth(clopos_emulator: Emulator) -> None:
    client = async_client(clopos_emulator)
    assert (await client.get_venues()).ok
    clopos_emulator.expire_tokens()
    clopos_emulator.clear_requests()
    responses = await asyncio.gather(*(client.get_receipt_by_id(1) for _ in range(50)))
    assert [r.status_code for r in responses if not r.ok] == []
    assert clopos_emulator.count("POST", "/open-api/auth") == 1
    await client.aclose()


async def test_fifty_tasks_on_a_cold_client_make_one_auth(clopos_emulator: Emulator) -> None:
    client = async_client(clopos_emulator)
    responses = await asyncio.gather(*(client.get_venues() for _ in range(50)))
    assert all(r.ok for r in responses)
    assert clopos_emulator.count("POST", "/open-api/auth") == 1
    await client.aclose()


def test_two_brands_never_share_tokens(clopos_emulator: Emulator) -> None:
    from integrify.clopos.emulator import DEMO2

    first = sync_client(clopos_emulator)
    second = CloposClientClass(
        base_url=clopos_emulator.base_url,
        client_id=DEMO2.client_id,
        client_secret=DEMO2.client_secret,
        brand=DEMO2.brand,
        venue_id=DEMO2.venue_id,
    )
    assert first.get_venues().ok and second.get_venues().ok
    assert [r.status for r in clopos_emulator.requests if r.route == "/open-api/venues"] == [200, 200]  # no 401
    sent = {
        r.headers["x-brand"]: r.headers["x-token"] for r in clopos_emulator.requests if r.route == "/open-api/venues"
    }
    assert len(set(sent.values())) == 2
    assert {brand: clopos_emulator.state.tokens[token].brand for brand, token in sent.items()} == {
        "openapitest": "openapitest",
        DEMO2.brand: DEMO2.brand,
    }
    assert clopos_emulator.count("POST", "/open-api/auth") == 2
    summary = clopos_emulator.state.summary()  # each reads its own brand's data: 300 and 50 receipts
    assert first.get_receipts(limit=1).unwrap().total == summary["openapitest"]["receipts"] == 300
    assert second.get_receipts(limit=1).unwrap().total == summary[DEMO2.brand]["receipts"] == 50


def test_missing_credentials_fail_before_sending(clopos_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("CLOPOS_CLIENT_ID", "CLOPOS_CLIENT_SECRET", "CLOPOS_BRAND", "CLOPOS_VENUE_ID"):
        monkeypatch.delenv(key, raising=False)
    client = CloposClientClass(base_url=clopos_emulator.base_url, brand="openapitest", venue_id=1)
    with pytest.raises(CloposConfigError, match="client_id, client_secret"):
        client.get_venues()
    assert clopos_emulator.requests == []


def test_raise_errors_option_and_raise_for_status(clopos_emulator: Emulator) -> None:
    with pytest.raises(NotFoundError) as caught:
        sync_client(clopos_emulator, raise_errors=True).get_receipt_by_id(999_999)
    assert caught.value.status_code == 404 and caught.value.code == "not_found"
    assert caught.value.message == "Receipt not found"
    response = sync_client(clopos_emulator).get_receipt_by_id(999_999)
    with pytest.raises(NotFoundError):
        response.raise_for_status()


def test_lost_answers_under_random_faults_never_double_a_receipt(clopos_emulator: Emulator) -> None:
    """200 create_receipt calls with random faults: one receipt per cid; every success names a real receipt."""
    for kind, probability in (("drop_after", 0.25), ("drop_before", 0.05), ("truncate", 0.1)):
        clopos_emulator.faults.add(kind, route=RECEIPTS, method="POST", times=None, probability=probability, seed=7)
    clopos_emulator.faults.add("status", route=RECEIPTS, method="POST", status=503, times=None, probability=0.1, seed=8)
    client = sync_client(clopos_emulator, max_retries=6, backoff=0.001)
    rng = random.Random(1)
    cids = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(200)]
    succeeded = {}
    for cid in cids:
        try:
            response = client.create_receipt(cid=cid, payment_methods=PAY, user_id=1, total=12.5)
        except APIConnectionError:
            continue
        if response.ok:
            succeeded[cid] = response.unwrap().data.id
    clopos_emulator.faults.clear()
    assert len(succeeded) >= 190
    for cid in cids:
        assert receipts_with_cid(clopos_emulator, cid) <= 1
    for cid, receipt_id in succeeded.items():
        stored = clopos_emulator.state.brand("openapitest").receipts.get(receipt_id)
        assert stored is not None and stored["cid"] == cid
    assert any(r.status == 409 for r in clopos_emulator.requests)  # recoveries did happen


def test_secrets_never_leak(clopos_emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="integrify.clopos")
    secret = clopos_emulator.credentials.client_secret
    client = sync_client(clopos_emulator, max_retries=1)
    texts = [repr(client), str(client.get_venues())]
    token = next(r.headers["x-token"] for r in clopos_emulator.requests if r.route == "/open-api/venues")
    auth = client.auth()
    texts += [repr(auth), repr(auth.body), str(auth.body)]
    clopos_emulator.faults.add("truncate", route=RECEIPT, times=5)
    with pytest.raises(APIConnectionError) as caught:
        client.get_receipt_by_id(1)
    texts.append(str(caught.value))
    dry = CloposClientClass(dry=True, client_id="x", client_secret=secret, brand="b", venue_id=1)
    texts += [repr(dry.auth()), repr(dry.get_venues(headers={"x-token": token}))]
    texts += [record.getMessage() for record in caplog.records]
    assert caplog.records, "debug logging produced lines"
    for text in texts:
        assert secret not in text
        assert token not in text
        assert auth.unwrap().token not in text


# (method class, call, route, method) for the retry table of docs/resilience.md
CLASSES: list[tuple[str, Any, str, str]] = [
    ("GET", lambda c: c.get_receipt_by_id(1), RECEIPT, "GET"),
    ("PUT", lambda c: c.update_order(1, "IGNORE"), "/open-api/orders/{id}", "PUT"),
    ("PATCH", lambda c: c.update_closed_receipt(1, fiscal_id="F"), RECEIPT, "PATCH"),
    ("DELETE", lambda c: c.delete_receipt(3), RECEIPT, "DELETE"),
    (
        "create_receipt",
        lambda c: c.create_receipt(cid=str(uuid.uuid4()), payment_methods=PAY, user_id=1),
        RECEIPTS,
        "POST",
    ),
    (
        "create_order",
        lambda c: c.create_order(
            customer_id=9,
            payload={
                "service": {"sale_type_id": 2, "sale_type_name": "Delivery", "venue_id": 1, "venue_name": "Main"},
                "products": [{"product_id": 1, "count": 1}],
            },
        ),
        "/open-api/orders",
        "POST",
    ),
]


@pytest.mark.parametrize("status", [502, 503, 504])
@pytest.mark.parametrize(("name", "call", "route", "method"), CLASSES, ids=[c[0] for c in CLASSES])
def test_retry_table_for_gateway_errors(
    clopos_emulator: Emulator, name: str, call: Any, route: str, method: str, status: int
) -> None:
    client = sync_client(clopos_emulator)
    clopos_emulator.faults.add("status", route=route, method=method, status=status, times=1)
    response = call(client)
    if name == "create_order":  # no key: the error answer is returned, never resent
        assert response.status_code == status and clopos_emulator.count(method, route) == 1
    else:
        assert response.ok and clopos_emulator.count(method, route) == 2


def test_logging_switched_on_by_environment(
    clopos_emulator: Emulator, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    logger = logging.getLogger("integrify.clopos")
    saved = (list(logger.handlers), logger.level)
    monkeypatch.setenv("CLOPOS_LOG", "debug")
    try:
        logger.handlers.clear()
        client = sync_client(clopos_emulator)
        clopos_emulator.faults.add("status", route=RECEIPT, status=503, times=1)
        assert client.get_receipt_by_id(1).ok
        err = capfd.readouterr().err
        assert "GET /receipts/1 -> 503 attempt=1" in err
        assert "status 503 on attempt 1" in err and "retrying in" in err
        assert clopos_emulator.credentials.client_secret not in err
    finally:
        logger.handlers[:] = saved[0]
        logger.setLevel(saved[1])
