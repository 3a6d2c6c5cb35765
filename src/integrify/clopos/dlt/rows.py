"""Models as the rows dlt loads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel


def rows(models: Iterable[BaseModel]) -> Iterator[dict[str, Any]]:
    """Models as plain dicts (unset fields left out)."""
    for model in models:
        yield model.model_dump()


def flat_categories(models: Iterable[BaseModel]) -> Iterator[dict[str, Any]]:
    """The category tree as one row per category (``children`` unfolded; ``parent_id`` keeps the tree)."""
    for model in models:
        row = model.model_dump()
        children = row.pop("children", None) or []
        yield row
        yield from _unfold(children)


def _unfold(children: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for child in children:
        grandchildren = child.pop("children", None) or []
        yield child
        yield from _unfold(grandchildren)
