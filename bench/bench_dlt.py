"""Receipts into DuckDB with the dlt source: N receipts at 20 ms added latency per request; rows/s, peak RSS,
and the time and peak RSS of each step, beside a plain client walk over the same pages (what the API side
alone costs) and the same walk turned into rows (what our row building adds).

    python bench/bench_dlt.py [--receipts 100000] [--latency-ms 20] [--page-size 200]

Each measurement runs in a fresh child process, so that its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import tempfile
import threading
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


def current_rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))


class StepPeaks:
    """Peak RSS while each step runs, sampled every 0.1 s by a thread."""

    def __init__(self) -> None:
        self.step = "setup"
        self.peaks: dict[str, float] = {}
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self.peaks[self.step] = max(self.peaks.get(self.step, 0.0), current_rss_mib())
            time.sleep(0.1)


def client_walk(base: str, page_size: int, as_rows: bool) -> dict[str, Any]:
    """The client alone: every receipt, oldest first, parsed into models (and, ``as_rows``, into the dlt
    source's rows with their fingerprints), then dropped."""
    from integrify.clopos import CloposClientClass
    from integrify.clopos.dlt.receipts import fingerprint
    from integrify.clopos.dlt.rows import row

    client = CloposClientClass(base_url=base, **CREDENTIALS)
    client.get_venues()  # authenticate before the clock starts
    started = time.perf_counter()
    count = 0
    for receipt in client.get_receipts.iter(limit=page_size, sort_by="created_at", sort_order=1):
        if as_rows:
            fingerprint(row(receipt))
        count += 1
    return {"receipts": count, "seconds": time.perf_counter() - started, "rss": peak_rss_mib()}


def dlt_load(base: str, page_size: int) -> dict[str, Any]:
    """The receipts resource into a fresh DuckDB file: extract, normalize and load timed apart."""
    from integrify.clopos import CloposClientClass
    from integrify.clopos.dlt import clopos_source
    from integrify.clopos.dlt.sync import duckdb_destination, sync

    peaks = StepPeaks()
    folder = tempfile.mkdtemp(prefix="bench-dlt-")
    client = CloposClientClass(base_url=base, **CREDENTIALS)
    client.get_venues()
    source = clopos_source(client=client, page_size=page_size).with_resources("receipts")
    started = time.perf_counter()
    report = sync(
        source,
        destination=duckdb_destination(os.path.join(folder, "bench.duckdb")),
        pipelines_dir=os.path.join(folder, "pipelines"),
        on_step=lambda name: setattr(peaks, "step", name),
    )
    seconds = time.perf_counter() - started
    peaks.step = "done"
    return {
        "seconds": seconds,
        "steps": report.seconds,
        "peaks": dict(peaks.peaks),
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
    load_before = " ".join(f"{value:.1f}" for value in os.getloadavg())
    with emulator_process("--receipts", str(args.receipts), "--latency-ms", str(args.latency_ms)) as base:
        walk = in_child(client_walk, base, args.page_size, False)
        rowed = in_child(client_walk, base, args.page_size, True)
        load = in_child(dlt_load, base, args.page_size)
    receipts = load["rows"].get("receipts", 0)
    rows = sum(load["rows"].values())
    steps = load["steps"]
    peaks = load["peaks"]
    rows_table = table(
        ["step", "seconds", "share of the sync", "peak RSS MiB"],
        [
            ["client walk alone (same pages, models parsed)", f"{walk['seconds']:.1f}", "—", f"{walk['rss']:.0f}"],
            [
                "client walk + our rows (dump, round, fingerprint)",
                f"{rowed['seconds']:.1f}",
                "—",
                f"{rowed['rss']:.0f}",
            ],
            *[
                [name, f"{seconds:.1f}", f"{seconds / load['seconds']:.0%}", f"{peaks.get(name, 0):.0f}"]
                for name, seconds in steps.items()
            ],
            ["whole sync", f"{load['seconds']:.1f}", "100%", f"{load['rss']:.0f}"],
        ],
    )
    bound = max(steps, key=lambda name: steps[name])
    body = (
        f"{rows_table}\n\n"
        f"{receipts:,} receipts ({rows:,} rows with product lines and payments) in {load['seconds']:.1f} s: "
        f"**{receipts / load['seconds']:,.0f} receipts/s, {rows / load['seconds']:,.0f} rows/s**. "
        f"Peak RSS: sync process {load['rss']:.0f} MiB, client walk {walk['rss']:.0f} MiB. "
        f"Slowest step: {bound}. Extract = client walk ({walk['seconds'] / steps['extract']:.0%} of it) + our rows "
        f"({(rowed['seconds'] - walk['seconds']) / steps['extract']:.0%}) + dlt's item handling (the rest). "
        f"Parquet files, DuckDB capped at 512 MB. Pages of {args.page_size}, {args.latency_ms:g} ms added latency "
        f"per request; load average before the run: {load_before}."
    )
    record("dlt: receipts into DuckDB", body)


if __name__ == "__main__":
    main()
