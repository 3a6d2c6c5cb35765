"""Order: a delivery or call-centre order sent to the POS; and the input shapes of create_order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Union

from ..common.object import Service, Timestamp
from ..common.types import UNSET, CloposModel, Lenient, UnsetField, UnsetOrNoneField
from ..enums import DiscountType, OrderStatus
from ..products.object import Product
from ..sales.object import PaymentMethod, SaleType


class OrderItem(CloposModel):
    """A line item of an order."""

    id: UnsetOrNoneField[int] = UNSET
    product_id: UnsetOrNoneField[int] = UNSET
    quantity: UnsetOrNoneField[Decimal] = UNSET
    unit_price: UnsetOrNoneField[Decimal] = UNSET
    total_price: UnsetOrNoneField[Decimal] = UNSET


class OrderCustomer(CloposModel):
    """The customer as the order carries it."""

    id: UnsetOrNoneField[int] = UNSET
    name: UnsetOrNoneField[str] = UNSET
    phone: UnsetOrNoneField[str] = UNSET
    address: UnsetOrNoneField[str] = UNSET
    customer_discount_type: UnsetOrNoneField[Lenient[DiscountType]] = UNSET


class OrderProductProduct(CloposModel):
    """``meta.order_product``: the catalog snapshot of an ordered product."""

    product: UnsetOrNoneField[Union[Product, dict[str, Any], list[Any]]] = UNSET
    count: UnsetOrNoneField[int] = UNSET
    status: UnsetOrNoneField[str] = UNSET
    product_modificators: UnsetOrNoneField[list[dict[str, Any]]] = UNSET
    product_hash: UnsetOrNoneField[str] = UNSET


class OrderProductMeta(CloposModel):
    """``meta`` of an ordered product: its price and catalog snapshot."""

    price: UnsetOrNoneField[Decimal] = UNSET
    order_product: UnsetOrNoneField[OrderProductProduct] = UNSET


class OrderProduct(CloposModel):
    """A product line of an order's payload."""

    product_id: UnsetOrNoneField[int] = UNSET
    count: UnsetOrNoneField[int] = UNSET
    product_modificators: UnsetOrNoneField[list[dict[str, Any]]] = UNSET
    meta: UnsetOrNoneField[OrderProductMeta] = UNSET


class OrderPayload(CloposModel):
    """The order's content: service context, customer, products and order-level meta."""

    service: UnsetOrNoneField[Service] = UNSET
    customer: UnsetOrNoneField[OrderCustomer] = UNSET
    products: UnsetOrNoneField[list[OrderProduct]] = UNSET
    meta: UnsetOrNoneField[dict[str, Any]] = UNSET
    customer_id: UnsetOrNoneField[int] = UNSET
    sale_type_id: UnsetOrNoneField[int] = UNSET
    payload_updated_at: UnsetOrNoneField[str] = UNSET


class Order(Timestamp):
    """An order: PENDING until the POS accepts it (RECEIVED, with ``receipt_id``), IGNORE, DELIVERED."""

    id: UnsetOrNoneField[int] = UNSET
    venue_id: UnsetOrNoneField[int] = UNSET
    type: UnsetOrNoneField[str] = UNSET
    integration: UnsetOrNoneField[str] = UNSET
    integration_uuid: UnsetOrNoneField[str] = UNSET
    integration_id: UnsetOrNoneField[str] = UNSET
    customer_ref_id: UnsetOrNoneField[str] = UNSET
    integration_status: UnsetOrNoneField[str] = UNSET
    integration_response: UnsetOrNoneField[Union[str, dict[str, Any], list[Any]]] = UNSET
    customer_id: UnsetOrNoneField[int] = UNSET
    receive_user_id: UnsetOrNoneField[int] = UNSET
    receive_terminal_id: UnsetOrNoneField[int] = UNSET
    status: UnsetOrNoneField[Lenient[OrderStatus]] = UNSET
    payload: UnsetOrNoneField[OrderPayload] = UNSET
    receipt_id: UnsetOrNoneField[int] = UNSET
    receipt: UnsetOrNoneField[dict[str, Any]] = UNSET
    payment_status: UnsetOrNoneField[str] = UNSET
    total_amount: UnsetOrNoneField[Decimal] = UNSET
    line_items: UnsetOrNoneField[list[OrderItem]] = UNSET
    sale_type: UnsetOrNoneField[SaleType] = UNSET
    payment_method_id: UnsetOrNoneField[int] = UNSET
    payment_method: UnsetOrNoneField[PaymentMethod] = UNSET
    properties: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET


class ServiceIn(CloposModel):
    """``payload.service`` of create_order: all four fields are required."""

    sale_type_id: int
    sale_type_name: str
    venue_id: int
    venue_name: str


class CustomerIn(CloposModel):
    """``payload.customer`` of create_order."""

    id: int
    name: str
    customer_discount_type: UnsetField[int] = UNSET
    phone: UnsetField[str] = UNSET
    address: UnsetOrNoneField[str] = UNSET


class ProductIn(CloposModel):
    """A product line of create_order."""

    product_id: int
    count: int
    product_modificators: UnsetOrNoneField[list[dict[str, Any]]] = UNSET
    meta: UnsetOrNoneField[dict[str, Any]] = UNSET


class OrderPayloadIn(CloposModel):
    """``payload`` of create_order."""

    service: ServiceIn
    customer: UnsetField[CustomerIn] = UNSET
    products: list[ProductIn]
