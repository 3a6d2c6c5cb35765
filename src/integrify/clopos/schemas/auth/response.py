"""The auth answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from ..common.types import UNSET, CloposModel, UnsetField


class AuthResponse(CloposModel):
    """A token for ``x-token``; ``expires_in`` seconds (v1), plus ``expires_at`` Unix seconds (v2)."""

    success: Literal[True] = True
    token: str
    token_type: UnsetField[str] = UNSET
    expires_in: UnsetField[int] = UNSET
    expires_at: UnsetField[int] = UNSET
    message: UnsetField[str] = UNSET

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        """The token is left out of reprs."""
        return [(key, "***" if key == "token" else value) for key, value in super().__repr_args__()]
