"""Parity scenarios: one text, run on the emulator (CI) and, unchanged, on a live account (``CLOPOS_LIVE=1``).

They assert only what the documents promise, so a difference between the two targets is a fidelity bug.
Named answers are recorded with ``CLOPOS_RECORD=<dir>`` (live only) for test_shapes.py.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from integrify.clopos import CloposSyncClient
from integrify.clopos.schemas.common.response import ErrorResponse

from .target import Target

SEEDS = json.loads((Path(__file__).parents[1] / "data" / "seed_bodies.json").read_text())
MISSING_ID = 987654321
#: The comment of orders a scenario needs accepted on the POS (by the emulator's control, or a person live).
ACCEPT = "parity: please accept"

#: (name, list call, by-id call): every resource's reads.
READS: list[tuple[str, Callable[[CloposSyncClient], Any], Callable[[CloposSyncClient, int], Any] | None]] = [
    ("venues", lambda c: c.get_venues(), None),
    ("users", lambda c: c.get_users(), lambda c, i: c.get_user_by_id(i)),
    ("customers", lambda c: c.get_customers(), lambda c, i: c.get_customer_by_id(i)),
    ("customer_groups", lambda c: c.get_customer_groups(), None),
    ("categories", lambda c: c.get_categories(), lambda c, i: c.get_category_by_id(i)),
    ("stations", lambda c: c.get_stations(), lambda c, i: c.get_station_by_id(i)),
    ("products", lambda c: c.get_products(), lambda c, i: c.get_product_by_id(i)),
    ("stop_list", lambda c: c.get_stop_list(), None),
    ("sale_types", lambda c: c.get_sale_types(), None),
    ("payment_methods", lambda c: c.get_payment_methods(), None),
    ("receipts", lambda c: c.get_receipts(limit=5), lambda c, i: c.get_receipt_by_id(i)),
    ("orders", lambda c: c.get_orders(limit=5), lambda c, i: c.get_order_by_id(i)),
]


def _error(response: Any) -> dict[str, Any]:
    """The documented part of an error body: success, error, message."""
    assert not response.ok and isinstance(response.body, ErrorResponse), response
    body = response.body.model_dump()
    return {key: body.get(key) for key in ("success", "error", "message")}


def _seed_error(name: str) -> dict[str, Any]:
    return {key: SEEDS[name].get(key) for key in ("success", "error", "message")}


def _first(response: Any) -> Any:
    data = response.unwrap().data
    assert data, "the account has none: the scenario needs at least one"
    return data[0]


def _payment(client: CloposSyncClient, amount: float) -> list[dict[str, Any]]:
    method = _first(client.get_payment_methods())
    return [{"id": method.id, "name": method.name, "amount": amount}]


def _stored_receipt(target: Target, client: CloposSyncClient) -> Any:
    """A closed receipt stored by the API (``POST /receipts``), for the account's first user and payment method."""
    user = _first(client.get_users())
    response = client.create_receipt(
        cid=str(uuid.uuid4()), payment_methods=_payment(client, 5), user_id=user.id, total=5, subtotal=5, guests=1
    )
    assert response.status_code == 201 and response.ok, response.body
    target.observe("receipt_create")
    return response.body.data


def _open_receipt(target: Target, client: CloposSyncClient) -> Any:
    """An open receipt: an order the POS clerk accepted (orders become receipts that way, seed 004)."""
    order = _new_order(target, client, ACCEPT)
    target.accept_order(order.id)
    receipt_id = client.get_order_by_id(order.id).unwrap().data.receipt_id
    assert receipt_id, "an accepted order carries its receipt's id"
    return client.get_receipt_by_id(receipt_id).unwrap().data


