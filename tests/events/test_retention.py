"""Retention, on SQLite and on a real PostgreSQL: old events every consumer acknowledged are deleted (by the
worker and by ``clopos events prune``), unacknowledged and dead-lettered ones stay, a pruned event is never
emitted again, ``replay`` names what it cannot send, stores of schema 2 upgrade, concurrent prunes agree."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from integrify.clopos.cli.app import app
from integrify.clopos.emulator import Emulator
from integrify.clopos.emulator.pos import Pos
from integrify.clopos.events import FeedSettings, ReceiptCreated, event_id, open_store, webhook_consumer
from integrify.clopos.events.store import MIGRATIONS, SCHEMA_VERSION, SQLStore
from integrify.clopos.events.store_postgres import PostgresStore
from integrify.clopos.events.store_sqlite import SQLiteStore
from tests.postgres import postgres_url  # noqa: F401

from .conftest import make_feed
from .test_detection import drain

DAY = 86400.0
RETENTION = 30 * DAY


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty store location: a SQLite path, or a database of its own on the test server."""
    if request.param == "sqlite":
        yield str(tmp_path / "events.db")
        return
    import psycopg

    server: str = request.getfixturevalue("postgres_url")
    name = f"retention_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield server.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def store(url: str) -> Iterator[SQLStore]:
    db = open_store(url)
    yield db
    db.close()


def age(db: SQLStore, days: float, feed: str | None = None) -> None:
    """Time passes: the stored events were detected ``days`` earlier."""
    where, params = (" WHERE feed = ?", (feed,)) if feed else ("", ())
    with db.transaction() as cursor:
        db._run(cursor, f"UPDATE events SET detected_at = detected_at - ?{where}", (days * DAY, *params))


def receipt(number: int, feed: str = "b/1") -> ReceiptCreated:
    venue = feed.split("/")[1]
    return ReceiptCreated(
        id=event_id("receipt.created", "b", venue, str(number)),
        brand="b",
        venue=venue,
        object_id=str(number),
        occurred_at=None,
        detected_at=datetime.now(timezone.utc),
        data={"id": number},
    )


