"""Users: staff accounts, roles and access."""

from __future__ import annotations

from typing import Any

from ..schemas.common.response import ObjectListResponse, ObjectResponse
from ..schemas.users.object import User
from ._shared import UNSET, Call, Headers, UnsetField, endpoint, list_endpoint, paged


class UserEndpoints:
    @list_endpoint
    def get_users(
        self: Any, page: UnsetField[int] = UNSET, limit: UnsetField[int] = UNSET, *, headers: Headers = UNSET
    ) -> Call[ObjectListResponse[User]]:
        """Staff accounts (``GET /users``); limit 1–100."""
        params = paged(page, limit, 100).params
        return Call("GET", "/users", ObjectListResponse[User], params=params, headers=headers)

    @endpoint
    def get_user_by_id(self: Any, id: int, *, headers: Headers = UNSET) -> Call[ObjectResponse[User]]:
        """One user (``GET /users/{id}``)."""
        return Call("GET", f"/users/{id}", ObjectResponse[User], headers=headers)
