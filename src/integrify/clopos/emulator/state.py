"""The emulator's state: one ``BrandData`` per demo brand, tokens, and optional SQLite persistence.

Writes go through ``State.write()``: every row a write reaches by key (``table[id]``, ``table.get(id)``,
assignment, ``receipts.get/save/delete``) is noted with its previous value, so that a write which raises, or
leaves a value JSON cannot hold, is undone, and one that succeeds saves only the rows it changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import orjson

from . import demo_data
from .config import DEMO, DEMO2, Credentials, EmulatorConfig
from .demo_data import HistoricReceipts, Record
from .responses import ApiError
from .store import Row, Store
from .venue_time import VenueZones, venue_zones


class _Gone:
    """The previous value of a row that did not exist."""

    def __repr__(self) -> str:
        return "GONE"


GONE: Any = _Gone()


class Changes:
    """The rows one write reached, keyed by (kind, id), with their values before it (deep copies)."""

    def __init__(self) -> None:
        self.active = False
        self.before: dict[tuple[str, int], Any] = {}


class Table(dict[int, Record]):
    """One brand's table; rows reached by key during a write are noted in ``changes``."""

    def __init__(self, name: str, changes: Changes, rows: dict[int, Record]) -> None:
        super().__init__(rows)
        self.name = name
        self.changes = changes

    def _note(self, key: Any) -> None:
        if self.changes.active and (self.name, key) not in self.changes.before:
            value = dict.get(self, key, GONE)
            self.changes.before[(self.name, key)] = GONE if value is GONE else copy.deepcopy(value)

    def __getitem__(self, key: int) -> Record:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def __setitem__(self, key: int, value: Record) -> None:
        self._note(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: int) -> None:
        self._note(key)
        super().__delitem__(key)

    def pop(self, key: Any, *default: Any) -> Any:
        self._note(key)
        return super().pop(key, *default)

    def setdefault(self, key: int, default: Record) -> Record:
        self._note(key)
        return super().setdefault(key, default)

    def current(self, key: int) -> Any:
        return dict.get(self, key, GONE)

    def put(self, key: int, value: Any) -> None:
        """Set (or, with ``GONE``, remove) a row without noting it: undo and loading."""
        if value is GONE:
            dict.pop(self, key, None)
        else:
            dict.__setitem__(self, key, value)


class Receipts:
    """Historic receipts (generated from their index) plus created ones, with edits and deletions on top."""

    def __init__(self, historic: HistoricReceipts, changes: Changes) -> None:
        self.historic = historic
        self.changes = changes
        self.overrides: dict[int, Record] = {}
        self.deleted: set[int] = set()
        self.created: dict[int, Record] = {}
        self.cids: dict[str, int] = {}

    @property
    def next_id(self) -> int:
        return self.historic.count + len(self.created) + 1

    def _note(self, receipt_id: int) -> None:
        if self.changes.active and ("receipts", receipt_id) not in self.changes.before:
            self.changes.before[("receipts", receipt_id)] = copy.deepcopy(self.current(receipt_id))

    def current(self, receipt_id: int) -> dict[str, Any]:
        """What is stored for a receipt: its record (None while historic and unedited) and whether it is deleted."""
        record = self.created.get(receipt_id, self.overrides.get(receipt_id))
        return {"record": record, "deleted": receipt_id in self.deleted}

    def put(self, receipt_id: int, row: dict[str, Any]) -> None:
        """Set what ``current`` gives, without noting it: undo and loading."""
        target = self.created if receipt_id > self.historic.count else self.overrides
        old = target.pop(receipt_id, None)
        if old is not None and self.cids.get(str(old.get("cid"))) == receipt_id:
            del self.cids[str(old.get("cid"))]
        record, deleted = row["record"], bool(row["deleted"])
        if record is not None:
            target[receipt_id] = record
            if target is self.created and record.get("cid") and not deleted:
                self.cids[str(record["cid"])] = receipt_id
        if deleted:
            self.deleted.add(receipt_id)
        else:
            self.deleted.discard(receipt_id)

    def get(self, receipt_id: int) -> Record | None:
        self._note(receipt_id)
        if receipt_id in self.deleted:
            return None
        if receipt_id in self.created:
            return self.created[receipt_id]
        if 1 <= receipt_id <= self.historic.count:
            return self.overrides.get(receipt_id) or self.historic.build(receipt_id - 1)
        return None

    def by_cid(self, cid: str) -> Record | None:
        if cid in self.cids:
            return self.get(self.cids[cid])
        index = self.historic.index_of_cid(cid)
        return self.get(index + 1) if index is not None else None

    def save(self, record: Record) -> None:
        receipt_id = int(record["id"])
        self._note(receipt_id)
        if receipt_id <= self.historic.count:
            self.overrides[receipt_id] = record
        else:
            self.created[receipt_id] = record
            if record.get("cid"):
                self.cids[str(record["cid"])] = receipt_id

    def delete(self, receipt_id: int) -> None:
        self._note(receipt_id)
        self.deleted.add(receipt_id)
        record = self.created.get(receipt_id)
        if record is not None and record.get("cid"):
            self.cids.pop(str(record["cid"]), None)

    def ids_by_created(self, start: datetime | None, end: datetime | None, descending: bool) -> Sequence[int]:
        """Receipt ids with ``start <= created_at < end``, in created order (a range when nothing was deleted)."""
        low = self.historic.index_of_time(start) if start else 0
        high = self.historic.index_of_time(end) if end else self.historic.count
        historic: Sequence[int] = range(low + 1, high + 1)
        if self.deleted:
            historic = [rid for rid in historic if rid not in self.deleted]
        created = [
            rid
            for rid, record in self.created.items()
            if rid not in self.deleted and _in_range(str(record.get("created_at") or ""), start, end)
        ]
        if not created:
            return historic[::-1] if descending else historic
        both = [*historic, *sorted(created, key=lambda rid: (str(self.created[rid]["created_at"]), rid))]
        return both[::-1] if descending else both

    def records(self, ids: Iterable[int]) -> Iterator[Record]:
        for receipt_id in ids:
            record = self.get(receipt_id)
            if record is not None:
                yield record


