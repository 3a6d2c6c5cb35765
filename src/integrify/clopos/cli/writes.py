"""Writes: create and change customers, orders and receipts; ``orders watch``.

Each write prints one line for people, or the resulting object with ``--json``.
"""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from integrify.clopos import UNSET, CloposError
from integrify.clopos.schemas.enums import ORDER_LIFECYCLE, RECEIPT_ORDER_STATUSES

from .checks import day
from .errors import CliError
from .output import console, emit_one, errors, number
from .state import options

JSON_OUT = typer.Option(False, "--json", help="Print the resulting object as JSON.")


def read_json(path: Path, flag: str = "--file") -> dict[str, Any]:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CliError(f"{flag} {path}: not valid JSON ({error.msg} at line {error.lineno})") from None
    except OSError as error:
        raise CliError(f"{flag} {path}: {error.strerror}") from None
    if not isinstance(data, dict):
        raise CliError(f"{flag} {path}: expected a JSON object")
    return data


def done(item: Any, as_json: bool, line: str) -> None:
    if as_json:
        emit_one(item, "json")
    else:
        console.print(line, highlight=False)


def upper_choice(value: str, flag: str, allowed: frozenset[str]) -> str:
    upper = value.strip().upper()
    if upper not in allowed:
        raise CliError(f"{flag}: {value!r} is not one of {', '.join(sorted(allowed))} (any case)")
    return upper


# -- customers ------------------------------------------------------------------------------


def customers_create(
    name: str = typer.Option(..., "--name"),
    phone: str = typer.Option(None, "--phone"),
    email: str = typer.Option(None, "--email"),
    code: str = typer.Option(None, "--code", help="Unique customer code."),
    cid: str = typer.Option(None, "--cid", help="Your unique id for the customer."),
    description: str = typer.Option(None, "--description"),
    group_id: int = typer.Option(None, "--group-id", min=1),
    gender: str = typer.Option(None, "--gender", help="male or female."),
    date_of_birth: str = typer.Option(None, "--date-of-birth", help="YYYY-MM-DD."),
    as_json: bool = JSON_OUT,
) -> None:
    """Create a customer (phone, code and cid are unique: a repeat is refused by the API)."""
    genders = {"male": 1, "female": 2}
    if gender is not None and gender.lower() not in genders:
        raise CliError(f"--gender: {gender!r} is not male or female")
    fields: dict[str, Any] = {
        "email": email,
        "phone": phone,
        "code": code,
        "cid": cid,
        "description": description,
        "group_id": group_id,
        "gender": genders[gender.lower()] if gender else None,
        "date_of_birth": day(date_of_birth, "--date-of-birth"),
    }
    given = {key: value for key, value in fields.items() if value is not None}
    customer = options().client().create_customer(name, **given).unwrap().data
    done(customer, as_json, f"customer {customer.id} created: {customer.name}")


# -- orders ---------------------------------------------------------------------------------


def orders_create(
    file: Path = typer.Option(..., "--file", help="Order JSON: customer_id, payload, meta ('-' = stdin)."),
    as_json: bool = JSON_OUT,
) -> None:
    """Create an order (it reaches the POS as PENDING)."""
    data = read_json(file)
    unknown = set(data) - {"customer_id", "payload", "meta"}
    if unknown:
        raise CliError(f"--file: unknown field {sorted(unknown)[0]!r} (expected customer_id, payload, meta)")
    order = options().client().create_order(**data).unwrap().data
    done(order, as_json, f"order {order.id} created: {order.status}")


def orders_set_status(
    order_id: int = typer.Argument(..., metavar="ID"),
    status: str = typer.Argument(..., help="IGNORE (the API allows only that one)."),
    as_json: bool = JSON_OUT,
) -> None:
    """Change an order's status (the API allows IGNORE)."""
    wanted = upper_choice(status, "STATUS", ORDER_LIFECYCLE)
    order = options().client().update_order(order_id, wanted).unwrap().data
    done(order, as_json, f"order {order.id}: {order.status}")


