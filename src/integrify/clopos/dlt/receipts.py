"""The receipts resource: incremental on the documented date filter, with a look-back for late edits and deletions.

Each run asks for the receipts created since the cursor (the newest ``created_at`` loaded, venue-local) less
the look-back, oldest first. The resource state keeps a fingerprint of every receipt inside the look-back
window, so that a run yields only receipts that are new or changed since they were loaded, and marks those
that disappeared from the window as deleted (``_clopos_deleted_at``, a dlt ``hard_delete`` column: the row and
its product lines and payments are removed; the deletion itself is kept in ``receipt_deletions``).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, MutableMapping
from datetime import datetime, timedelta, timezone
from typing import Any

import dlt
import orjson
from dlt.extract.incremental import Incremental

from integrify.clopos import UNSET, CloposSyncClient
from integrify.clopos.schemas.receipts.object import Receipt

from .columns import shape
from .rows import row

#: The hard-delete column: set (to the time the deletion was noticed, UTC) only on deletion markers.
DELETED = "_clopos_deleted_at"
#: The table that keeps one row per receipt found deleted.
DELETIONS = "receipt_deletions"
#: Venue-local wall-clock times (the API sends them without a zone): naive timestamps in the destination.
LOCAL_TIMES = ("created_at", "updated_at", "closed_at", "terminal_updated_at", "deleted_at")
LOCAL_FORMAT = "%Y-%m-%d %H:%M:%S"

#: The receipt and its product lines and payments: every typed field declared (money as decimals), times overridden.
RECEIPTS = shape(Receipt)
RECEIPT_COLUMNS: dict[str, Any] = {
    **RECEIPTS.columns,
    **{name: {"data_type": "timestamp", "timezone": False, "nullable": True} for name in LOCAL_TIMES},
    "shift_date": {"data_type": "date", "nullable": True},
    DELETED: {"data_type": "timestamp", "nullable": True, "hard_delete": True},
}

#: Declared columns of ``receipts`` and its product lines and payments.
RECEIPT_HINTS = dlt.mark.make_hints(columns=RECEIPT_COLUMNS, nested_hints=RECEIPTS.nested_hints())
#: ``receipt_deletions`` has its own three columns (not the receipt's), merged on ``id``.
DELETION_HINTS = dlt.mark.make_hints(
    table_name=DELETIONS,
    primary_key="id",
    write_disposition="merge",
    columns={
        "id": {"data_type": "bigint", "nullable": False},
        "created_at": {"data_type": "timestamp", "timezone": False},
        "deleted_at": {"data_type": "timestamp"},
    },
)


def wall_clock(value: str) -> datetime:
    """A venue-local ``YYYY-MM-DD HH:MM:SS`` as a naive datetime."""
    return datetime.strptime(value[:19], LOCAL_FORMAT)


def text(value: datetime | str | None) -> str | None:
    """A cursor value as venue-local ``YYYY-MM-DD HH:MM:SS`` text (``None`` stays ``None``)."""
    if isinstance(value, datetime):
        return value.strftime(LOCAL_FORMAT)
    return value


def local_times(row: dict[str, Any]) -> dict[str, Any]:
    """The venue-local time fields of a receipt as naive datetimes (unreadable ones kept as they are)."""
    for name in LOCAL_TIMES:
        value = row.get(name)
        if isinstance(value, str) and value:
            with contextlib.suppress(ValueError):
                row[name] = datetime.fromisoformat(value)
    return row


def fingerprint(receipt: dict[str, Any]) -> str:
    """A short digest of a receipt's row: a changed receipt gets a new one."""
    return hashlib.blake2b(orjson.dumps(receipt, default=str, option=orjson.OPT_SORT_KEYS), digest_size=8).hexdigest()


class Window:
    """Fingerprints of the receipts inside the look-back window, kept in the resource state.

    ``state["window"]`` maps a receipt id (text, as JSON keys are) to ``[created_at, fingerprint]``.
    """

    def __init__(self, state: MutableMapping[str, Any], lookback: timedelta) -> None:
        self.state = state
        self.lookback = lookback
        self.known: dict[str, list[str]] = dict(state.get("window") or {})
        self.seen: set[str] = set()
        self.newest: str | None = None

    def changed(self, receipt_id: int, created: str, digest: str) -> bool:
        """Record a fetched receipt; True when it is new or differs from what was loaded."""
        key = str(receipt_id)
        self.seen.add(key)
        if self.newest is None or created > self.newest:
            self.newest = created
        previous = self.known.get(key)
        self.known[key] = [created, digest]
        return previous is None or previous[1] != digest

    def deleted(self, start: str | None, end: str | None) -> list[tuple[int, str]]:
        """Known receipts in the fetched range ``[start, end)`` that were not fetched again: ``(id, created_at)``."""
        gone = [
            (int(key), created)
            for key, (created, _) in self.known.items()
            if key not in self.seen and (start is None or created >= start) and (end is None or created < end)
        ]
        for key, _ in gone:
            del self.known[str(key)]
        return gone

    def save(self) -> None:
        """Keep only the receipts the next run's window can reach, and write them to the state."""
        newest = max((created for created, _ in self.known.values()), default=None)
        if newest is None:
            self.state["window"] = {}
            return
        floor = (wall_clock(newest) - self.lookback).strftime(LOCAL_FORMAT)
        self.state["window"] = {key: value for key, value in self.known.items() if value[0] >= floor}


def receipt_rows(
    client: CloposSyncClient,
    cursor: Incremental[datetime],
    lookback: timedelta,
    page_size: int,
    date_to: str | None,
    v2: bool,
) -> Iterator[Any]:
    """New and changed receipts, then deletion markers, for the ``receipts`` resource.

    ``date_to`` (``YYYY-MM-DD``, inclusive) bounds a backfill; the cursor's ``end_value`` is the next midnight.
    """
    # receipt_deletions first, while the resource's hints hold no columns (a table variant starts from them)
    yield dlt.mark.with_hints([], DELETION_HINTS, create_table_variant=True)
    yield dlt.mark.with_hints([], RECEIPT_HINTS)
    start, end = text(cursor.start_value), text(cursor.end_value)
    window = Window(dlt.current.resource_state(), lookback)
    receipts = client.get_receipts.iter(
        limit=page_size,
        sort_by="created_at",
        sort_order=1,
        date_from=start[:10] if start else UNSET,
        date_to=date_to or UNSET,
        with_=["receipt_products", "receipt_products.modificators"] if v2 else UNSET,
    )
    for receipt in receipts:
        created = receipt.created_at if isinstance(receipt.created_at, str) else ""
        values = row(receipt)
        if window.changed(receipt.id, created, fingerprint(values)):
            yield local_times(values)
    noticed = datetime.now(timezone.utc)
    for receipt_id, created in window.deleted(start, end):
        yield {"id": receipt_id, "created_at": wall_clock(created), DELETED: noticed}
        deletion = {"id": receipt_id, "created_at": wall_clock(created), "deleted_at": noticed}
        yield dlt.mark.with_hints(deletion, DELETION_HINTS, create_table_variant=True)
    window.save()
