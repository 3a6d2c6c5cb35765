"""What the console shows: one brand's state, read under the state lock, as plain rows for the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..demo_data import Record
from ..routes_orders import LIFECYCLE
from ..state import State
from ..venue_time import day_start, local_text, utc_now

#: At most this many rows per list (newest first): the page stays readable under a busy simulator.
ROWS = 50


@dataclass
class Glance:
    """One brand at a glance: venues, today's receipts, orders by status, stop list, the menu."""

    brand: str
    brands: list[str]
    today: str
    venues: list[Record] = field(default_factory=list)
    orders: dict[str, list[Record]] = field(default_factory=dict)
    order_counts: dict[str, int] = field(default_factory=dict)
    open_receipts: list[Record] = field(default_factory=list)
    closed_receipts: list[Record] = field(default_factory=list)
    receipts_today: dict[str, int] = field(default_factory=dict)
    receipts_total: int = 0
    stop_list: list[Record] = field(default_factory=list)
    products: list[Record] = field(default_factory=list)
    payment_methods: list[Record] = field(default_factory=list)


def _order_row(order: Record, names: dict[int, str]) -> Record:
    payload = order.get("payload") or {}
    lines = payload.get("products") or []
    total = sum(float(line.get("count") or 0) * float((line.get("meta") or {}).get("price") or 0) for line in lines)
    items = ", ".join(f"{line.get('count')}× {names.get(int(line['product_id']), '?')}" for line in lines)
    return {
        "id": order["id"],
        "venue_id": order.get("venue_id"),
        "status": order["status"],
        "created": order.get("_created") or order.get("created_at"),
        "customer": (payload.get("customer") or {}).get("name") or "",
        "items": items,
        "total": round(total, 2),
        "receipt_id": order.get("receipt_id"),
    }


def _receipt_row(receipt: Record) -> Record:
    paid = ", ".join(f"{p.get('name')} {p.get('amount')}" for p in receipt.get("payment_methods") or [])
    return {
        "id": receipt["id"],
        "venue_id": receipt.get("venue_id"),
        "status": receipt.get("status"),
        "source": receipt.get("source") or "",
        "created": receipt.get("created_at"),
        "closed": receipt.get("closed_at"),
        "total": receipt.get("total"),
        "paid": paid,
        "order_id": receipt.get("service_notification_id"),
    }


def glance(state: State, brand_name: str) -> Glance:
    """The brand's state now. "Today" is the day on the wall clock of the brand's first venue."""
    with state.lock:
        brand = state.brand(brand_name)
        zones = brand.receipts.historic.zones
        venues = sorted(brand.table("venues").values(), key=lambda v: int(v["id"]))
        tz = zones.of(venues[0]["id"] if venues else None)
        today = local_text(utc_now(), tz)[:10]
        view = Glance(brand_name, sorted(state.brands), today)
        view.venues = [
            {
                "id": v["id"],
                "name": v.get("name"),
                "address": v.get("address"),
                "status": v.get("status"),
                "zone": str(zones.of(v["id"])),
            }
            for v in venues
        ]
        catalog = brand.table("catalog")
        names = {int(pid): str(p.get("name")) for pid, p in catalog.items()}
        orders = sorted(brand.table("orders").values(), key=lambda o: int(o["id"]), reverse=True)
        for status in LIFECYCLE:
            chosen = [o for o in orders if o["status"] == status]
            view.order_counts[status] = len(chosen)
            view.orders[status] = [_order_row(o, names) for o in chosen[:ROWS]]
        start = day_start(utc_now().astimezone(tz).date(), tz) - timedelta(hours=14)  # the earliest zone's midnight
        receipts = [
            r
            for r in brand.receipts.records(brand.receipts.ids_by_created(start, None, descending=True))
            if str(r.get("created_at") or "")[:10] >= today
        ]
        open_ = [r for r in receipts if r.get("status") != 2]
        closed = [r for r in receipts if r.get("status") == 2]
        view.receipts_today = {"open": len(open_), "closed": len(closed)}
        view.open_receipts = [_receipt_row(r) for r in open_[:ROWS]]
        view.closed_receipts = [_receipt_row(r) for r in closed[:ROWS]]
        view.receipts_total = state.summary()[brand_name]["receipts"]
        view.stop_list = [
            {"id": pid, "name": names.get(int(pid), "?"), "limit": row.get("limit")}
            for pid, row in sorted(brand.table("stop_list").items())
        ]
        view.products = [
            {"id": p["id"], "name": p.get("name"), "type": p.get("type"), "price": p.get("price")}
            for p in sorted(brand.table("products").values(), key=lambda p: int(p["id"]))
        ]
        view.payment_methods = [
            {"id": m["id"], "name": m.get("name")}
            for m in sorted(brand.table("payment_methods").values(), key=lambda m: int(m["id"]))
        ]
        return view


def _public(row: Record) -> Record:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def state_document(state: State) -> dict[str, Any]:
    """The downloadable state: every brand's tables and its receipt changes (historic receipts are generated
    from the seed, so only their count is given). Tokens are left out."""
    with state.lock:
        brands: dict[str, Any] = {}
        for name, brand in state.brands.items():
            receipts = brand.receipts
            brands[name] = {
                "tables": {
                    table: [_public(rows[key]) for key in sorted(rows)]
                    for table, rows in brand.tables.items()
                    if table != "catalog"
                },
                "receipts": {
                    "historic": receipts.historic.count,
                    "created": [receipts.created[key] for key in sorted(receipts.created)],
                    "edited": [receipts.overrides[key] for key in sorted(receipts.overrides)],
                    "deleted": sorted(receipts.deleted),
                },
            }
        return {"generated_at": utc_now().isoformat(timespec="seconds"), "brands": brands}
