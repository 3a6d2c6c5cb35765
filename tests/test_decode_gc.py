"""The cycle collector around decoding: paused while a body is decoded (its state always given back), and its
middle generation run before decoding when due, and the pagers keep no page while decoding the next."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from integrify.clopos._core import decode
from integrify.clopos._core.call import Call
from integrify.clopos._core.decode import collect_before_decoding, decode_success
from integrify.clopos._core.wire import Answer
from integrify.clopos.emulator import Emulator
from integrify.clopos.errors import ResponseDecodeError
from integrify.clopos.schemas.common.response import ObjectResponse
from integrify.clopos.schemas.receipts.object import Receipt

from .helpers import async_client, sync_client

CALL = Call("GET", "/receipts/1", ObjectResponse[Receipt])
BODIES = {
    "valid": b'{"success": true, "data": {"id": 1, "total": 12.5}}',
    "drifted": b'{"success": true, "data": {"id": 1, "total": {"amount": 12.5}}}',
    "refused": b'{"success": false, "error": "not_found", "message": "no"}',
    "unreadable": b"<html>busy</html>",
    "unbuildable": b'{"success": true, "data": {"total": 1}}',
}


@pytest.fixture
def collector() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


@pytest.mark.parametrize("kind", BODIES)
@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_state_is_given_back(collector: None, kind: str, strict: bool, enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    answer = Answer(200, {}, BODIES[kind])
    try:
        decode_success(CALL, answer, strict=strict)
    except ResponseDecodeError:
        assert kind in ("unreadable", "unbuildable") or (strict and kind == "drifted")
    else:
        assert kind in ("valid", "refused") or (not strict and kind == "drifted")
    assert gc.isenabled() is enabled


def _young_collections(run: Callable[[], object]) -> list[int]:
    """The generations the collector ran while ``run`` ran."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    try:
        run()
    finally:
        gc.callbacks.remove(note)
    return seen


def test_the_middle_generation_runs_before_decoding_only_when_due(collector: None) -> None:
    gc.enable()
    gc.collect()  # every count back to 0
    assert _young_collections(collect_before_decoding) == []  # not due: nothing runs
    while gc.get_count()[1] < gc.get_threshold()[1]:
        gc.collect(0)  # each one counts towards the middle generation
    assert _young_collections(collect_before_decoding) == [1]
    assert gc.get_count()[1] == 0
    while gc.get_count()[1] < gc.get_threshold()[1]:
        gc.collect(0)
    gc.disable()
    assert _young_collections(collect_before_decoding) == []  # the application's choice is left alone
    assert gc.get_count()[1] >= gc.get_threshold()[1]


class _Watch:
    """Stands in for collect_before_decoding: records whether an item of an earlier page was still alive."""

    def __init__(self) -> None:
        self.earlier: list[weakref.ref[Any]] = []
        self.alive_at_calls: list[int] = []

    def __call__(self) -> None:
        self.alive_at_calls.append(sum(ref() is not None for ref in self.earlier))


def test_no_page_is_alive_when_the_pager_decodes_the_next(
    clopos_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch = _Watch()
    monkeypatch.setattr(decode, "collect_before_decoding", watch)
    client = sync_client(clopos_emulator)
    for receipt in client.get_receipts.iter(limit=50):
        watch.earlier.append(weakref.ref(receipt))
        del receipt  # the consumer keeps nothing
    assert len(watch.alive_at_calls) >= 6 and not any(watch.alive_at_calls)  # 300 receipts: 6 pages (+ the token)


@pytest.mark.parametrize("walk", ["iter", "pages"])
async def test_no_page_is_alive_when_the_async_pager_decodes_the_next(
    clopos_emulator: Emulator, monkeypatch: pytest.MonkeyPatch, walk: str
) -> None:
    """``pages`` proves the pager keeps no page itself (``iter`` empties each page as it goes)."""
    watch = _Watch()
    monkeypatch.setattr(decode, "collect_before_decoding", watch)
    client = async_client(clopos_emulator, prefetch=3)
    async for each in getattr(client.get_receipts, walk)(limit=50):
        watch.earlier.append(weakref.ref(each))
        del each
    await client.aclose()
    assert len(watch.alive_at_calls) >= 6 and not any(watch.alive_at_calls)
