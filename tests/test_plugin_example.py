"""The worked example of docs/emulator.md: a user's own integration code tested with the pytest plugin."""

from __future__ import annotations

from typing import Any

from integrify.clopos.emulator import Emulator


def close_paid_orders(client: Any, paid: set[int]) -> None:
    for order in client.get_orders.iter(status="RECEIVED"):
        if order.id in paid:
            receipt = client.get_receipt_by_id(order.receipt_id).unwrap().data
            client.close_receipt(receipt.id, receipt.cid, [{"id": 2, "name": "Card", "amount": float(receipt.total)}])


def test_paid_orders_are_closed(clopos_emulator: Emulator, clopos_client: Any) -> None:
    order = clopos_emulator.accept_order(2)
    close_paid_orders(clopos_client, paid={2})
    receipt = clopos_client.get_receipt_by_id(order["receipt_id"]).unwrap().data
    assert receipt.status == 2 and receipt.payment_methods[0].name == "Card"


def test_survives_a_flaky_network(clopos_emulator: Emulator, clopos_client: Any) -> None:
    clopos_emulator.faults.add("status", route="/open-api/orders", status=503, times=2)
    close_paid_orders(clopos_client.with_options(backoff=0.01), paid=set())
    assert clopos_emulator.count("GET", "/open-api/orders") == 3
