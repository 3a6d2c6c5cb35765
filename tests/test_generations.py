"""Generation 2 of the API, and one integration flow run on both generations changing only the setting."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal
from typing import Any

import pytest

from integrify.clopos import (
    AuthenticationError,
    BadRequestError,
    CloposAsyncClient,
    CloposClientClass,
    CloposSyncClient,
    RateLimitError,
    UnsupportedOperationError,
)
from integrify.clopos.emulator import Emulator, RateLimits
from integrify.clopos.emulator.config import TEST_MODE_INTEGRATOR

from .effects import UNCHANGED, Read, expect
from .helpers import async_client, sync_client

ORDER_PAYLOAD = {
    "service": {"sale_type_id": 2, "sale_type_name": "Delivery", "venue_id": 1, "venue_name": "Main"},
    "customer": {"id": 9, "name": "Rahid Akhundzada", "phone": "+994705401040"},
    "products": [
        {
            "product_id": 1,
            "count": 2,
            "product_modificators": [{"modificator_id": 187, "count": 1}],
            "meta": {
                "price": 9.5,
                "order_product": {
                    "product": {"id": 1, "name": "Mega Dürüm Menü", "price": 9.5},
                    "count": 2,
                    "status": "new",
                    "product_hash": "1",
                },
            },
        },
        {"product_id": 9, "count": 1},
    ],
}


def client_for(emu: Emulator, generation: str, **options: Any) -> CloposSyncClient:
    return sync_client(emu, api_version=generation, **options)


@pytest.mark.parametrize("generation", ["v1", "v2"])
def test_same_flow_on_both_generations(clopos_emulator: Emulator, generation: str) -> None:
    client = client_for(clopos_emulator, generation)
    prefix = "/open-api/v2" if generation == "v2" else "/open-api"
    menu = client.get_categories().unwrap()
    assert menu.data[0].children
    products = list(client.get_products.iter(limit=10))
    assert any(p.type == "DISH" for p in products)
    customer = client.create_customer(name="Nərgiz Quliyeva", phone=f"+99450{uuid.uuid4().int % 10**7:07d}").unwrap()
    order = client.create_order(customer_id=customer.data.id, payload=ORDER_PAYLOAD, meta={"comment": "Qapıda"})
    assert order.status_code == 201
    order_id = order.unwrap().data.id
    assert isinstance(order_id, int)
    accepted = clopos_emulator.accept_order(order_id)
    seen = client.get_order_by_id(order_id, with_="receipt:id,service_notification_id,status").unwrap().data
    assert seen.status == "RECEIVED" and seen.receipt_id == accepted["receipt_id"]
    receipt = client.get_receipt_by_id(accepted["receipt_id"]).unwrap().data
    assert receipt.status == 1 and receipt.total == Decimal("20.5")
    payments = [{"id": 1, "name": "Cash", "amount": 15}, {"id": 2, "name": "Card", "amount": 5.5}]
    closed = client.close_receipt(receipt.id, str(receipt.cid), payments)
    assert closed.ok, closed.body
    patched = client.update_closed_receipt(receipt.id, fiscal_id="FISCAL-42").unwrap().data
    assert patched.fiscal_id == "FISCAL-42" and patched.status == 2
    if generation == "v2":
        operations = client.get_receipt_stock_operations(receipt.id).unwrap().data
        assert {op.product_id for op in operations} == {1, 9}
    else:
        with pytest.raises(UnsupportedOperationError, match="generation 2"):
            client.get_receipt_stock_operations(receipt.id)
    paths = {r.path for r in clopos_emulator.requests}
    assert f"{prefix}/receipts/{receipt.id}" in paths
    assert clopos_emulator.count("POST", f"{prefix}/auth") == 1


def test_receipt_made_on_v1_is_read_on_v2(clopos_emulator: Emulator) -> None:
    cid = str(uuid.uuid4())
    made = (
        client_for(clopos_emulator, "v1")
        .create_receipt(cid=cid, payment_methods=[{"id": 1, "name": "Cash", "amount": 3}], user_id=1)
        .unwrap()
        .data
    )
    seen = client_for(clopos_emulator, "v2").get_receipts(filters={"cid": cid}).unwrap()
    assert [r.id for r in seen.data] == [made.id]


def test_v2_sends_only_the_token_and_the_venue_override(clopos_emulator: Emulator) -> None:
    client = client_for(clopos_emulator, "v2")
    assert client.get_venues().ok
    sent = next(r for r in clopos_emulator.requests if r.route == "/open-api/v2/venues")
    assert sent.headers["x-token"].count(".") == 2  # a JWT
    assert "x-brand" not in sent.headers and sent.headers["x-venue"] == "1"
    assert client.get_venues(headers={"x-venue": "2"}).ok
    assert clopos_emulator.requests[-1].headers["x-venue"] == "2"  # the override is sent
    assert clopos_emulator.count("POST", "/open-api/v2/auth") == 1  # with the same token


def test_v1_only_operations_fail_before_sending_on_v2(clopos_emulator: Emulator) -> None:
    client = client_for(clopos_emulator, "v2")
    for call in (
        lambda: client.create_receipt(cid="x", payment_methods=[{"id": 1, "name": "Cash", "amount": 1}], user_id=1),
        lambda: client.update_receipt(1, "cid"),
        lambda: client.delete_receipt(1),
    ):
        with pytest.raises(UnsupportedOperationError, match=r"generation 1 \(api_version='v1'\)"):
            call()
    assert clopos_emulator.requests == []
    with pytest.raises(UnsupportedOperationError, match="generation 2"):
        client_for(clopos_emulator, "v1").get_price_lists()


def test_v2_auth_failures_are_typed(clopos_emulator: Emulator) -> None:
    c = clopos_emulator.credentials
    cases = [
        ({"integrator_id": "nobody"}, BadRequestError, "Invalid integrator_id"),
        ({"integrator_id": TEST_MODE_INTEGRATOR}, BadRequestError, "test mode"),
        ({"client_secret": "wrong"}, AuthenticationError, "Invalid credentials"),
    ]
    for change, error, text in cases:
        options = {
            "client_id": c.client_id,
            "client_secret": c.client_secret,
            "brand": c.brand,
            "integrator_id": c.integrator_id,
            **change,
        }
        client = CloposClientClass(base_url=clopos_emulator.base_url, api_version="v2", **options)
        with pytest.raises(error, match=text):
            client.get_venues()
    response = CloposClientClass(base_url=clopos_emulator.base_url, api_version="v2").auth(
        client_id=c.client_id, client_secret=c.client_secret, brand=c.brand, integrator_id=TEST_MODE_INTEGRATOR
    )
    assert response.status_code == 200 and not response.ok


def test_v2_token_is_renewed_ahead_of_expiry_and_after_a_401(clopos_emulator: Emulator) -> None:
    """(The emulator's ``expires_in`` and ``expires_at`` come from one TTL, so which one the client reads is
    not told apart here.)"""
    clopos_emulator.config.token_ttl = 1.0  # the first token only (the fixture restores the setting anyway)
    client = client_for(clopos_emulator, "v2")
    auth = client.auth().unwrap()
    assert isinstance(auth.expires_at, int) and auth.expires_at <= time.time() + 2
    clopos_emulator.config.token_ttl = 3600.0  # the renewed one outlives a stalled machine
    time.sleep(1.0)  # past the renewal point, on the client's monotonic clock
    assert client.get_venues().ok
    assert clopos_emulator.count("POST", "/open-api/v2/auth") == 2
    assert [r.status for r in clopos_emulator.requests if r.route == "/open-api/v2/venues"] == [200]  # ahead, no 401
    clopos_emulator.expire_tokens()
    assert client.get_venues().ok  # 401 "Token expired" → renewed and replayed
    refused = [r for r in clopos_emulator.requests if r.status == 401]
    assert refused and clopos_emulator.count("POST", "/open-api/v2/auth") == 3


def test_v2_missing_token_error_body(clopos_emulator: Emulator) -> None:
    response = client_for(clopos_emulator, "v2").get_venues(headers={"x-token": ""})
    assert response.status_code == 401
    assert response.body.text == "Missing or invalid authentication headers"  # type: ignore[union-attr]  # seed 004


@pytest.mark.clopos_emulator(rate_limits=RateLimits(per_integrator_brand=3))
def test_v2_rate_limits_are_exposed_and_honoured(clopos_emulator: Emulator) -> None:
    client = client_for(clopos_emulator, "v2", max_retry_wait=0.5, max_retries=0)
    assert client.get_venues().ok
    seen = client.last_rate_limit
    assert seen is not None and seen.limit == 3 and seen.remaining == 2
    assert client.get_venues().ok and client.get_venues().ok
    with pytest.raises(RateLimitError) as caught:
        client.get_venues()
    assert caught.value.retry_after is not None and caught.value.retry_after > 0.5


def test_v2_only_operations(clopos_emulator: Emulator) -> None:
    client = client_for(clopos_emulator, "v2")
    lists = client.get_price_lists(with_=["prices"], sort_by="name", sort_order="asc").unwrap()
    assert [p.name for p in lists.data] == sorted(p.name for p in lists.data)
    assert lists.total == 2 and lists.data[0].prices
    sent = next(r for r in clopos_emulator.requests if r.route == "/open-api/v2/price-lists")
    assert "sort%5B0%5D%5B0%5D=name" in sent.query_string
    prices = client.get_prices(filters={"product_id": 1}, with_=["product"]).unwrap()
    assert prices.data and all(p.product_id == 1 for p in prices.data)
    assert len(list(client.get_prices.iter(limit=2))) == 6


async def test_v2_async(clopos_emulator: Emulator, clopos_async_client: CloposAsyncClient) -> None:
    client = clopos_async_client.with_options(api_version="v2")
    with pytest.raises(Exception, match="integrator_id"):
        await client.get_venues()
    c = clopos_emulator.credentials
    v2 = CloposClientClass(
        base_url=clopos_emulator.base_url,
        sync=False,
        api_version="v2",
        client_id=c.client_id,
        client_secret=c.client_secret,
        brand=c.brand,
        integrator_id=c.integrator_id,
    )
    receipts = [r async for r in v2.get_receipts.iter(limit=100)]
    assert len(receipts) == 300
    operations = await v2.get_receipt_stock_operations(receipts[0].id)
    assert operations.ok
    await v2.aclose()


@pytest.mark.clopos_emulator(rate_limits=RateLimits(failed_per_ip=3))
def test_v2_failed_requests_tier(clopos_emulator: Emulator) -> None:
    client = client_for(clopos_emulator, "v2", max_retries=0, max_retry_wait=0.1)
    for _ in range(3):
        assert client.get_receipt_by_id(10**8).status_code == 404
    with pytest.raises(RateLimitError):
        client.get_receipt_by_id(1)  # even a good request, from this IP, for the rest of the window
    assert clopos_emulator.requests[-1].status == 429


PAY = [{"id": 1, "name": "Cash", "amount": 5}]
V2_CALLS: list[tuple[str, Any, int]] = [
    ("get_venues", lambda c: c.get_venues(), 200),
    ("get_users", lambda c: c.get_users(), 200),
    ("get_user_by_id", lambda c: c.get_user_by_id(1), 200),
    ("get_customers", lambda c: c.get_customers(limit=500, with_=["group"]), 200),
    ("get_customer_by_id", lambda c: c.get_customer_by_id(9), 200),
    ("create_customer", lambda c: c.create_customer("V2 Müştəri", code="V2-1"), 200),
    ("get_customer_groups", lambda c: c.get_customer_groups(limit=150), 200),
    ("get_categories", lambda c: c.get_categories(), 200),
    ("get_category_by_id", lambda c: c.get_category_by_id(1), 200),
    ("get_stations", lambda c: c.get_stations(), 200),
    ("get_station_by_id", lambda c: c.get_station_by_id(1), 200),
    ("get_products", lambda c: c.get_products(selects=["price"], filters={"type": "DISH"}, with_=["taxes"]), 200),
    ("get_product_by_id", lambda c: c.get_product_by_id(12, with_=["modifications"]), 200),
    ("get_stop_list", lambda c: c.get_stop_list(product_ids=[3, 5]), 200),
    ("get_sale_types", lambda c: c.get_sale_types(), 200),
    ("get_payment_methods", lambda c: c.get_payment_methods(), 200),
    ("get_orders", lambda c: c.get_orders(status="PENDING", with_=["customer"], sort_by="id", sort_order=1), 200),
    ("get_order_by_id", lambda c: c.get_order_by_id(1, with_="receipt:id,status"), 200),
    ("create_order", lambda c: c.create_order(9, ORDER_PAYLOAD, {"comment": "v2"}), 201),
    ("update_order", lambda c: c.update_order(2, "IGNORE"), 200),
    ("get_receipts", lambda c: c.get_receipts(limit=5, with_=["receipt_products"], filters={"status": 2}), 200),
    ("get_receipt_by_id", lambda c: c.get_receipt_by_id(1, with_=["receipt_products"]), 200),
    ("update_closed_receipt", lambda c: c.update_closed_receipt(1, order_status="COMPLETED", lock=True), 200),
    ("close_receipt", lambda c: c.close_receipt(2, "unused", PAY), 200),
    ("close_receipt_early", lambda c: c.close_receipt(2, "unused", PAY, "2000-01-01 00:00:00"), 400),
    ("get_receipt_stock_operations", lambda c: c.get_receipt_stock_operations(1), 200),
    ("stock_operations_404", lambda c: c.get_receipt_stock_operations(10**8), 404),
    ("get_price_lists", lambda c: c.get_price_lists(selects="id,name"), 200),
    ("get_prices", lambda c: c.get_prices(filters={"list_id": 1}), 200),
    ("receipt_404", lambda c: c.get_receipt_by_id(10**8), 404),
]


# What a write changes, read from the emulator's state, and its value after the call (UNCHANGED: refused)
WRITES: dict[str, tuple[Read, Any]] = {
    "create_customer": (
        lambda b: [c["name"] for c in b.table("customers").values() if c.get("code") == "V2-1"],
        ["V2 Müştəri"],
    ),
    "create_order": (
        lambda b: [
            (o["customer_id"], o["status"], [line["product_id"] for line in o["payload"]["products"]])
            for o in b.table("orders").values()
            if (o["payload"].get("meta") or {}).get("comment") == "v2"
        ],
        [(9, "PENDING", [1, 9])],
    ),
    "update_order": (lambda b: b.table("orders")[2]["status"], "IGNORE"),
    "update_closed_receipt": (
        lambda b: {key: b.receipts.get(1)[key] for key in ("order_status", "lock")},
        {"order_status": "COMPLETED", "lock": True},
    ),
    "close_receipt": (lambda b: b.receipts.get(2)["payment_methods"], PAY),
    "close_receipt_early": (lambda b: b.receipts.get(2), UNCHANGED),
}
V2_IDS = [v[0] for v in V2_CALLS]


@pytest.mark.parametrize(("name", "call", "status"), V2_CALLS, ids=V2_IDS)
def test_every_v2_operation_sync(clopos_emulator: Emulator, name: str, call: Any, status: int) -> None:
    check = expect(clopos_emulator, *WRITES.get(name, (None,)))  # reads: no record made
    response = call(client_for(clopos_emulator, "v2"))
    assert response.status_code == status, response.body
    assert all(r.path.startswith("/open-api/v2/") for r in clopos_emulator.requests)
    check()


@pytest.mark.parametrize(("name", "call", "status"), V2_CALLS, ids=V2_IDS)
async def test_every_v2_operation_async(clopos_emulator: Emulator, name: str, call: Any, status: int) -> None:
    check = expect(clopos_emulator, *WRITES.get(name, (None,)))  # reads: no record made
    client = async_client(clopos_emulator, api_version="v2")
    response = await call(client)
    assert response.status_code == status, response.body
    if status >= 400:
        assert isinstance(response.body.text, str) and response.body.text  # E2: the sentence
    await client.aclose()
    check()
