"""Helpers for the dlt tests: what the emulator holds, per destination table, and a private dlt home."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from integrify.clopos import CloposSyncClient
from integrify.clopos.emulator import Emulator

pytest.importorskip("dlt")

CATALOG = (
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
    "receipts",
)


@pytest.fixture
def dlt_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A test's own folder: current directory and dlt's data folder (no state shared between tests)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))
    return tmp_path


def size(value: object) -> int:
    """Items of a list field (0 when unset or null)."""
    return len(value) if isinstance(value, list) else 0


def expected_counts(emulator: Emulator, client: CloposSyncClient, v2: bool = False) -> dict[str, int]:
    """Rows each table should hold: the emulator's collections, and the nested lists as child tables."""
    summary = emulator.state.summary()[emulator.credentials.brand]
    counts = {name: summary[name] for name in CATALOG}
    if v2:
        counts.update(price_lists=summary["price_lists"], prices=summary["prices"])
    receipts = list(client.get_receipts.iter(limit=200))
    counts["receipts__receipt_products"] = sum(size(r.receipt_products) for r in receipts)
    counts["receipts__payment_methods"] = sum(size(r.payment_methods) for r in receipts)
    products = list(client.get_products.iter(limit=100, with_=["modificator_groups"]))
    counts["products__modificator_groups"] = sum(size(p.modificator_groups) for p in products)
    return counts


def change_receipts(client: CloposSyncClient) -> dict[str, Any]:
    """After a first load: two new receipts, the second newest edited, the third newest deleted."""
    newest = client.get_receipts(limit=3, sort_order=-1).unwrap().data
    edited, deleted = newest[1].id, newest[2].id
    client.update_closed_receipt(edited, fiscal_id="FISCAL-EDITED").unwrap()
    client.delete_receipt(deleted).unwrap()
    created = [
        client.create_receipt(
            cid=str(uuid.uuid4()),
            payment_methods=[{"id": 1, "name": "Cash", "amount": 7.5}],
            user_id=1,
            total=7.5,
            subtotal=7.5,
            receipt_products=[{"product_id": 1, "count": 1, "price": 7.5, "total": 7.5}],
        )
        .unwrap()
        .data.id
        for _ in range(2)
    ]
    return {"edited": edited, "deleted": deleted, "created": created}
