"""Async paging fetches pages ahead and decodes each at its turn: the same items, once, whatever an answer holds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from typing import Any, cast

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from integrify.clopos.emulator import Emulator
from integrify.clopos.errors import ResponseDecodeError

from .helpers import async_client

pytestmark = pytest.mark.asyncio


class SpoilPage:
    """Answers the first ``times`` requests for ``page`` of the receipts list with a 200 whose body is ``body``."""

    def __init__(self, app: ASGIApp, page: int, body: bytes, times: int = 1) -> None:
        self.app, self.page, self.body, self.left = app, page, body, times

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"").decode()
        if scope.get("path") == "/open-api/receipts" and f"page={self.page}" in query.split("&") and self.left > 0:
            self.left -= 1
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(self.body)).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": self.body})
            return
        await self.app(scope, receive, send)


def spoil(emulator: Emulator, monkeypatch: pytest.MonkeyPatch, page: int, body: bytes, times: int = 1) -> None:
    recorder = emulator.app.recorder
    monkeypatch.setattr(recorder, "app", SpoilPage(recorder.app, page, body, times))


@pytest.mark.parametrize("body", [b'{"success": true, "data": [{"id"', b"<html>busy</html>"], ids=["cut", "html"])
async def test_a_page_fetched_ahead_that_does_not_decode_is_fetched_again(
    clopos_emulator: Emulator, monkeypatch: pytest.MonkeyPatch, body: bytes
) -> None:
    expected = list(range(300, 0, -1))
    spoil(clopos_emulator, monkeypatch, page=3, body=body)
    clopos_emulator.clear_requests()
    ours = async_client(clopos_emulator, prefetch=4)
    try:
        ids = [receipt.id async for receipt in ours.get_receipts.iter(limit=50)]
    finally:
        await ours.aclose()
    assert ids == expected
    asked = [r.query_string for r in clopos_emulator.requests if r.path == "/open-api/receipts"]
    assert sum("page=3" in q.split("&") for q in asked) == 2  # the spoiled answer, then its fetch again


async def test_a_page_that_never_decodes_raises_after_the_usual_retries(
    clopos_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    spoil(clopos_emulator, monkeypatch, page=2, body=b"not json", times=100)
    ours = async_client(clopos_emulator, prefetch=4, max_retries=2)
    seen: list[int] = []
    try:
        with pytest.raises(ResponseDecodeError):
            async for receipt in ours.get_receipts.iter(limit=50):
                seen.append(receipt.id)
    finally:
        await ours.aclose()
    assert seen == list(range(300, 250, -1))  # page 1, then the error at page 2's turn, nothing skipped
    asked = [r.query_string for r in clopos_emulator.requests if r.path == "/open-api/receipts"]
    assert sum("page=2" in q.split("&") for q in asked) == 1 + 3  # fetched ahead, then 1 + 2 retries


def _pages_asked(emulator: Emulator) -> set[int]:
    asked = [r.query_string for r in emulator.requests if r.path == "/open-api/receipts"]
    return {int(part[5:]) for query in asked for part in query.split("&") if part.startswith("page=")}


async def test_a_consumer_that_never_awaits_still_keeps_the_window_in_flight(clopos_emulator: Emulator) -> None:
    """A page's slot goes to the next fetch when the page is taken, and that request leaves before the page is read.

    Taking a page that has arrived does not give the event loop a turn; without one, the fetch just
    started would wait until the window ran dry, and a CPU-bound export spent a fifth of its time idle.
    """
    clopos_emulator.clear_requests()
    ours = async_client(clopos_emulator, prefetch=2)
    items = ours.get_receipts.iter(limit=50).__aiter__()
    try:
        for _ in range(100):  # pages 1 and 2; pages 3 and 4 fill the window
            await items.__anext__()
        for _ in range(500):  # let them arrive and be read, so that taking page 3 needs no wait
            if {3, 4} <= _pages_asked(clopos_emulator):
                break
            await asyncio.sleep(0.01)
        for _ in range(20):
            await asyncio.sleep(0.01)
        assert 5 not in _pages_asked(clopos_emulator)  # at most ``prefetch`` pages fetched or waiting
        await items.__anext__()  # page 3's first item; page 5's fetch started when page 3 was taken
        for _ in range(500):  # the loop is blocked from here on: only a request already sent can arrive
            if 5 in _pages_asked(clopos_emulator):
                break
            time.sleep(0.01)
        assert 5 in _pages_asked(clopos_emulator)
    finally:
        await cast(AsyncGenerator[Any, None], items).aclose()
        await ours.aclose()
