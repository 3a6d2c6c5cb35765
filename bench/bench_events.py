"""Events: detection latency (POS change → webhook received) and API requests per minute per venue.

The emulator runs in its own process with the POS control routes; the feed forwards to a receiver in
this process. ``--interval`` is the fastest poll interval (idle venues slow down to ``--max-interval``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import emulator_process, record, table
from tests.events.receiver import SECRET, serve_receiver

from integrify.clopos import CloposClientClass
from integrify.clopos.emulator.config import DEMO
from integrify.clopos.events import EventFeed, FeedSettings, Source


def feed_for(base: str, venues: int, store: str, settings: FeedSettings) -> EventFeed:
    sources = [
        Source(
            CloposClientClass(
                base_url=base,
                client_id=DEMO.client_id,
                client_secret=DEMO.client_secret,
                brand=DEMO.brand,
                venue_id=str(v),
            )
        )
        for v in range(1, venues + 1)
    ]
    return EventFeed(sources, store, settings)


def count_requests(root: str) -> int:
    answer = httpx.get(f"{root}/_emulator/counters", timeout=10).json()
    return sum(n for route, n in answer.items() if "/auth" not in route)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--max-interval", type=float, default=60.0)
    parser.add_argument("--changes", type=int, default=20, help="changes timed for latency")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each requests-per-minute run")
    args = parser.parse_args()
    settings = FeedSettings(min_interval=args.interval, max_interval=args.max_interval, lookback=timedelta(days=1))
    rows = []
    with tempfile.TemporaryDirectory() as tmp, emulator_process() as base, serve_receiver() as receiver:
        root = base.removesuffix("/open-api")
        feed = feed_for(base, 1, str(Path(tmp) / "latency.db"), settings)
        stop = threading.Event()
        thread = threading.Thread(target=feed.forward, args=(receiver.url, SECRET), kwargs={"stop": stop})
        thread.start()
        time.sleep(3)  # the baseline
        latencies = []
        for number in range(args.changes):
            action = "stock-out" if number % 2 == 0 else "stock-back"
            sent = time.monotonic()
            httpx.post(f"{root}/_emulator/pos/{action}", json={"product_id": 7}, timeout=10).raise_for_status()
            receiver.wait_for(number + 1, timeout=args.max_interval * 3)
            latencies.append(time.monotonic() - sent)
            time.sleep(args.interval * 1.7)  # changes land at random points of the poll cycle
        stop.set()
        thread.join(30)
        feed.close()
        q = statistics.quantiles(latencies, n=20)
        latency = table(
            ["interval", "changes", "p50", "p95"],
            [[f"{args.interval} s", len(latencies), f"{statistics.median(latencies):.2f} s", f"{q[18]:.2f} s"]],
        )
        for label, activity in (("idle", None), ("busy (2 POS actions/s)", 2.0)):
            httpx.post(f"{root}/_emulator/reset", timeout=30)
            feed = feed_for(base, 1, str(Path(tmp) / f"{activity}.db"), settings)
            stop = threading.Event()
            thread = threading.Thread(target=feed.run, args=(lambda event: None,), kwargs={"stop": stop})
            thread.start()
            before, start = count_requests(root), time.monotonic()
            while time.monotonic() - start < args.seconds:
                if activity:
                    httpx.post(f"{root}/_emulator/pos/burst?count={int(activity)}", timeout=10)
                time.sleep(1.0)
            used = count_requests(root) - before
            stop.set()
            thread.join(30)
            feed.close()
            rows.append([label, f"{used / (time.monotonic() - start) * 60:.1f}"])
    rpm = table(["venue", "requests per minute"], rows)
    record(
        "Events: detection latency and requests per venue",
        f"{latency}\n\n{rpm}\n\nLatency is from the POS change (a control route) to the signed webhook "
        "received; requests exclude auth. At the v2 tier (300/min per integrator and brand, 240 budgeted), "
        "one process follows about 240 / (busy rate) venues of one brand.",
    )


if __name__ == "__main__":
    main()
