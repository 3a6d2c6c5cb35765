"""Response envelopes: success bodies, lists, and the error body in all four shapes the API uses."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar, Union

from pydantic import AliasChoices, Field, model_validator

from .types import UNSET, CloposModel, UnsetField, UnsetOrNoneField

_ObjectTypeT = TypeVar("_ObjectTypeT")


class BaseResponse(CloposModel):
    """The success envelope. ``time``/``timestamp``/``unix`` are often omitted by the API, so optional."""

    success: Literal[True] = True
    message: UnsetField[str] = UNSET
    time: UnsetField[int] = Field(default=UNSET, description="Response time (ms)")
    timestamp: UnsetField[str] = Field(default=UNSET, description="Server time, YYYY-MM-DD HH:MM:SS")
    unix: UnsetField[int] = Field(default=UNSET, description="Unix timestamp of the response")


class ObjectResponse(BaseResponse, Generic[_ObjectTypeT]):
    """One object in ``data``. A bare object (no envelope, as some docs show) is accepted too."""

    data: _ObjectTypeT

    @model_validator(mode="before")
    @classmethod
    def _wrap_bare(cls, value: Any) -> Any:
        if isinstance(value, dict) and "data" not in value and "success" not in value:
            return {"data": value}
        return value


class Pagination(CloposModel):
    """The ``pagination`` object some generation-2 lists carry instead of ``total``."""

    page: UnsetField[int] = UNSET
    per_page: UnsetField[int] = UNSET
    total: UnsetField[int] = UNSET
    total_pages: UnsetField[int] = UNSET


class PaginatedResponse(BaseResponse):
    total: UnsetField[int] = Field(default=UNSET, description="Number of items before paging")
    sorts: UnsetField[list[str]] = Field(default=UNSET, description="Fields accepted by sort[0]")
    pagination: UnsetField[Pagination] = UNSET

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, value: Any) -> Any:
        if isinstance(value, list):
            return {"data": value}
        if isinstance(value, dict) and "total" not in value and isinstance(value.get("pagination"), dict):
            total = value["pagination"].get("total")
            if total is not None:
                return {**value, "total": total}
        return value


class ObjectListResponse(PaginatedResponse, Generic[_ObjectTypeT]):
    """A page of objects in ``data``, with ``total`` (count before paging) when the API gives it."""

    data: list[_ObjectTypeT]


class ErrorDetail(CloposModel):
    """One item of the live server's error list (Laravel style)."""

    message: UnsetOrNoneField[str] = UNSET
    type: UnsetOrNoneField[str] = UNSET
    exception: UnsetOrNoneField[str] = UNSET
    code: UnsetOrNoneField[Union[int, str]] = UNSET
    http_code: UnsetOrNoneField[int] = UNSET


class ErrorResponse(CloposModel):
    """Any error body: ``{"success": false, "error": "<code>" | "<sentence>" | [...], "message", "details"}``."""

    success: bool = False
    error: UnsetOrNoneField[Union[str, list[ErrorDetail]]] = UNSET
    message: UnsetOrNoneField[str] = Field(default=UNSET, validation_alias=AliasChoices("message", "msg"))
    details: UnsetOrNoneField[dict[str, Any]] = UNSET

    @property
    def code(self) -> str | None:
        """The snake_case code (``not_found``), the exception name of a list error, else None."""
        if isinstance(self.error, str):
            return self.error if self.error.replace("_", "").isalnum() and self.error.islower() else None
        if isinstance(self.error, list) and self.error:
            exception = self.error[0].exception
            return exception if isinstance(exception, str) else None
        return None

    @property
    def text(self) -> str:
        """The best human-readable message of the body."""
        if isinstance(self.message, str) and self.message:
            return self.message
        if isinstance(self.error, str):
            return self.error
        if isinstance(self.error, list) and self.error and isinstance(self.error[0].message, str):
            return self.error[0].message
        return ""
