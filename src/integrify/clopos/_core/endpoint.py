"""Endpoints are declared once, as functions that build a ``Call``; the client's mode sends it.

``@endpoint`` turns such a function into a descriptor: on a sync client it is a method returning
``APIResponse``, on an async client a coroutine method, on a dry client it returns ``DryRequest``.
``@list_endpoint`` adds ``.iter()`` and ``.pages()``, which walk every page.
"""

from __future__ import annotations

import asyncio
import inspect
import math
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, Concatenate, Generic, TypeVar, cast, get_args, overload

from pydantic import MISSING, BaseModel
from typing_extensions import ParamSpec

from ..errors import ResponseDecodeError
from ..schemas.common.response import ObjectListResponse
from .call import APIResponse, Call, DryRequest

if TYPE_CHECKING:
    from .modes import AsyncMode, DryMode, SyncMode

P = ParamSpec("P")
T = TypeVar("T", bound=BaseModel)
ItemT = TypeVar("ItemT")
W = TypeVar("W", bound=Callable[..., Any])


class _Signatures:
    """The signatures of one declaration as each kind of method shows it, computed on first use and kept."""

    def __init__(self, build: Callable[..., Any]) -> None:
        self.build = build
        self._declared: inspect.Signature | None = None
        self._kinds: dict[str, inspect.Signature] = {}

    def get(self, kind: str) -> inspect.Signature:
        """On the class (``"class"``), on a ``"sync"``, ``"async"`` or ``"dry"`` client, or of its ``.iter`` /
        ``.pages`` (``"sync.iter"``, ``"async.pages"``, ...): the declared arguments less the client."""
        signature = self._kinds.get(kind)
        if signature is None:
            declared = self._declared
            if declared is None:
                try:
                    declared = inspect.signature(self.build, eval_str=True)
                except (NameError, TypeError):  # an annotation only a type checker can resolve
                    declared = inspect.signature(self.build)
                self._declared = declared
            signature = self._kinds[kind] = declared.replace(
                parameters=list(declared.parameters.values())[1:],
                return_annotation=_returns(kind, declared.return_annotation),
            )
        return signature


def _returns(kind: str, declared: Any) -> Any:
    """What a method of this kind returns, from the ``Call[Model]`` its declaration builds."""
    args = get_args(declared)
    if not args:
        return inspect.Signature.empty
    model = args[0]
    if kind in ("class", "sync"):
        return APIResponse[model]  # type: ignore[valid-type]
    if kind == "async":
        return Awaitable[APIResponse[model]]  # type: ignore[valid-type]
    if kind == "dry":
        return DryRequest
    item = model.__pydantic_generic_metadata__["args"][0] if kind.endswith(".iter") else model
    return Iterator[item] if kind.startswith("sync") else AsyncIterator[item]  # type: ignore[valid-type]


#: Per declared function; the bound methods, made on every attribute access, look theirs up here.
_SIGNATURES: dict[Callable[..., Any], _Signatures] = {}


class _Declaration:
    """What ``Endpoint`` and ``ListEndpoint`` share: the declaration's name, docstring and ``__wrapped__``
    (as ``functools.wraps`` gives them), its signature less the client, and calls with the client first
    (``CloposClientClass.get_venues(client)``), as a function found on a class is called."""

    build: Callable[..., Any]

    def _declare(self, build: Callable[..., Any]) -> None:
        self.build = build
        self.__name__ = build.__name__
        self.__qualname__ = build.__qualname__
        self.__module__ = build.__module__
        self.__doc__ = build.__doc__
        self.__wrapped__ = build
        _SIGNATURES[build] = _Signatures(build)

    @property
    def __signature__(self) -> inspect.Signature:
        return _SIGNATURES[self.build].get("class")

    if not TYPE_CHECKING:  # runtime only: mypy keeps seeing a descriptor, not a callable

        def __call__(self, client, /, *args, **kwargs):
            return self.__get__(client, type(client))(*args, **kwargs)


class Endpoint(_Declaration, Generic[P, T]):
    """One API operation; see the module docstring."""

    def __init__(self, build: Callable[Concatenate[Any, P], Call[T]]) -> None:
        self._declare(build)

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