def _new_order(target: Target, client: CloposSyncClient, comment: str = "parity: leave pending") -> Any:
    """An order for the account's first customer, sale type and product; the comment tells a clerk what to do."""
    customer = _first(client.get_customers())
    sale_type = _first(client.get_sale_types())
    venue = next(v for v in client.get_venues().unwrap().data if str(v.id) == str(client.config.resolve().venue_id))
    product = _first(client.get_products(limit=5))
    service = {
        "sale_type_id": sale_type.id,
        "sale_type_name": sale_type.name,
        "venue_id": venue.id,
        "venue_name": venue.name,
    }
    response = client.create_order(
        customer.id, {"service": service, "products": [{"product_id": product.id, "count": 1}]}, {"comment": comment}
    )
    assert response.ok, response.body
    target.observe("order_create")
    return response.body.data


# -- auth ----------------------------------------------------------------------------------


def test_auth(target: Target) -> None:
    client = target.client()
    response = client.auth()
    assert response.ok and response.body.token, response.body
    target.observe("auth")
    refused = client.auth(client_secret="not-the-secret")
    assert refused.status_code == 401
    assert isinstance(refused.body, ErrorResponse) and refused.body.success is False
    target.observe("auth_refused")


# -- reads -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "listing", "by_id"), READS, ids=[r[0] for r in READS])
def test_read(target: Target, name: str, listing: Callable[..., Any], by_id: Callable[..., Any] | None) -> None:
    client = target.client()
    response = listing(client)
    assert response.ok and response.status_code == 200, response.body
    body = target.observe(name)
    assert body["success"] is True and isinstance(body["data"], list)
    if by_id is None or not response.body.data:
        return
    item_id = response.body.data[0].id
    one = by_id(client, item_id)
    assert one.ok and one.body.data.id == item_id, one.body
    assert isinstance(target.observe(name + "_one")["data"], dict)


def test_v2_reads(target: Target) -> None:
    target.require_v2()
    client = target.client(api_version="v2")
    for name, call in (
        ("v2_venues", lambda: client.get_venues()),
        ("v2_price_lists", lambda: client.get_price_lists()),
        ("v2_orders", lambda: client.get_orders(limit=5, sort_by="created_at", sort_order=-1)),
        ("v2_receipts", lambda: client.get_receipts(limit=5, filters={"status": 2})),
    ):
        response = call()
        assert response.ok, (name, response.body)
        target.observe(name)
    closed = client.get_receipts(limit=1, filters={"status": 2}).unwrap().data
    if closed:
        assert client.get_receipt_stock_operations(closed[0].id).ok
        target.observe("v2_stock_operations")


# -- a receipt's life ------------------------------------------------------------------------


def test_receipt_lifecycle(target: Target) -> None:
    target.require_writes()
    client = target.client()
    receipt = _open_receipt(target, client)
    assert receipt.status == 1
    updated = client.update_receipt(receipt.id, receipt.cid, description="parity", guests=2)
    assert updated.ok, updated.body
    target.observe("receipt_update")
    closed = client.close_receipt(receipt.id, receipt.cid, _payment(client, 5))  # closed_at: venue-local now
    assert closed.ok, closed.body
    target.observe("receipt_close")
    stored = client.get_receipt_by_id(receipt.id).unwrap().data
    assert stored.status == 2 and stored.closed_at
    zone = client.venue_zone
    created, closed_at = stored.local_time("created_at", zone), stored.local_time("closed_at", zone)
    assert created is not None and closed_at is not None and closed_at > created
    patched = client.update_closed_receipt(receipt.id, order_status="READY", fiscal_id="PARITY-1")
    assert patched.ok, patched.body
    target.observe("receipt_patch")
    assert client.get_receipt_by_id(receipt.id).unwrap().data.fiscal_id == "PARITY-1"


def test_receipt_create_and_delete(target: Target) -> None:
    target.require_writes()
    client = target.client()
    receipt = _stored_receipt(target, client)
    assert client.get_receipt_by_id(receipt.id).unwrap().data.cid == receipt.cid
    deleted = client.delete_receipt(receipt.id)
    assert deleted.ok, deleted.body
    target.observe("receipt_delete")
    assert _error(client.get_receipt_by_id(receipt.id)) == _seed_error("seed002_8")


