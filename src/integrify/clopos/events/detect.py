"""Detection: pure functions from the previous snapshot and the objects fetched now to events.

Nothing here does I/O; the poller fetches, these compare, the store keeps the result. Snapshots map an
object id (as a string) to the last full object seen. ``previous is None`` means the resource was never
seen: the fetched objects become the baseline and no events are made (no flood of "created" on day one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from .model import (
    BaseEvent,
    OrderCreated,
    OrderStatusChanged,
    ProductCreated,
    ProductDeleted,
    ProductUpdated,
    ReceiptClosed,
    ReceiptCreated,
    ReceiptDeleted,
    ReceiptUpdated,
    StopListChanged,
    event_id,
)

Record = dict[str, Any]
Snapshot = Mapping[str, Record]
#: Fields that change with every edit; they never make an update on their own.
NOISE = frozenset({"updated_at"})


@dataclass(frozen=True)
class Scope:
    """Who and when: the feed's brand and venue, its time zone, and the moment of detection."""

    brand: str
    venue: str
    zone: ZoneInfo
    detected_at: datetime

    def make(self, cls: type[BaseEvent], object_id: str, data: Record, occurred: Any, change: Any, **extra: Any) -> Any:
        type_ = cls.model_fields["type"].default
        return cls(
            id=event_id(type_, self.brand, self.venue, object_id, change),
            brand=self.brand,
            venue=self.venue,
            object_id=object_id,
            occurred_at=venue_time(occurred, self.zone),
            detected_at=self.detected_at,
            data=data,
            **extra,
        )


@dataclass
class Detected:
    """What one comparison found: events in order, and the snapshot rows to write and to drop."""

    events: list[BaseEvent] = field(default_factory=list)
    upserts: dict[str, Record] = field(default_factory=dict)
    removals: list[str] = field(default_factory=list)


