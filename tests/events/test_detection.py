"""Each event type, detected exactly once from its emulator trigger, with its documented payload."""

from __future__ import annotations

from typing import Any

import httpx

from integrify.clopos.emulator import Emulator
from integrify.clopos.emulator.pos import Pos
from integrify.clopos.events import BaseEvent, EventFeed


def drain(feed: EventFeed, consumer: str = "test") -> list[BaseEvent]:
    """Poll once more and take every new event, acknowledging them."""
    events = list(feed.events(consumer, follow=False))
    for event in events:
        feed.ack(event, consumer)
    return events


def trigger(emu: Emulator, action: str, **arguments: Any) -> dict[str, Any]:
    """One POS action through the control route, as a test or the browser console would."""
    answer = httpx.post(f"{emu.root_url}/_emulator/pos/{action}", json=arguments, timeout=10)
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


def test_baseline_makes_no_events(feed: EventFeed) -> None:
    assert drain(feed) == []
    assert feed.held == ["openapitest/1"]


def test_receipt_lifecycle(clopos_emulator: Emulator, feed: EventFeed) -> None:
    receipt = trigger(clopos_emulator, "open-receipt", product_id=2, count=2)
    [created] = drain(feed)
    assert (created.type, created.object_id, created.brand, created.venue) == (
        "receipt.created",
        str(receipt["id"]),
        "openapitest",
        "1",
    )
    assert created.data["status"] == 1 and created.data["total"] == receipt["total"]
    assert created.occurred_at is not None and created.occurred_at.utcoffset() is not None

    trigger(clopos_emulator, "close-receipt", receipt_id=receipt["id"])
    [closed] = drain(feed)
    assert closed.type == "receipt.closed" and closed.data["status"] == 2
    assert closed.data["payment_methods"][0]["amount"] == receipt["total"]

    trigger(clopos_emulator, "edit-receipt", receipt_id=receipt["id"], fiscal_id="FS-1")
    [updated] = drain(feed)
    assert updated.type == "receipt.updated" and updated.changed == ["fiscal_id"]  # type: ignore[attr-defined]
    assert updated.data["fiscal_id"] == "FS-1"

    trigger(clopos_emulator, "delete-receipt", receipt_id=receipt["id"])
    [deleted] = drain(feed)
    assert deleted.type == "receipt.deleted" and deleted.occurred_at is None
    assert deleted.data["fiscal_id"] == "FS-1"  # the last version seen
    assert drain(feed) == []


def test_orders(clopos_emulator: Emulator, feed: EventFeed) -> None:
    order = trigger(clopos_emulator, "new-order", product_id=4)
    [created] = drain(feed)
    assert created.type == "order.created" and created.data["status"] == "PENDING"

    trigger(clopos_emulator, "accept-order", order_id=order["id"])
    events = drain(feed)
    by_type = {e.type: e for e in events}
    assert sorted(by_type) == ["order.status_changed", "receipt.created"]
    changed = by_type["order.status_changed"]
    assert (changed.from_, changed.to) == ("PENDING", "RECEIVED")  # type: ignore[attr-defined]
    assert by_type["receipt.created"].data["id"] == changed.data["receipt_id"]

    trigger(clopos_emulator, "deliver-order", order_id=order["id"])
    [delivered] = drain(feed)
    assert (delivered.from_, delivered.to) == ("RECEIVED", "DELIVERED")  # type: ignore[attr-defined]

    other = trigger(clopos_emulator, "new-order")
    trigger(clopos_emulator, "ignore-order", order_id=other["id"])
    events = drain(feed)
    assert [e.type for e in events] == ["order.created"]  # first seen already ignored: one event
    assert events[0].data["status"] == "IGNORE"


def test_stop_list(clopos_emulator: Emulator, feed: EventFeed) -> None:
    trigger(clopos_emulator, "stock-out", product_id=7)
    [out] = drain(feed)
    assert out.type == "stop_list.changed"
    assert (out.product_id, out.limit_before, out.limit_after, out.state) == (7, None, 0, "out_of_stock")  # type: ignore[attr-defined]
    trigger(clopos_emulator, "stock-limit", product_id=7, limit=3)
    [limited] = drain(feed)
    assert (limited.limit_before, limited.limit_after, limited.state) == (0, 3, "limited")  # type: ignore[attr-defined]
    trigger(clopos_emulator, "stock-back", product_id=7)
    [back] = drain(feed)
    assert (back.limit_before, back.limit_after, back.state) == (3, None, "available")  # type: ignore[attr-defined]


def test_products(clopos_emulator: Emulator, feed: EventFeed) -> None:
    product = trigger(clopos_emulator, "add-product", name="Dolma", price=7.5)
    [created] = drain(feed)
    assert created.type == "product.created" and created.data["name"] == "Dolma"
    trigger(clopos_emulator, "edit-price", product_id=product["id"], price=8.0)
    [updated] = drain(feed)
    assert updated.type == "product.updated" and "price" in updated.changed  # type: ignore[attr-defined]
    assert float(updated.data["price"]) == 8.0
    trigger(clopos_emulator, "delete-product", product_id=product["id"])
    [deleted] = drain(feed)
    assert deleted.type == "product.deleted" and deleted.object_id == str(product["id"])


def test_same_change_detected_twice_has_the_same_id(clopos_emulator: Emulator, store_path: str, tmp_path: Any) -> None:
    """Two stores polling the same venue from the same baseline see one change under one id."""
    from .conftest import make_feed

    first, second = make_feed(clopos_emulator, store_path), make_feed(clopos_emulator, str(tmp_path / "b.db"))
    first.poll(), second.poll()
    Pos(clopos_emulator.state).stock_out(9)
    a, b = drain(first), drain(second)
    assert [e.id for e in a] == [e.id for e in b] and len(a) == 1
    first.close(), second.close()


def test_repeated_out_and_back_are_distinct_events(clopos_emulator: Emulator, feed: EventFeed) -> None:
    """Back in stock twice: two events with two ids (the stop list gives no time for a return)."""
    ids = []
    for _ in range(2):
        trigger(clopos_emulator, "stock-out", product_id=6)
        drain(feed)
        trigger(clopos_emulator, "stock-back", product_id=6)
        [back] = drain(feed)
        ids.append(back.id)
    assert len(set(ids)) == 2
