"""A clock the test moves: stands in for the ``time`` module an events module reads (``time()``,
``monotonic()``, ``sleep()``), so that leases, budgets and schedules follow the test, not the machine."""

from __future__ import annotations

import time


class FakeClock:
    """Starts at the real Unix time; only ``advance`` and ``sleep`` move it (a sleep returns at once)."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, seconds
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds
