"""User: a staff account."""

from __future__ import annotations

from typing import Any, Union

from ..common.object import Timestamp
from ..common.types import UNSET, UnsetOrNoneField


class User(Timestamp):
    """A staff account (generation 2 answers a reduced object without ``pin``/``hide``)."""

    id: int
    email: UnsetOrNoneField[str] = UNSET
    username: UnsetOrNoneField[str] = UNSET
    first_name: UnsetOrNoneField[str] = UNSET
    last_name: UnsetOrNoneField[str] = UNSET
    pin: UnsetOrNoneField[str] = UNSET
    card: UnsetOrNoneField[str] = UNSET
    mobile_number: UnsetOrNoneField[str] = UNSET
    owner: UnsetOrNoneField[int] = UNSET
    hide: UnsetOrNoneField[int] = UNSET
    salary: UnsetOrNoneField[int] = UNSET
    barcode: UnsetOrNoneField[str] = UNSET
    tip_message: UnsetOrNoneField[str] = UNSET
    can_receive_tips: UnsetOrNoneField[bool] = UNSET
    login_at: UnsetOrNoneField[str] = UNSET
    status: UnsetOrNoneField[bool] = UNSET
    bonus_balance_id: UnsetOrNoneField[int] = UNSET
    properties: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET
    image: UnsetOrNoneField[Union[list[Any], dict[str, Any]]] = UNSET
