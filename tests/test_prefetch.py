"""Async paging fetches pages ahead and decodes each at its turn: the same items, once, whatever an answer holds."""

from __future__ import annotations

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
