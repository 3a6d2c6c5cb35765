"""Orders: list, read, create (nested v1 body, flat v2 body), status changes, and the POS accepting one."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from starlette.responses import Response

from .context import Ctx, api
from .demo_data import Record, iso, order_record, receipt_customer, receipt_defaults, receipt_line, receipt_meta
from .listing import apply_filters, page_of, sort_records
from .query import with_values
from .responses import ApiError, ok
from .state import BrandData, clone
from .validation import day_bounds
from .venue_time import day_start, local_text, utc_now, zone_of

LIFECYCLE = ("PENDING", "RECEIVED", "IGNORE", "DELIVERED")
ORDER_SORTS = ("id", "created_at", "updated_at", "status")


def date_range(ctx: Ctx) -> tuple[datetime | None, datetime | None]:
    """``date[0]``/``date[1]`` (inclusive days, each optional) as [start, end) instants: the venue's local
    midnights, so a day is the venue's day (seed 002's local times)."""
    first, last = day_bounds(ctx.query.get("date"))
    tz = zone_of(ctx)
    start = day_start(first, tz) if first else None
    end = None
    if last is not None and last < date.max:  # the last day there is has no end
        end = day_start(last + timedelta(days=1), tz)
    return start, end


def order_view(ctx: Ctx, order: Record) -> Record:
    view = clone(order)
    for include in with_values(ctx.query):
        if include.startswith("receipt"):
            receipt = ctx.brand.receipts.get(int(order["receipt_id"])) if order.get("receipt_id") else None
            fields = include.split(":", 1)[1].split(",") if ":" in include else None
            view["receipt"] = (
                {k: v for k, v in receipt.items() if fields is None or k in fields} if receipt is not None else None
            )
        elif include == "customer":
            customer = ctx.brand.table("customers").get(int(order.get("customer_id") or 0))
            view["customer"] = clone(customer) if customer else None
    return view


@api
def list_orders(ctx: Ctx) -> Response:
    status = ctx.query.get("status")
    if status is not None and status not in LIFECYCLE:
        raise ApiError(400, "invalid_parameter", f"status must be one of {', '.join(LIFECYCLE)}")
    start, end = date_range(ctx)
    zone = zone_of(ctx)
    records = [
        o
        for o in ctx.brand.table("orders").values()
        if (status is None or o["status"] == status)
        and (start is None or o["_created"] >= local_text(start, zone))
        and (end is None or o["_created"] < local_text(end, zone))
    ]
    records = sort_records(ctx, apply_filters(ctx, records), ORDER_SORTS)
    views = [public(order_view(ctx, o)) for o in records]
    default = 50 if ctx.generation == "v2" else 20
    return page_of(ctx, views, max_limit=100, default_limit=default, sorts=ORDER_SORTS)


def public(order: Record) -> Record:
    return {k: v for k, v in order.items() if not k.startswith("_")}


def find_order(ctx: Ctx) -> Record:
    try:
        order = ctx.brand.table("orders").get(int(ctx.param("id")))
    except ValueError:
        order = None
    if order is None:
        raise ApiError(404, "not_found", "Order not found")
    return order


@api
def get_order(ctx: Ctx) -> Response:
    return ok(public(order_view(ctx, find_order(ctx))))


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ApiError(400, "validation_failed", message)


def _check_product(brand: BrandData, product_id: Any, where: str) -> Record:
    _require(isinstance(product_id, int), f"{where}.product_id must be an integer")
    product = brand.table("catalog").get(product_id)
    _require(product is not None, f"{where}.product_id {product_id} does not exist")
    assert product is not None
    return product


def new_order(ctx: Ctx, customer_id: Any, payload: Record, meta: Any) -> Record:
    orders = ctx.brand.table("orders")
    order_id = ctx.brand.next_id("orders")
    now = utc_now()
    stored = {
        **payload,
        "meta": meta if isinstance(meta, dict) else {},
        "customer_id": customer_id,
        "sale_type_id": payload["service"]["sale_type_id"],
    }
    order = order_record(order_id, int(payload["service"]["venue_id"]), customer_id, stored, now, zone_of(ctx))
    orders[order_id] = order
    if order["payload"]["auto_order_accept"] is True:  # the POS accepts it at once (seed 004's payload flag)
        return accept_order(ctx.brand, order_id)
    return order


@api
def create_order(ctx: Ctx) -> Response:
    body = ctx.body
    _require(isinstance(body, dict), "The request body must be a JSON object")
    assert isinstance(body, dict)
    if ctx.generation == "v2":
        return create_order_v2(ctx, body)
    customer_id = body.get("customer_id")
    _require(isinstance(customer_id, int), "customer_id is required")
    _require(customer_id in ctx.brand.table("customers"), f"customer_id {customer_id} does not exist")
    payload = body.get("payload")
    _require(isinstance(payload, dict), "payload is required")
    assert isinstance(payload, dict)
    service = payload.get("service")
    _require(isinstance(service, dict), "payload.service is required")
    assert isinstance(service, dict)
    for key in ("sale_type_id", "sale_type_name", "venue_id", "venue_name"):
        _require(service.get(key) not in (None, ""), f"payload.service.{key} is required")
    _require(service["sale_type_id"] in ctx.brand.table("sale_types"), "payload.service.sale_type_id does not exist")
    _require(service["venue_id"] in ctx.brand.table("venues"), "payload.service.venue_id does not exist")
    products = payload.get("products")
    _require(isinstance(products, list) and len(products) > 0, "payload.products must have at least one product")
    assert isinstance(products, list)
    for index, line in enumerate(products):
        _require(isinstance(line, dict), f"payload.products[{index}] must be an object")
        _check_product(ctx.brand, line.get("product_id"), f"payload.products[{index}]")
        _require(
            isinstance(line.get("count"), int) and line["count"] > 0, f"payload.products[{index}].count must be > 0"
        )
    order = new_order(ctx, customer_id, payload, body.get("meta"))
    return ok(public(clone(order)), status=201, message="Order created")


def create_order_v2(ctx: Ctx, body: Record) -> Response:
    for key in ("sale_type_id", "venue_id", "customer", "products"):
        _require(body.get(key) is not None, f"{key} is required")
    _require(body["sale_type_id"] in ctx.brand.table("sale_types"), "sale_type_id does not exist")
    _require(body["venue_id"] in ctx.brand.table("venues"), "venue_id does not exist")
    customer = body["customer"]
    _require(isinstance(customer, dict), "customer must be an object")
    products = body["products"]
    _require(isinstance(products, list) and len(products) > 0, "products must have at least one product")
    number = body.get("order_number")
    _require(number is None or len(str(number)) <= 20, "order_number must be at most 20 characters")
    lines = []
    for index, line in enumerate(products):
        _require(isinstance(line, dict), f"products[{index}] must be an object")
        product = _check_product(ctx.brand, line.get("product_id"), f"products[{index}]")
        _require(isinstance(line.get("count"), int) and line["count"] > 0, f"products[{index}].count must be > 0")
        lines.append(
            {
                "product_id": line["product_id"],
                "count": line["count"],
                "portion_size": line.get("portion_size", 1),
                "product_modificators": [
                    {"modificator_id": m.get("modifier_id"), "count": m.get("count", 1)}
                    for m in line.get("modifiers") or []
                ],
                "meta": {
                    "price": line.get("price", product.get("price")),
                    "order_product": {
                        "count": line["count"],
                        "status": line.get("status", "new"),
                        "product_hash": line.get("product_hash"),
                        "product_modificators": [],
                        "product": {
                            "id": product["id"],
                            "name": line.get("product_name", product["name"]),
                            "price": line.get("price", product.get("price")),
                        },
                    },
                },
            }
        )
    payload = {
        "service": {"sale_type_id": body["sale_type_id"], "venue_id": body["venue_id"]},
        "customer": customer,
        "products": lines,
        "auto_order_accept": bool(body.get("auto_order_accept", False)),
        "auto_order_sent_to_station": bool(body.get("auto_order_sent_to_station", False)),
        "delivery_fee": body.get("delivery_fee", 0),
    }
    meta = {
        "comment": body.get("comment", ""),
        "discount": body.get("discount") or {"discount_type": 0, "discount_value": 0},
        "apply_service_charge": bool((body.get("service_charge") or {}).get("enabled")),
        "service_charge_value": (body.get("service_charge") or {}).get("value", 0),
    }
    order = new_order(ctx, customer.get("id"), payload, meta)
    return ok(public(clone(order)), status=201, message="Order created")


@api
def update_order(ctx: Ctx) -> Response:
    order = find_order(ctx)
    body = ctx.body
    _require(isinstance(body, dict) and set(body) == {"status"}, "The request body must include only the status field")
    assert isinstance(body, dict)
    status = body["status"]
    allowed = ("IGNORE",) if ctx.state.config.strict_order_status else LIFECYCLE
    _require(status in allowed, "Status is not allowed")
    if status == "RECEIVED":  # only by opening its receipt, as the POS does
        _require(order["status"] == "PENDING", f"Order is {order['status']}, not PENDING")
        return ok(accept_order(ctx.brand, int(order["id"])))
    order["status"] = status
    order["updated_at"] = iso(utc_now())
    return ok(public(clone(order)))


#: The simulated clerk opens the receipt this long before the accept call returns: a person is never
#: faster than a second, and a client closing it at once (as tests do) sends a later ``closed_at``.
CLERK_DELAY = timedelta(seconds=1)


def accept_order(brand: BrandData, order_id: int) -> Record:
    """The POS clerk accepts: PENDING → RECEIVED, which opens a receipt from the order's products; the order
    then carries its id (seed 004: "RECEIVED orders automatically transition into open receipts")."""
    order = brand.table("orders").get(order_id)
    if order is None:
        raise ApiError(404, "not_found", "Order not found")
    if order["status"] != "PENDING":
        raise ApiError(400, "validation_failed", f"Order is {order['status']}, not PENDING")
    opened = utc_now().replace(microsecond=0) - CLERK_DELAY
    tz = brand.receipts.historic.zones.of(order["venue_id"])
    local = local_text(opened, tz)
    receipt_id = brand.receipts.next_id
    payload = order["payload"]
    lines = []
    for index, line in enumerate(payload.get("products") or []):
        product = brand.table("catalog")[line["product_id"]]  # checked when the order was made
        price = float((line.get("meta") or {}).get("price") or product.get("price") or 0)
        line_id = receipt_id * 10 + index
        sold = receipt_line(receipt_id, line_id, str(uuid.uuid4()), product, line["count"], price, opened)
        lines.append({**sold, "portion_size": line.get("portion_size", 1)})
    total = round(sum(line["total"] for line in lines), 2)
    sale_type_id = payload["service"].get("sale_type_id")
    user = brand.table("users").get(1) or {}
    sale_type = brand.table("sale_types").get(int(sale_type_id or 0)) or {}
    customer = brand.table("customers").get(int(order.get("customer_id") or 0))
    receipt: Record = {
        **receipt_defaults(),
        "id": receipt_id,
        "venue_id": order["venue_id"],
        "cid": str(uuid.uuid4()),
        "user_id": 1,
        "open_by_user_id": 1,
        "seller_id": 1,
        "terminal_id": 1,
        "source": "call_center",
        "service_notification_id": order_id,
        "customer_id": order.get("customer_id"),
        "sale_type_id": sale_type_id,
        "meta": {
            **receipt_meta(user.get("username"), sale_type.get("name"), opened),
            "customer": payload.get("customer"),
        },
        "total": total,
        "subtotal": total,
        "original_subtotal": total,
        "totalCost": round(sum(float(line["cost"] or 0) * line["count"] for line in lines), 2),
        "remaining": total,
        "delivery_fee": payload.get("delivery_fee", 0),
        "terminal_version": "3253",
        "order_status": "NEW",
        "order_number": f"RPO-{order_id:05d}",
        "created_at": local,
        "updated_at": local,
        "terminal_updated_at": local,
        "shift_date": local[:10],
        "receipt_products": lines,
        "customer": receipt_customer(customer),
    }
    brand.receipts.save(receipt)
    accepted = max(opened, datetime.fromisoformat(order["created_at"].replace("Z", "+00:00")))
    order.update(
        status="RECEIVED", receipt_id=receipt_id, receive_user_id=1, receive_terminal_id=1, updated_at=iso(accepted)
    )
    return public(clone(order))
