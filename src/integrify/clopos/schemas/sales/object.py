"""Payment methods and sale types."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Union

from ..common.object import Balance, Media, Timestamp
from ..common.types import UNSET, UnsetOrNoneField


class PaymentMethod(Timestamp):
    """A payment method; ``status`` maps venue id → 1 available / 0 not."""

    id: int
    name: str
    customer_required: UnsetOrNoneField[int] = UNSET
    is_system: UnsetOrNoneField[int] = UNSET
    balance_id: UnsetOrNoneField[int] = UNSET
    balance: UnsetOrNoneField[Balance] = UNSET
    service: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET
    split: UnsetOrNoneField[int] = UNSET
    position: UnsetOrNoneField[int] = UNSET
    status: UnsetOrNoneField[dict[str, int]] = UNSET


class SaleType(Timestamp):
    """A sale type (in-store, delivery, takeaway); ``status`` maps venue id → 1/0."""

    id: int
    name: str
    system_type: UnsetOrNoneField[str] = UNSET
    status: UnsetOrNoneField[dict[str, int]] = UNSET
    channel: UnsetOrNoneField[str] = UNSET
    service_charge_rate: UnsetOrNoneField[Decimal] = UNSET
    payment_method_id: UnsetOrNoneField[int] = UNSET
    position: UnsetOrNoneField[int] = UNSET
    payment_method: UnsetOrNoneField[PaymentMethod] = UNSET
    media: UnsetOrNoneField[list[Media]] = UNSET
