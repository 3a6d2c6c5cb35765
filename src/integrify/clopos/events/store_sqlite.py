"""The store in a SQLite file: no server to run; WAL mode, so readers (``events status``) never block."""

from __future__ import annotations

import sqlite3
from typing import Any

from .store import SQLStore


class SQLiteStore(SQLStore):
    """``SQLiteStore("events.db")``: several processes may open it; one worker per feed still holds a lease."""

    def __init__(self, path: str, timeout: float = 30.0) -> None:
        connection = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        self.path = path
        super().__init__(connection)

    def _begin(self, cursor: Any) -> None:
        cursor.execute("BEGIN IMMEDIATE")

    def __repr__(self) -> str:
        return f"<SQLiteStore {self.path}>"
