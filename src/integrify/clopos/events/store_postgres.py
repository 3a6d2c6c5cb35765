"""The store in PostgreSQL (psycopg 3), for several workers on several machines sharing the venues.

Leases are rows taken with ``SELECT ... FOR UPDATE SKIP LOCKED``: two workers claiming at once never wait on
each other, and never both get a feed. Migrations run under an advisory lock.
"""

from __future__ import annotations

from typing import Any

from .store import SQLStore

#: Arbitrary constant: the advisory lock that serialises schema migrations.
MIGRATION_LOCK = 7_141_421


class PostgresStore(SQLStore):
    """``PostgresStore("postgresql://user@host/db")``; the URL (with its password) is never shown."""

    placeholder = "%s"
    serial = "BIGSERIAL PRIMARY KEY"
    skip_locked = " FOR UPDATE SKIP LOCKED"
    for_update = " FOR UPDATE"

    def __init__(self, url: str) -> None:
        import psycopg

        super().__init__(psycopg.connect(url, autocommit=False))

    def _migration_lock(self, cursor: Any) -> None:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))

    def __repr__(self) -> str:
        return "<PostgresStore>"
