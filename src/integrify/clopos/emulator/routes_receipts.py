"""Receipts: list and read, create/PUT/DELETE (generation 1), PATCH (both), close and stock operations (v2)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from starlette.responses import Response

from .context import Ctx, api
from .demo_data import Record, fmt, line_defaults, receipt_customer, receipt_defaults, receipt_meta
from .listing import matches, page_window
from .query import as_list, filter_pairs, with_values
from .responses import ApiError, FastJSONResponse, ok
from .routes_orders import date_range
from .state import clone
from .venue_time import ONE_SECOND, from_client, local_text, parse_local, unix_ms, utc_now, venue_zones, zone_of

RECEIPT_SORTS = ("id", "created_at", "updated_at", "closed_at", "total")
ORDER_STATUSES = ("NEW", "SCHEDULED", "IN_PROGRESS", "READY", "PICKED_UP", "COMPLETED", "CANCELLED")


def _invalid(message: str = "Invalid field values provided") -> ApiError:
    return ApiError(400, "validation_failed", message)


def find_receipt(ctx: Ctx) -> Record:
    try:
        record = ctx.brand.receipts.get(int(ctx.param("id")))
    except ValueError:
        record = None
    if record is None:
        raise ApiError(404, "not_found", "Receipt not found")
    return clone(record)


def receipt_view(ctx: Ctx, record: Record) -> Record:
    if ctx.generation == "v2" and not any(w.startswith("receipt_products") for w in with_values(ctx.query)):
        return {k: v for k, v in record.items() if k != "receipt_products"}
    return record


@api
def list_receipts(ctx: Ctx) -> Response:
    page, limit = page_window(ctx, 200, 50)
    spec = as_list(ctx.query.get("sort")) or ["created_at", "-1"]
    field, direction = str(spec[0]), str(spec[1]) if len(spec) > 1 else "-1"
    if field not in RECEIPT_SORTS or direction not in ("1", "-1"):
        raise ApiError(400, "invalid_parameter", f"sort must be one of {', '.join(RECEIPT_SORTS)} with 1 or -1")
    start, end = date_range(ctx)
    receipts = ctx.brand.receipts
    pairs = filter_pairs(ctx.query)
    if "filters" in ctx.query and not pairs:
        raise ApiError(400, "invalid_parameter", "Invalid filter parameters")
    cid = next((str(v) for f, v in pairs if f == "cid"), None)
    ids: Sequence[int]
    if cid is not None:
        found = receipts.by_cid(cid)
        ids = [int(found["id"])] if found is not None else []
    else:
        ids = receipts.ids_by_created(start, end, descending=direction == "-1")
    if pairs or field not in ("created_at", "id"):
        records = [
            r
            for r in receipts.records(ids)
            if all(matches(r, f, v) for f, v in pairs)
            and (start is None or str(r.get("created_at")) >= fmt(start))
            and (end is None or str(r.get("created_at")) < fmt(end))
        ]
        if field not in ("created_at", "id"):
            records.sort(key=lambda r: (r.get(field) is None, str(r.get(field) or "")), reverse=direction == "-1")
        total = len(records)
        data = records[(page - 1) * limit : page * limit]
    else:
        total = len(ids)
        data = list(receipts.records(ids[(page - 1) * limit : page * limit]))
    # Records are only read here (and serialised at once), so no copy is needed.
    return ok([receipt_view(ctx, r) for r in data], total=total, sorts=list(RECEIPT_SORTS))


@api
def get_receipt(ctx: Ctx) -> Response:
    return ok(find_receipt(ctx) if ctx.generation == "v1" else receipt_view(ctx, find_receipt(ctx)))


def parse_time(value: Any, field: str, tz: tzinfo) -> datetime:
    """A time the client sent: Unix ms or seconds (UTC), or ``YYYY-MM-DD HH:MM:SS`` on the venue's clock."""
    try:
        return from_client(value, tz)
    except (OverflowError, OSError):
        raise _invalid(f"{field} is out of range") from None
    except ValueError:
        raise _invalid(f"{field} must be 'YYYY-MM-DD HH:MM:SS' (venue time) or Unix milliseconds") from None


def receipt_zone(ctx: Ctx, record: Record) -> ZoneInfo:
    """The zone of the receipt's own venue (its local-time fields are written in it)."""
    return venue_zones(ctx.state.config).of(record.get("venue_id"))


