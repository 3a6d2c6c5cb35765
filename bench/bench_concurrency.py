"""Async throughput and latency at 10 to 500 concurrent calls, against aiohttp with the same models.

    python bench/bench_concurrency.py [--latency-ms 20] [--calls 3000]

The fake server (bench/fake_server.py) runs in another process and answers after ``--latency-ms``.
Variants, all in this run: ours (default sender), aiohttp + the same pydantic model, httpx + the same
model, and ours over a given ``httpx.AsyncClient``. Target (issue 12): at 200 concurrent calls ours
≥ 0.8 × aiohttp's throughput, p99 ≤ 2 × aiohttp's, and no fall in throughput from 10 to 500.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import httpx
from _common import fake_server, record, table

from integrify.clopos import CloposClientClass
from integrify.clopos.schemas.common.response import ObjectResponse
from integrify.clopos.schemas.receipts.object import Receipt

MODEL = ObjectResponse[Receipt]
HEADERS = {"x-token": "bench", "x-brand": "openapitest", "x-venue": "1", "accept": "application/json"}


async def measure(call: Callable[[int], Awaitable[Any]], concurrency: int, calls: int) -> tuple[float, float, float]:
    """(calls per second, p50 ms, p99 ms) with ``concurrency`` calls always in flight."""
    latencies: list[float] = []
    ids = iter(range(calls))

    async def worker() -> None:
        for n in ids:
            started = time.perf_counter()
            await call(n % 300 + 1)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return calls / elapsed, cuts[49] * 1000, cuts[98] * 1000


async def run_variant(name: str, base: str, concurrency: int, calls: int) -> tuple[float, float, float]:
    if name == "aiohttp + same model":
        async with aiohttp.ClientSession(headers=HEADERS) as session:

            async def call(n: int) -> Any:
                async with session.get(f"{base}/receipts/{n}") as response:
                    return MODEL.model_validate_json(await response.read())

            await call(1)
            return await measure(call, concurrency, calls)
    if name == "httpx + same model":
        async with httpx.AsyncClient(headers=HEADERS, limits=httpx.Limits(max_connections=100)) as http:

            async def hcall(n: int) -> Any:
                return MODEL.model_validate_json((await http.get(f"{base}/receipts/{n}")).content)

            await hcall(1)
            return await measure(hcall, concurrency, calls)
    given = httpx.AsyncClient(limits=httpx.Limits(max_connections=100)) if "httpx" in name else None
    client = CloposClientClass(base_url=base, sync=False, brand="openapitest", venue_id=1, http_client=given)

    async def ours(n: int) -> Any:
        return (await client.get_receipt_by_id(n, headers={"x-token": "bench"})).unwrap()

    await ours(1)
    try:
        return await measure(ours, concurrency, calls)
    finally:
        await client.aclose()
        if given is not None:
            await given.aclose()


VARIANTS = ("ours (aiohttp sender)", "aiohttp + same model", "ours (given httpx.AsyncClient)", "httpx + same model")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--levels", default="10,50,200,500")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the median is reported")
    parser.add_argument("--skip-httpx", action="store_true", help="leave out the two httpx variants (slow)")
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]
    variants = [v for v in VARIANTS if not (args.skip_httpx and "httpx" in v)]
    runs: dict[tuple[str, int], list[tuple[float, float, float]]] = {}
    with fake_server(args.latency_ms) as base:
        for round_ in range(args.rounds):
            for concurrency in levels:
                shift = round_ % len(variants)  # each variant takes its turn at going first (fresh connections)
                for name in variants[shift:] + variants[:shift]:
                    calls = args.calls if "httpx" not in name else min(args.calls, 1000)
                    outcome = asyncio.run(run_variant(name, base, concurrency, calls))
                    runs.setdefault((name, concurrency), []).append(outcome)
    results = {
        key: (
            statistics.median(r[0] for r in values),
            statistics.median(r[1] for r in values),
            statistics.median(r[2] for r in values),
        )
        for key, values in runs.items()
    }
    rows = []
    for concurrency in levels:
        reference = results[("aiohttp + same model", concurrency)]
        for name in variants:
            rate, p50, p99 = results[(name, concurrency)]
            rows.append(
                (
                    concurrency,
                    name,
                    f"{rate:,.0f}",
                    f"{rate / reference[0]:.2f}×",
                    f"{p50:.0f}",
                    f"{p99:.0f}",
                    f"{p99 / reference[2]:.2f}×",
                )
            )
    body = table(
        ["concurrent", "variant", "calls/s", "vs aiohttp", "p50 ms", "p99 ms", "p99 vs aiohttp"],
        rows,
    )
    body += (
        f"\n\n`get_receipt_by_id` against bench/fake_server.py at {args.latency_ms:g} ms latency, in another process;"
        f" {args.calls} calls per variant and level (1,000 for the httpx variants), one event loop each;"
        f" medians of {args.rounds} interleaved rounds, the order of the variants rotated each round."
    )
    record("Async concurrency", body)


if __name__ == "__main__":
    main()
