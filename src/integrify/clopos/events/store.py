"""The durable state behind one small protocol, and the SQL both implementations share.

- **leases**: each venue's feed is held by one worker at a time, until ``expires_at`` (renewed while alive);
- **snapshots** and **checkpoints**: the last objects seen per feed and resource, and when it was polled;
- **events**: the outbox, an append-only log with a sequence number (ids unique: a change stored twice is
  stored once);
- **cursors** and **dead letters**: per consumer (a webhook endpoint, a Python iterator) and feed, the last
  event done, the head event's attempts and next try, and the events given up on;
- **pruned**: per feed, how far retention has deleted the outbox (``prune``), so a replay can say so.

Writes that follow a poll go through ``commit``, which first checks in the same transaction that the
worker still holds the feed's lease (a fencing check): a worker that lost its lease cannot write.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from .model import BaseEvent

Record = dict[str, Any]

#: Schema migrations, in order; ``{serial}`` is the dialect's auto-increment key type.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE IF NOT EXISTS leases (feed TEXT PRIMARY KEY, owner TEXT, expires_at DOUBLE PRECISION NOT NULL)",
        "CREATE TABLE IF NOT EXISTS checkpoints (feed TEXT NOT NULL, resource TEXT NOT NULL,"
        " polled_at DOUBLE PRECISION, PRIMARY KEY (feed, resource))",
        "CREATE TABLE IF NOT EXISTS snapshots (feed TEXT NOT NULL, resource TEXT NOT NULL, object_id TEXT NOT NULL,"
        " data TEXT NOT NULL, PRIMARY KEY (feed, resource, object_id))",
        "CREATE TABLE IF NOT EXISTS events (seq {serial}, id TEXT NOT NULL UNIQUE, feed TEXT NOT NULL,"
        " type TEXT NOT NULL, detected_at DOUBLE PRECISION NOT NULL, body TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS events_feed_seq ON events (feed, seq)",
        "CREATE TABLE IF NOT EXISTS cursors (consumer TEXT NOT NULL, feed TEXT NOT NULL, seq BIGINT NOT NULL,"
        " attempts INTEGER NOT NULL DEFAULT 0, next_at DOUBLE PRECISION NOT NULL DEFAULT 0, last_error TEXT,"
        " PRIMARY KEY (consumer, feed))",
        "CREATE TABLE IF NOT EXISTS dead_letters (consumer TEXT NOT NULL, seq BIGINT NOT NULL, feed TEXT NOT NULL,"
        " attempts INTEGER NOT NULL, error TEXT, failed_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (consumer, seq))",
    ),
    # 2: live workers, so that they share the feeds fairly
    ("CREATE TABLE IF NOT EXISTS workers (owner TEXT PRIMARY KEY, expires_at DOUBLE PRECISION NOT NULL)",),
    # 3: retention: old events found by age per feed, dead letters by event, and how far each feed was pruned
    (
        "CREATE INDEX IF NOT EXISTS events_feed_detected ON events (feed, detected_at)",
        "CREATE INDEX IF NOT EXISTS dead_letters_seq ON dead_letters (seq)",
        "CREATE TABLE IF NOT EXISTS pruned (feed TEXT PRIMARY KEY, seq BIGINT NOT NULL,"
        " detected_at DOUBLE PRECISION NOT NULL, events BIGINT NOT NULL)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    feed: str
    type: str
    detected_at: float
    body: str


@dataclass(frozen=True)
class Cursor:
    seq: int = 0
    attempts: int = 0
    next_at: float = 0.0
    last_error: str | None = None


@dataclass(frozen=True)
class FeedStatus:
    """One line of ``clopos events status``."""

    feed: str
    owner: str | None
    lease_left: float
    polled_at: float | None
    events: int
    pending: int
    failed: int
    lag: float | None


@dataclass(frozen=True)
class Horizon:
    """How far retention pruned a feed: events up to ``seq``, detected up to ``detected_at``, ``events`` in all."""

    seq: int
    detected_at: float
    events: int


@dataclass
class PruneResult:
    """What ``prune`` removed per feed, and what it had to keep although older than the retention."""

    removed: dict[str, int] = field(default_factory=dict)
    #: Dead letters removed with their events (``dead_letters=True`` only).
    dead_letters: int = 0
    #: ``(consumer, feed, events)``: old events kept because that consumer has not acknowledged them.
    unacknowledged: list[tuple[str, str, int]] = field(default_factory=list)
    #: Old events of feeds no consumer has read yet (none is acknowledged), per feed.
    unread: dict[str, int] = field(default_factory=dict)
    #: Old dead-lettered events kept, per feed.
    kept_dead: dict[str, int] = field(default_factory=dict)
    #: True when ``max_batches`` stopped it before everything old enough was gone.
    more: bool = False

    @property
    def total(self) -> int:
        return sum(self.removed.values())


class Store(Protocol):
    """What the poller, the consumers and the CLI need from durable state."""

    def claim(self, feeds: Sequence[str], owner: str, seconds: float, limit: int | None = None) -> list[str]:
        """Take or renew leases: the feeds of ``feeds`` now held by ``owner``: at most ``limit``, and at most a
        fair share (the feeds divided by the live workers); a worker above its share lets the extra ones go."""

    def release(self, feeds: Sequence[str], owner: str) -> None: ...

    def snapshot(self, feed: str, resource: str) -> dict[str, Record] | None:
        """The last objects seen, or ``None`` when the resource was never polled."""

    def commit(
        self,
        feed: str,
        owner: str,
        resource: str,
        events: Sequence[BaseEvent],
        upserts: Mapping[str, Record],
        removals: Sequence[str],
    ) -> bool:
        """Store events and snapshot changes at once, if ``owner`` still holds the lease."""

    def pending(self, consumer: str, feed: str, limit: int = 100) -> list[StoredEvent]:
        """Events after the consumer's cursor, in order."""

    def cursor(self, consumer: str, feed: str) -> Cursor: ...

    def advance(self, consumer: str, feed: str, seq: int) -> None: ...

    def fail(self, consumer: str, feed: str, error: str, next_at: float) -> int:
        """Count a failed attempt on the head event; returns the attempts so far."""

    def dead_letter(self, consumer: str, feed: str, seq: int, error: str) -> None:
        """Give up on event ``seq``: record it and move the cursor past it."""

    def rewind(self, consumer: str, since: float, feeds: Sequence[str] | None = None) -> int:
        """Deliver again every event detected at or after ``since`` (Unix s); returns how many."""

    def events_after(self, seq: int, feeds: Sequence[str] | None = None, limit: int = 500) -> list[StoredEvent]: ...

    def status(self, consumer: str | None = None) -> list[FeedStatus]: ...

    def prune(
        self,
        before: float,
        feeds: Sequence[str] | None = None,
        *,
        dead_letters: bool = False,
        batch: int = 500,
        max_batches: int | None = None,
    ) -> PruneResult:
        """Delete events detected before ``before`` (Unix s) that every consumer of their feed has acknowledged,
        in small transactions; dead-lettered ones only with ``dead_letters``."""

    def horizons(self) -> dict[str, Horizon]:
        """Per feed, how far it was pruned."""

    def close(self) -> None: ...


