"""Product (every type: GOODS, DISH, TIMER, PREPARATION, INGREDIENT) and stop-list entries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Union

from pydantic import Field

from ..common.object import Image, Media, ModifierGroup, Package, Price, Tax, TimerSetting, Timestamp, Variant
from ..common.types import UNSET, CloposModel, Lenient, UnsetOrNoneField
from ..enums import ProductType
from ..venues.object import Venue


class Product(Timestamp):
    """A catalog item; which optional parts are present depends on ``type`` and ``with[]``."""

    id: int
    cid: UnsetOrNoneField[str] = UNSET
    parent_id: UnsetOrNoneField[int] = UNSET
    station_id: UnsetOrNoneField[int] = UNSET
    category_id: UnsetOrNoneField[int] = UNSET
    unit_id: UnsetOrNoneField[int] = UNSET
    net_output: UnsetOrNoneField[Decimal] = UNSET
    type: UnsetOrNoneField[Lenient[ProductType]] = UNSET
    name: str
    parent_name: UnsetOrNoneField[str] = UNSET
    image: UnsetOrNoneField[Image] = UNSET
    position: UnsetOrNoneField[int] = UNSET
    description: UnsetOrNoneField[str] = UNSET
    barcode: UnsetOrNoneField[str] = UNSET
    gov_code: UnsetOrNoneField[str] = UNSET
    cost: UnsetOrNoneField[Decimal] = UNSET
    status: UnsetOrNoneField[int] = UNSET
    hidden: UnsetOrNoneField[bool] = UNSET
    sold_by_weight: UnsetOrNoneField[bool] = UNSET
    max_age: UnsetOrNoneField[int] = UNSET
    discountable: UnsetOrNoneField[bool] = UNSET
    giftable: UnsetOrNoneField[bool] = UNSET
    has_modifications: UnsetOrNoneField[bool] = UNSET
    meta: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET
    setting: UnsetOrNoneField[TimerSetting] = UNSET
    modifications: UnsetOrNoneField[list[Variant]] = UNSET
    modificator_groups: UnsetOrNoneField[list[ModifierGroup]] = UNSET
    recipe: UnsetOrNoneField[list[Product]] = UNSET
    packages: UnsetOrNoneField[list[Package]] = UNSET
    variants: UnsetOrNoneField[list[Product]] = Field(default_factory=list)
    e_menu_id: UnsetOrNoneField[int] = UNSET
    emenu_category_id: UnsetOrNoneField[int] = UNSET
    emenu_position: UnsetOrNoneField[int] = UNSET
    emenu_hidden: UnsetOrNoneField[bool] = UNSET
    accounting_category_id: UnsetOrNoneField[int] = UNSET
    price: UnsetOrNoneField[Decimal] = UNSET
    prices: UnsetOrNoneField[list[Price]] = UNSET
    cost_price: UnsetOrNoneField[Decimal] = UNSET
    markup_rate: UnsetOrNoneField[Decimal] = UNSET
    taxes: UnsetOrNoneField[list[Tax]] = UNSET
    cooking_time: UnsetOrNoneField[int] = UNSET
    ignore_service_charge: UnsetOrNoneField[bool] = UNSET
    inventory_behavior: UnsetOrNoneField[int] = UNSET
    low_stock: UnsetOrNoneField[Decimal] = UNSET
    unit_weight: UnsetOrNoneField[Decimal] = UNSET
    name_slug: UnsetOrNoneField[str] = UNSET
    full_name: UnsetOrNoneField[str] = UNSET
    gross_margin: UnsetOrNoneField[Decimal] = UNSET
    slug: UnsetOrNoneField[str] = UNSET
    color: UnsetOrNoneField[str] = UNSET
    venues: UnsetOrNoneField[list[Union[Venue, dict[str, Any]]]] = UNSET
    properties: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET
    media: UnsetOrNoneField[list[Media]] = UNSET
    tags: UnsetOrNoneField[list[Any]] = UNSET
    total_quantity: UnsetOrNoneField[Decimal] = UNSET
    total_cost: UnsetOrNoneField[Decimal] = UNSET
    average_cost: UnsetOrNoneField[Decimal] = UNSET
    open_receipts_count: UnsetOrNoneField[int] = UNSET


Product.model_rebuild()


class StopList(CloposModel):
    """A sales limit: product ``id``, ``limit`` left (0 = out of stock), ``timestamp`` in Unix ms."""

    id: int
    limit: UnsetOrNoneField[Decimal] = UNSET
    timestamp: UnsetOrNoneField[int] = UNSET
