"""Models as the rows dlt loads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from .columns import Shape, exact, shape


def row(model: BaseModel) -> dict[str, Any]:
    """A model as a plain dict (unset fields left out), its decimals rounded to the column scale."""
    return exact(model.model_dump(), shape(type(model)))


def rows(models: Iterable[BaseModel]) -> Iterator[dict[str, Any]]:
    """Models as rows."""
    for model in models:
        yield row(model)


def flat_categories(models: Iterable[BaseModel]) -> Iterator[dict[str, Any]]:
    """The category tree as one row per category (``children`` unfolded; ``parent_id`` keeps the tree)."""
    for model in models:
        top = row(model)
        children = top.pop("children", None) or []
        yield top
        yield from _unfold(children, shape(type(model)))


def _unfold(children: list[dict[str, Any]], of: Shape) -> Iterator[dict[str, Any]]:
    for child in children:
        grandchildren = child.pop("children", None) or []
        yield exact(child, of)
        yield from _unfold(grandchildren, of)
