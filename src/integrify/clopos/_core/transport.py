"""The two drivers of the request flow: blocking I/O with threads, and asyncio.

A driver runs a flow's actions; the bytes go through a sender (``send_*.py``): by default
sockets parsed by httptools (sync) and aiohttp (async), or the ``httpx`` client you passed in.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from .flow import Flow, Locked, Sleep
from .send_httpx import LIMITS, AsyncHttpxSender, HttpxSender
from .send_socket import SocketSender
from .wire import Send, proxy_configured

if TYPE_CHECKING:
    from .send_aiohttp import AiohttpSender

R = TypeVar("R")


class SyncTransport:
    """Runs flows in the calling thread; one lock per credential set across threads."""

    def __init__(self, http_client: httpx.Client | None = None) -> None:
        self._given = http_client
        self._sender: SocketSender | HttpxSender | None = None
        self._locks: dict[tuple[str, ...], threading.Lock] = {}
        self._guard = threading.Lock()

    @property
    def sender(self) -> SocketSender | HttpxSender:
        if self._sender is None:
            with self._guard:
                if self._sender is None:
                    if self._given is not None:
                        self._sender = HttpxSender(self._given)
                    elif proxy_configured():
                        self._sender = HttpxSender(httpx.Client(limits=LIMITS))
                    else:
                        self._sender = SocketSender()
        return self._sender

    def _lock(self, key: tuple[str, ...]) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def run(self, flow: Flow[R]) -> R:
        value: Any = None
        while True:
            try:
                action = flow.send(value)
            except StopIteration as stop:
                result: R = stop.value
                return result
            if isinstance(action, Send):
                value = self.sender.send(action)
            elif isinstance(action, Sleep):
                self.sleep(action.seconds)
                value = None
            else:
                value = self._locked(action)

    def sleep(self, seconds: float) -> None:
        """A wait the flow asks for (backoff, ``Retry-After``); tests record it instead."""
        time.sleep(seconds)

    def _locked(self, action: Locked) -> Any:
        with self._lock(action.key):
            return self.run(action.flow)

    def close(self) -> None:
        sender, self._sender = self._sender, None
        if isinstance(sender, SocketSender):
            sender.close()
        elif sender is not None and self._given is None:
            sender.http.close()


@dataclass(slots=True)
class _LoopRoom:
    """What one event loop uses: its sender, its auth locks, and the generator that closes them."""

    sender: AiohttpSender | AsyncHttpxSender
    locks: dict[tuple[str, ...], asyncio.Lock] = field(default_factory=dict)
    closer: AsyncGenerator[None, None] | None = None


class AsyncTransport:
    """Runs flows on the running event loop; each loop has its own connections, closed when it ends.

    A pool belongs to one loop. When a loop shuts down (``asyncio.run`` ending, pytest-asyncio's
    teardown), its async generators are closed, ours among them, and it closes that loop's pool; a
    loop closed without that is forgotten when the next loop arrives.
    """

    def __init__(self, http_client: httpx.AsyncClient | None = None) -> None:
        self._given = http_client
        self._rooms: dict[asyncio.AbstractEventLoop, _LoopRoom] = {}

    async def _room(self) -> _LoopRoom:
        loop = asyncio.get_running_loop()
        room = self._rooms.get(loop)
        if room is None:
            for other in [other for other in self._rooms if other.is_closed()]:
                del self._rooms[other]
            if self._given is not None:
                sender: AiohttpSender | AsyncHttpxSender = AsyncHttpxSender(self._given)
            else:
                from .send_aiohttp import AiohttpSender  # imported on first async use: ~0.15 s a sync CLI skips

                sender = AiohttpSender()
            room = self._rooms[loop] = _LoopRoom(sender)
            room.closer = self._close_with(loop, room)
            await room.closer.asend(None)  # registered with the loop: closed at its shutdown
        return room

    async def _close_with(self, loop: asyncio.AbstractEventLoop, room: _LoopRoom) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            if self._rooms.get(loop) is room:
                del self._rooms[loop]
            if not isinstance(room.sender, AsyncHttpxSender):  # ours: closed here; a given client stays open
                await room.sender.aclose()

    async def run(self, flow: Flow[R]) -> R:
        room = self._rooms.get(asyncio.get_running_loop()) or await self._room()
        value: Any = None
        while True:
            try:
                action = flow.send(value)
            except StopIteration as stop:
                result: R = stop.value
                return result
            if isinstance(action, Send):
                value = await room.sender.send(action)
            elif isinstance(action, Sleep):
                await self.sleep(action.seconds)
                value = None
            else:
                lock = room.locks.get(action.key) or room.locks.setdefault(action.key, asyncio.Lock())
                async with lock:
                    value = await self.run(action.flow)

    async def sleep(self, seconds: float) -> None:
        """A wait the flow asks for (backoff, ``Retry-After``); tests record it instead."""
        await asyncio.sleep(seconds)

    async def aclose(self) -> None:
        room = self._rooms.get(asyncio.get_running_loop())
        if room is not None and room.closer is not None:
            await room.closer.aclose()
