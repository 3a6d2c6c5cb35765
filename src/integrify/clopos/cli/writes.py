"""Writes: create and change orders and receipts; ``orders watch``."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import typer

from integrify.clopos import UNSET, CloposError, CloposValidationError

from .errors import friendly
from .output import console, emit_one, errors
from .state import options


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data


@friendly
def orders_create(
    file: Path = typer.Option(..., "--file", help="Order JSON: customer_id, payload, meta ('-' = stdin)."),
) -> None:
    """Create an order (it reaches the POS as PENDING)."""
    data = read_json(file)
    unknown = set(data) - {"customer_id", "payload", "meta"}
    if unknown:
        raise CloposValidationError(sorted(unknown)[0], "unknown field (expected customer_id, payload, meta)")
    order = options().client().create_order(**data).unwrap().data
    emit_one(order, "json")


@friendly
def orders_set_status(order_id: int = typer.Argument(..., metavar="ID"), status: str = typer.Argument(...)) -> None:
    """Change an order's status (the API allows IGNORE)."""
    order = options().client().update_order(order_id, status.upper()).unwrap().data
    console.print(f"order {order.id}: {order.status}")


@friendly
def orders_watch(
    interval: float = typer.Option(5.0, "--interval", help="Seconds between polls."),
    jsonl: bool = typer.Option(False, "--jsonl", help="One JSON object per change."),
    max_polls: int = typer.Option(0, "--max-polls", hidden=True),
) -> None:
    """Print each order status change as it happens, until Ctrl-C; survives faults and token expiry."""
    client = options().client()
    known: dict[int, str] = {}
    polls = 0
    wait = interval
    while max_polls <= 0 or polls < max_polls:
        polls += 1
        try:
            for order in client.get_orders.iter(limit=100):
                status = str(order.status)
                if not isinstance(order.id, int) or known.get(order.id) == status:
                    continue
                previous = known.get(order.id)
                known[order.id] = status
                change = {"id": order.id, "from": previous, "to": status, "receipt_id": order.receipt_id}
                if jsonl:
                    sys.stdout.write(json.dumps(change) + "\n")
                    sys.stdout.flush()
                else:
                    console.print(f"order {order.id}: {previous or 'new'} → [bold]{status}[/]", highlight=False)
            wait = interval
        except CloposError as error:
            errors.print(f"[yellow]warning:[/] {error}; retrying in {wait:.0f}s", highlight=False)
            wait = min(wait * 2, 60.0)
        if max_polls <= 0 or polls < max_polls:
            time.sleep(wait)


def parse_payments(values: list[str], methods: list[Any]) -> list[dict[str, Any]]:
    """``cash=10.50`` → the brand's payment method named like it (case-insensitive), with the amount."""
    by_name = {m.name.lower(): m for m in methods}
    result = []
    for value in values:
        name, sep, amount = value.partition("=")
        if not sep:
            raise CloposValidationError("--pay", f"expected NAME=AMOUNT, not {value!r}")
        method = by_name.get(name.strip().lower())
        if method is None:
            raise CloposValidationError("--pay", f"no payment method {name!r}; one of {', '.join(by_name)}")
        try:
            number = float(amount)
        except ValueError:
            raise CloposValidationError("--pay", f"amount must be a number, not {amount!r}") from None
        result.append({"id": method.id, "name": method.name, "amount": number})
    return result


@friendly
def receipts_create(
    file: Path = typer.Option(..., "--file", help="Receipt JSON (cid, payment_methods, user_id, ...)."),
) -> None:
    """Store a closed receipt (generation 1); safe to retry, its cid is unique."""
    data = read_json(file)
    for key in ("cid", "payment_methods", "user_id"):
        if key not in data:
            raise CloposValidationError(key, "is required")
    receipt = options().client().create_receipt(**data).unwrap().data
    emit_one(receipt, "json")


@friendly
def receipts_close(
    receipt_id: int = typer.Argument(..., metavar="ID"),
    pay: list[str] = typer.Option(..., "--pay", help="NAME=AMOUNT, e.g. cash=10.50 (repeatable)."),
    closed_at: str = typer.Option(None, "--closed-at", help="YYYY-MM-DD HH:MM:SS (default: now)."),
) -> None:
    """Close an open receipt with its payments."""
    client = options().client()
    payments = parse_payments(pay, list(client.get_payment_methods.iter(limit=100)))
    receipt = client.get_receipt_by_id(receipt_id).unwrap().data
    client.close_receipt(receipt_id, str(receipt.cid or ""), payments, closed_at or UNSET).unwrap()
    console.print(f"receipt {receipt_id} closed: " + ", ".join(f"{p['name']} {p['amount']:.2f}" for p in payments))


@friendly
def receipts_patch(
    receipt_id: int = typer.Argument(..., metavar="ID"),
    fiscal_id: str = typer.Option(None, "--fiscal-id"),
    order_status: str = typer.Option(None, "--order-status"),
    order_number: str = typer.Option(None, "--order-number"),
    lock: bool = typer.Option(None, "--lock/--unlock"),
) -> None:
    """Set fiscal id, order status, order number or lock (also on closed receipts)."""
    receipt = (
        options()
        .client()
        .update_closed_receipt(
            receipt_id,
            order_status=UNSET if order_status is None else order_status.upper(),
            order_number=UNSET if order_number is None else order_number,
            fiscal_id=UNSET if fiscal_id is None else fiscal_id,
            lock=UNSET if lock is None else lock,
        )
        .unwrap()
        .data
    )
    shown = [
        k
        for k, v in (
            ("fiscal_id", fiscal_id),
            ("order_status", order_status),
            ("order_number", order_number),
            ("lock", lock),
        )
        if v is not None
    ]
    console.print(f"receipt {receipt.id}: " + ", ".join(f"{k}={getattr(receipt, k)}" for k in shown), highlight=False)


@friendly
def receipts_delete(
    receipt_id: int = typer.Argument(..., metavar="ID"),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask."),
) -> None:
    """Delete a receipt for good (generation 1)."""
    if not yes and not typer.confirm(f"Delete receipt {receipt_id} for good?"):
        raise typer.Exit(1)
    options().client().delete_receipt(receipt_id).unwrap()
    console.print(f"receipt {receipt_id} deleted")


def register(apps: dict[str, typer.Typer]) -> None:
    apps["orders"].command("create")(orders_create)
    apps["orders"].command("set-status")(orders_set_status)
    apps["orders"].command("watch")(orders_watch)
    apps["receipts"].command("create")(receipts_create)
    apps["receipts"].command("close")(receipts_close)
    apps["receipts"].command("patch")(receipts_patch)
    apps["receipts"].command("delete")(receipts_delete)