def check_closed_after(closed: str, created: Any) -> None:
    """Seed 002: closed_at "Must be greater than created_at"; both are venue-local, so equal is refused."""
    if created and closed <= str(created):
        raise _invalid("closed_at must be greater than created_at")


#: PHP's ``is_numeric``, which Laravel's ``numeric`` rule uses: "12", "12.50", ".5", "1e3", with a sign.
_NUMERIC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def money(value: Any, field: str) -> int | float:
    """An amount: a JSON number, or a numeric string as a Laravel ``numeric`` rule accepts it ("12.50");
    always answered as a JSON number."""
    if isinstance(value, str) and _NUMERIC.match(value.strip()):
        text = value.strip()
        number = int(text) if text.lstrip("+-").isdigit() else float(text)
        if isinstance(number, float) and not math.isfinite(number):
            raise _invalid(f"{field} must be a number")
        return number
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _invalid(f"{field} must be a number")
    return value


def check_payments(methods: Any, ctx: Ctx) -> list[Record]:
    if not isinstance(methods, list) or not methods:
        raise _invalid("payment_methods must have at least one payment method")
    known = ctx.brand.table("payment_methods")
    result = []
    for index, method in enumerate(methods):
        if not isinstance(method, dict) or any(method.get(k) in (None, "") for k in ("id", "name", "amount")):
            raise _invalid(f"payment_methods[{index}] needs id, name and amount")
        if not isinstance(method["id"], int) or method["id"] not in known:
            raise _invalid(f"payment_methods[{index}].id does not exist")
        amount = money(method["amount"], f"payment_methods[{index}].amount")
        result.append({"id": method["id"], "name": method["name"], "amount": amount})
    return result


def _number(body: Record, key: str, default: Any = 0) -> Any:
    value = body.get(key, default)
    return None if value is None else money(value, key)


#: Amounts of ``POST /receipts`` (numbers, or numeric strings).
MONEY = (
    "by_cash",
    "by_card",
    "discount_rate",
    "discount_value",
    "delivery_fee",
    "gift_total",
    "original_subtotal",
    "remaining",
    "rps_discount",
    "service_charge",
    "service_charge_value",
    "subtotal",
    "total_tax",
)


@api
def create_receipt(ctx: Ctx) -> Response:
    """Seed 000: stores a closed receipt; ``closed_at: ""`` (seed 002's "keep open") stores an open one.
    Times the client leaves out never break seed 002's rule: a missing ``created_at`` is a second before
    ``closed_at`` (or now), a missing ``closed_at`` a second after ``created_at`` (at least now)."""
    body = ctx.body
    if not isinstance(body, dict):
        raise _invalid("The request body must be a JSON object")
    cid = body.get("cid")
    if not isinstance(cid, str) or not cid:
        raise _invalid("cid is required")
    payments = check_payments(body.get("payment_methods"), ctx)
    user_id = body.get("user_id")
    if not isinstance(user_id, int) or user_id not in ctx.brand.table("users"):
        raise _invalid("user_id is required and must be an existing user")
    receipts = ctx.brand.receipts
    if receipts.by_cid(cid) is not None:
        raise ApiError(409, "conflict", "A receipt with this cid already exists")
    tz = zone_of(ctx)
    now = utc_now().replace(microsecond=0)
    sent = {key: body.get(key) not in (None, "") for key in ("created_at", "closed_at")}
    created = parse_time(body["created_at"], "created_at", tz) if sent["created_at"] else None
    closed = parse_time(body["closed_at"], "closed_at", tz) if sent["closed_at"] else None
    if created is None:
        created = min(now, closed - ONE_SECOND) if closed is not None else now - ONE_SECOND
    keep_open = body.get("closed_at") == ""
    if closed is None:
        closed = max(now, created + ONE_SECOND)
    opened_text, closed_text = local_text(created, tz), local_text(closed, tz)
    check_closed_after(closed_text, opened_text)
    last_change, last_text = (created, opened_text) if keep_open else (closed, closed_text)
    total = _number(body, "total", round(sum(float(p["amount"]) for p in payments), 2))
    amounts = {key: _number(body, key) for key in MONEY}
    lines = body.get("receipt_products") or []
    if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
        raise _invalid("receipt_products must be a list of objects")
    receipt_id = receipts.next_id
    stamp = str(unix_ms(created))
    defaults = receipt_defaults()
    meta = body.get("meta")
    users, sale_types = ctx.brand.table("users"), ctx.brand.table("sale_types")
    sale_type = sale_types.get(body["sale_type_id"]) if isinstance(body.get("sale_type_id"), int) else None
    customer_id = body.get("customer_id")
    customer = ctx.brand.table("customers").get(customer_id) if isinstance(customer_id, int) else None
    record: Record = {
        **defaults,
        **{k: v for k, v in body.items() if k in defaults},
        **amounts,
        "id": receipt_id,
        "venue_id": int(ctx.venue_id),
        "cid": cid,
        "user_id": user_id,
        "open_by_user_id": user_id,
        "close_by_user_id": None if keep_open else user_id,
        "status": 1 if keep_open else 2,
        "payment_methods": payments,
        "total": total,
        "source": "open_api",
        "lock": False,
        "fiscal_id": None,
        "order_status": None,
        "order_number": None,
        "meta": {
            **receipt_meta(
                (users.get(user_id) or {}).get("username"),
                (sale_type or {}).get("name"),
                last_change,
                None if keep_open else closed_text,
            ),
            **(meta if isinstance(meta, dict) else {}),
        },
        "receipt_products": [
            {
                **line_defaults(),
                "id": receipt_id * 10 + index,
                "created_at": stamp,
                "updated_at": stamp,
                **{k: v for k, v in line.items() if k != "receipt_id"},
                "receipt_id": receipt_id,
            }
            for index, line in enumerate(lines)
        ],
        "created_at": opened_text,
        "updated_at": last_text,
        "terminal_updated_at": last_text,
        "closed_at": None if keep_open else closed_text,
        "shift_date": opened_text[:10],
        "deleted_at": None,
        "customer": receipt_customer(customer),
    }
    receipts.save(record)
    return ok(clone(record), status=201, message="Receipt created")


