"""The documented surface: construction, settings from the environment, responses, dry runs, and bad input
refused before anything is sent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from integrify.clopos import (
    UNSET,
    CloposAsyncClient,
    CloposAsyncRequest,
    CloposClient,
    CloposClientClass,
    CloposDryClient,
    CloposRequest,
    CloposSyncClient,
    CloposValidationError,
    DryRequest,
)
from integrify.clopos.emulator import Emulator
from integrify.clopos.schemas.common.response import ErrorResponse, ObjectListResponse
from integrify.clopos.schemas.receipts.object import Receipt

PAY = [{"id": 1, "name": "Cash", "amount": 1}]


def test_ready_objects_and_constructor() -> None:
    assert CloposClient is CloposRequest
    assert isinstance(CloposRequest, CloposSyncClient) and isinstance(CloposRequest, CloposClientClass)
    assert isinstance(CloposAsyncRequest, CloposAsyncClient)
    assert isinstance(CloposClientClass(dry=True), CloposDryClient)
    assert isinstance(CloposClientClass("Clopos", "https://x/open-api", None, False), CloposAsyncClient)
    # the documented positional order (name, base_url, default_handler): the URL given second is the one used
    dry = CloposClientClass("Mine", "https://pos.example/open-api", print, dry=True)
    assert dry.get_venues(headers={"x-token": "t"}).url == "https://pos.example/open-api/venues"


def test_settings_are_read_when_a_call_is_sent(emu_env: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    client = CloposClientClass()  # made before the environment changes below
    monkeypatch.setenv("CLOPOS_VENUE_ID", "2")
    assert client.get_venues().ok
    sent = next(r for r in emu_env.requests if r.route == "/open-api/venues")
    assert sent.headers["x-venue"] == "2"
    assert client.get_venues(headers={"x-venue": "1"}).ok  # headers win over the environment
    assert emu_env.requests[-1].headers["x-venue"] == "1"


def test_response_shape(clopos_client: CloposSyncClient) -> None:
    response = clopos_client.get_receipts(limit=3)
    assert response.ok and response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.body
    assert isinstance(body, ObjectListResponse) and len(body.data) == 3 and body.total == 300
    assert isinstance(body.data[0], Receipt) and isinstance(body.data[0].total, Decimal)
    assert isinstance(body.unix, int) and body.sorts != UNSET
    missing = clopos_client.get_receipt_by_id(10**9)
    assert not missing.ok and missing.status_code == 404
    assert isinstance(missing.body, ErrorResponse) and missing.body.code == "not_found"


def test_dry_run_sends_nothing_and_redacts(clopos_emulator: Emulator) -> None:
    dry = CloposClientClass(
        base_url=clopos_emulator.base_url,
        dry=True,
        client_secret="s3cret",
        client_id="id",
        brand="openapitest",
        venue_id=1,
    )
    request = dry.update_receipt(1, "cid-1", description="x", headers={"x-token": "tok-abc"})
    assert isinstance(request, DryRequest)
    assert (request.method, request.url) == ("PUT", clopos_emulator.base_url + "/receipts/1")
    assert request.json == {"id": 1, "cid": "cid-1", "description": "x"}
    assert request.headers["x-token"] == "***"
    auth = dry.auth()
    assert auth.json == {"client_id": "id", "client_secret": "***", "brand": "openapitest", "venue_id": "1"}
    assert clopos_emulator.requests == []


BAD_CALLS: list[tuple[str, Any, str]] = [
    ("page-0", lambda c: c.get_receipts(page=0), "page"),
    ("limit-201", lambda c: c.get_receipts(limit=201), "limit"),
    ("limit-101-products", lambda c: c.get_products(limit=101), "limit"),
    ("limit-1000-categories", lambda c: c.get_categories(limit=1000), "limit"),
    ("limit-201-stations", lambda c: c.get_stations(limit=201), "limit"),
    ("limit-str", lambda c: c.get_venues(limit="10"), "limit"),
    ("sort-order", lambda c: c.get_receipts(sort_order=2), "sort_order"),
    ("order-status", lambda c: c.get_orders(status="SHIPPED"), "status"),
    ("category-type", lambda c: c.get_categories(type="FOOD"), "type"),
    ("customer-filter", lambda c: c.get_customers(filters=[{"by": "email", "value": "x"}]), "filters[0].by"),
    ("description-501", lambda c: c.update_receipt(1, "cid", description="x" * 501), "description"),
    ("discount-amount", lambda c: c.update_receipt(1, "cid", discount_type=2), "discount_value"),
    ("discount-type", lambda c: c.update_receipt(1, "cid", discount_type=7), "discount_type"),
    ("customer-meta", lambda c: c.update_receipt(1, "cid", customer_id=3), "meta_customer"),
    ("closed-at-format", lambda c: c.update_receipt(1, "cid", closed_at="2026/01/01"), "closed_at"),
    ("receipt-status", lambda c: c.update_closed_receipt(1, order_status="DONE"), "order_status"),
    ("patch-nothing", lambda c: c.update_closed_receipt(1), "order_status"),
    ("patch-lock", lambda c: c.update_closed_receipt(1, lock="yes"), "lock"),
    ("close-no-payment", lambda c: c.close_receipt(1, "cid", []), "payment_methods"),
    (
        "close-payment-amount",
        lambda c: c.close_receipt(1, "cid", [{"id": 1, "name": "Cash"}]),
        "payment_methods[0].amount",
    ),
    ("create-no-cid", lambda c: c.create_receipt(cid="", payment_methods=PAY, user_id=1), "cid"),
    ("create-no-payment", lambda c: c.create_receipt(cid="c", payment_methods=[], user_id=1), "payment_methods"),
    (
        "create-discount",
        lambda c: c.create_receipt(cid="c", payment_methods=PAY, user_id=1, discount_type=2),
        "discount_value",
    ),
    ("order-no-customer", lambda c: c.create_order(customer_id=None, payload={}), "customer_id"),
    ("order-no-service", lambda c: c.create_order(customer_id=1, payload={"products": []}), "payload.service"),
    (
        "order-no-products",
        lambda c: c.create_order(
            customer_id=1,
            payload={
                "service": {"sale_type_id": 1, "sale_type_name": "In", "venue_id": 1, "venue_name": "Main"},
                "products": [],
            },
        ),
        "payload.products",
    ),
    (
        "order-count",
        lambda c: c.create_order(
            customer_id=1,
            payload={
                "service": {"sale_type_id": 1, "sale_type_name": "In", "venue_id": 1, "venue_name": "Main"},
                "products": [{"product_id": 1, "count": 0}],
            },
        ),
        "payload.products[0].count",
    ),
    ("update-order-status", lambda c: c.update_order(1, "SHIPPED"), "status"),
    ("customer-name", lambda c: c.create_customer(name=""), "name"),
    ("customer-gender", lambda c: c.create_customer(name="A", gender=3), "gender"),
    ("stop-list-filter", lambda c: c.get_stop_list(filters=[{"from_": 1}]), "filters[0]"),
    ("price-list-sort", lambda c: c.with_options(api_version="v2").get_price_lists(sort_by="price"), "sort_by"),
]


@pytest.mark.parametrize(("call", "field"), [b[1:] for b in BAD_CALLS], ids=[b[0] for b in BAD_CALLS])
def test_bad_input_is_refused_before_sending(
    clopos_emulator: Emulator, clopos_client: CloposSyncClient, call: Any, field: str
) -> None:
    with pytest.raises(CloposValidationError) as caught:
        call(clopos_client)
    assert caught.value.field == field
    assert str(caught.value).startswith(field)
    assert clopos_emulator.requests == []


async def test_async_bad_input_is_refused_too(
    clopos_emulator: Emulator, clopos_async_client: CloposAsyncClient
) -> None:
    with pytest.raises(CloposValidationError):
        await clopos_async_client.get_receipts(limit=0)
    assert clopos_emulator.requests == []


def test_server_side_validation_answers_are_returned(clopos_client: CloposSyncClient) -> None:
    receipt = clopos_client.get_receipt_by_id(1).unwrap().data
    answer = clopos_client.update_receipt(1, "not-the-cid")
    assert answer.status_code == 400 and isinstance(answer.body, ErrorResponse)
    assert answer.body.text.startswith("CID and ID cannot be changed")
    answer = clopos_client.update_order(1, "RECEIVED")
    assert answer.status_code == 400 and answer.body.text == "Status is not allowed"  # type: ignore[union-attr]
    assert clopos_client.get_receipt_by_id(1).unwrap().data == receipt  # nothing changed


def test_customers_and_conflicts(clopos_client: CloposSyncClient) -> None:
    made = clopos_client.create_customer(name="Test Person", phone="+994500000001", code="T-1", gender=2)
    assert made.ok and made.unwrap().data.balance_id
    again = clopos_client.create_customer(name="Other", phone="+994500000001")
    assert again.status_code == 409
    found = clopos_client.get_customers(filters={"phones": "+994500000001"}).unwrap()
    assert [c.name for c in found.data] == ["Test Person"]


def test_user_supplied_http_clients_are_used_and_left_open(clopos_emulator: Emulator) -> None:
    import httpx

    seen: list[str] = []
    http = httpx.Client(event_hooks={"request": [lambda request: seen.append(request.url.path)]})
    c = clopos_emulator.credentials
    with CloposClientClass(
        base_url=clopos_emulator.base_url,
        client_id=c.client_id,
        client_secret=c.client_secret,
        brand=c.brand,
        venue_id=c.venue_id,
        http_client=http,
    ) as client:
        assert client.get_venues().ok
    assert seen == ["/open-api/auth", "/open-api/venues"]
    assert not http.is_closed  # ours to close, not the library's
    http.close()
    with pytest.raises(TypeError, match=r"httpx\.AsyncClient"):
        CloposClientClass(sync=False, http_client=httpx.Client())


async def test_user_supplied_async_client(clopos_emulator: Emulator) -> None:
    import httpx

    seen: list[str] = []

    async def note(request: httpx.Request) -> None:
        seen.append(request.url.path)

    c = clopos_emulator.credentials
    async with httpx.AsyncClient(event_hooks={"request": [note]}) as http:
        client = CloposClientClass(
            base_url=clopos_emulator.base_url,
            sync=False,
            client_id=c.client_id,
            client_secret=c.client_secret,
            brand=c.brand,
            venue_id=c.venue_id,
            http_client=http,
        )
        responses = [await client.get_receipt_by_id(i) for i in (1, 2, 3)]
        assert [r.unwrap().data.id for r in responses] == [1, 2, 3]
        await client.aclose()
        assert seen == ["/open-api/auth", *(f"/open-api/receipts/{i}" for i in (1, 2, 3))]  # all through ours
        assert not http.is_closed  # ours to close, not the library's
        assert (await http.get(clopos_emulator.root_url + "/_emulator/state/summary")).status_code == 200