def _in_range(text: str, start: datetime | None, end: datetime | None) -> bool:
    moment = text[:19]
    return (start is None or moment >= demo_data.fmt(start)) and (end is None or moment < demo_data.fmt(end))


COLLECTIONS = (
    "venues",
    "users",
    "customer_groups",
    "customers",
    "categories",
    "stations",
    "products",
    "stop_list",
    "sale_types",
    "payment_methods",
    "orders",
    "price_lists",
    "prices",
)


@dataclass
class BrandData:
    """Everything one brand has."""

    credentials: Credentials
    receipts: Receipts
    tables: dict[str, dict[int, Record]] = field(default_factory=dict)
    changes: Changes = field(default_factory=Changes)

    def table(self, name: str) -> dict[int, Record]:
        return self.tables[name]

    def next_id(self, name: str) -> int:
        return max(self.tables[name], default=0) + 1

    def changed(self) -> Iterator[tuple[str, int, Any]]:
        """(kind, id, value now) of every noted row whose value differs from before the write."""
        for (kind, key), before in self.changes.before.items():
            now = self.receipts.current(key) if kind == "receipts" else self._table(kind).current(key)
            if now != before:
                yield kind, key, now

    def undo(self) -> None:
        for (kind, key), before in self.changes.before.items():
            if kind == "receipts":
                self.receipts.put(key, before)
            else:
                self._table(kind).put(key, before)

    def load(self, kind: str, key: int, data: bytes | None) -> None:
        if kind == "receipts" and data is not None:
            self.receipts.put(key, orjson.loads(data))
        elif kind in COLLECTIONS:
            self._table(kind).put(key, GONE if data is None else orjson.loads(data))

    def _table(self, kind: str) -> Table:
        table = self.tables[kind]
        assert isinstance(table, Table)
        return table


def build_brand(
    credentials: Credentials, receipts: int, seed: int, end: datetime, zones: VenueZones | None = None
) -> BrandData:
    products = demo_data.products()
    catalog = {p["id"]: p for p in products}
    for product in products:
        for variant in product.get("modifications") or []:
            catalog[variant["id"]] = {**product, **variant, "type": "MODIFICATION"}
    lists, prices = demo_data.price_lists()
    historic = HistoricReceipts(receipts, seed, end, catalog, zones)
    rows: dict[str, list[Record]] = {
        "venues": demo_data.venues(),
        "users": demo_data.users(),
        "customer_groups": demo_data.customer_groups(),
        "customers": demo_data.customers(),
        "categories": demo_data.categories(),
        "stations": demo_data.stations(),
        "products": products,
        "stop_list": demo_data.stop_list(),
        "sale_types": demo_data.sale_types(),
        "payment_methods": demo_data.payment_methods(),
        "orders": demo_data.orders(historic, catalog),
        "price_lists": lists,
        "prices": prices,
    }
    changes = Changes()
    brand = BrandData(credentials, Receipts(historic, changes), changes=changes)
    brand.tables = {name: Table(name, changes, {int(r["id"]): r for r in rows[name]}) for name in COLLECTIONS}
    brand.tables["catalog"] = catalog
    return brand