class SQLStore:
    """The ``Store`` in portable SQL; a subclass gives the connection and the dialect's few differences."""

    placeholder = "?"
    serial = "INTEGER PRIMARY KEY AUTOINCREMENT"
    #: Appended to the lease query (``FOR UPDATE SKIP LOCKED`` on PostgreSQL).
    skip_locked = ""
    #: Appended to the fencing read in ``commit`` (``FOR UPDATE`` on PostgreSQL).
    for_update = ""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.lock = threading.RLock()
        self.migrate()

    # -- dialect hooks ------------------------------------------------------------------------

    def _begin(self, cursor: Any) -> None:
        """Start a write transaction (SQLite: ``BEGIN IMMEDIATE``)."""

    def _migration_lock(self, cursor: Any) -> None:
        """Serialise concurrent migrations (PostgreSQL: an advisory lock)."""

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Any]:
        with self.lock:
            cursor = self.connection.cursor()
            try:
                if write:
                    self._begin(cursor)
                yield cursor
                self.connection.commit()
            except BaseException:
                self.connection.rollback()
                raise
            finally:
                cursor.close()

    def _sql(self, text: str) -> str:
        return text.replace("?", self.placeholder) if self.placeholder != "?" else text

    def _run(self, cursor: Any, text: str, params: Sequence[Any] = ()) -> Any:
        cursor.execute(self._sql(text), tuple(params))
        return cursor

    def _query(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.transaction(write=False) as cursor:
            return list(self._run(cursor, text, params).fetchall())

    # -- schema -----------------------------------------------------------------------------------

    def migrate(self) -> None:
        """Create or upgrade the schema; the version is kept in ``schema_version``."""
        with self.transaction() as cursor:
            self._migration_lock(cursor)
            self._run(cursor, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self._run(cursor, "SELECT MAX(version) FROM schema_version").fetchone()
            current = int(row[0] or 0)
            for version in range(current, SCHEMA_VERSION):
                for statement in MIGRATIONS[version]:
                    self._run(cursor, statement.replace("{serial}", self.serial))
                self._run(cursor, "INSERT INTO schema_version (version) VALUES (?)", (version + 1,))

    def schema_version(self) -> int:
        return int(self._query("SELECT MAX(version) FROM schema_version")[0][0] or 0)

    # -- leases -------------------------------------------------------------------------------------

    def claim(self, feeds: Sequence[str], owner: str, seconds: float, limit: int | None = None) -> list[str]:
        now = time.time()
        with self.transaction() as cursor:
            for feed in feeds:
                self._run(
                    cursor,
                    "INSERT INTO leases (feed, owner, expires_at) VALUES (?, NULL, 0) ON CONFLICT DO NOTHING",
                    (feed,),
                )
            if not feeds:
                return []
            marks = ", ".join("?" for _ in feeds)
            rows = self._run(
                cursor,
                f"SELECT feed, owner FROM leases WHERE feed IN ({marks}) AND (owner = ? OR owner IS NULL"
                f" OR expires_at < ?) ORDER BY feed{self.skip_locked}",
                (*feeds, owner, now),
            ).fetchall()
            self._run(
                cursor,
                "INSERT INTO workers (owner, expires_at) VALUES (?, ?)"
                " ON CONFLICT (owner) DO UPDATE SET expires_at = excluded.expires_at",
                (owner, now + seconds),
            )
            others = self._run(
                cursor, "SELECT COUNT(*) FROM workers WHERE owner <> ? AND expires_at >= ?", (owner, now)
            ).fetchone()
            share = -(-len(feeds) // (int(others[0]) + 1))  # a fair share: the live workers split the feeds
            limit = share if limit is None else min(limit, share)
            mine = [feed for feed, holder in rows if holder == owner]
            free = [feed for feed, holder in rows if holder != owner]
            for feed in mine[limit:]:  # more than a fair share: let the others take some
                self._run(cursor, "UPDATE leases SET owner = NULL, expires_at = 0 WHERE feed = ?", (feed,))
            mine = mine[:limit]
            held = mine + free[: max(0, limit - len(mine))]
            for feed in held:
                self._run(
                    cursor, "UPDATE leases SET owner = ?, expires_at = ? WHERE feed = ?", (owner, now + seconds, feed)
                )
            return sorted(held)

    def release(self, feeds: Sequence[str], owner: str) -> None:
        with self.transaction() as cursor:
            self._run(cursor, "DELETE FROM workers WHERE owner = ?", (owner,))
            for feed in feeds:
                self._run(
                    cursor, "UPDATE leases SET owner = NULL, expires_at = 0 WHERE feed = ? AND owner = ?", (feed, owner)
                )

    # -- snapshots and the outbox ------------------------------------------------------------------

    def snapshot(self, feed: str, resource: str) -> dict[str, Record] | None:
        with self.transaction(write=False) as cursor:
            known = self._run(
                cursor, "SELECT 1 FROM checkpoints WHERE feed = ? AND resource = ?", (feed, resource)
            ).fetchone()
            if known is None:
                return None
            rows = self._run(
                cursor, "SELECT object_id, data FROM snapshots WHERE feed = ? AND resource = ?", (feed, resource)
            ).fetchall()
        return {str(key): json.loads(data) for key, data in rows}

    def commit(
        self,
        feed: str,
        owner: str,
        resource: str,
        events: Sequence[BaseEvent],
        upserts: Mapping[str, Record],
        removals: Sequence[str],
    ) -> bool:
        now = time.time()
        with self.transaction() as cursor:
            held = self._run(
                cursor,
                f"SELECT 1 FROM leases WHERE feed = ? AND owner = ? AND expires_at >= ?{self.for_update}",
                (feed, owner, now),
            ).fetchone()
            if held is None:
                return False
            for event in events:
                self._run(
                    cursor,
                    "INSERT INTO events (id, feed, type, detected_at, body) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (event.id, feed, event.type, event.detected_at.timestamp(), event.to_json()),
                )
            for key, record in upserts.items():
                self._run(
                    cursor,
                    "INSERT INTO snapshots (feed, resource, object_id, data) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (feed, resource, object_id) DO UPDATE SET data = excluded.data",
                    (feed, resource, key, json.dumps(record, separators=(",", ":"))),
                )
            for key in removals:
                self._run(
                    cursor,
                    "DELETE FROM snapshots WHERE feed = ? AND resource = ? AND object_id = ?",
                    (feed, resource, key),
                )
            self._run(
                cursor,
                "INSERT INTO checkpoints (feed, resource, polled_at) VALUES (?, ?, ?)"
                " ON CONFLICT (feed, resource) DO UPDATE SET polled_at = excluded.polled_at",
                (feed, resource, now),
            )
        return True

    # -- consumers ----------------------------------------------------------------------------------

    def pending(self, consumer: str, feed: str, limit: int = 100) -> list[StoredEvent]:
        rows = self._query(
            "SELECT seq, feed, type, detected_at, body FROM events WHERE feed = ? AND seq > COALESCE("
            "(SELECT seq FROM cursors WHERE consumer = ? AND feed = ?), 0) ORDER BY seq LIMIT ?",
            (feed, consumer, feed, limit),
        )
        return [StoredEvent(int(r[0]), r[1], r[2], float(r[3]), r[4]) for r in rows]

    def events_after(self, seq: int, feeds: Sequence[str] | None = None, limit: int = 500) -> list[StoredEvent]:
        where = "seq > ?"
        params: list[Any] = [seq]
        if feeds is not None:
            where += f" AND feed IN ({', '.join('?' for _ in feeds) or 'NULL'})"
            params += list(feeds)
        rows = self._query(
            f"SELECT seq, feed, type, detected_at, body FROM events WHERE {where} ORDER BY seq LIMIT ?",
            (*params, limit),
        )
        return [StoredEvent(int(r[0]), r[1], r[2], float(r[3]), r[4]) for r in rows]

    def cursor(self, consumer: str, feed: str) -> Cursor:
        rows = self._query(
            "SELECT seq, attempts, next_at, last_error FROM cursors WHERE consumer = ? AND feed = ?", (consumer, feed)
        )
        return Cursor(int(rows[0][0]), int(rows[0][1]), float(rows[0][2]), rows[0][3]) if rows else Cursor()

    def _set_cursor(self, cursor: Any, consumer: str, feed: str, seq: int) -> None:
        self._run(
            cursor,
            "INSERT INTO cursors (consumer, feed, seq, attempts, next_at, last_error) VALUES (?, ?, ?, 0, 0, NULL)"
            " ON CONFLICT (consumer, feed) DO UPDATE SET seq = excluded.seq, attempts = 0, next_at = 0,"
            " last_error = NULL",
            (consumer, feed, seq),
        )

    def advance(self, consumer: str, feed: str, seq: int) -> None:
        with self.transaction() as cursor:
            self._set_cursor(cursor, consumer, feed, seq)

    def fail(self, consumer: str, feed: str, error: str, next_at: float) -> int:
        with self.transaction() as cursor:
            self._run(
                cursor,
                "INSERT INTO cursors (consumer, feed, seq, attempts, next_at, last_error) VALUES (?, ?, 0, 1, ?, ?)"
                " ON CONFLICT (consumer, feed) DO UPDATE SET attempts = cursors.attempts + 1,"
                " next_at = excluded.next_at, last_error = excluded.last_error",
                (consumer, feed, next_at, error[:500]),
            )
            row = self._run(
                cursor, "SELECT attempts FROM cursors WHERE consumer = ? AND feed = ?", (consumer, feed)
            ).fetchone()
        return int(row[0])

    def dead_letter(self, consumer: str, feed: str, seq: int, error: str) -> None:
        with self.transaction() as cursor:
            attempts = self._run(
                cursor, "SELECT attempts FROM cursors WHERE consumer = ? AND feed = ?", (consumer, feed)
            ).fetchone()
            self._run(
                cursor,
                "INSERT INTO dead_letters (consumer, seq, feed, attempts, error, failed_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (consumer, seq) DO UPDATE SET attempts = excluded.attempts, error = excluded.error,"
                " failed_at = excluded.failed_at",
                (consumer, seq, feed, int(attempts[0]) if attempts else 0, error[:500], time.time()),
            )
            self._set_cursor(cursor, consumer, feed, seq)

    def dead_letters(self, consumer: str) -> list[tuple[int, str, int, str | None]]:
        """(seq, feed, attempts, error) of the events given up on."""
        rows = self._query(
            "SELECT seq, feed, attempts, error FROM dead_letters WHERE consumer = ? ORDER BY seq", (consumer,)
        )
        return [(int(r[0]), r[1], int(r[2]), r[3]) for r in rows]

    def rewind(self, consumer: str, since: float, feeds: Sequence[str] | None = None) -> int:
        with self.transaction() as cursor:
            # First the consumer's cursors (PostgreSQL, in feed order, as ``prune`` takes a feed's in consumer
            # order): a prune running now finishes first, so the events read next are what is kept.
            self._run(
                cursor, f"SELECT feed FROM cursors WHERE consumer = ? ORDER BY feed{self.for_update}", (consumer,)
            )
            rows = self._run(
                cursor, "SELECT feed, MIN(seq), COUNT(*) FROM events WHERE detected_at >= ? GROUP BY feed", (since,)
            ).fetchall()
            total = 0
            for feed, first, count in rows:
                if feeds is not None and feed not in feeds:
                    continue
                current = self._run(
                    cursor, "SELECT seq FROM cursors WHERE consumer = ? AND feed = ?", (consumer, feed)
                ).fetchone()
                if current is not None and int(current[0]) < int(first):
                    continue  # not yet delivered that far: nothing to redeliver
                self._set_cursor(cursor, consumer, feed, int(first) - 1)
                self._run(
                    cursor,
                    "DELETE FROM dead_letters WHERE consumer = ? AND feed = ? AND seq >= ?",
                    (consumer, feed, first),
                )
                total += int(count)
        return total

    def status(self, consumer: str | None = None) -> list[FeedStatus]:
        now = time.time()
        leases = {r[0]: (r[1], float(r[2])) for r in self._query("SELECT feed, owner, expires_at FROM leases")}
        polled = {r[0]: float(r[1]) for r in self._query("SELECT feed, MIN(polled_at) FROM checkpoints GROUP BY feed")}
        counts = {r[0]: int(r[1]) for r in self._query("SELECT feed, COUNT(*) FROM events GROUP BY feed")}
        pending: dict[str, tuple[int, float | None]] = {}
        failed: dict[str, int] = {}
        if consumer is not None:
            for feed, count, oldest in self._query(
                "SELECT e.feed, COUNT(*), MIN(e.detected_at) FROM events e WHERE e.seq > COALESCE((SELECT c.seq FROM"
                " cursors c WHERE c.consumer = ? AND c.feed = e.feed), 0) GROUP BY e.feed",
                (consumer,),
            ):
                pending[feed] = (int(count), float(oldest) if oldest is not None else None)
            failed = {
                r[0]: int(r[1])
                for r in self._query(
                    "SELECT feed, COUNT(*) FROM dead_letters WHERE consumer = ? GROUP BY feed", (consumer,)
                )
            }
        result = []
        for feed in sorted(leases.keys() | counts.keys()):
            owner, expires = leases.get(feed, (None, 0.0))
            count, oldest = pending.get(feed, (0, None))
            result.append(
                FeedStatus(
                    feed=feed,
                    owner=owner if expires > now else None,
                    lease_left=max(0.0, expires - now),
                    polled_at=polled.get(feed),
                    events=counts.get(feed, 0),
                    pending=count,
                    failed=failed.get(feed, 0),
                    lag=now - oldest if oldest is not None else None,
                )
            )
        return result

    # -- retention ------------------------------------------------------------------------------------

    def prune(
        self,
        before: float,
        feeds: Sequence[str] | None = None,
        *,
        dead_letters: bool = False,
        batch: int = 500,
        max_batches: int | None = None,
    ) -> PruneResult:
        result = PruneResult()
        if feeds is None:
            feeds = [str(r[0]) for r in self._query("SELECT DISTINCT feed FROM events ORDER BY feed")]
        batches = 0
        for feed in feeds:
            while not result.more:
                if max_batches is not None and batches >= max_batches:
                    result.more = True
                    break
                batches += 1
                picked, removed, dead = self._prune_batch(feed, before, dead_letters, batch)
                if removed:
                    result.removed[feed] = result.removed.get(feed, 0) + removed
                result.dead_letters += dead
                if picked < batch:
                    break
        self._kept(result, before, feeds, dead_letters)
        return result

    def _prune_batch(self, feed: str, before: float, dead_letters: bool, batch: int) -> tuple[int, int, int]:
        """One short transaction: (events picked, events deleted, dead letters deleted)."""
        with self.transaction() as cursor:
            # Locking the feed's cursors (PostgreSQL) orders this against a concurrent ``rewind``.
            cursors = self._run(
                cursor, f"SELECT seq FROM cursors WHERE feed = ? ORDER BY consumer{self.for_update}", (feed,)
            ).fetchall()
            if not cursors:
                return 0, 0, 0  # no consumer has read this feed: nothing is acknowledged
            keep = "" if dead_letters else " AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.seq = events.seq)"
            rows = self._run(
                cursor,
                f"SELECT seq, detected_at FROM events WHERE feed = ? AND detected_at < ? AND seq <= ?{keep}"
                f" ORDER BY detected_at LIMIT ?{self.skip_locked}",
                (feed, before, min(int(r[0]) for r in cursors), batch),
            ).fetchall()
            if not rows:
                return 0, 0, 0
            seqs = [int(r[0]) for r in rows]
            marks = ", ".join("?" for _ in seqs)
            removed = int(self._run(cursor, f"DELETE FROM events WHERE seq IN ({marks})", seqs).rowcount)
            dead = 0
            if dead_letters:
                dead = int(self._run(cursor, f"DELETE FROM dead_letters WHERE seq IN ({marks})", seqs).rowcount)
            self._run(
                cursor,
                "INSERT INTO pruned (feed, seq, detected_at, events) VALUES (?, ?, ?, ?) ON CONFLICT (feed) DO UPDATE"
                " SET seq = CASE WHEN excluded.seq > pruned.seq THEN excluded.seq ELSE pruned.seq END,"
                " detected_at = CASE WHEN excluded.detected_at > pruned.detected_at THEN excluded.detected_at"
                " ELSE pruned.detected_at END, events = pruned.events + excluded.events",
                (feed, max(seqs), max(float(r[1]) for r in rows), removed),
            )
        return len(seqs), removed, dead

    def _kept(self, result: PruneResult, before: float, feeds: Sequence[str], dead_letters: bool) -> None:
        """Fill in what stays although older than ``before``: unacknowledged and dead-lettered events."""
        wanted = set(feeds)
        rows = self._query(
            "SELECT c.consumer, c.feed, COUNT(*) FROM cursors c JOIN events e ON e.feed = c.feed AND e.seq > c.seq"
            " WHERE e.detected_at < ? GROUP BY c.consumer, c.feed ORDER BY c.feed, c.consumer",
            (before,),
        )
        result.unacknowledged = [(str(c), str(f), int(n)) for c, f, n in rows if f in wanted]
        read = {str(r[0]) for r in self._query("SELECT DISTINCT feed FROM cursors")}
        for feed in sorted(wanted - read):
            [(count,)] = self._query("SELECT COUNT(*) FROM events WHERE feed = ? AND detected_at < ?", (feed, before))
            if count:
                result.unread[feed] = int(count)
        if not dead_letters:
            rows = self._query(
                "SELECT e.feed, COUNT(*) FROM events e WHERE e.seq IN (SELECT seq FROM dead_letters)"
                " AND e.detected_at < ? GROUP BY e.feed",
                (before,),
            )
            result.kept_dead = {str(f): int(n) for f, n in rows if f in wanted}

    def horizons(self) -> dict[str, Horizon]:
        rows = self._query("SELECT feed, seq, detected_at, events FROM pruned")
        return {str(r[0]): Horizon(int(r[1]), float(r[2]), int(r[3])) for r in rows}

    def forget(self, consumer: str) -> int:
        """Drop a retired consumer's checkpoints and dead letters (it no longer holds retention back);
        returns the checkpoints dropped. Were it to come back, it would start from the oldest kept event."""
        with self.transaction() as cursor:
            self._run(cursor, "DELETE FROM dead_letters WHERE consumer = ?", (consumer,))
            return int(self._run(cursor, "DELETE FROM cursors WHERE consumer = ?", (consumer,)).rowcount)

    def close(self) -> None:
        with self.lock:
            self.connection.close()


def open_store(url: str) -> SQLStore:
    """A store from a URL: ``postgresql://...`` (psycopg 3), else a SQLite file path (or ``sqlite:///path``)."""
    if url.startswith(("postgres://", "postgresql://")):
        from .store_postgres import PostgresStore

        return PostgresStore(url)
    from .store_sqlite import SQLiteStore

    return SQLiteStore(url.removeprefix("sqlite:///").removeprefix("sqlite://"))
