"""Objects shared by several resources."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, Union

from pydantic import AliasChoices, Field

from ..enums import ProductType
from .types import UNSET, CloposModel, Lenient, UnsetField, UnsetOrNoneField


class Timestamp(CloposModel):
    """Creation, update and deletion times (strings as the API sends them)."""

    created_at: UnsetOrNoneField[str] = UNSET
    updated_at: UnsetOrNoneField[str] = UNSET
    deleted_at: UnsetOrNoneField[str] = UNSET


class Balance(Timestamp):
    """A balance account (customer credit, cash, card)."""

    id: int
    system_type: UnsetOrNoneField[str] = UNSET
    venue_id: UnsetOrNoneField[int] = UNSET
    name: UnsetOrNoneField[str] = UNSET
    description: UnsetOrNoneField[str] = UNSET
    type: UnsetOrNoneField[str] = UNSET
    amount: UnsetOrNoneField[Decimal] = UNSET
    position: UnsetOrNoneField[int] = UNSET


class CashbackBalance(Balance):
    """A customer's cashback balance."""


class Image(CloposModel):
    """Image URLs in several sizes."""

    original: UnsetOrNoneField[str] = UNSET
    large: UnsetOrNoneField[str] = UNSET
    original_large: UnsetOrNoneField[str] = UNSET
    extra_large: UnsetOrNoneField[str] = UNSET
    thumb: UnsetOrNoneField[str] = UNSET
    blur_hash: UnsetOrNoneField[str] = UNSET


class Media(CloposModel):
    """An uploaded media file."""

    uuid: UnsetOrNoneField[str] = UNSET
    mime_type: UnsetOrNoneField[str] = UNSET
    size: UnsetOrNoneField[int] = UNSET
    urls: UnsetOrNoneField[Image] = UNSET
    blur_hash: UnsetOrNoneField[str] = UNSET
    dimensions: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET


class Variant(CloposModel):
    """A variant of a GOODS product (a ``MODIFICATION`` row)."""

    id: int
    parent_id: UnsetOrNoneField[int] = UNSET
    type: UnsetField[Union[Literal[ProductType.MODIFICATION], str]] = UNSET
    name: str
    price: UnsetOrNoneField[Decimal] = UNSET
    cost_price: UnsetOrNoneField[Decimal] = UNSET
    barcode: UnsetOrNoneField[str] = UNSET
    full_name: UnsetOrNoneField[str] = UNSET
    status: UnsetOrNoneField[int] = UNSET


class Modifier(Timestamp):
    """One choice of a modifier group."""

    id: int
    name: UnsetOrNoneField[str] = UNSET
    price: UnsetOrNoneField[Decimal] = UNSET
    cost_price: UnsetOrNoneField[Decimal] = UNSET
    type: UnsetOrNoneField[Lenient[ProductType]] = UNSET
    status: UnsetOrNoneField[int] = UNSET
    pivot: UnsetOrNoneField[dict[str, Any]] = UNSET


class ModifierGroup(Timestamp):
    """A modifier group of a DISH (wire key of its modifiers: ``modificators``)."""

    id: int
    name: str
    type: UnsetOrNoneField[int] = Field(default=UNSET, description="1 single-choice, 0 multi-choice")
    min_select: UnsetOrNoneField[int] = UNSET
    max_select: UnsetOrNoneField[int] = UNSET
    modifiers: UnsetOrNoneField[list[Modifier]] = Field(
        default=UNSET, validation_alias=AliasChoices("modifiers", "modificators")
    )
    adjust_to_portion: UnsetOrNoneField[bool] = UNSET
    status: UnsetOrNoneField[bool] = UNSET
    meta: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET
    pivot: UnsetOrNoneField[dict[str, Any]] = UNSET


class Package(CloposModel):
    """A purchase package of an INGREDIENT (``equal`` units in one package)."""

    id: UnsetOrNoneField[int] = UNSET
    name: UnsetOrNoneField[str] = UNSET
    equal: UnsetOrNoneField[Decimal] = UNSET


class Tax(CloposModel):
    """A tax applied to a product."""

    id: int
    name: UnsetOrNoneField[str] = UNSET
    rate: UnsetOrNoneField[Decimal] = UNSET
    type_id: UnsetOrNoneField[int] = UNSET
    rounding_option: UnsetOrNoneField[str] = UNSET
    priority: UnsetOrNoneField[int] = UNSET
    calculation_type: UnsetOrNoneField[int] = UNSET
    is_default: UnsetOrNoneField[bool] = UNSET
    status: UnsetOrNoneField[int] = UNSET
    meta: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET
    type: UnsetOrNoneField[dict[str, Any]] = UNSET
    has_sale_types: UnsetOrNoneField[bool] = UNSET
    sale_types: UnsetOrNoneField[list[Any]] = UNSET


class Price(CloposModel):
    """A price step (TIMER settings) or a price-list price of a product."""

    price: UnsetOrNoneField[Decimal] = UNSET
    # ``from`` is a Python keyword: the field is ``from_``, its wire name ``from``.
    from_: UnsetOrNoneField[int] = Field(default=UNSET, alias="from")
    id: UnsetOrNoneField[int] = UNSET
    list_id: UnsetOrNoneField[int] = UNSET
    venue_id: UnsetOrNoneField[int] = UNSET


class TimerSetting(CloposModel):
    """Pricing rules of a TIMER product: ``interval`` minutes, price steps from minute ``from``."""

    interval: UnsetOrNoneField[int] = UNSET
    calculation_methods: UnsetOrNoneField[int] = UNSET
    prices: UnsetOrNoneField[list[Price]] = UNSET


class Service(CloposModel):
    """The service context of an order: sale type and venue."""

    sale_type_id: UnsetOrNoneField[int] = UNSET
    sale_type_name: UnsetOrNoneField[str] = UNSET
    venue_id: UnsetOrNoneField[int] = UNSET
    venue_name: UnsetOrNoneField[str] = UNSET
