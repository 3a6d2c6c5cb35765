"""Orders: list, read, create (nested v1 body, flat v2 body), status changes, and the POS accepting one."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

from starlette.responses import Response

from .context import Ctx, api
from .demo_data import Record, fmt, iso
from .listing import apply_filters, page_of, sort_records
from .query import with_values
from .responses import ApiError, ok
from .state import BrandData, clone
from .validation import day_bounds

LIFECYCLE = ("PENDING", "RECEIVED", "IGNORE", "DELIVERED")
ORDER_SORTS = ("id", "created_at", "updated_at", "status")


def date_range(ctx: Ctx) -> tuple[datetime | None, datetime | None]:
    """``date[0]``/``date[1]`` (inclusive days, each optional) as [start, end) datetimes."""
    first, last = day_bounds(ctx.query.get("date"))
    start = datetime(first.year, first.month, first.day, tzinfo=timezone.utc) if first else None
    end = None
    if last is not None and last < date.max:  # the last day there is has no end
        end = datetime(last.year, last.month, last.day, tzinfo=timezone.utc) + timedelta(days=1)
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
    records = [
        o
        for o in ctx.brand.table("orders").values()
        if (status is None or o["status"] == status)
        and (start is None or o["_created"] >= fmt(start))
        and (end is None or o["_created"] < fmt(end))
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
    now = datetime.now(timezone.utc)
    order: Record = {
        "id": order_id,
        "venue_id": int(payload["service"]["venue_id"]),
        "type": "CALL_CENTER_ORDER",
        "integration": "call_center_new",
        "integration_uuid": None,
        "integration_id": None,
        "customer_ref_id": None,
        "integration_status": "CREATED",
        "customer_id": customer_id,
        "receive_user_id": None,
        "receive_terminal_id": None,
        "status": "PENDING",
        "payload": {
            **payload,
            "meta": meta if isinstance(meta, dict) else {},
            "customer_id": customer_id,
            "sale_type_id": payload["service"]["sale_type_id"],
        },
        "receipt_id": None,
        "created_at": iso(now),
        "updated_at": iso(now),
        "deleted_at": None,
        "integration_response": None,
        "_created": fmt(now),
    }
    orders[order_id] = order
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
    order["status"] = status
    order["updated_at"] = iso(datetime.now(timezone.utc))
    return ok(public(clone(order)))


def accept_order(brand: BrandData, order_id: int) -> Record:
    """The POS clerk accepts: PENDING → RECEIVED, and an open receipt is made from the order's products."""
    order = brand.table("orders").get(order_id)
    if order is None:
        raise ApiError(404, "not_found", "Order not found")
    if order["status"] != "PENDING":
        raise ApiError(400, "validation_failed", f"Order is {order['status']}, not PENDING")
    now = datetime.now(timezone.utc)
    receipt_id = brand.receipts.next_id
    lines = []
    subtotal = 0.0
    for index, line in enumerate(order["payload"].get("products") or []):
        product = brand.table("catalog").get(line["product_id"], {})
        price = float((line.get("meta") or {}).get("price") or product.get("price") or 0)
        total = round(price * line["count"], 2)
        subtotal += total
        lines.append(
            {
                "id": receipt_id * 10 + index,
                "cid": str(uuid.uuid4()),
                "product_id": line["product_id"],
                "receipt_id": receipt_id,
                "meta": {"product": {"name": product.get("name"), "price": price}},
                "count": line["count"],
                "portion_size": line.get("portion_size", 1),
                "total": total,
                "price": price,
                "is_gift": 0,
                "subtotal": total,
                "discount_rate": 0,
                "discount_value": 0,
                "discount_type": 0,
                "total_discount": 0,
                "receipt_discount": 0,
                "receipt_product_modificators": [],
                "taxes": [],
            }
        )
    total = round(subtotal, 2)
    receipt: Record = {
        "id": receipt_id,
        "venue_id": order["venue_id"],
        "cid": str(uuid.uuid4()),
        "user_id": 1,
        "open_by_user_id": 1,
        "terminal_id": 1,
        "source": "call_center",
        "service_notification_id": order_id,
        "customer_id": order.get("customer_id"),
        "sale_type_id": order["payload"]["service"].get("sale_type_id"),
        "guests": 1,
        "status": 1,
        "lock": False,
        "meta": {"customer": order["payload"].get("customer")},
        "total": total,
        "subtotal": total,
        "original_subtotal": total,
        "payment_methods": [],
        "fiscal_id": None,
        "by_cash": 0,
        "by_card": 0,
        "remaining": total,
        "discount_type": 0,
        "discount_value": 0,
        "discount_rate": 0,
        "service_charge": 0,
        "service_charge_value": 0,
        "delivery_fee": order["payload"].get("delivery_fee", 0),
        "description": None,
        "order_status": "NEW",
        "order_number": f"RPO-{order_id:05d}",
        "created_at": fmt(now),
        "updated_at": fmt(now),
        "closed_at": None,
        "shift_date": now.strftime("%Y-%m-%d"),
        "deleted_at": None,
        "receipt_products": lines,
    }
    brand.receipts.save(receipt)
    order.update(
        status="RECEIVED", receipt_id=receipt_id, receive_user_id=1, receive_terminal_id=1, updated_at=iso(now)
    )
    return public(clone(order))