def test_v2_close_and_patch(target: Target) -> None:
    target.require_writes()
    target.require_v2()
    receipt = _open_receipt(target, target.client())
    client = target.client(api_version="v2")
    closed = client.close_receipt(receipt.id, receipt.cid, _payment(client, 5))
    assert closed.ok, closed.body
    target.observe("v2_receipt_close")
    patched = client.update_closed_receipt(receipt.id, order_status="COMPLETED", order_number="P-1")
    assert patched.ok, patched.body
    target.observe("v2_receipt_patch")


# -- an order's life -------------------------------------------------------------------------


def test_order_lifecycle(target: Target) -> None:
    target.require_writes()
    client = target.client()
    order = _new_order(target, client, ACCEPT)
    first = client.get_order_by_id(order.id).unwrap().data.status
    # Live, a person at the POS may accept it before this read; the emulator waits for accept_order.
    assert first == "PENDING" or (target.live and first == "RECEIVED"), first
    target.accept_order(order.id)  # the clerk opens a receipt for it
    received = client.get_order_by_id(order.id, with_="receipt:id,service_notification_id,status")
    assert received.ok, received.body
    target.observe("order_received")
    data = received.body.data
    assert data.status == "RECEIVED" and data.receipt_id
    receipt = client.get_receipt_by_id(data.receipt_id).unwrap().data
    assert receipt.status == 1 and receipt.service_notification_id == order.id


def test_order_ignored_and_refused_statuses(target: Target) -> None:
    target.require_writes()
    client = target.client()
    order = _new_order(target, client)
    refused = client.update_order(order.id, "DELIVERED")
    assert refused.status_code == 400 and _error(refused)["success"] is False
    target.observe("order_status_refused")
    ignored = client.update_order(order.id, "IGNORE")
    assert ignored.ok and ignored.body.data.status == "IGNORE", ignored.body
    target.observe("order_ignore")


# -- the documented error bodies -------------------------------------------------------------


def test_error_receipt_not_found(target: Target) -> None:
    client = target.client()
    assert _error(client.get_receipt_by_id(MISSING_ID)) == _seed_error("seed002_8")
    target.observe("error_receipt_not_found")


def test_error_cid_and_id_cannot_change(target: Target) -> None:
    target.require_writes()
    client = target.client()
    receipt = _open_receipt(target, client)
    response = client.update_receipt(receipt.id, str(uuid.uuid4()), description="x")
    assert response.status_code == 400 and _error(response) == _seed_error("seed002_6")
    target.observe("error_cid_changed")


def test_error_closed_at_equal_to_created_at(target: Target) -> None:
    target.require_writes()
    client = target.client()
    receipt = _open_receipt(target, client)
    response = client.close_receipt(receipt.id, receipt.cid, _payment(client, 5), receipt.created_at)
    assert response.status_code == 400 and "greater than created_at" in _error(response)["message"]
    target.observe("error_closed_at")


def test_error_put_on_closed_receipt(target: Target) -> None:
    target.require_writes()
    client = target.client()
    receipt = _stored_receipt(target, client)
    response = client.update_receipt(receipt.id, receipt.cid, description="too late")
    assert response.status_code == 400, response.body
    target.observe("error_put_closed")
    assert client.update_closed_receipt(receipt.id, fiscal_id="STILL-OK").ok  # what PATCH is for


def test_error_v2_patch_not_found(target: Target) -> None:
    target.require_v2()
    client = target.client(api_version="v2")
    assert _error(client.update_closed_receipt(MISSING_ID, fiscal_id="x")) == _seed_error("seed003_2")
    target.observe("error_v2_not_found")


def test_error_v2_unauthorized(target: Target) -> None:
    response = target.raw("GET", "/v2/orders", headers={"accept": "application/json"})
    assert response.status_code == 401
    body = response.json()
    assert {key: body.get(key) for key in ("success", "error", "message")} == _seed_error("seed004_1")
    target.observe("error_v2_unauthorized")
