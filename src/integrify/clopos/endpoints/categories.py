"""Menu categories (a nested-set tree) and stations."""

from __future__ import annotations

from typing import Any

from ..schemas.categories.object import Category
from ..schemas.common.response import ObjectListResponse, ObjectResponse
from ..schemas.enums import CategoryType
from ._shared import UNSET, Call, Headers, UnsetField, check_choice, endpoint, list_endpoint, paged


class CategoryEndpoints:
    @list_endpoint
    def get_categories(
        self: Any,
        page: int = 1,
        limit: int = 50,
        parent_id: UnsetField[int] = UNSET,
        type: UnsetField[CategoryType | str] = UNSET,
        include_children: bool = True,
        include_inactive: bool = False,
        *,
        headers: Headers = UNSET,
    ) -> Call[ObjectListResponse[Category]]:
        """Categories with their hierarchy (``GET /categories``); limit 1–999."""
        check_choice("type", type, CategoryType)
        query = (
            paged(page, limit, 999)
            .add("parent_id", parent_id)
            .add("type", type)
            .add("include_children", include_children)
            .add("include_inactive", include_inactive)
        )
        return Call("GET", "/categories", ObjectListResponse[Category], params=query.params, headers=headers)

    @endpoint
    def get_category_by_id(self: Any, id: int, *, headers: Headers = UNSET) -> Call[ObjectResponse[Category]]:
        """One category with its hierarchical details (``GET /categories/{id}``)."""
        return Call("GET", f"/categories/{id}", ObjectResponse[Category], headers=headers)