class ListEndpoint(_Declaration, Generic[P, ItemT]):
    """A paged list operation: the bound method also has ``.iter()`` and ``.pages()``."""

    def __init__(self, build: Callable[Concatenate[Any, P], Call[ObjectListResponse[ItemT]]]) -> None:
        self._declare(build)

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


class _Introspected:
    """A callable made per attribute access that introspects as its declaration: ``__signature__``,
    ``__doc__``, ``__name__``, ``__qualname__``, ``__wrapped__`` are read from the (cached) declaration."""

    __slots__ = ()
    _kind = "sync"

    def _declaration(self) -> Callable[..., Any]:
        raise NotImplementedError

    def _name(self) -> str:
        return self._declaration().__name__

    def _doc(self) -> str | None:
        return self._declaration().__doc__

    @property
    def __signature__(self) -> inspect.Signature:
        return _SIGNATURES[self._declaration()].get(self._kind)

    @property
    def __wrapped__(self) -> Callable[..., Any]:
        return self._declaration()

    if not TYPE_CHECKING:  # runtime only, so the types mypy and pyright see stay those of the class

        def __init_subclass__(cls, **kwargs):  # every class has its own ``__doc__``: make each one the property
            super().__init_subclass__(**kwargs)
            cls.__doc__ = property(lambda self: self._doc())

        def __getattr__(self, name):  # ``__name__`` and ``__qualname__`` are not class attributes
            if name == "__name__":
                return self._name()
            if name == "__qualname__":
                return self._qualname()
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

        def __get__(self, instance, owner=None):  # a method descriptor, so pydoc and IPython show a routine
            return self

    def _qualname(self) -> str:
        return self._declaration().__qualname__


class _Bound(_Introspected):
    __slots__ = ("_build", "_client")

    def __init__(self, client: Any, build: Callable[..., Call[Any]]) -> None:
        self._client = client
        self._build = build

    def _declaration(self) -> Callable[..., Any]:
        return self._build

    def __repr__(self) -> str:
        return f"<bound {self._build.__name__} of {self._client!r}>"


class SyncMethod(_Bound, Generic[P, T]):
    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        call = self._build(self._client, *args, **kwargs)
        del args, kwargs  # may hold a secret: keep it out of tracebacks that show locals
        return self._client._transport.run(self._client._flows.call(call))  # type: ignore[no-any-return]


class AsyncMethod(_Bound, Generic[P, T]):
    _kind = "async"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Awaitable[APIResponse[T]]:
        return self._client._transport.run(self._client._flows.call(self._build(self._client, *args, **kwargs)))  # type: ignore[no-any-return]


class DryMethod(_Bound, Generic[P]):
    _kind = "dry"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> DryRequest:
        return self._client._flows.dry(self._build(self._client, *args, **kwargs))  # type: ignore[no-any-return]


class _Walk(_Introspected):
    # ``.iter`` or ``.pages`` of one bound list method (its ``__doc__`` is the walk's and the endpoint's).

    __slots__ = ("_kind", "_method", "_walk")

    def __init__(self, method: _Bound, walk: Callable[..., Any]) -> None:
        self._method = method
        self._walk = walk
        self._kind = f"{method._kind}.{walk.__name__}"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._walk(self._method, *args, **kwargs)

    def _declaration(self) -> Callable[..., Any]:
        return self._method._build

    def _name(self) -> str:
        return str(self._walk.__name__)

    def _qualname(self) -> str:
        return f"{self._method._build.__qualname__}.{self._walk.__name__}"

    def _doc(self) -> str:
        build = self._method._build
        return f"{self._walk.__doc__}\n\nTakes the arguments of ``{build.__name__}``:\n\n{inspect.getdoc(build) or ''}"

    def __repr__(self) -> str:
        return f"<{self._walk.__name__} of {self._method!r}>"


class _Walker:
    """Makes ``method.iter`` / ``method.pages`` a ``_Walk`` that introspects as the endpoint it walks."""

    def __init__(self, walk: Callable[..., Any]) -> None:
        self.walk = walk

    def __get__(self, method: _Bound | None, owner: type[Any]) -> Any:
        return self.walk if method is None else _Walk(method, self.walk)


