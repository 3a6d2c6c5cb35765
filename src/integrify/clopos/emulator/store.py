"""The SQLite file behind ``--db``: one row per changed record, written in order by one thread.

Durability: an API answer to a write is sent after its rows are committed (WAL, ``synchronous=NORMAL``), so an
acknowledged change survives the emulator being killed; a power cut may lose the last commits. Writes that
arrive while one is committing go into the next transaction together (group commit).
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from concurrent.futures import Future
from typing import Any

import orjson

#: (brand, kind, id, JSON): ``kind`` is a table's name or ``receipts``; JSON None marks a row removed from a table.
Row = tuple[str, str, int, bytes | None]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS rows (brand TEXT NOT NULL, kind TEXT NOT NULL, id INTEGER NOT NULL, data BLOB, "
    "PRIMARY KEY (brand, kind, id)) WITHOUT ROWID"
)


class Store:
    """Row storage with a writer thread: ``submit`` never blocks; its future completes once committed."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._queue: queue.SimpleQueue[tuple[list[Row] | None, Future[None]] | None] = queue.SimpleQueue()
        self._closed = False
        connection = self._connect()
        self._migrate(connection)
        connection.close()
        self._thread = threading.Thread(target=self._run, name="clopos-emulator-db", daemon=True)
        self._thread.start()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(SCHEMA)
        return connection

    def load(self) -> list[Row]:
        """Every stored row, read in the calling thread."""
        connection = self._connect()
        try:
            return [(b, k, i, d) for b, k, i, d in connection.execute("SELECT brand, kind, id, data FROM rows")]
        finally:
            connection.close()

    def submit(self, rows: list[Row] | None) -> Future[None]:
        """Queue rows to write (or None: delete everything); the future completes when they are committed."""
        if self._closed:
            raise RuntimeError("the emulator's database is closed")
        future: Future[None] = Future()
        self._queue.put((rows, future))
        return future

    def close(self) -> None:
        """Write everything queued, then stop the writer."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join(60)

    def _run(self) -> None:
        connection = self._connect()
        stop = False
        try:
            while not stop:
                item = self._queue.get()
                if item is None:
                    break
                batch = [item]
                while True:  # everything queued meanwhile joins this transaction
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        stop = True
                        break
                    batch.append(more)
                self._write(connection, batch)
        finally:
            connection.close()

    @staticmethod
    def _write(connection: sqlite3.Connection, batch: list[tuple[list[Row] | None, Future[None]]]) -> None:
        try:
            with connection:
                for rows, _ in batch:
                    if rows is None:
                        connection.execute("DELETE FROM rows")
                    else:
                        connection.executemany("INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?)", rows)
        except Exception as error:  # a full disk, a locked file: every waiting writer learns it
            for _, future in batch:
                future.set_exception(error)
        else:
            for _, future in batch:
                future.set_result(None)

    @staticmethod
    def _migrate(connection: sqlite3.Connection) -> None:
        """Turn a file of the earlier format (one JSON document per brand) into rows."""
        found = connection.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='brand_state'").fetchone()
        if not found:
            return
        rows: list[Row] = []
        for brand, text in connection.execute("SELECT brand, data FROM brand_state").fetchall():
            data: dict[str, Any] = orjson.loads(text)
            receipts = data.get("receipts", {})
            deleted = set(receipts.get("deleted", []))
            stored = {**receipts.get("overrides", {}), **receipts.get("created", {})}
            for key in {*map(int, stored), *deleted}:
                row = {"record": stored.get(str(key)), "deleted": key in deleted}
                rows.append((brand, "receipts", key, orjson.dumps(row)))
            for table, records in data.get("tables", {}).items():
                if table != "catalog":
                    rows.extend((brand, table, int(key), orjson.dumps(value)) for key, value in records.items())
        with connection:
            connection.executemany("INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?)", rows)
            connection.execute("DROP TABLE brand_state")
