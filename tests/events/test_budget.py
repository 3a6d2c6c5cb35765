"""One request budget for every venue and resource: polling three venues as fast as allowed for a minute
stays within generation 2's tier 3 (300 a minute per integrator and brand), with no 429.

The poller reads the test's clock: its waits for the budget move that clock instead of passing, so the
count of requests against the minute is exact, however fast or loaded the machine (the requests are real)."""

from __future__ import annotations

import pytest

from integrify.clopos.emulator import Emulator
from integrify.clopos.events import EventFeed, FeedSettings, Source
from integrify.clopos.events import poller as poller_module
from tests.helpers import sync_client

from .clock import FakeClock

RATE, BURST, SECONDS = 240.0, 10, 60.0
#: A stop if the budget were ignored (the waits would not move the clock): above tier 3, so a 429 shows it.
CAP = 400


def test_three_venues_share_one_budget(
    clopos_emulator: Emulator, store_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(poller_module, "time", clock)
    sources = [Source(sync_client(clopos_emulator, venue_id=str(v), api_version="v2")) for v in (1, 2, 3)]
    settings = FeedSettings(min_interval=0, max_interval=0, products_interval=0, requests_per_minute=RATE, burst=BURST)
    feed = EventFeed(sources, store_path, settings)
    clopos_emulator.clear_requests()

    def api() -> list[int]:
        return [
            r.status for r in clopos_emulator.requests if r.path.startswith("/open-api/v2/") and "auth" not in r.path
        ]

    start = clock.now
    while clock.now - start < SECONDS and len(api()) < CAP:
        feed.poll()
    elapsed = clock.now - start  # the time of the last request: the budget's waits are all that moved it
    polled = [row.feed for row in feed.store.status() if row.polled_at is not None]
    feed.close()
    statuses = api()
    assert elapsed >= SECONDS
    assert len(statuses) <= BURST + RATE / 60 * elapsed + 1  # the bucket's burst, then its rate
    assert len(statuses) >= BURST + RATE / 60 * elapsed - 1  # and all of it was used: it only waited for tokens
    assert set(statuses) == {200}
    assert polled == ["openapitest/1", "openapitest/2", "openapitest/3"]  # every venue had its turn