def store_events(db: SQLStore, feed: str, numbers: range) -> list[int]:
    """Commit events under a lease; their sequence numbers."""
    assert db.claim([feed], "writer", 60) == [feed]
    assert db.commit(feed, "writer", "receipts", [receipt(n, feed) for n in numbers], {}, [])
    return [row.seq for row in db.events_after(0, [feed], limit=100_000)][-len(numbers) :]


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["events", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_worker_prunes_acknowledged_events_and_a_pruned_event_never_comes_back(
    clopos_emulator: Emulator, url: str
) -> None:
    feed = make_feed(clopos_emulator, url)
    feed.poll()  # the baseline
    pos = Pos(clopos_emulator.state, seed=4)
    opened = pos.open_receipt()
    pos.close_receipt(opened["id"])
    pos.stock_out(4)
    pos.edit_price(2, 9.5)
    first = drain(feed, "billing")  # delivered and acknowledged
    assert {e.type for e in first} >= {"receipt.created", "receipt.closed", "stop_list.changed", "product.updated"}
    last_seq = feed.store.events_after(0)[-1].seq
    feed.close()

    db = open_store(url)
    age(db, 40)  # forty days later
    later = make_feed(clopos_emulator, db)  # a new worker (nothing cached): its first tick prunes, then polls
    for _ in range(3):
        later.poll()
    assert db.events_after(0) == []  # gone: past the retention and acknowledged
    mark = db.horizons()["openapitest/1"]
    assert (mark.seq, mark.events) == (last_seq, len(first))
    assert drain(later, "billing") == []  # the snapshots still know every object: nothing is detected again

    pos.stock_back(4)  # a new change is new, with a sequence number never used before
    [back] = drain(later, "billing")
    assert back.type == "stop_list.changed" and back.id not in {e.id for e in first}
    assert db.events_after(0)[0].seq > last_seq
    later.close()
    db.close()


def test_unacknowledged_young_and_dead_lettered_events_are_kept(store: SQLStore) -> None:
    seqs = store_events(store, "b/1", range(1, 11))
    store.advance("fast", "b/1", seqs[2])
    store.dead_letter("fast", "b/1", seqs[3], "HTTP 500")  # the 4th given up on
    store.advance("fast", "b/1", seqs[9])
    store.advance("slow", "b/1", seqs[5])  # a second consumer, six events in
    unread = store_events(store, "b/2", range(1, 4))  # a venue no consumer reads
    age(store, 40)
    young = store_events(store, "b/3", range(1, 3))  # acknowledged, but recent
    store.advance("fast", "b/3", young[-1])

    result = store.prune(time.time() - RETENTION)
    assert result.removed == {"b/1": 5}  # 1-3, 5, 6: old, acknowledged by both, not dead-lettered
    assert [row.seq for row in store.events_after(0)] == [seqs[3], *seqs[6:], *unread, *young]
    assert result.unacknowledged == [("slow", "b/1", 4)]
    assert result.kept_dead == {"b/1": 1} and result.unread == {"b/2": 3}
    assert store.horizons()["b/1"].seq == seqs[5]


def test_dead_letters_stay_until_replayed_or_pruned_explicitly(store: SQLStore) -> None:
    seqs = store_events(store, "b/1", range(1, 5))
    store.advance("hook", "b/1", seqs[0])
    store.dead_letter("hook", "b/1", seqs[1], "HTTP 500")
    store.dead_letter("hook", "b/1", seqs[2], "HTTP 500")
    store.advance("hook", "b/1", seqs[3])
    age(store, 40)
    before = time.time() - RETENTION
    assert store.prune(before).removed == {"b/1": 2}
    assert [row.seq for row in store.events_after(0)] == seqs[1:3]

    assert store.rewind("hook", since=0) == 2  # replayed: pending again, dead letters cleared
    assert store.prune(before).total == 0  # not yet delivered again
    store.advance("hook", "b/1", seqs[1])  # the replay delivered the first one
    store.dead_letter("hook", "b/1", seqs[2], "HTTP 500")  # and gave up on the second again
    assert store.prune(before).removed == {"b/1": 1}

    result = store.prune(before, dead_letters=True)
    assert (result.removed, result.dead_letters) == ({"b/1": 1}, 1)
    assert store.events_after(0) == [] and store.dead_letters("hook") == []


def test_prune_command_reports_and_forgets_a_retired_consumer(store: SQLStore, url: str) -> None:
    seqs = store_events(store, "b/1", range(1, 7))
    store.advance(webhook_consumer("https://new.example/hooks"), "b/1", seqs[-1])
    store.advance(webhook_consumer("https://old.example/hooks"), "b/1", seqs[1])  # retired long ago
    age(store, 40)

    code, out, _ = cli("prune", "--store", url)
    assert code == 0, out
    assert "removed 2 event(s)" in out and "b/1: 2" in out
    assert "kept 4 older event(s) of b/1: not acknowledged by webhook:https://old.example/hooks" in out

    code, out, _ = cli("prune", "--store", url, "--forget", "https://old.example/hooks")
    assert code == 0, out
    assert "forgot webhook:https://old.example/hooks (1 checkpoint(s))" in out and "removed 4 event(s)" in out
    assert store.events_after(0) == []

    code, _, err = cli("prune", "--store", url, "--keep-days", "2")  # shorter than look-back + 2 days
    assert code == 2 and "at least the look-back plus 2 days (3)" in err


def test_replay_before_the_horizon_says_what_was_pruned(store: SQLStore, url: str) -> None:
    hook = "https://example.com/hooks"
    seqs = store_events(store, "b/1", range(1, 5))
    store.advance(webhook_consumer(hook), "b/1", seqs[-1])
    age(store, 40)
    assert store.prune(time.time() - RETENTION).total == 4
    newer = store_events(store, "b/1", range(5, 7))
    store.advance(webhook_consumer(hook), "b/1", newer[-1])

    code, out, err = cli("replay", "--since", "60d", "--to", hook, "--store", url)
    assert code == 0, out + err
    assert "b/1: events detected up to" in err and "were pruned (retention)" in err
    assert "2 event(s) queued again" in out  # what is kept is replayed
    assert [row.seq for row in store.pending(webhook_consumer(hook), "b/1")] == newer

    code, out, err = cli("replay", "--since", "1h", "--to", hook, "--store", url)
    assert code == 0 and "pruned" not in err  # after the horizon: no gap to report


def test_a_store_of_schema_2_is_upgraded(url: str) -> None:
    """A store made by the previous release (schema 2, with an event and a checkpoint) migrates on open."""
    if url.startswith("postgresql://"):
        import psycopg

        connection: Any = psycopg.connect(url)
        serial = PostgresStore.serial
    else:
        connection = sqlite3.connect(url)
        serial = SQLiteStore.serial
    cursor = connection.cursor()
    cursor.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for version, statements in enumerate(MIGRATIONS[:2], 1):
        for statement in statements:
            cursor.execute(statement.replace("{serial}", serial))
        cursor.execute(f"INSERT INTO schema_version (version) VALUES ({version})")
    cursor.execute(
        "INSERT INTO events (id, feed, type, detected_at, body) VALUES ('evt_1', 'b/1', 'receipt.created', 1e9, '{}')"
    )
    cursor.execute("INSERT INTO cursors (consumer, feed, seq) VALUES ('hook', 'b/1', 1)")
    connection.commit()
    connection.close()

    db = open_store(url)
    try:
        assert db.schema_version() == SCHEMA_VERSION == 3
        if url.startswith("postgresql://"):
            indexes = {r[0] for r in db._query("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")}
        else:
            indexes = {r[0] for r in db._query("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "events_feed_detected" in indexes
        assert [row.seq for row in db.events_after(0)] == [1]  # kept through the upgrade
        assert db.prune(time.time() - RETENTION).removed == {"b/1": 1}
        assert db.horizons()["b/1"].events == 1
    finally:
        db.close()
    open_store(url).close()  # opening again migrates nothing


def test_two_workers_pruning_at_once_agree(store: SQLStore, url: str) -> None:
    """Two stores (two workers' connections) prune the same feeds at once while a third delivers and stores
    new events: nothing fails, every old event is deleted exactly once, the counts add up."""
    feeds = [f"b/{n}" for n in range(1, 5)]
    for feed in feeds:
        seqs = store_events(store, feed, range(1, 401))
        store.advance("hook", feed, seqs[-1])
    age(store, 40)
    before = time.time() - RETENTION
    workers = [open_store(url), open_store(url)]
    results: list[int] = []
    failures: list[BaseException] = []
    start = threading.Barrier(3)

    def prune(db: SQLStore) -> None:
        try:
            start.wait(30)
            results.append(db.prune(before, batch=10).total)
        except BaseException as error:
            failures.append(error)

    def deliver() -> None:
        try:
            start.wait(30)
            for number in range(1000, 1020):
                seqs = store_events(store, "b/1", range(number, number + 1))
                store.advance("hook", "b/1", seqs[-1])
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=prune, args=(db,)) for db in workers] + [threading.Thread(target=deliver)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for db in workers:
        db.close()
    assert failures == []
    assert sum(results) == 1600
    assert len(store.events_after(0, limit=10_000)) == 20  # only the new ones
    assert sum(mark.events for mark in store.horizons().values()) == 1600


def test_retention_must_outlast_the_look_back() -> None:
    assert FeedSettings(lookback=timedelta(days=5), retention=timedelta(days=7)).retention == timedelta(days=7)
    assert FeedSettings(retention=None).retention is None  # kept forever
    with pytest.raises(ValueError, match=r"at least the look-back plus 2 days \(7 days\)"):
        FeedSettings(lookback=timedelta(days=5), retention=timedelta(days=6))
    code, _, err = cli(
        "forward",
        "--to",
        "http://127.0.0.1:9/",
        "--secret",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "--keep-days",
        "2",
    )
    assert code == 2 and "--keep-days: retention must be at least" in err
