"""The two drivers of the request flow: blocking I/O with threads, and asyncio."""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from typing import Any, TypeVar

import httpx

from .flow import Flow, Locked, Send, Sleep

R = TypeVar("R")

LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


class SyncTransport:
    """Runs flows with a pooled ``httpx.Client``; one lock per credential set across threads."""

    def __init__(self, http_client: httpx.Client | None = None) -> None:
        self._http = http_client
        self._owns_http = http_client is None
        self._locks: dict[tuple[str, ...], threading.Lock] = {}
        self._guard = threading.Lock()

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            with self._guard:
                if self._http is None:
                    self._http = httpx.Client(limits=LIMITS)
        return self._http

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
                try:
                    value = self.http.send(action.request)
                except httpx.TransportError as error:
                    value = error
            elif isinstance(action, Sleep):
                time.sleep(action.seconds)
                value = None
            else:
                value = self._locked(action)

    def _locked(self, action: Locked) -> Any:
        with self._lock(action.key):
            return self.run(action.flow)

    def close(self) -> None:
        if self._http is not None and self._owns_http:
            self._http.close()
            self._http = None


class AsyncTransport:
    """Runs flows with a pooled ``httpx.AsyncClient`` per event loop; one lock per credential set."""

    def __init__(self, http_client: httpx.AsyncClient | None = None) -> None:
        self._given = http_client
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, ...], asyncio.Lock]] = (
            weakref.WeakKeyDictionary()
        )

    @property
    def http(self) -> httpx.AsyncClient:
        """The given client, or this loop's own (a pool cannot be shared between event loops)."""
        if self._given is not None:
            return self._given
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._clients[loop] = httpx.AsyncClient(limits=LIMITS)
        return client

    def _lock(self, key: tuple[str, ...]) -> asyncio.Lock:
        locks = self._locks.setdefault(asyncio.get_running_loop(), {})
        return locks.setdefault(key, asyncio.Lock())

    async def run(self, flow: Flow[R]) -> R:
        value: Any = None
        while True:
            try:
                action = flow.send(value)
            except StopIteration as stop:
                result: R = stop.value
                return result
            if isinstance(action, Send):
                try:
                    value = await self.http.send(action.request)
                except httpx.TransportError as error:
                    value = error
            elif isinstance(action, Sleep):
                await asyncio.sleep(action.seconds)
                value = None
            else:
                async with self._lock(action.key):
                    value = await self.run(action.flow)

    async def aclose(self) -> None:
        loop = asyncio.get_running_loop()
        client = self._clients.pop(loop, None)
        if client is not None:
            await client.aclose()