@api
def put_receipt(ctx: Ctx) -> Response:
    """Seed 002's full update. Fields are checked first, then the receipt's state: a closed receipt is
    refused (PATCH is what updates closed receipts)."""
    record = find_receipt(ctx)
    body = ctx.body
    if not isinstance(body, dict):
        raise _invalid("The request body must be a JSON object")
    if str(body.get("id")) != str(record["id"]) or body.get("cid") != record.get("cid"):
        raise _invalid("CID and ID cannot be changed. Different values will be treated as a new receipt.")
    description = body.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 500):
        raise _invalid("description must be a string of at most 500 characters")
    if body.get("order_status") is not None and body["order_status"] not in ORDER_STATUSES:
        raise _invalid()
    discount_type = body.get("discount_type")
    if discount_type not in (None, 0, 1, 2):
        raise _invalid("discount_type must be 1 (percent) or 2 (amount)")
    if discount_type == 2 and body.get("discount_value") is None:
        raise _invalid("discount_value is required when discount_type is 2")
    if body.get("customer_id") is not None:
        meta = body.get("meta")
        if not isinstance(meta, dict) or not isinstance(meta.get("customer"), dict):
            raise _invalid("meta.customer is required when customer_id is given")
    numbers = ("delivery_fee", "guests", "discount_rate", "discount_value")
    amounts = {key: _number(body, key) for key in numbers if key in body}
    payments = body.get("payment_methods")
    payments = check_payments(payments, ctx) if payments not in (None, []) else None
    tz = receipt_zone(ctx, record)
    closed = body.get("closed_at")
    closed_text = local_text(parse_time(closed, "closed_at", tz), tz) if closed not in (None, "") else None
    if closed_text is not None:
        check_closed_after(closed_text, record.get("created_at"))
    if record.get("closed_at"):
        raise _invalid("The receipt is closed: PUT cannot change it (PATCH updates closed receipts)")
    if payments is not None:
        record["payment_methods"] = payments
    if closed_text is not None:
        if not record.get("payment_methods"):
            raise _invalid("payment_methods must have at least one payment method to close a receipt")
        record.update(closed_at=closed_text, status=2, close_by_user_id=record.get("user_id"))
    for key in ("description", "order_number", "order_status", "discount_type", "customer_id"):
        if key in body:
            record[key] = body[key]
    record.update(amounts)
    if isinstance(body.get("meta"), dict) and "customer" in body["meta"]:
        record["meta"] = {**(record.get("meta") or {}), "customer": body["meta"]["customer"]}
    record["updated_at"] = local_text(utc_now(), tz)
    ctx.brand.receipts.save(record)
    return ok(clone(record), message="Receipt updated")


