"""Receipts into DuckDB with the dlt source: N receipts at 20 ms added latency per request; rows/s, peak RSS,
and the time of each step, beside a plain client walk over the same pages (what the API side alone costs).

    python bench/bench_dlt.py [--receipts 100000] [--latency-ms 20] [--page-size 200]

Each measurement runs in a fresh child process, so that its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import tempfile
import time
from typing import Any

from _common import emulator_process, record, table

CREDENTIALS: dict[str, Any] = {
    "client_id": "eNUKI04aYJRU6TBhh5bwUrvmEORgQoxM",
    "client_secret": "dqYkWUpDjzvKOgbP3ar8tSNKJbwMyYe1V5R7DHClfSNYkap5C5XxRA6PmzoPv1I2",
    "brand": "openapitest",
    "venue_id": "1",
}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def client_walk(base: str, page_size: int) -> dict[str, Any]:
    """The client alone: every receipt, oldest first, parsed into models and dropped."""
    from integrify.clopos import CloposClientClass

    client = CloposClientClass(base_url=base, **CREDENTIALS)
    client.get_venues()  # authenticate before the clock starts
    started = time.perf_counter()
    count = sum(1 for _ in client.get_receipts.iter(limit=page_size, sort_by="created_at", sort_order=1))
    return {"receipts": count, "seconds": time.perf_counter() - started, "rss": peak_rss_mib()}


def dlt_load(base: str, page_size: int) -> dict[str, Any]:
    """The receipts resource into a fresh DuckDB file: extract, normalize and load timed apart."""
    import dlt

    from integrify.clopos import CloposClientClass
    from integrify.clopos.dlt import clopos_source
    from integrify.clopos.dlt.sync import sync

    folder = tempfile.mkdtemp(prefix="bench-dlt-")
    client = CloposClientClass(base_url=base, **CREDENTIALS)
    client.get_venues()
    source = clopos_source(client=client, page_size=page_size).with_resources("receipts")
    started = time.perf_counter()
    report = sync(
        source,
        destination=dlt.destinations.duckdb(os.path.join(folder, "bench.duckdb")),
        pipelines_dir=os.path.join(folder, "pipelines"),
    )
    return {
        "seconds": time.perf_counter() - started,
        "steps": report.seconds,
        "rows": {t.name: t.rows for t in report.tables},
        "rss": peak_rss_mib(),
    }


def in_child(function: Any, *args: Any) -> dict[str, Any]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result: dict[str, Any] = pool.apply(function, args)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--receipts", type=int, default=100_000)
    parser.add_argument("--latency-ms", type=float, default=20)
    parser.add_argument("--page-size", type=int, default=200)
    args = parser.parse_args()
    with emulator_process("--receipts", str(args.receipts), "--latency-ms", str(args.latency_ms)) as base:
        walk = in_child(client_walk, base, args.page_size)
        load = in_child(dlt_load, base, args.page_size)
    receipts = load["rows"].get("receipts", 0)
    rows = sum(load["rows"].values())
    steps = load["steps"]
    rows_table = table(
        ["step", "seconds", "share"],
        [
            ["client walk alone (same pages, models parsed)", f"{walk['seconds']:.1f}", "—"],
            *[[name, f"{seconds:.1f}", f"{seconds / load['seconds']:.0%}"] for name, seconds in steps.items()],
            ["whole sync", f"{load['seconds']:.1f}", "100%"],
        ],
    )
    bound = max(steps, key=lambda name: steps[name])
    body = (
        f"{rows_table}\n\n"
        f"{receipts:,} receipts ({rows:,} rows with product lines and payments) in {load['seconds']:.1f} s: "
        f"**{receipts / load['seconds']:,.0f} receipts/s, {rows / load['seconds']:,.0f} rows/s**. "
        f"Peak RSS: sync process {load['rss']:.0f} MiB, client walk {walk['rss']:.0f} MiB. "
        f"Slowest step: {bound}. The extract step includes the client walk "
        f"({walk['seconds'] / steps['extract']:.0%} of it); the rest of extract is dlt's item handling and our "
        f"fingerprints. Pages of {args.page_size}, {args.latency_ms:g} ms added latency per request."
    )
    record("dlt: receipts into DuckDB", body)


if __name__ == "__main__":
    main()