def _walker(walk: W) -> W:
    return cast(W, _Walker(walk))


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
    @_walker
    def pages(self, *args: P.args, **kwargs: P.kwargs) -> Iterator[ObjectListResponse[ItemT]]:
        """Every page in turn, from the requested one; errors are raised as typed exceptions."""
        call = self._build(self._client, *args, **kwargs)
        page = call.first_page()
        last: int | None = None
        while True:
            response = self._client._transport.run(self._client._flows.call(call.with_page(page))).unwrap()
            if page == call.first_page():
                last = _last_page(call, response)
            finished = _finished(call, page, response, last)
            yield response
            del response  # not alive while the next page is decoded (see decode.collect_before_decoding)
            if finished:
                return
            page += 1

    @_walker
    def iter(self, *args: P.args, **kwargs: P.kwargs) -> Iterator[ItemT]:
        """Every item of every page, holding one page in memory."""
        for response in self.pages(*args, **kwargs):
            items = response.data
            del response
            yield from items
            del items  # (see pages)


class AsyncListMethod(AsyncMethod[P, ObjectListResponse[ItemT]], Generic[P, ItemT]):
    async def _fetch(self, call: Call[ObjectListResponse[ItemT]], page: int) -> ObjectListResponse[ItemT]:
        response = await self._client._transport.run(self._client._flows.call(call.with_page(page)))
        return response.unwrap()  # type: ignore[no-any-return]

    async def _ahead(self, call: Call[ObjectListResponse[ItemT]], page: int) -> APIResponse[ObjectListResponse[ItemT]]:
        """A page fetched ahead, its body left undecoded until its turn (see ``Flows.call``)."""
        flow = self._client._flows.call(call.with_page(page), decode=False)
        return await self._client._transport.run(flow)  # type: ignore[no-any-return]

    async def _turn(
        self, call: Call[ObjectListResponse[ItemT]], page: int, ahead: APIResponse[ObjectListResponse[ItemT]]
    ) -> ObjectListResponse[ItemT]:
        """A page fetched ahead, decoded; one that does not decode is fetched again, with the usual retries."""
        try:
            return self._client._flows.decoded(call, ahead).unwrap()  # type: ignore[no-any-return]
        except ResponseDecodeError:
            return await self._fetch(call, page)

    @_walker
    async def pages(self, *args: P.args, **kwargs: P.kwargs) -> AsyncIterator[ObjectListResponse[ItemT]]:
        """Every page in order; once ``total`` is known, up to ``prefetch`` pages are fetched at once."""
        call = self._build(self._client, *args, **kwargs)
        page = call.first_page()
        first = await self._fetch(call, page)
        last = _last_page(call, first)
        finished = _finished(call, page, first, last)
        yield first
        del first  # no page is kept while the next one is decoded (see decode.collect_before_decoding)
        if finished:
            return
        if last is None:  # no total: one page at a time until a short page
            while True:
                page += 1
                response = await self._fetch(call, page)
                finished = _finished(call, page, response, None)
                yield response
                del response
                if finished:
                    return
        window: deque[tuple[int, asyncio.Task[APIResponse[ObjectListResponse[ItemT]]]]] = deque()
        next_page = page + 1

        def fill() -> bool:
            """Start fetches until ``prefetch`` pages are in flight or waiting; True when one started."""
            nonlocal next_page
            started = False
            while next_page <= last and len(window) < max(1, self._client._flows.config.prefetch):
                window.append((next_page, asyncio.ensure_future(self._ahead(call, next_page))))
                next_page += 1
                started = True
            return started

        try:
            fill()
            while window:
                number, task = window.popleft()
                ahead = await task
                if fill():  # the arrived page's slot goes to the next fetch before this page is decoded, and a
                    await asyncio.sleep(0)  # loop turn sends it (taking a page that had arrived gives none)
                response = await self._turn(call, number, ahead)
                empty = not response.data
                yield response
                del response
                if empty:
                    return
        finally:
            for _, task in window:
                task.cancel()

    @_walker
    async def iter(self, *args: P.args, **kwargs: P.kwargs) -> AsyncIterator[ItemT]:
        """Every item of every page, in order, with pages prefetched concurrently."""
        async for response in self.pages(*args, **kwargs):
            items = response.data
            del response
            items.reverse()
            while items:  # popped: no variable here holds an item the consumer has moved past (see pages)
                yield items.pop()
