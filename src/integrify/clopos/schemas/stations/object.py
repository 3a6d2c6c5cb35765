"""Station: where dishes are prepared or served."""

from __future__ import annotations

from typing import Any, Union

from ..common.object import Timestamp
from ..common.types import UNSET, UnsetOrNoneField


class Station(Timestamp):
    """A preparation or service station (``type`` 1 kitchen, 0 other)."""

    id: Union[int, str]
    name: str
    status: UnsetOrNoneField[int] = UNSET
    type: UnsetOrNoneField[int] = UNSET
    printable: UnsetOrNoneField[int] = UNSET
    can_print: UnsetOrNoneField[bool] = UNSET
    reminder_enabled: UnsetOrNoneField[bool] = UNSET
    meta: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET
    description: UnsetOrNoneField[str] = UNSET
