"""One request budget for every venue and resource: polling three venues as fast as allowed stays
within generation 2's tier 3 (300 a minute per integrator and brand), with no 429."""

from __future__ import annotations

import time

from integrify.clopos.emulator import Emulator
from integrify.clopos.events import EventFeed, FeedSettings, Source
from tests.helpers import sync_client

RATE, BURST, SECONDS = 240.0, 10, 6.0


def test_three_venues_share_one_budget(clopos_emulator: Emulator, store_path: str) -> None:
    sources = [Source(sync_client(clopos_emulator, venue_id=str(v), api_version="v2")) for v in (1, 2, 3)]
    settings = FeedSettings(min_interval=0, max_interval=0, products_interval=0, requests_per_minute=RATE, burst=BURST)
    feed = EventFeed(sources, store_path, settings)
    clopos_emulator.clear_requests()
    start = time.monotonic()
    while time.monotonic() - start < SECONDS:
        feed.poll()
    elapsed = time.monotonic() - start
    polled = [row.feed for row in feed.store.status() if row.polled_at is not None]
    feed.close()
    api = [r for r in clopos_emulator.requests if r.path.startswith("/open-api/v2/") and "auth" not in r.path]
    assert len(api) <= BURST + RATE / 60 * elapsed + 1  # the bucket's burst, then its rate
    assert len(api) >= RATE / 60 * SECONDS / 2  # and it was used, not idle
    assert {r.status for r in api} == {200}
    assert polled == ["openapitest/1", "openapitest/2", "openapitest/3"]  # every venue had its turn
