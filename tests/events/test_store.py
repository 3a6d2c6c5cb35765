"""The store, on SQLite and on a real PostgreSQL: schema version, leases shared fairly and fenced, the
outbox storing a change once, consumer cursors and dead letters."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from integrify.clopos.events import ReceiptCreated, event_id, open_store
from integrify.clopos.events import store as store_module
from integrify.clopos.events.store import SCHEMA_VERSION, SQLStore
from tests.postgres import postgres_url  # noqa: F401

from .clock import FakeClock

FEEDS = ["b/1", "b/2", "b/3", "b/4"]
#: Seconds of a lease: the store reads the test's clock, so only ``clock.advance`` lets one expire.
LEASE = 30.0


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The time the store reads for leases and heartbeats."""
    fake = FakeClock()
    monkeypatch.setattr(store_module, "time", fake)
    return fake


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SQLStore]:
    url = str(tmp_path / "events.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    db = open_store(url)
    with db.transaction() as cursor:  # a clean slate on the shared server
        for table in ("leases", "workers", "checkpoints", "snapshots", "events", "cursors", "dead_letters"):
            cursor.execute(f"DELETE FROM {table}")
    yield db
    db.close()


def receipt_event(number: int, venue: str = "1") -> ReceiptCreated:
    return ReceiptCreated(
        id=event_id("receipt.created", "b", venue, str(number)),
        brand="b",
        venue=venue,
        object_id=str(number),
        occurred_at=None,
        detected_at=datetime.now(timezone.utc),
        data={"id": number},
    )


def test_schema_is_versioned_and_migrating_twice_is_harmless(store: SQLStore) -> None:
    store.migrate()
    assert store.schema_version() == SCHEMA_VERSION == 3


def test_leases_are_shared_fairly_and_expire(store: SQLStore, clock: FakeClock) -> None:
    assert store.claim(FEEDS, "a", LEASE) == FEEDS  # alone: everything
    assert store.claim(FEEDS, "b", LEASE) == []  # all held; but "b" is now known as alive
    assert len(store.claim(FEEDS, "a", LEASE)) == 2  # above its share: "a" lets two go
    assert len(store.claim(FEEDS, "b", LEASE)) == 2
    held_a, held_b = store.claim(FEEDS, "a", LEASE), store.claim(FEEDS, "b", LEASE)
    assert sorted(held_a + held_b) == FEEDS and not set(held_a) & set(held_b)
    clock.advance(LEASE - 1)  # "a" is silent, but its leases and its heartbeat still hold
    assert store.claim(FEEDS, "b", LEASE) == held_b
    clock.advance(2)  # now they expired: "a" is dead
    assert store.claim(FEEDS, "b", LEASE) == FEEDS


def test_a_worker_that_lost_its_lease_cannot_write(store: SQLStore, clock: FakeClock) -> None:
    assert store.claim(["b/1"], "a", LEASE) == ["b/1"]
    clock.advance(LEASE - 1)
    assert store.claim(["b/1"], "b", LEASE) == []  # not expired yet
    assert store.commit("b/1", "a", "orders", [], {"7": {"id": 7}}, [])  # so "a" may still write
    clock.advance(2)
    assert store.claim(["b/1"], "b", LEASE) == ["b/1"]
    assert not store.commit("b/1", "a", "receipts", [receipt_event(1)], {"1": {"id": 1}}, [])
    assert store.snapshot("b/1", "receipts") is None
    assert store.commit("b/1", "b", "receipts", [receipt_event(1)], {"1": {"id": 1}}, [])
    assert store.snapshot("b/1", "receipts") == {"1": {"id": 1}}


def test_a_change_stored_twice_is_stored_once_and_consumed_in_order(store: SQLStore) -> None:
    store.claim(["b/1"], "a", 5)
    for _ in range(2):
        assert store.commit("b/1", "a", "receipts", [receipt_event(1), receipt_event(2)], {}, [])
    rows = store.pending("reader", "b/1")
    assert [r.type for r in rows] == ["receipt.created"] * 2
    store.advance("reader", "b/1", rows[0].seq)
    assert [r.seq for r in store.pending("reader", "b/1")] == [rows[1].seq]
    store.fail("reader", "b/1", "HTTP 500", time.time() + 60)
    assert store.cursor("reader", "b/1").attempts == 1
    store.dead_letter("reader", "b/1", rows[1].seq, "HTTP 500")
    assert store.pending("reader", "b/1") == []
    [status] = store.status("reader")
    assert (status.events, status.pending, status.failed) == (2, 0, 1)
    assert store.rewind("reader", since=0) == 2
    assert len(store.pending("reader", "b/1")) == 2
