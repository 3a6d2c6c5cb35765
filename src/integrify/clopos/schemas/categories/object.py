"""Category: a node of the menu tree (nested set)."""

from __future__ import annotations

from typing import Any, Union

from pydantic import AliasChoices, Field

from ..common.object import Image, Media, Timestamp
from ..common.types import UNSET, Lenient, UnsetOrNoneField
from ..enums import CategoryType


class Category(Timestamp):
    """A menu category; ``lft``/``rgt`` (wire ``_lft``/``_rgt``) and ``depth`` place it in the tree."""

    id: int
    name: str
    status: UnsetOrNoneField[int] = UNSET
    hidden: UnsetOrNoneField[bool] = UNSET
    type: UnsetOrNoneField[Lenient[CategoryType]] = UNSET
    image: UnsetOrNoneField[Image] = UNSET
    position: UnsetOrNoneField[int] = UNSET
    emenu_position: UnsetOrNoneField[int] = UNSET
    meta: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET
    emenu_hidden: UnsetOrNoneField[bool] = UNSET
    code: UnsetOrNoneField[str] = UNSET
    lft: UnsetOrNoneField[int] = Field(default=UNSET, validation_alias=AliasChoices("lft", "_lft"))
    rgt: UnsetOrNoneField[int] = Field(default=UNSET, validation_alias=AliasChoices("rgt", "_rgt"))
    depth: UnsetOrNoneField[int] = UNSET
    parent_id: UnsetOrNoneField[int] = UNSET
    slug: UnsetOrNoneField[str] = UNSET
    color: UnsetOrNoneField[str] = UNSET
    properties: UnsetOrNoneField[Union[dict[str, Any], list[Any]]] = UNSET
    media: UnsetOrNoneField[list[Media]] = Field(default_factory=list)
    children: UnsetOrNoneField[list[Category]] = UNSET


Category.model_rebuild()