@dataclass
class TokenInfo:
    brand: str
    venue_id: str
    generation: str
    integrator_id: str | None
    expires_at: float  # Unix seconds
    revoked: bool = False


class Saving:
    """The disk write of one change: done at once without ``--db``, else when its rows are committed."""

    def __init__(self) -> None:
        self.future: Future[None] | None = None

    def wait(self, timeout: float = 60) -> None:
        if self.future is not None:
            self.future.result(timeout)

    async def wait_async(self) -> None:
        if self.future is not None:
            await asyncio.wrap_future(self.future)


class State:
    """The whole emulator state; a lock serialises access (handlers are quick and in memory)."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.store = Store(config.db) if config.db else None
        self._writing = False
        self.reset()

    def reset(self, load: bool = True) -> None:
        with self.lock:
            day = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
            zones = venue_zones(self.config)
            self.brands = {
                DEMO.brand: build_brand(DEMO, self.config.receipts, self.config.seed, day, zones),
                DEMO2.brand: build_brand(DEMO2, min(self.config.receipts, 50), self.config.seed + 1, day, zones),
            }
            self.tokens: dict[str, TokenInfo] = {}
            if self.store is not None and load:
                for name, kind, key, data in self.store.load():
                    if name in self.brands:
                        self.brands[name].load(kind, key, data)

    def brand(self, name: str) -> BrandData:
        return self.brands[name]

    def credentials(self) -> list[Credentials]:
        return [brand.credentials for brand in self.brands.values()]

    @contextlib.contextmanager
    def write(self) -> Iterator[Saving]:
        """One change, under the lock: undone whole if it raises or leaves a value JSON cannot hold (400);
        otherwise its changed rows are queued for the SQLite file (``Saving`` tells when they are committed)."""
        saving = Saving()
        with self.lock:
            if self._writing:  # part of an enclosing write
                yield saving
                return
            self._writing = True
            brands = list(self.brands.items())
            for _, brand in brands:
                brand.changes.before.clear()
                brand.changes.active = True
            try:
                yield saving
                for _, brand in brands:
                    brand.changes.active = False
                rows = self._rows(brands)
            except BaseException:
                for _, brand in brands:
                    brand.changes.active = False
                    brand.undo()
                raise
            finally:
                self._writing = False
                for _, brand in brands:
                    brand.changes.before.clear()
            if rows and self.store is not None:
                saving.future = self.store.submit(rows)

    @staticmethod
    def _rows(brands: list[tuple[str, BrandData]]) -> list[Row]:
        rows: list[Row] = []
        for name, brand in brands:
            for kind, key, value in brand.changed():
                try:
                    data = None if value is GONE else orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
                except (TypeError, orjson.JSONEncodeError) as error:
                    raise ApiError(400, "validation_failed", f"The change cannot be stored: {error}") from None
                rows.append((name, kind, key, data))
        return rows

    def wipe(self) -> Saving:
        """Reset to the demo data, dropping what the SQLite file holds."""
        saving = Saving()
        with self.lock:
            if self.store is not None:
                saving.future = self.store.submit(None)
            self.reset(load=False)
        return saving

    def close(self) -> None:
        """Commit what is queued and close the SQLite file (the state stays readable in memory)."""
        if self.store is not None:
            self.store.close()

    def summary(self) -> dict[str, dict[str, int]]:
        with self.lock:
            result = {}
            for name, brand in self.brands.items():
                counts = {table: len(rows) for table, rows in brand.tables.items() if table != "catalog"}
                receipts = brand.receipts
                counts["receipts"] = receipts.historic.count + len(receipts.created) - len(receipts.deleted)
                result[name] = counts
            return result


def clone(record: Record) -> Record:
    return copy.deepcopy(record)
