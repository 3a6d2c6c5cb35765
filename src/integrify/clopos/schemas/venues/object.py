"""Venue: a branch of the brand."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..common.types import UNSET, CloposModel, UnsetOrNoneField


class Venue(CloposModel):
    """A branch; use its ``id`` as ``x-venue``."""

    id: int
    name: str
    address: UnsetOrNoneField[str] = UNSET
    status: UnsetOrNoneField[int] = UNSET
    phone: UnsetOrNoneField[str] = UNSET
    email: UnsetOrNoneField[str] = UNSET
    media: list[Any] = Field(default_factory=list)
