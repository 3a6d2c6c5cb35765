"""Whether a stored receipt is the one a create_receipt call describes (the cid-conflict check)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel

from ..schemas.receipts.object import Receipt


def receipt_differences(sent: Any, stored: Receipt) -> list[str]:
    """What differs between the body sent and the stored receipt: total, payment amounts, product lines.

    Only what the call gave is compared; amounts compare as decimals (``12.5`` equals ``12.50``), and
    payments and product lines as multisets (their order does not matter). An empty list: the same receipt.
    """
    body = _plain(sent) if sent is not None else {}
    differences = []
    if "total" in body and _money(body["total"]) != _money(stored.total):
        differences.append(f"total ({body['total']} sent, {stored.total} stored)")
    if "payment_methods" in body:
        sent_amounts = Counter(_money(_plain(p).get("amount")) for p in body["payment_methods"] or [])
        stored_amounts = Counter(_money(p.amount) for p in _items(stored.payment_methods))
        if sent_amounts != stored_amounts:
            differences.append("payment amounts")
    if "receipt_products" in body:
        sent_lines = Counter(_line(_plain(line)) for line in body["receipt_products"] or [])
        stored_lines = Counter(_line(line.model_dump()) for line in _items(stored.receipt_products))
        if sent_lines != stored_lines:
            differences.append("product lines")
    return differences


def _plain(value: Any) -> dict[str, Any]:
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_unset=True)
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _money(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return None


def _line(line: dict[str, Any]) -> tuple[Any, Decimal | None]:
    return (line.get("product_id"), _money(line.get("count", 1)))
