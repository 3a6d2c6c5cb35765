"""The emulator's state: one ``BrandData`` per demo brand, tokens, and optional SQLite persistence."""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from . import demo_data
from .config import DEMO, DEMO2, Credentials, EmulatorConfig
from .demo_data import HistoricReceipts, Record


class Receipts:
    """Historic receipts (generated from their index) plus created ones, with edits and deletions on top."""

    def __init__(self, historic: HistoricReceipts) -> None:
        self.historic = historic
        self.overrides: dict[int, Record] = {}
        self.deleted: set[int] = set()
        self.created: dict[int, Record] = {}
        self.cids: dict[str, int] = {}

    @property
    def next_id(self) -> int:
        return self.historic.count + len(self.created) + 1

    def get(self, receipt_id: int) -> Record | None:
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
        if receipt_id <= self.historic.count:
            self.overrides[receipt_id] = record
        else:
            self.created[receipt_id] = record
            if record.get("cid"):
                self.cids[str(record["cid"])] = receipt_id

    def delete(self, receipt_id: int) -> None:
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

    def mutable(self) -> dict[str, Any]:
        return {"overrides": self.overrides, "deleted": sorted(self.deleted), "created": self.created}

    def restore(self, data: dict[str, Any]) -> None:
        self.overrides = {int(k): v for k, v in data.get("overrides", {}).items()}
        self.deleted = set(data.get("deleted", []))
        self.created = {int(k): v for k, v in data.get("created", {}).items()}
        self.cids = {str(r["cid"]): rid for rid, r in self.created.items() if r.get("cid")}


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

    def table(self, name: str) -> dict[int, Record]:
        return self.tables[name]

    def next_id(self, name: str) -> int:
        return max(self.tables[name], default=0) + 1


def build_brand(credentials: Credentials, receipts: int, seed: int, end: datetime) -> BrandData:
    products = demo_data.products()
    catalog = {p["id"]: p for p in products}
    for product in products:
        for variant in product.get("modifications") or []:
            catalog[variant["id"]] = {**product, **variant, "type": "MODIFICATION"}
    lists, prices = demo_data.price_lists()
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
        "orders": demo_data.orders(end, catalog),
        "price_lists": lists,
        "prices": prices,
    }
    brand = BrandData(credentials, Receipts(HistoricReceipts(receipts, seed, end, catalog)))
    brand.tables = {name: {int(r["id"]): r for r in rows[name]} for name in COLLECTIONS}
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


class State:
    """The whole emulator state; a lock serialises changes (handlers are quick and in memory)."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            day = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
            self.brands = {
                DEMO.brand: build_brand(DEMO, self.config.receipts, self.config.seed, day),
                DEMO2.brand: build_brand(DEMO2, min(self.config.receipts, 50), self.config.seed + 1, day),
            }
            self.tokens: dict[str, TokenInfo] = {}
            self._load()

    def brand(self, name: str) -> BrandData:
        return self.brands[name]

    def credentials(self) -> list[Credentials]:
        return [brand.credentials for brand in self.brands.values()]

    # -- persistence ------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection | None:
        if not self.config.db:
            return None
        connection = sqlite3.connect(self.config.db)
        connection.execute("CREATE TABLE IF NOT EXISTS brand_state (brand TEXT PRIMARY KEY, data TEXT NOT NULL)")
        return connection

    def persist(self) -> None:
        """Write the changed part of every brand (not the generated history) to the SQLite file."""
        connection = self._connect()
        if connection is None:
            return
        with connection:
            for name, brand in self.brands.items():
                data = {"receipts": brand.receipts.mutable(), "tables": brand.tables}
                connection.execute(
                    "INSERT OR REPLACE INTO brand_state VALUES (?, ?)", (name, json.dumps(data, default=str))
                )
        connection.close()

    def _load(self) -> None:
        connection = self._connect()
        if connection is None:
            return
        for name, text in connection.execute("SELECT brand, data FROM brand_state"):
            if name in self.brands:
                data = json.loads(text)
                self.brands[name].receipts.restore(data["receipts"])
                self.brands[name].tables = {
                    table: {int(k): v for k, v in rows.items()} for table, rows in data["tables"].items()
                }
        connection.close()

    def wipe(self) -> None:
        """Reset to the demo data, dropping what the SQLite file holds."""
        connection = self._connect()
        if connection is not None:
            with connection:
                connection.execute("DELETE FROM brand_state")
            connection.close()
        self.reset()

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
