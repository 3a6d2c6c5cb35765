"""The async forms: ``aevents`` with ``ack``, and ``arun`` with an async handler, over async clients."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from integrify.clopos.emulator import Emulator
from integrify.clopos.events import BaseEvent, EventFeed, Source
from tests.helpers import async_client

from .conftest import EAGER


def feed_of(emu: Emulator, path: Path) -> EventFeed:
    return EventFeed([Source(async_client(emu, max_retries=0))], str(path / "events.db"), EAGER)


def trigger(emu: Emulator, action: str, **arguments: object) -> dict[str, object]:
    answer = httpx.post(f"{emu.root_url}/_emulator/pos/{action}", json=arguments, timeout=10)
    assert answer.status_code == 200, answer.text
    data: dict[str, object] = answer.json()["data"]
    return data


async def test_aevents_yields_each_change_once_and_ack_moves_the_checkpoint(
    clopos_emulator: Emulator, tmp_path: Path
) -> None:
    feed = feed_of(clopos_emulator, tmp_path)
    assert [e async for e in feed.aevents("a", follow=False)] == []  # the baseline
    receipt = trigger(clopos_emulator, "open-receipt", product_id=2, count=1)
    first = [e async for e in feed.aevents("a", follow=False)]
    assert [(e.type, e.object_id) for e in first] == [("receipt.created", str(receipt["id"]))]
    again = [e async for e in feed.aevents("a", follow=False)]
    assert [e.id for e in again] == [first[0].id]  # not acknowledged: delivered again, same id
    feed.ack(again[0], "a")
    assert [e async for e in feed.aevents("a", follow=False)] == []
    feed.close()


async def test_arun_calls_an_async_handler_until_stopped(clopos_emulator: Emulator, tmp_path: Path) -> None:
    feed = feed_of(clopos_emulator, tmp_path)
    await feed.apoll()  # the baseline
    seen: list[BaseEvent] = []
    stop = asyncio.Event()

    async def handler(event: BaseEvent) -> None:
        seen.append(event)
        if len(seen) == 2:
            stop.set()

    trigger(clopos_emulator, "open-receipt", product_id=2, count=1)
    trigger(clopos_emulator, "stock-out", product_id=7)
    await asyncio.wait_for(feed.arun(handler, "b", stop=stop), timeout=60)
    assert sorted(e.type for e in seen) == ["receipt.created", "stop_list.changed"]
    feed.close()
