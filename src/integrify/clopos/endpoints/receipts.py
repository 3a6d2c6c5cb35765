"""Receipts: list, read, create (v1), update, close, patch and delete (v1), stock operations (v2)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ..schemas.common.response import BaseResponse, ObjectListResponse, ObjectResponse
from ..schemas.enums import RECEIPT_ORDER_STATUSES, DiscountType, OrderStatus
from ..schemas.receipts.object import Receipt, StockOperation
from ..venue_time import local_date, local_text, needs_zone, now_text, zone_of
from ._shared import (
    UNSET,
    Call,
    CloposValidationError,
    Headers,
    Query,
    Retry,
    UnsetField,
    UnsetOrNoneField,
    body,
    check_choice,
    check_payment_methods,
    endpoint,
    filter_tuples,
    list_endpoint,
    paged,
    require,
)

Money = UnsetField[Decimal | float | int]
CLOSED_AT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def closed_at_text(value: Any, zone: ZoneInfo | None = None, field: str = "closed_at") -> Any:
    """``closed_at`` as venue-local ``YYYY-MM-DD HH:MM:SS`` (``""`` keeps a receipt open).

    An aware datetime is converted to ``zone``; a naive one is taken as venue-local.
    """
    if isinstance(value, datetime):
        return local_text(value, zone)
    if value is UNSET or value is None or value == "":
        return value
    if not isinstance(value, str) or not CLOSED_AT.match(value):
        raise CloposValidationError(field, f"must be 'YYYY-MM-DD HH:MM:SS' or '', not {value!r}")
    return value


def check_discount(discount_type: Any, discount_value: Any) -> None:
    check_choice("discount_type", discount_type, DiscountType)
    if discount_type == DiscountType.FIXED and discount_value in (UNSET, None):
        raise CloposValidationError("discount_value", "is required when discount_type is 2 (amount)")


class ReceiptEndpoints:
    @list_endpoint
    def get_receipts(
        self: Any,
        page: int = 1,
        limit: int = 50,
        sort_by: str = "created_at",
        sort_order: int = -1,
        date_from: UnsetField[date | str] = UNSET,
        date_to: UnsetField[date | str] = UNSET,
        *,
        with_: UnsetField[list[str] | str] = UNSET,
        filters: UnsetField[Any] = UNSET,
        headers: Headers = UNSET,
    ) -> Call[ObjectListResponse[Receipt]]:
        """Receipts (``GET /receipts``); limit 1–200; venue-local dates, inclusive, on ``created_at``.

        Sent as ``sort[0]``/``sort[1]`` and ``date[0]``/``date[1]`` (``YYYY-MM-DD``: a datetime is sent as
        its venue-local date). ``with_`` and ``filters`` (e.g. ``{'status': 2}``) are generation 2's and
        are sent on both.
        """
        check_choice("sort_order", sort_order, (1, -1))
        zone = zone_of(self) if needs_zone(date_from, date_to) else None
        date_from, date_to = local_date(date_from, zone), local_date(date_to, zone)
        query = (
            paged(page, limit, 200)
            .pair("sort", sort_by, sort_order)
            .pair("date", date_from, date_to)
            .indexed("with", with_)
            .filters(filter_tuples(filters))
        )
        return Call("GET", "/receipts", ObjectListResponse[Receipt], params=query.params, headers=headers)

    @endpoint
    def get_receipt_by_id(
        self: Any, id: int, *, with_: UnsetField[list[str] | str] = UNSET, headers: Headers = UNSET
    ) -> Call[ObjectResponse[Receipt]]:
        """One receipt in full (``GET /receipts/{id}``)."""
        params = Query().indexed("with", with_).params
        return Call("GET", f"/receipts/{id}", ObjectResponse[Receipt], params=params, headers=headers)

    @endpoint
    def create_receipt(
        self: Any,
        /,
        cid: str,
        payment_methods: list[Any],
        user_id: int,
        by_cash: Money = UNSET,
        by_card: Money = UNSET,
        customer_discount_type: UnsetField[DiscountType | int] = UNSET,
        discount_rate: Money = UNSET,
        discount_type: UnsetField[DiscountType | int] = UNSET,
        discount_value: Money = UNSET,
        delivery_fee: Money = UNSET,
        gift_total: Money = UNSET,
        guests: UnsetField[int] = UNSET,
        original_subtotal: Money = UNSET,
        printed: UnsetField[bool] = UNSET,
        receipt_products: UnsetField[list[Any]] = UNSET,
        remaining: Money = UNSET,
        rps_discount: Money = UNSET,
        sale_type_id: UnsetField[int] = UNSET,
        service_charge: Money = UNSET,
        service_charge_value: Money = UNSET,
        status: UnsetField[int] = UNSET,
        subtotal: Money = UNSET,
        terminal_id: UnsetField[int] = UNSET,
        total: Money = UNSET,
        total_tax: Money = UNSET,
        created_at: UnsetField[int | str | datetime] = UNSET,
        closed_at: UnsetField[int | str | datetime] = UNSET,
        address: UnsetField[str] = UNSET,
        courier_id: UnsetOrNoneField[int] = UNSET,
        meta: UnsetField[dict[str, Any]] = UNSET,
        *,
        headers: Headers = UNSET,
        **kwargs: Any,
    ) -> Call[ObjectResponse[Receipt]]:
        """Store a closed receipt (``POST /receipts``, generation 1). ``cid`` is unique: a repeat gets 409.

        Safe to retry: after a lost answer the client retries, and a 409 on this ``cid`` is resolved by
        fetching the stored receipt, returned as the success it was (``response.recovered`` is True).
        ``created_at``/``closed_at`` datetimes are sent as venue-local ``YYYY-MM-DD HH:MM:SS``.
        """
        zone = zone_of(self) if needs_zone(created_at, closed_at) else None
        require("cid", cid)
        if not isinstance(cid, str):
            raise CloposValidationError("cid", "must be a string (a UUID)")
        check_payment_methods(payment_methods)
        require("user_id", user_id)
        check_discount(discount_type, discount_value)
        check_choice("customer_discount_type", customer_discount_type, DiscountType)
        payload = body(
            cid=cid,
            payment_methods=payment_methods,
            user_id=user_id,
            by_cash=by_cash,
            by_card=by_card,
            customer_discount_type=customer_discount_type,
            discount_rate=discount_rate,
            discount_type=discount_type,
            discount_value=discount_value,
            delivery_fee=delivery_fee,
            gift_total=gift_total,
            guests=guests,
            original_subtotal=original_subtotal,
            printed=printed,
            receipt_products=receipt_products,
            remaining=remaining,
            rps_discount=rps_discount,
            sale_type_id=sale_type_id,
            service_charge=service_charge,
            service_charge_value=service_charge_value,
            status=status,
            subtotal=subtotal,
            terminal_id=terminal_id,
            total=total,
            total_tax=total_tax,
            created_at=local_text(created_at, zone),
            closed_at=local_text(closed_at, zone),
            address=address,
            courier_id=courier_id,
            meta=meta,
            **kwargs,
        )
        return Call(
            "POST",
            "/receipts",
            ObjectResponse[Receipt],
            json=payload,
            headers=headers,
            retry=Retry.CID_RECOVERY,
            only="v1",
            cid=cid,
        )

    @endpoint
    def update_closed_receipt(
        self: Any,
        id: int,
        order_status: UnsetField[OrderStatus | str] = UNSET,
        order_number: UnsetField[str] = UNSET,
        fiscal_id: UnsetField[str] = UNSET,
        lock: UnsetField[bool] = UNSET,
        *,
        headers: Headers = UNSET,
    ) -> Call[ObjectResponse[Receipt]]:
        """Patch order_status, order_number, fiscal_id or lock, also on a closed receipt (``PATCH /receipts/{id}``)."""
        check_choice("order_status", order_status, sorted(RECEIPT_ORDER_STATUSES))
        if lock is not UNSET and not isinstance(lock, bool):
            raise CloposValidationError("lock", "must be true or false")
        payload = body(order_status=order_status, order_number=order_number, fiscal_id=fiscal_id, lock=lock)
        if not payload:
            raise CloposValidationError(
                "order_status", "give at least one of order_status, order_number, fiscal_id, lock"
            )
        return Call("PATCH", f"/receipts/{id}", ObjectResponse[Receipt], json=payload, headers=headers)

    @endpoint
    def update_receipt(
        self: Any,
        id: int,
        cid: str,
        delivery_fee: Money = UNSET,
        description: UnsetField[str] = UNSET,
        order_number: UnsetField[str] = UNSET,
        order_status: UnsetField[OrderStatus | str] = UNSET,
        guests: UnsetField[int] = UNSET,
        discount_rate: Money = UNSET,
        discount_type: UnsetField[DiscountType | int] = UNSET,
        discount_value: UnsetField[Decimal | float | int | None] = UNSET,
        customer_id: UnsetField[int] = UNSET,
        closed_at: UnsetField[str | datetime] = UNSET,
        meta_customer: UnsetField[dict[str, Any]] = UNSET,
        *,
        headers: Headers = UNSET,
    ) -> Call[ObjectResponse[Receipt]]:
        """Update a receipt in full, or close it with ``closed_at`` (``PUT /receipts/{id}``, generation 1).

        ``id`` and ``cid`` must be the receipt's own; ``customer_id`` needs ``meta_customer``.
        """
        require("cid", cid)
        if description is not UNSET and description is not None and len(description) > 500:
            raise CloposValidationError("description", f"at most 500 characters, not {len(description)}")
        check_choice("order_status", order_status, sorted(RECEIPT_ORDER_STATUSES))
        check_discount(discount_type, discount_value)
        if customer_id not in (UNSET, None) and meta_customer in (UNSET, None):
            raise CloposValidationError("meta_customer", "is required when customer_id is given")
        payload = body(
            id=id,
            cid=cid,
            delivery_fee=delivery_fee,
            description=description,
            order_number=order_number,
            order_status=order_status,
            guests=guests,
            discount_rate=discount_rate,
            discount_type=discount_type,
            discount_value=discount_value,
            customer_id=customer_id,
            closed_at=closed_at_text(closed_at, zone_of(self) if needs_zone(closed_at) else None),
            meta={"customer": meta_customer} if meta_customer is not UNSET else UNSET,
        )
        return Call("PUT", f"/receipts/{id}", ObjectResponse[Receipt], json=payload, headers=headers, only="v1")

    @endpoint
    def close_receipt(
        self: Any,
        id: int,
        cid: str,
        payment_methods: list[Any],
        closed_at: UnsetField[str | datetime] = UNSET,
        *,
        headers: Headers = UNSET,
    ) -> Call[ObjectResponse[Receipt]]:
        """Close an open receipt with its payments.

        Generation 1: ``PUT /receipts/{id}`` with id, cid, payment_methods, closed_at (venue-local now when
        not given). Generation 2: ``POST /v2/receipts/{id}/close`` (cid is not sent; the server defaults
        closed_at to now). An aware ``closed_at`` is converted to the venue zone; a naive one is venue-local.
        """
        check_payment_methods(payment_methods)
        closed = closed_at_text(closed_at, zone_of(self) if needs_zone(closed_at) else None)
        if self._api_version() == "v2":
            payload = body(payment_methods=payment_methods, closed_at=UNSET if closed in (UNSET, None, "") else closed)
            return Call("POST", f"/receipts/{id}/close", ObjectResponse[Receipt], json=payload, headers=headers)
        require("cid", cid)
        if closed is UNSET or not closed:
            closed = now_text(zone_of(self))
        payload = body(id=id, cid=cid, payment_methods=payment_methods, closed_at=closed)
        return Call("PUT", f"/receipts/{id}", ObjectResponse[Receipt], json=payload, headers=headers)

    @endpoint
    def delete_receipt(self: Any, id: int, *, headers: Headers = UNSET) -> Call[BaseResponse]:
        """Remove a receipt for good (``DELETE /receipts/{id}``, generation 1)."""
        return Call("DELETE", f"/receipts/{id}", BaseResponse, headers=headers, only="v1")

    @endpoint
    def get_receipt_stock_operations(
        self: Any, id: int, *, headers: Headers = UNSET
    ) -> Call[ObjectListResponse[StockOperation]]:
        """The stock deductions a receipt caused (``GET /v2/receipts/{id}/stock-operations``, generation 2)."""
        return Call(
            "GET",
            f"/receipts/{id}/stock-operations",
            ObjectListResponse[StockOperation],
            headers=headers,
            only="v2",
        )