def orders_watch(
    interval: float = typer.Option(5.0, "--interval", min=0.05, help="Seconds between polls."),
    jsonl: bool = typer.Option(False, "--jsonl", help="One JSON object per change."),
    max_polls: int = typer.Option(0, "--max-polls", hidden=True),
) -> None:
    """Print each order status change from now on, until Ctrl-C; survives faults and token expiry."""
    client = options().client()
    known: dict[int, str] | None = None  # None until the first poll, which sets what "no change" means
    polls = 0
    wait = interval
    try:
        while max_polls <= 0 or polls < max_polls:
            polls += 1
            try:
                current = {o.id: str(o.status) for o in client.get_orders.iter(limit=100) if isinstance(o.id, int)}
                before = known or {}
                changes = (
                    [] if known is None else [(i, before.get(i), s) for i, s in current.items() if before.get(i) != s]
                )
                known = current
                for order_id, old, new in changes:
                    if jsonl:
                        sys.stdout.write(json.dumps({"id": order_id, "from": old, "to": new}) + "\n")
                        sys.stdout.flush()
                    else:
                        console.print(f"order {order_id}: {old or 'new'} → [bold]{new}[/]", highlight=False)
                wait = interval
            except CloposError as error:
                errors.print(f"[yellow]warning:[/] {error}; retrying in {wait:.0f}s", highlight=False)
                wait = min(wait * 2, 60.0)
            if max_polls <= 0 or polls < max_polls:
                time.sleep(wait)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None  # Ctrl-C is how a watch ends


# -- receipts -------------------------------------------------------------------------------


def parse_payments(values: list[str], methods: list[Any]) -> list[dict[str, Any]]:
    """``cash=10.50`` → the brand's payment method named like it (case-insensitive), with the amount."""
    by_name = {m.name.lower(): m for m in methods}
    result = []
    for value in values:
        name, sep, amount = value.partition("=")
        if not sep:
            raise CliError(f"--pay: expected NAME=AMOUNT, not {value!r}")
        method = by_name.get(name.strip().lower())
        if method is None:
            raise CliError(f"--pay: no payment method {name!r}; one of {', '.join(by_name)}")
        try:
            paid = Decimal(amount)
        except ArithmeticError:
            raise CliError(f"--pay: amount must be a number, not {amount!r}") from None
        if not paid.is_finite() or paid <= 0:
            raise CliError(f"--pay: amount must be above 0, not {amount!r}")
        result.append({"id": method.id, "name": method.name, "amount": float(paid)})
    return result


def receipts_create(
    file: Path = typer.Option(..., "--file", help="Receipt JSON (cid, payment_methods, user_id, ...; '-' = stdin)."),
    as_json: bool = JSON_OUT,
) -> None:
    """Store a closed receipt (generation 1); safe to retry, its cid is unique."""
    data = read_json(file)
    for key in ("cid", "payment_methods", "user_id"):
        if key not in data:
            raise CliError(f"--file: {key} is required")
    receipt = options().client().create_receipt(**data).unwrap().data
    done(receipt, as_json, f"receipt {receipt.id} stored: cid {receipt.cid}, total {number(receipt.total):.2f}")


UPDATABLE = (
    "cid",
    "delivery_fee",
    "description",
    "order_number",
    "order_status",
    "guests",
    "discount_rate",
    "discount_type",
    "discount_value",
    "customer_id",
    "closed_at",
    "meta_customer",
)


def receipts_update(
    receipt_id: int = typer.Argument(..., metavar="ID"),
    file: Path = typer.Option(..., "--file", help=f"JSON with any of: {', '.join(UPDATABLE)} ('-' = stdin)."),
    as_json: bool = JSON_OUT,
) -> None:
    """Update a receipt's fields (PUT); the cid defaults to the receipt's own."""
    data = read_json(file)
    unknown = set(data) - set(UPDATABLE)
    if unknown:
        raise CliError(f"--file: unknown field {sorted(unknown)[0]!r} (expected {', '.join(UPDATABLE)})")
    client = options().client()
    cid = data.pop("cid", None) or str(client.get_receipt_by_id(receipt_id).unwrap().data.cid or "")
    receipt = client.update_receipt(receipt_id, cid, **data).unwrap().data
    done(receipt, as_json, f"receipt {receipt.id} updated: " + ", ".join(sorted(data)))


