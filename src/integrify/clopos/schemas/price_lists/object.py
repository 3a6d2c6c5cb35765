"""Price lists and their prices (generation 2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..common.types import UNSET, CloposModel, UnsetOrNoneField


class PriceListPrice(CloposModel):
    """The price of one product in one price list."""

    id: int
    list_id: UnsetOrNoneField[int] = UNSET
    product_id: UnsetOrNoneField[int] = UNSET
    price: UnsetOrNoneField[Decimal] = UNSET
    product: UnsetOrNoneField[dict[str, Any]] = UNSET
    list: UnsetOrNoneField[dict[str, Any]] = UNSET


class PriceList(CloposModel):
    """A named set of product prices."""

    id: int
    name: str
    description: UnsetOrNoneField[str] = UNSET
    status: UnsetOrNoneField[bool] = UNSET
    prices: UnsetOrNoneField[list[PriceListPrice]] = UNSET
    created_at: UnsetOrNoneField[str] = UNSET
    updated_at: UnsetOrNoneField[str] = UNSET