def venue_time(value: Any, zone: ZoneInfo) -> datetime | None:
    """An API time as an aware datetime in the venue zone: ``YYYY-MM-DD HH:MM:SS`` is venue-local,
    ISO with ``Z``/offset and Unix milliseconds are UTC. Unknown shapes give ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()):
        number = float(value)
        return datetime.fromtimestamp(number / 1000 if number > 1e11 else number, tz=timezone.utc).astimezone(zone)
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def changed_fields(before: Record, after: Record) -> list[str]:
    """Top-level keys whose value differs (a key missing on one side counts), noise aside."""
    return sorted(k for k in before.keys() | after.keys() if k not in NOISE and before.get(k) != after.get(k))


def _key(record: Record) -> str:
    return str(record["id"])


def detect_receipts(
    scope: Scope,
    previous: Snapshot | None,
    fetched: Iterable[Record],
    in_window: Callable[[Record], bool],
    gone: Iterable[str] = (),
) -> Detected:
    """Receipts of the look-back window: created, closed, updated; ``gone`` (confirmed 404) deleted.

    Snapshot rows whose receipt left the window (``in_window`` false) are dropped without an event.
    """
    result = Detected()
    seen = {_key(r): r for r in fetched}
    if previous is None:
        result.upserts = seen
        return result
    for key, record in seen.items():
        before = previous.get(key)
        if before is None:
            result.events.append(scope.make(ReceiptCreated, key, record, record.get("created_at"), None))
            if record.get("status") == 2:
                result.events.append(
                    scope.make(ReceiptClosed, key, record, record.get("closed_at"), record.get("closed_at"))
                )
            result.upserts[key] = record
            continue
        changes = changed_fields(before, record)
        if not changes:
            continue
        if before.get("status") != 2 and record.get("status") == 2:
            result.events.append(
                scope.make(ReceiptClosed, key, record, record.get("closed_at"), record.get("closed_at"))
            )
        else:
            change = [record.get("updated_at"), {k: record.get(k) for k in changes}]
            result.events.append(
                scope.make(ReceiptUpdated, key, record, record.get("updated_at"), change, changed=changes)
            )
        result.upserts[key] = record
    for key in sorted(set(gone), key=_sort_key):
        if key in previous and key not in seen:
            result.events.append(scope.make(ReceiptDeleted, key, previous[key], None, None))
            result.removals.append(key)
    dropped = set(result.removals)
    result.removals += [k for k, r in previous.items() if k not in seen and k not in dropped and not in_window(r)]
    return result


def deletion_candidates(
    previous: Snapshot | None, fetched: Iterable[Record], in_window: Callable[[Record], bool]
) -> list[str]:
    """Ids the snapshot has inside the window that the listing did not return: each is confirmed by a
    lookup before it is called deleted (a page that shifted while it was read must not delete anything)."""
    if previous is None:
        return []
    seen = {_key(r) for r in fetched}
    return sorted((k for k, r in previous.items() if k not in seen and in_window(r)), key=_sort_key)


def detect_orders(
    scope: Scope, previous: Snapshot | None, fetched: Iterable[Record], keep: Callable[[Record], bool]
) -> Detected:
    """Orders: created, and status changes (from, to). Rows for which ``keep`` is false are dropped."""
    result = Detected()
    seen = {_key(r): r for r in fetched}
    if previous is None:
        result.upserts = seen
        return result
    for key, record in seen.items():
        before = previous.get(key)
        if before is None:
            result.events.append(scope.make(OrderCreated, key, record, record.get("created_at"), None))
        elif before.get("status") != record.get("status"):
            change = [before.get("status"), record.get("status"), record.get("updated_at")]
            result.events.append(
                scope.make(
                    OrderStatusChanged,
                    key,
                    record,
                    record.get("updated_at"),
                    change,
                    from_=before.get("status"),
                    to=str(record.get("status")),
                )
            )
        elif before == record:
            continue
        result.upserts[key] = record
    result.removals = [k for k, r in previous.items() if k not in seen and not keep(r)]
    return result


def _limit(entry: Record | None) -> float | None:
    if entry is None or entry.get("limit") is None:
        return None
    return float(entry["limit"])


def _state(limit: float | None) -> str:
    return "available" if limit is None else "out_of_stock" if limit <= 0 else "limited"


def detect_stop_list(scope: Scope, previous: Snapshot | None, fetched: Iterable[Record]) -> Detected:
    """The whole stop list: a product whose limit changed (absent = no limit) gives ``stop_list.changed``."""
    result = Detected()
    seen = {_key(r): r for r in fetched}
    if previous is None:
        result.upserts = seen
        return result
    for key in sorted(previous.keys() | seen.keys(), key=_sort_key):
        before, after = _limit(previous.get(key)), _limit(seen.get(key))
        if before == after:
            if key in seen and seen[key] != previous.get(key):
                result.upserts[key] = seen[key]
            continue
        entry = seen.get(key) or {"id": int(key), "limit": None}
        timestamp = entry.get("timestamp")
        # "back in stock" has no timestamp of its own: the entry that ended tells one return from another
        since = (previous.get(key) or {}).get("timestamp")
        result.events.append(
            scope.make(
                StopListChanged,
                key,
                entry,
                timestamp,
                [before, after, timestamp, since],
                product_id=int(key),
                limit_before=before,
                limit_after=after,
                state=_state(after),
            )
        )
        if key in seen:
            result.upserts[key] = seen[key]
        else:
            result.removals.append(key)
    return result


def detect_products(
    scope: Scope, previous: Snapshot | None, fetched: Iterable[Record], gone: Iterable[str] = ()
) -> Detected:
    """The whole catalog: created, updated (which fields), and ``gone`` (confirmed 404) deleted."""
    result = Detected()
    seen = {_key(r): r for r in fetched}
    if previous is None:
        result.upserts = seen
        return result
    for key, record in seen.items():
        before = previous.get(key)
        if before is None:
            result.events.append(scope.make(ProductCreated, key, record, record.get("created_at"), None))
        else:
            changes = changed_fields(before, record)
            if not changes:
                continue
            change = [record.get("updated_at"), {k: record.get(k) for k in changes}]
            result.events.append(
                scope.make(ProductUpdated, key, record, record.get("updated_at"), change, changed=changes)
            )
        result.upserts[key] = record
    for key in sorted(set(gone), key=_sort_key):
        if key in previous and key not in seen:
            result.events.append(scope.make(ProductDeleted, key, previous[key], None, None))
            result.removals.append(key)
    return result


def _sort_key(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (0, key)
