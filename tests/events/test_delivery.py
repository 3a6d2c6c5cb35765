"""Delivery as signed webhooks: in order per venue, retried while the receiver is down, dead-lettered
when it always fails, and redelivered by ``replay``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from integrify.clopos.emulator import Emulator
from integrify.clopos.emulator.pos import Pos
from integrify.clopos.events import EventFeed, webhook_consumer
from integrify.clopos.events.store_sqlite import SQLiteStore

from .conftest import make_feed
from .receiver import SECRET, Receiver, serve_app, serve_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serve_receiver() as receiver:
        yield receiver


def forward_in_thread(feed: EventFeed, url: str) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=feed.forward, args=(url, SECRET), kwargs={"stop": stop}, daemon=True)
    thread.start()
    return thread, stop


def stored_ids(path: str) -> list[str]:
    store = SQLiteStore(path)
    try:
        return [row.body.split('"id":"', 1)[1].split('"', 1)[0] for row in store.events_after(0, limit=100_000)]
    finally:
        store.close()


def test_backlog_delivered_in_order_when_the_receiver_returns(
    clopos_emulator: Emulator, store_path: str, receiver: Receiver
) -> None:
    feed = make_feed(clopos_emulator, store_path, retry_base=0.05, retry_cap=0.2)
    feed.poll()
    receiver.down = True
    thread, stop = forward_in_thread(feed, receiver.url)
    pos = Pos(clopos_emulator.state, seed=3)
    try:
        for _ in range(8):
            pos.open_receipt()
        deadline = time.monotonic() + 30
        while receiver.refused < 3:  # it keeps trying while the receiver is down
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert receiver.deliveries == []
        receiver.down = False
        receiver.wait_for(8)
    finally:
        stop.set()
        thread.join(30)
    arrived = [d.event["id"] for d in receiver.first_seen()]
    assert arrived == stored_ids(store_path)  # the store's order, which is detection order
    assert all(d.verified for d in receiver.deliveries)
    assert [d.event["type"] for d in receiver.first_seen()] == ["receipt.created"] * 8


def test_always_failing_receiver_dead_letters_then_replay_redelivers(
    clopos_emulator: Emulator, store_path: str, receiver: Receiver
) -> None:
    feed = make_feed(clopos_emulator, store_path, max_attempts=3, retry_base=0.01, retry_cap=0.05)
    feed.poll()
    receiver.down = True
    Pos(clopos_emulator.state).stock_out(4)
    Pos(clopos_emulator.state).stock_out(5)
    thread, stop = forward_in_thread(feed, receiver.url)
    consumer = webhook_consumer(receiver.url)
    store = SQLiteStore(store_path)
    try:
        deadline = time.monotonic() + 30
        while len(store.dead_letters(consumer)) < 2:
            assert time.monotonic() < deadline, store.dead_letters(consumer)
            time.sleep(0.05)
        [status] = store.status(consumer)
        assert (status.pending, status.failed) == (0, 2)
        assert receiver.refused == 6  # three attempts each
        receiver.down = False
        assert store.rewind(consumer, since=time.time() - 3600) == 2
        receiver.wait_for(2)
    finally:
        stop.set()
        thread.join(30)
    assert store.dead_letters(consumer) == []
    assert [d.event["product_id"] for d in receiver.first_seen()] == [4, 5]
    store.close()


def test_receiver_example_verifies_and_deduplicates(clopos_emulator: Emulator, store_path: str) -> None:
    """docs/examples/receiver.py, run: a forged body is refused, a redelivery is handled once."""
    import importlib.util
    from pathlib import Path

    import httpx
    from standardwebhooks import Webhook

    from integrify.clopos.events.deliver import signed_headers

    path = Path(__file__).parents[2] / "docs" / "examples" / "receiver.py"
    spec = importlib.util.spec_from_file_location("receiver_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    handled: list[str] = []
    app = module.create_app(SECRET, on_event=lambda event: handled.append(event["id"]))

    feed = make_feed(clopos_emulator, store_path)
    feed.poll()
    Pos(clopos_emulator.state).open_receipt()
    [event] = list(feed.events(follow=False))
    body = event.to_json()
    headers = signed_headers(Webhook(SECRET), event.id, body)
    with serve_app(app) as root, httpx.Client(base_url=root) as client:
        assert client.post("/webhooks", content=body, headers=headers).status_code == 200
        assert client.post("/webhooks", content=body, headers=headers).status_code == 200  # redelivered
        forged = body.replace('"receipt.created"', '"receipt.deleted"')
        assert client.post("/webhooks", content=forged, headers=headers).status_code == 400
    assert handled == [event.id]
    feed.close()
