"""Senders over a given ``httpx.Client`` / ``httpx.AsyncClient`` (yours, or ours when a proxy is set)."""

from __future__ import annotations

import asyncio
import time

import httpx

from .wire import Answer, DeadlinePassed, Send, TooLarge

LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)


def _request(http: httpx.Client | httpx.AsyncClient, action: Send) -> httpx.Request:
    timeout = action.timeout.as_dict()
    return http.build_request(
        action.method, action.url, headers=action.headers, content=action.content, extensions={"timeout": timeout}
    )


def _check(action: Send, size: int) -> None:
    if size > action.max_bytes:
        raise TooLarge(size)
    if action.deadline is not None and time.monotonic() > action.deadline:
        raise DeadlinePassed("total_timeout reached while the answer was read")


def _declared(action: Send, response: httpx.Response) -> None:
    length = response.headers.get("content-length", "")
    if length.isdigit():
        _check(action, int(length))


class HttpxSender:
    """Blocking, over an ``httpx.Client``: the deadline is checked as each chunk of the body arrives."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def send(self, action: Send) -> Answer | BaseException:
        try:
            response = self.http.send(_request(self.http, action), stream=True)
            try:
                _declared(action, response)
                content = bytearray()
                for chunk in response.iter_bytes():
                    content += chunk
                    _check(action, len(content))
            finally:
                response.close()
        except (httpx.TransportError, TooLarge) as error:
            return error
        return Answer(response.status_code, response.headers, bytes(content))


class AsyncHttpxSender:
    """Asyncio, over an ``httpx.AsyncClient``: the whole exchange runs within the remaining time."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def send(self, action: Send) -> Answer | BaseException:
        try:
            return await asyncio.wait_for(self._exchange(action), action.remaining())
        except asyncio.TimeoutError:
            return DeadlinePassed("total_timeout reached while the answer was awaited")
        except (httpx.TransportError, TooLarge) as error:
            return error

    async def _exchange(self, action: Send) -> Answer:
        response = await self.http.send(_request(self.http, action), stream=True)
        try:
            _declared(action, response)
            content = bytearray()
            async for chunk in response.aiter_bytes():
                content += chunk
                _check(action, len(content))
        finally:
            await response.aclose()
        return Answer(response.status_code, response.headers, bytes(content))
