"""Bulk export: every receipt of an emulator seeded with N receipts and 20 ms added latency per request,
sync ``.iter()`` against async ``.iter()`` with prefetch; and peak memory at 10,000 vs 100,000 receipts.

    python bench/bench_export.py [--receipts 100000] [--latency-ms 20] [--limit 200] [--prefetch 8]

Targets: async ≥ 4× faster than sync; peak traced memory flat (within 20%) between 10k and 100k receipts.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import time
from typing import Any

from _common import emulator_process, record, table

from integrify.clopos import CloposClientClass

CREDENTIALS: dict[str, Any] = {
    "client_id": "eNUKI04aYJRU6TBhh5bwUrvmEORgQoxM",
    "client_secret": "dqYkWUpDjzvKOgbP3ar8tSNKJbwMyYe1V5R7DHClfSNYkap5C5XxRA6PmzoPv1I2",
    "brand": "openapitest",
    "venue_id": "1",
}


def export(base: str, mode: str, limit: int, prefetch: int) -> tuple[int, float, float]:
    """Runs in a fresh child process: (items, wall seconds, peak RSS of the process in MiB)."""

    async def run_async() -> tuple[int, float]:
        client = CloposClientClass(base_url=base, sync=False, prefetch=prefetch, **CREDENTIALS)
        await client.get_venues()  # authenticate before the clock starts, as in the sync run
        started = time.perf_counter()
        count = 0
        async for _ in client.get_receipts.iter(limit=limit, sort_order=1):
            count += 1
        elapsed = time.perf_counter() - started
        await client.aclose()
        return count, elapsed

    if mode == "async":
        count, elapsed = asyncio.run(run_async())
    else:
        client = CloposClientClass(base_url=base, **CREDENTIALS)
        client.get_venues()
        started = time.perf_counter()
        count = sum(1 for _ in client.get_receipts.iter(limit=limit, sort_order=1))
        elapsed = time.perf_counter() - started
    return count, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(*args: Any) -> tuple[int, float, float]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result: tuple[int, float, float] = pool.apply(export, args)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--receipts", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--prefetch", type=int, default=8)
    args = parser.parse_args()
    rows = []
    peaks: dict[tuple[str, int], float] = {}
    times: dict[str, float] = {}
    for size in (args.small, args.receipts):
        with emulator_process("--receipts", str(size), "--latency-ms", str(args.latency_ms)) as base:
            for mode in ("async", "sync"):
                count, elapsed, peak = in_child(base, mode, args.limit, args.prefetch)
                assert count == size, (mode, count, size)
                peaks[(mode, size)] = peak
                times[f"{mode}-{size}"] = elapsed
                label = f"async, prefetch {args.prefetch}" if mode == "async" else "sync"
                rows.append(
                    (f"{size:,}", label, count, f"{elapsed:.1f} s", f"{count / elapsed:,.0f}", f"{peak:.0f} MiB")
                )
    speedup = times[f"sync-{args.receipts}"] / times[f"async-{args.receipts}"]
    growth = {mode: peaks[(mode, args.receipts)] / peaks[(mode, args.small)] for mode in ("sync", "async")}
    body = table(["receipts", "client", "items", "wall time", "receipts/s", "peak RSS of the client process"], rows)
    body += (
        f"\n\nAsync vs sync wall time at {args.receipts:,} receipts: **{speedup:.1f}×** (target ≥ 4×). "
        f"Peak RSS {args.receipts:,} vs {args.small:,}: sync {growth['sync']:.2f}×, async {growth['async']:.2f}× "
        f"(target ≤ 1.2×). Pages of {args.limit}, {args.latency_ms:g} ms latency added by the emulator per request."
    )
    record("Bulk export", body)


if __name__ == "__main__":
    main()
