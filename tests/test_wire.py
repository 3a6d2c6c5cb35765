"""The exact query string and body each method sends (decisions.md §4), read from the emulator's log."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import pytest

from integrify.clopos import CloposClientClass, CloposSyncClient
from integrify.clopos.emulator import Emulator

PAYMENT = [{"id": 1, "name": "Cash", "amount": 12.5}]
SERVICE = {"sale_type_id": 2, "sale_type_name": "Delivery", "venue_id": 1, "venue_name": "Main"}

# (id, call, method, path, decoded query, JSON body or None)
CASES: list[tuple[str, Callable[[Any], Any], str, str, str, Any]] = [
    ("venues-defaults", lambda c: c.get_venues(), "GET", "/open-api/venues", "", None),
    (
        "venues-page",
        lambda c: c.get_venues(page=2, limit=10),
        "GET",
        "/open-api/venues",
        "page=2&limit=10",
        None,
    ),
    ("users", lambda c: c.get_users(limit=5), "GET", "/open-api/users", "limit=5", None),
    ("user", lambda c: c.get_user_by_id(1), "GET", "/open-api/users/1", "", None),
    (
        "customers",
        lambda c: c.get_customers(with_=["group", "balance"], filters=[{"by": "name", "value": "Rahid"}]),
        "GET",
        "/open-api/customers",
        "page=1&limit=20&with[0]=group&with[1]=balance&filters[0][0]=name&filters[0][1]=Rahid",
        None,
    ),
    ("customer", lambda c: c.get_customer_by_id(1), "GET", "/open-api/customers/1", "", None),
    ("groups", lambda c: c.get_customer_groups(), "GET", "/open-api/customer-groups", "", None),
    (
        "categories",
        lambda c: c.get_categories(type="PRODUCT"),
        "GET",
        "/open-api/categories",
        "page=1&limit=50&type=PRODUCT&include_children=true&include_inactive=false",
        None,
    ),
    ("category", lambda c: c.get_category_by_id(1), "GET", "/open-api/categories/1", "", None),
    (
        "stations",
        lambda c: c.get_stations(status=1, can_print=True),
        "GET",
        "/open-api/stations",
        "page=1&limit=50&status=1&can_print=true",
        None,
    ),
    ("station", lambda c: c.get_station_by_id(1), "GET", "/open-api/stations/1", "", None),
    (
        "products",
        lambda c: c.get_products(selects=["id", "name", "price"], filters={"giftable": 1, "category_id": [1, 2]}),
        "GET",
        "/open-api/products",
        "page=1&limit=50&selects=id,name,price&filters[0][0]=giftable&filters[0][1]=1"
        "&filters[1][0]=category_id&filters[1][1][0]=1&filters[1][1][1]=2",
        None,
    ),
    (
        "product",
        lambda c: c.get_product_by_id(1, with_=["modifications", "taxes"]),
        "GET",
        "/open-api/products/1",
        "with[0]=modifications&with[1]=taxes",
        None,
    ),
    (
        "stop-list-ids",
        lambda c: c.get_stop_list(product_ids=[1, 3]),
        "GET",
        "/open-api/products/stop-list",
        "filters[0][0]=id&filters[0][1][0]=1&filters[0][1][1]=3",
        None,
    ),
    (
        "stop-list-range",
        lambda c: c.get_stop_list(filters=[{"by": "id", "from_": 0, "to": 100}]),
        "GET",
        "/open-api/products/stop-list",
        "filters[0][0]=id&filters[0][1][0]=0&filters[0][1][1]=100",
        None,
    ),
    ("sale-types", lambda c: c.get_sale_types(), "GET", "/open-api/sale-types", "page=1&limit=20", None),
    (
        "payment-methods",
        lambda c: c.get_payment_methods(),
        "GET",
        "/open-api/payment-methods",
        "page=1&limit=20",
        None,
    ),
    (
        "orders",
        lambda c: c.get_orders(status="PENDING"),
        "GET",
        "/open-api/orders",
        "page=1&limit=20&status=PENDING",
        None,
    ),
    (
        "orders-v2-params",
        lambda c: c.get_orders(
            limit=20,
            status="RECEIVED",
            with_=["customer", "receipt"],
            date_from="2026-01-01",
            date_to="2026-01-31",
            sort_by="created_at",
            sort_order=-1,
            filters=[("venue_id", 1)],
        ),
        "GET",
        "/open-api/orders",
        "page=1&limit=20&status=RECEIVED&with[0]=customer&with[1]=receipt&date[0]=2026-01-01&date[1]=2026-01-31"
        "&sort[0]=created_at&sort[1]=-1&filters[0][0]=venue_id&filters[0][1]=1",
        None,
    ),
    (
        "order-with-receipt",
        lambda c: c.get_order_by_id(1, with_="receipt:id,service_notification_id,status"),
        "GET",
        "/open-api/orders/1",
        "with[0]=receipt:id,service_notification_id,status",
        None,
    ),
    (
        "order-ignore",
        lambda c: c.update_order(1, "IGNORE"),
        "PUT",
        "/open-api/orders/1",
        "",
        {"status": "IGNORE"},
    ),
    (
        "receipts",
        lambda c: c.get_receipts(date_from="2026-01-01", date_to="2026-01-31"),
        "GET",
        "/open-api/receipts",
        "page=1&limit=50&sort[0]=created_at&sort[1]=-1&date[0]=2026-01-01&date[1]=2026-01-31",
        None,
    ),
    ("receipt", lambda c: c.get_receipt_by_id(1), "GET", "/open-api/receipts/1", "", None),
    (
        "create-receipt",
        lambda c: c.create_receipt(cid="wire-cid-1", payment_methods=PAYMENT, user_id=1, total=12.5, subtotal=12.5),
        "POST",
        "/open-api/receipts",
        "",
        {"cid": "wire-cid-1", "payment_methods": PAYMENT, "user_id": 1, "subtotal": 12.5, "total": 12.5},
    ),
    (
        "patch-receipt",
        lambda c: c.update_closed_receipt(1, order_status="READY", fiscal_id="F-1"),
        "PATCH",
        "/open-api/receipts/1",
        "",
        {"order_status": "READY", "fiscal_id": "F-1"},
    ),
    ("delete-receipt", lambda c: c.delete_receipt(2), "DELETE", "/open-api/receipts/2", "", None),
    (
        "update-receipt",
        lambda c: c.update_receipt(
            3,
            "cid-3",
            description="Updated",
            discount_type=2,
            discount_value=1.5,
            customer_id=9,
            meta_customer={"name": "Rahid"},
            closed_at="",
        ),
        "PUT",
        "/open-api/receipts/3",
        "",
        {
            "id": 3,
            "cid": "cid-3",
            "description": "Updated",
            "discount_type": 2,
            "discount_value": 1.5,
            "customer_id": 9,
            "closed_at": "",
            "meta": {"customer": {"name": "Rahid"}},
        },
    ),
    (
        "close-receipt",
        lambda c: c.close_receipt(4, "cid-4", PAYMENT, "2026-01-01 12:00:00"),
        "PUT",
        "/open-api/receipts/4",
        "",
        {"id": 4, "cid": "cid-4", "payment_methods": PAYMENT, "closed_at": "2026-01-01 12:00:00"},
    ),
    (
        "create-order",
        lambda c: c.create_order(
            9, {"service": SERVICE, "products": [{"product_id": 1, "count": 2}]}, {"comment": "x"}
        ),
        "POST",
        "/open-api/orders",
        "",
        {
            "customer_id": 9,
            "payload": {"service": SERVICE, "products": [{"product_id": 1, "count": 2}]},
            "meta": {"comment": "x"},
        },
    ),
    (
        "create-customer",
        lambda c: c.create_customer("Aynur", phone="+994501112233", gender=2, date_of_birth="1990-02-03"),
        "POST",
        "/open-api/customers",
        "",
        {"name": "Aynur", "phone": "+994501112233", "gender": 2, "date_of_birth": "1990-02-03"},
    ),
    (
        "customer-groups-page",
        lambda c: c.get_customer_groups(page=1, limit=100),
        "GET",
        "/open-api/customer-groups",
        "page=1&limit=100",
        None,
    ),
]


def _last(emu: Emulator) -> Any:
    recorded = [r for r in emu.requests if r.route != "/open-api/auth"]
    return recorded[-1]


@pytest.mark.parametrize(("call", "method", "path", "query", "body"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_wire(
    clopos_emulator: Emulator,
    clopos_client: CloposSyncClient,
    call: Callable[[Any], Any],
    method: str,
    path: str,
    query: str,
    body: Any,
) -> None:
    call(clopos_client)
    sent = _last(clopos_emulator)
    assert (sent.method, sent.path) == (method, path)
    assert unquote(sent.query_string) == query
    assert (json.loads(sent.body) if sent.body else None) == body
    assert sent.headers["x-brand"] == "openapitest"
    assert sent.headers["x-venue"] == "1"
    assert sent.headers["x-token"].startswith("oauth_")

    dry = CloposClientClass(base_url=clopos_emulator.base_url, dry=True, brand="openapitest", venue_id=1)
    planned = call(dry)
    assert planned.method == method
    assert planned.url == clopos_emulator.root_url + path
    assert "&".join(f"{k}={v}" for k, v in planned.params) == query
    assert planned.json == body
