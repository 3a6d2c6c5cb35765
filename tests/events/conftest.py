"""Fixtures of the events tests: a feed over the test's emulator, polling everything on every call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integrify.clopos.emulator import Emulator
from integrify.clopos.emulator.pos import Pos
from integrify.clopos.events import EventFeed, FeedSettings, Source
from tests.helpers import sync_client

#: Every resource polled on every ``poll()``: tests say when, the clock does not.
EAGER = FeedSettings(
    min_interval=0, max_interval=0, products_interval=0, lease_seconds=30, requests_per_minute=60_000, burst=100
)


def make_feed(emu: Emulator, store: Any, venues: tuple[int, ...] = (1,), **options: Any) -> EventFeed:
    sources = [Source(sync_client(emu, venue_id=str(v), max_retries=0)) for v in venues]
    settings = options.pop("settings", EAGER)
    return EventFeed(sources, store, settings, **options)


@pytest.fixture
def store_path(tmp_path: Path) -> str:
    return str(tmp_path / "events.db")


@pytest.fixture
def feed(clopos_emulator: Emulator, store_path: str) -> Iterator[EventFeed]:
    feed = make_feed(clopos_emulator, store_path)
    feed.poll()  # the baseline: no events for what exists already
    yield feed
    feed.close()


@pytest.fixture
def pos(clopos_emulator: Emulator) -> Pos:
    return Pos(clopos_emulator.state, seed=7)