def receipts_close(
    receipt_id: int = typer.Argument(..., metavar="ID"),
    pay: list[str] = typer.Option(..., "--pay", help="NAME=AMOUNT, e.g. cash=10.50 (repeatable)."),
    closed_at: str = typer.Option(None, "--closed-at", help="YYYY-MM-DD HH:MM:SS (default: now)."),
    partial: bool = typer.Option(False, "--partial", help="Allow payments below the total (the rest stays due)."),
    as_json: bool = JSON_OUT,
) -> None:
    """Close an open receipt with its payments; they must add up to its total."""
    client = options().client()
    payments = parse_payments(pay, list(client.get_payment_methods.iter(limit=100)))
    receipt = client.get_receipt_by_id(receipt_id).unwrap().data
    if receipt.status == 2 or receipt.closed_at:
        raise CliError(f"receipt {receipt_id} is already closed (at {receipt.closed_at or 'an unknown time'})")
    total = Decimal(str(number(receipt.total))).quantize(Decimal("0.01"))
    paid = sum((Decimal(str(p["amount"])) for p in payments), Decimal(0)).quantize(Decimal("0.01"))
    if paid > total or (paid < total and not partial):
        more = "" if paid > total else " (or --partial to leave the rest due)"
        raise CliError(f"--pay: the payments add up to {paid}, the receipt's total is {total}{more}")
    closed = client.close_receipt(receipt_id, str(receipt.cid or ""), payments, closed_at or UNSET).unwrap().data
    line = f"receipt {receipt_id} closed: " + ", ".join(f"{p['name']} {p['amount']:.2f}" for p in payments)
    done(closed, as_json, line)


def receipts_patch(
    receipt_id: int = typer.Argument(..., metavar="ID"),
    fiscal_id: str = typer.Option(None, "--fiscal-id"),
    order_status: str = typer.Option(None, "--order-status", help=", ".join(sorted(RECEIPT_ORDER_STATUSES))),
    order_number: str = typer.Option(None, "--order-number"),
    lock: bool = typer.Option(None, "--lock/--unlock"),
    as_json: bool = JSON_OUT,
) -> None:
    """Set fiscal id, order status, order number or lock (also on closed receipts)."""
    status = upper_choice(order_status, "--order-status", RECEIPT_ORDER_STATUSES) if order_status else None
    changes = {"fiscal_id": fiscal_id, "order_status": status, "order_number": order_number, "lock": lock}
    given = [key for key, value in changes.items() if value is not None]
    if not given:
        raise CliError("nothing to change: pass --fiscal-id, --order-status, --order-number or --lock/--unlock")
    receipt = (
        options()
        .client()
        .update_closed_receipt(
            receipt_id,
            order_status=UNSET if status is None else status,
            order_number=UNSET if order_number is None else order_number,
            fiscal_id=UNSET if fiscal_id is None else fiscal_id,
            lock=UNSET if lock is None else lock,
        )
        .unwrap()
        .data
    )
    done(receipt, as_json, f"receipt {receipt.id}: " + ", ".join(f"{k}={getattr(receipt, k)}" for k in given))


def receipts_delete(
    receipt_id: int = typer.Argument(..., metavar="ID"),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask (needed when not on a terminal)."),
    as_json: bool = JSON_OUT,
) -> None:
    """Delete a receipt for good (generation 1)."""
    if not yes:
        if not sys.stdin.isatty():
            raise CliError("receipts delete asks for confirmation, and this is not a terminal: pass --yes")
        if not typer.confirm(f"Delete receipt {receipt_id} for good?"):
            raise typer.Exit(1)
    options().client().delete_receipt(receipt_id).unwrap()
    done({"id": receipt_id, "deleted": True}, as_json, f"receipt {receipt_id} deleted")


def register(apps: dict[str, typer.Typer]) -> None:
    apps["customers"].command("create")(customers_create)
    apps["orders"].command("create")(orders_create)
    apps["orders"].command("set-status")(orders_set_status)
    apps["orders"].command("watch")(orders_watch)
    apps["receipts"].command("create")(receipts_create)
    apps["receipts"].command("update")(receipts_update)
    apps["receipts"].command("close")(receipts_close)
    apps["receipts"].command("patch")(receipts_patch)
    apps["receipts"].command("delete")(receipts_delete)
