"""Customer and customer group."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Union

from pydantic import Field

from ..common.object import Balance, CashbackBalance, Timestamp
from ..common.types import UNSET, Lenient, UnsetOrNoneField
from ..enums import DiscountType


class Group(Timestamp):
    """A customer group and its discount."""

    id: int
    name: str
    discount_type: UnsetOrNoneField[Lenient[DiscountType]] = UNSET
    discount_value: UnsetOrNoneField[Decimal] = UNSET
    system_type: UnsetOrNoneField[str] = UNSET
    total_amount: UnsetOrNoneField[Decimal] = UNSET


class Customer(Timestamp):
    """A customer of the brand, with balances and loyalty data."""

    id: int
    venue_id: UnsetOrNoneField[int] = UNSET
    cid: UnsetOrNoneField[str] = UNSET
    group_id: UnsetOrNoneField[int] = UNSET
    group: UnsetOrNoneField[Group] = UNSET
    balance_id: UnsetOrNoneField[int] = UNSET
    name: str
    discount: UnsetOrNoneField[Decimal] = UNSET
    email: UnsetOrNoneField[str] = UNSET
    phone: UnsetOrNoneField[str] = UNSET
    phones: UnsetOrNoneField[list[str]] = Field(default_factory=list)
    address: UnsetOrNoneField[str] = UNSET
    addresses: UnsetOrNoneField[list[Any]] = Field(default_factory=list)
    description: UnsetOrNoneField[str] = UNSET
    address_data: UnsetOrNoneField[list[Union[dict[str, Any], str]]] = UNSET
    bonus_balance_id: UnsetOrNoneField[int] = UNSET
    balance: UnsetOrNoneField[Balance] = UNSET
    cashback_balance_id: UnsetOrNoneField[int] = UNSET
    cashback_balance: UnsetOrNoneField[CashbackBalance] = UNSET
    spent: UnsetOrNoneField[Decimal] = UNSET
    total_discount: UnsetOrNoneField[Decimal] = UNSET
    total_bonus: UnsetOrNoneField[Decimal] = UNSET
    receipt_count: UnsetOrNoneField[int] = UNSET
    gender: UnsetOrNoneField[int] = UNSET
    date_of_birth: UnsetOrNoneField[str] = UNSET
    code: UnsetOrNoneField[str] = UNSET
    source: UnsetOrNoneField[str] = UNSET
    reference_id: UnsetOrNoneField[str] = UNSET
    phone_verified_at: UnsetOrNoneField[str] = UNSET
    status: UnsetOrNoneField[bool] = UNSET
    can_use_loyalty_system: UnsetOrNoneField[bool] = UNSET
    is_verified: UnsetOrNoneField[bool] = UNSET