@api
def patch_receipt(ctx: Ctx) -> Response:
    """Seed 003: order_status, order_number, fiscal_id, lock; also on closed receipts."""
    record = find_receipt(ctx)
    body = ctx.body
    allowed = {"order_status", "order_number", "fiscal_id", "lock"}
    if not isinstance(body, dict) or not body or set(body) - allowed:
        raise _invalid()
    if "order_status" in body and body["order_status"] not in ORDER_STATUSES:
        raise _invalid()
    if "lock" in body and not isinstance(body["lock"], bool):
        raise _invalid()
    for key in ("order_number", "fiscal_id"):
        if key in body and body[key] is not None and not isinstance(body[key], str):
            raise _invalid()
    record.update(body)
    record["updated_at"] = local_text(utc_now(), receipt_zone(ctx, record))
    ctx.brand.receipts.save(record)
    return ok(receipt_view(ctx, clone(record)), message="Operation completed successfully")


@api
def delete_receipt(ctx: Ctx) -> Response:
    record = find_receipt(ctx)
    ctx.brand.receipts.delete(int(record["id"]))
    return ok(message="Receipt removed successfully")


@api
def close_receipt(ctx: Ctx) -> Response:
    """Generation 2's close. Without ``closed_at`` the server takes now (a second after ``created_at`` at
    least, so that its own choice keeps seed 002's rule)."""
    record = find_receipt(ctx)
    body = ctx.body if isinstance(ctx.body, dict) else None
    if body is None:
        raise _invalid("The request body must be a JSON object")
    payments = check_payments(body.get("payment_methods"), ctx)
    tz = receipt_zone(ctx, record)
    created = record.get("created_at")
    if body.get("closed_at") not in (None, ""):
        closed = local_text(parse_time(body["closed_at"], "closed_at", tz), tz)
    else:
        now = utc_now()
        earliest = parse_local(str(created), tz) + ONE_SECOND if created else now
        closed = local_text(max(now, earliest), tz)
    check_closed_after(closed, created)
    paid = round(sum(float(p["amount"]) for p in payments), 2)
    record.update(
        payment_methods=payments,
        closed_at=closed,
        status=2,
        remaining=max(0.0, float(record.get("total") or 0) - paid),
        updated_at=local_text(utc_now(), tz),
    )
    ctx.brand.receipts.save(record)
    data = {"id": record["id"], "closed_at": closed, "payment_methods": payments, "status": 2}
    return ok(data, message="Receipt closed")


@api
def stock_operations(ctx: Ctx) -> Response:
    try:
        record = ctx.brand.receipts.get(int(ctx.param("id")))
    except ValueError:
        record = None
    if record is None:
        raise ApiError(404, "not_found", "Invalid ID")
    operations = []
    for index, line in enumerate(record.get("receipt_products") or []):
        product = ctx.brand.table("catalog").get(int(line.get("product_id") or 0), {})
        quantity = float(line.get("count") or 1)
        cost = float(product.get("cost_price") or 0)
        before = 100.0 - (int(record["id"]) % 50)
        operations.append(
            {
                "id": int(record["id"]) * 100 + index,
                "receipt_id": record["id"],
                "receipt_product_id": line.get("id"),
                "operation_id": None,
                "product_id": line.get("product_id"),
                "stock_id": 1,
                "storage_id": 1,
                "quantity": quantity,
                "before_quantity": before,
                "after_quantity": before - quantity,
                "cost": cost,
                "before_cost": cost,
                "total_cost": round(cost * quantity, 2),
                "operated_at": record.get("closed_at") or record.get("created_at"),
                "product": {"id": product.get("id"), "name": product.get("name")},
                "stock": {"id": 1, "storage": {"id": 1, "name": "Əsas anbar"}},
            }
        )
    return ok_data_only(operations)


def ok_data_only(data: Any) -> Response:
    """``{"data": [...]}`` without the envelope, as the stock-operations page shows."""
    return FastJSONResponse({"data": data})
