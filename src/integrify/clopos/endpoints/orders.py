"""Orders: delivery and call-centre orders sent to the POS."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ..schemas.common.response import ObjectListResponse, ObjectResponse
from ..schemas.enums import ORDER_LIFECYCLE, OrderStatus
from ..schemas.orders.object import Order
from ..venue_time import local_date, needs_zone, zone_of
from ._shared import (
    UNSET,
    Call,
    CloposValidationError,
    Headers,
    Query,
    Retry,
    UnsetField,
    body,
    check_choice,
    endpoint,
    filter_tuples,
    list_endpoint,
    paged,
    require,
)


def _as_dict(value: Any, field: str) -> dict[str, Any]:
    data = value.model_dump(exclude_unset=True) if hasattr(value, "model_dump") else value
    if not isinstance(data, Mapping):
        raise CloposValidationError(field, "must be an object")
    return dict(data)


def check_order(customer_id: Any, payload: dict[str, Any]) -> None:
    """The prerequisites of seed 000: customer, service context, at least one product."""
    require("customer_id", customer_id)
    service = _as_dict(payload.get("service"), "payload.service")
    for key in ("sale_type_id", "sale_type_name", "venue_id", "venue_name"):
        require(f"payload.service.{key}", service.get(key))
    products = payload.get("products")
    if not isinstance(products, list) or not products:
        raise CloposValidationError("payload.products", "at least one product is required")
    for index, product in enumerate(products):
        item = _as_dict(product, f"payload.products[{index}]")
        require(f"payload.products[{index}].product_id", item.get("product_id"))
        count = item.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise CloposValidationError(f"payload.products[{index}].count", "must be a positive integer")


def flat_order(customer_id: Any, payload: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """The generation-2 body of ``POST /v2/orders`` from the generation-1 arguments."""
    service = _as_dict(payload["service"], "payload.service")
    customer = _as_dict(payload.get("customer") or {"id": customer_id}, "payload.customer")
    products = []
    for raw in payload["products"]:
        item = _as_dict(raw, "payload.products[]")
        item_meta = item.get("meta") or {}
        order_product = item_meta.get("order_product") or {}
        product = order_product.get("product") or {}
        products.append(
            body(
                product_id=item["product_id"],
                product_name=product.get("name", UNSET),
                count=item["count"],
                price=item_meta.get("price", product.get("price", 0)),
                status=order_product.get("status", "new"),
                product_hash=order_product.get("product_hash", UNSET),
                portion_size=item.get("portion_size", 1),
                modifiers=[
                    {"modifier_id": mod.get("modificator_id"), "count": mod.get("count", 1)}
                    for mod in item.get("product_modificators") or []
                ],
            )
        )
    discount = meta.get("discount")
    return body(
        sale_type_id=service["sale_type_id"],
        venue_id=service["venue_id"],
        customer=customer,
        products=products,
        comment=meta.get("comment", UNSET),
        discount=discount if discount is not None else UNSET,
        service_charge=(
            {"enabled": bool(meta["apply_service_charge"]), "value": meta.get("service_charge_value", 0)}
            if "apply_service_charge" in meta
            else UNSET
        ),
    )


class OrderEndpoints:
    @list_endpoint
    def get_orders(
        self: Any,
        page: int = 1,
        limit: int = 20,
        status: UnsetField[OrderStatus | str] = UNSET,
        *,
        with_: UnsetField[list[str] | str] = UNSET,
        date_from: UnsetField[date | str] = UNSET,
        date_to: UnsetField[date | str] = UNSET,
        sort_by: UnsetField[str] = UNSET,
        sort_order: UnsetField[int] = UNSET,
        filters: UnsetField[Any] = UNSET,
        headers: Headers = UNSET,
    ) -> Call[ObjectListResponse[Order]]:
        """Orders (``GET /orders``); limit 1–100; ``status`` PENDING, RECEIVED, IGNORE or DELIVERED.

        The keyword-only arguments are seed 004's (``with[]``, ``date[0]``/``date[1]``, ``sort[0]``/``sort[1]``,
        ``filters[N]``); they are sent on both generations. Dates are venue-local ``YYYY-MM-DD`` (a datetime is
        sent as its venue-local date).
        """
        check_choice("status", status, sorted(ORDER_LIFECYCLE))
        zone = zone_of(self) if needs_zone(date_from, date_to) else None
        date_from, date_to = local_date(date_from, zone), local_date(date_to, zone)
        check_choice("sort_order", sort_order, (1, -1))
        query = (
            paged(page, limit, 100)
            .add("status", status)
            .indexed("with", with_)
            .pair("date", date_from, date_to)
            .pair("sort", sort_by, sort_order)
            .filters(filter_tuples(filters))
        )
        return Call("GET", "/orders", ObjectListResponse[Order], params=query.params, headers=headers)

    @endpoint
    def get_order_by_id(
        self: Any, id: int, with_: UnsetField[str | list[str]] = UNSET, *, headers: Headers = UNSET
    ) -> Call[ObjectResponse[Order]]:
        """One order (``GET /orders/{id}``). ``with_='receipt:id,service_notification_id,status'`` adds ``receipt``."""
        params = Query().indexed("with", with_).params
        return Call("GET", f"/orders/{id}", ObjectResponse[Order], params=params, headers=headers)

    @endpoint
    def create_order(
        self: Any,
        customer_id: int,
        payload: Any,
        meta: UnsetField[Any] = UNSET,
        *,
        headers: Headers = UNSET,
    ) -> Call[ObjectResponse[Order]]:
        """Create an order (``POST /orders``); it reaches the POS as PENDING.

        Never retried once the body may have reached the server (orders have no idempotency key):
        an ambiguous failure raises ``APIConnectionError`` with ``request_sent=True``.
        On generation 2 the same arguments are sent as the flat ``POST /v2/orders`` body.
        """
        payload_dict = _as_dict(payload, "payload")
        meta_dict = _as_dict(meta, "meta") if meta is not UNSET else {}
        check_order(customer_id, payload_dict)
        if self._api_version() == "v2":
            json = flat_order(customer_id, payload_dict, meta_dict)
        else:
            json = body(customer_id=customer_id, payload=payload_dict, meta=meta if meta is UNSET else meta_dict)
        return Call("POST", "/orders", ObjectResponse[Order], json=json, headers=headers, retry=Retry.NEVER_AFTER_SEND)

    @endpoint
    def update_order(
        self: Any, id: int, status: OrderStatus | str, *, headers: Headers = UNSET
    ) -> Call[ObjectResponse[Order]]:
        """Change an order's status (``PUT /orders/{id}``); the API documents only ``IGNORE`` as allowed."""
        require("status", status)
        check_choice("status", status, OrderStatus)
        return Call("PUT", f"/orders/{id}", ObjectResponse[Order], json={"status": status}, headers=headers)
