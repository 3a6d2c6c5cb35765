"""Endpoints are declared once, as functions that build a ``Call``; the client's mode sends it.

``@endpoint`` turns such a function into a descriptor: on a sync client it is a method returning
``APIResponse``, on an async client a coroutine method, on a dry client it returns ``DryRequest``.
``@list_endpoint`` adds ``.iter()`` and ``.pages()``, which walk every page.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, Concatenate, Generic, TypeVar, overload

from pydantic import MISSING, BaseModel
from typing_extensions import ParamSpec

from ..schemas.common.response import ObjectListResponse
from .call import APIResponse, Call, DryRequest

if TYPE_CHECKING:
    from .modes import AsyncMode, DryMode, SyncMode

P = ParamSpec("P")
T = TypeVar("T", bound=BaseModel)
ItemT = TypeVar("ItemT")


class Endpoint(Generic[P, T]):
    """One API operation; see the module docstring."""

    def __init__(self, build: Callable[Concatenate[Any, P], Call[T]]) -> None:
        self.build = build
        self.__name__ = build.__name__
        self.__doc__ = build.__doc__

    @overload
    def __get__(self, client: None, owner: type[Any]) -> Endpoint[P, T]: ...
    @overload
    def __get__(self, client: SyncMode, owner: type[Any]) -> SyncMethod[P, T]: ...
    @overload
    def __get__(self, client: AsyncMode, owner: type[Any]) -> AsyncMethod[P, T]: ...
    @overload
    def __get__(self, client: DryMode, owner: type[Any]) -> DryMethod[P]: ...
    def __get__(self, client: Any, owner: type[Any]) -> Any:
        if client is None:
            return self
        return client._bind(self)


class ListEndpoint(Generic[P, ItemT]):
    """A paged list operation: the bound method also has ``.iter()`` and ``.pages()``."""

    def __init__(self, build: Callable[Concatenate[Any, P], Call[ObjectListResponse[ItemT]]]) -> None:
        self.build = build
        self.__name__ = build.__name__
        self.__doc__ = build.__doc__

    @overload
    def __get__(self, client: None, owner: type[Any]) -> ListEndpoint[P, ItemT]: ...
    @overload
    def __get__(self, client: SyncMode, owner: type[Any]) -> SyncListMethod[P, ItemT]: ...
    @overload
    def __get__(self, client: AsyncMode, owner: type[Any]) -> AsyncListMethod[P, ItemT]: ...
    @overload
    def __get__(self, client: DryMode, owner: type[Any]) -> DryMethod[P]: ...
    def __get__(self, client: Any, owner: type[Any]) -> Any:
        if client is None:
            return self
        return client._bind_list(self)


def endpoint(build: Callable[Concatenate[Any, P], Call[T]]) -> Endpoint[P, T]:
    return Endpoint(build)


def list_endpoint(
    build: Callable[Concatenate[Any, P], Call[ObjectListResponse[ItemT]]],
) -> ListEndpoint[P, ItemT]:
    return ListEndpoint(build)


class _Bound:
    __slots__ = ("_build", "_client")

    def __init__(self, client: Any, build: Callable[..., Call[Any]]) -> None:
        self._client = client
        self._build = build

    def __repr__(self) -> str:
        return f"<bound {self._build.__name__} of {self._client!r}>"


class SyncMethod(_Bound, Generic[P, T]):
    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        return self._client._transport.run(self._client._flows.call(self._build(self._client, *args, **kwargs)))  # type: ignore[no-any-return]


class AsyncMethod(_Bound, Generic[P, T]):
    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Awaitable[APIResponse[T]]:
        return self._client._transport.run(self._client._flows.call(self._build(self._client, *args, **kwargs)))  # type: ignore[no-any-return]


class DryMethod(_Bound, Generic[P]):
    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> DryRequest:
        return self._client._flows.dry(self._build(self._client, *args, **kwargs))  # type: ignore[no-any-return]


def _last_page(call: Call[Any], first: ObjectListResponse[Any]) -> int | None:
    """The last page number, from ``total`` and the page size, when the server gave a total."""
    size = call.page_size() or len(first.data)
    if first.total is MISSING or size <= 0:
        return None
    return max(call.first_page(), math.ceil(first.total / size))


def _finished(call: Call[Any], page: int, response: ObjectListResponse[Any], last: int | None) -> bool:
    size = call.page_size()
    if not response.data or (size is not None and len(response.data) < size):
        return True
    return last is not None and page >= last


class SyncListMethod(SyncMethod[P, ObjectListResponse[ItemT]], Generic[P, ItemT]):
    def pages(self, *args: P.args, **kwargs: P.kwargs) -> Iterator[ObjectListResponse[ItemT]]:
        """Every page in turn, from the requested one; errors are raised as typed exceptions."""
        call = self._build(self._client, *args, **kwargs)
        page = call.first_page()
        last: int | None = None
        while True:
            response = self._client._transport.run(self._client._flows.call(call.with_page(page))).unwrap()
            if page == call.first_page():
                last = _last_page(call, response)
            yield response
            if _finished(call, page, response, last):
                return
            page += 1

    def iter(self, *args: P.args, **kwargs: P.kwargs) -> Iterator[ItemT]:
        """Every item of every page, holding one page in memory."""
        for response in self.pages(*args, **kwargs):
            yield from response.data


class AsyncListMethod(AsyncMethod[P, ObjectListResponse[ItemT]], Generic[P, ItemT]):
    async def _fetch(self, call: Call[ObjectListResponse[ItemT]], page: int) -> ObjectListResponse[ItemT]:
        response = await self._client._transport.run(self._client._flows.call(call.with_page(page)))
        return response.unwrap()  # type: ignore[no-any-return]

    async def pages(self, *args: P.args, **kwargs: P.kwargs) -> AsyncIterator[ObjectListResponse[ItemT]]:
        """Every page in order; once ``total`` is known, up to ``prefetch`` pages are fetched at once."""
        call = self._build(self._client, *args, **kwargs)
        page = call.first_page()
        first = await self._fetch(call, page)
        yield first
        last = _last_page(call, first)
        if _finished(call, page, first, last):
            return
        if last is None:  # no total: one page at a time until a short page
            while True:
                page += 1
                response = await self._fetch(call, page)
                yield response
                if _finished(call, page, response, None):
                    return
        window: deque[asyncio.Task[ObjectListResponse[ItemT]]] = deque()
        next_page = page + 1
        try:
            while next_page <= last or window:
                while next_page <= last and len(window) < max(1, self._client._flows.config.prefetch):
                    window.append(asyncio.ensure_future(self._fetch(call, next_page)))
                    next_page += 1
                response = await window.popleft()
                yield response
                if not response.data:
                    return
        finally:
            for task in window:
                task.cancel()

    async def iter(self, *args: P.args, **kwargs: P.kwargs) -> AsyncIterator[ItemT]:
        """Every item of every page, in order, with pages prefetched concurrently."""
        async for response in self.pages(*args, **kwargs):
            for item in response.data:
                yield item
