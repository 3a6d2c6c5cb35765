"""Receipt, its product lines and payments, and (generation 2) its stock operations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Union

from pydantic import AliasChoices, Field

from ..common.object import Timestamp
from ..common.types import UNSET, CloposModel, Lenient, LenientDateTime, UnsetField, UnsetOrNoneField
from ..enums import DiscountType, OrderStatus


class ReceiptPaymentMethod(CloposModel):
    """A payment of a receipt: payment method ``id``, ``name`` and ``amount``."""

    id: UnsetOrNoneField[int] = UNSET
    name: UnsetOrNoneField[str] = UNSET
    amount: UnsetOrNoneField[Decimal] = UNSET


class ReceiptProductIn(CloposModel):
    """A product line as sent to create_receipt (extra keys allowed)."""

    id: UnsetField[int] = UNSET
    cid: UnsetOrNoneField[str] = UNSET
    product_id: UnsetOrNoneField[int] = UNSET
    meta: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET
    count: UnsetOrNoneField[Decimal] = UNSET
    portion_size: UnsetOrNoneField[Decimal] = UNSET
    total: UnsetOrNoneField[Decimal] = UNSET
    price: UnsetOrNoneField[Decimal] = UNSET
    cost: UnsetOrNoneField[Decimal] = UNSET
    is_gift: UnsetOrNoneField[bool] = UNSET
    created_at: UnsetOrNoneField[LenientDateTime] = UNSET
    updated_at: UnsetOrNoneField[LenientDateTime] = UNSET
    terminal_updated_at: UnsetOrNoneField[LenientDateTime] = UNSET
    deleted_at: UnsetOrNoneField[LenientDateTime] = UNSET


class ReceiptProduct(ReceiptProductIn):
    """A product line of a stored receipt."""

    receipt_id: UnsetOrNoneField[int] = UNSET
    product_hash: UnsetOrNoneField[str] = UNSET
    preprint_count: UnsetOrNoneField[int] = UNSET
    station_printed_count: UnsetOrNoneField[int] = UNSET
    station_aborted_count: UnsetOrNoneField[int] = UNSET
    seller_id: UnsetOrNoneField[int] = UNSET
    loyalty_type: UnsetOrNoneField[str] = UNSET
    loyalty_value: UnsetOrNoneField[Decimal] = UNSET
    discount_rate: UnsetOrNoneField[Decimal] = UNSET
    discount_value: UnsetOrNoneField[Decimal] = UNSET
    discount_type: UnsetOrNoneField[Lenient[DiscountType]] = UNSET
    total_discount: UnsetOrNoneField[Decimal] = UNSET
    subtotal: UnsetOrNoneField[Decimal] = UNSET
    receipt_discount: UnsetOrNoneField[Decimal] = UNSET
    receipt_product_modificators: UnsetOrNoneField[list[Any]] = UNSET
    taxes: UnsetOrNoneField[list[Any]] = UNSET


class Receipt(Timestamp):
    """A receipt (``status`` 1 open, 2 closed). Time fields are kept as the API sends them."""

    id: int
    venue_id: UnsetOrNoneField[int] = UNSET
    cash_shift_cid: UnsetOrNoneField[str] = UNSET
    cid: UnsetOrNoneField[str] = UNSET
    user_id: UnsetOrNoneField[int] = UNSET
    open_by_user_id: UnsetOrNoneField[int] = UNSET
    close_by_user_id: UnsetOrNoneField[int] = UNSET
    courier_id: UnsetOrNoneField[int] = UNSET
    seller_id: UnsetOrNoneField[int] = UNSET
    terminal_id: UnsetOrNoneField[int] = UNSET
    source: UnsetOrNoneField[str] = UNSET
    closed_terminal_id: UnsetOrNoneField[int] = UNSET
    service_notification_id: UnsetOrNoneField[int] = UNSET
    table_id: UnsetOrNoneField[int] = UNSET
    hall_id: UnsetOrNoneField[int] = UNSET
    customer_id: UnsetOrNoneField[int] = UNSET
    sale_type_id: UnsetOrNoneField[int] = UNSET
    is_returns: UnsetOrNoneField[bool] = UNSET
    guests: UnsetOrNoneField[int] = UNSET
    status: UnsetOrNoneField[int] = UNSET
    local_status: UnsetOrNoneField[int] = UNSET
    lock: UnsetOrNoneField[bool] = UNSET
    inventory_status: UnsetOrNoneField[int] = UNSET
    report_status: UnsetOrNoneField[int] = UNSET
    meta: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET
    suspicion: UnsetOrNoneField[int] = UNSET
    printed: UnsetOrNoneField[bool] = UNSET
    total: UnsetOrNoneField[Decimal] = UNSET
    subtotal: UnsetOrNoneField[Decimal] = UNSET
    original_subtotal: UnsetOrNoneField[Decimal] = UNSET
    gift_total: UnsetOrNoneField[Decimal] = UNSET
    total_cost: UnsetOrNoneField[Decimal] = Field(
        default=UNSET, validation_alias=AliasChoices("total_cost", "totalCost")
    )
    payment_methods: UnsetOrNoneField[list[ReceiptPaymentMethod]] = UNSET
    fiscal_id: UnsetOrNoneField[str] = UNSET
    by_cash: UnsetOrNoneField[Decimal] = UNSET
    by_card: UnsetOrNoneField[Decimal] = UNSET
    remaining: UnsetOrNoneField[Decimal] = UNSET
    customer_discount_type: UnsetOrNoneField[Lenient[DiscountType]] = UNSET
    discount_type: UnsetOrNoneField[Lenient[DiscountType]] = UNSET
    discount_value: UnsetOrNoneField[Decimal] = UNSET
    discount_rate: UnsetOrNoneField[Decimal] = UNSET
    rps_discount: UnsetOrNoneField[Decimal] = UNSET
    service_charge: UnsetOrNoneField[Decimal] = UNSET
    service_charge_value: UnsetOrNoneField[Decimal] = UNSET
    i_tax: UnsetOrNoneField[Decimal] = UNSET
    delivery_fee: UnsetOrNoneField[Decimal] = UNSET
    e_tax: UnsetOrNoneField[Decimal] = UNSET
    total_tax: UnsetOrNoneField[Decimal] = UNSET
    description: UnsetOrNoneField[str] = UNSET
    address: UnsetOrNoneField[str] = UNSET
    terminal_version: UnsetOrNoneField[str] = UNSET
    loyalty_type: UnsetOrNoneField[str] = UNSET
    loyalty_value: UnsetOrNoneField[Decimal] = UNSET
    order_status: UnsetOrNoneField[Lenient[OrderStatus]] = UNSET
    order_number: UnsetOrNoneField[str] = UNSET
    receipt_products: UnsetOrNoneField[list[ReceiptProduct]] = UNSET
    terminal_updated_at: UnsetOrNoneField[str] = UNSET
    closed_at: UnsetOrNoneField[str] = UNSET
    shift_date: UnsetOrNoneField[str] = UNSET
    gift_count: UnsetOrNoneField[int] = UNSET
    total_discount: UnsetOrNoneField[Decimal] = UNSET
    properties: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET


class StockOperation(CloposModel):
    """A stock deduction caused by a receipt (generation 2)."""

    id: int
    receipt_id: UnsetOrNoneField[int] = UNSET
    receipt_product_id: UnsetOrNoneField[int] = UNSET
    operation_id: UnsetOrNoneField[int] = UNSET
    product_id: UnsetOrNoneField[int] = UNSET
    stock_id: UnsetOrNoneField[int] = UNSET
    storage_id: UnsetOrNoneField[int] = UNSET
    quantity: UnsetOrNoneField[Decimal] = UNSET
    before_quantity: UnsetOrNoneField[Decimal] = UNSET
    after_quantity: UnsetOrNoneField[Decimal] = UNSET
    cost: UnsetOrNoneField[Decimal] = UNSET
    before_cost: UnsetOrNoneField[Decimal] = UNSET
    total_cost: UnsetOrNoneField[Decimal] = UNSET
    operated_at: UnsetOrNoneField[str] = UNSET
    product: UnsetOrNoneField[dict[str, Any]] = UNSET
    stock: UnsetOrNoneField[dict[str, Any]] = UNSET
