"""The emulator's own throughput: requests per second for a GET by id and a list page of 50.

    python bench/bench_emulator.py [--seconds 5] [--threads 4]

The load comes from threads in this process; the emulator runs in another, so the figures show what the
emulator serves on this machine and that client benchmarks are not limited by it.
"""

from __future__ import annotations

import argparse
import threading
import time

import httpx
from _common import emulator_process, record, table

CREDENTIALS = {
    "client_id": "eNUKI04aYJRU6TBhh5bwUrvmEORgQoxM",
    "client_secret": "dqYkWUpDjzvKOgbP3ar8tSNKJbwMyYe1V5R7DHClfSNYkap5C5XxRA6PmzoPv1I2",
    "brand": "openapitest",
    "venue_id": "1",
}


def load(url: str, params: dict[str, int], headers: dict[str, str], seconds: float, threads: int) -> float:
    counts = [0] * threads
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        with httpx.Client(headers=headers) as client:
            while time.perf_counter() < deadline:
                client.get(url, params=params).raise_for_status()
                counts[index] += 1

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for worker_thread in workers:
        worker_thread.start()
    for worker_thread in workers:
        worker_thread.join()
    return sum(counts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--receipts", type=int, default=100_000)
    args = parser.parse_args()
    with emulator_process("--receipts", str(args.receipts)) as base:
        token = httpx.post(base + "/auth", json=CREDENTIALS).json()["token"]
        headers = {"x-token": token, "x-brand": "openapitest", "x-venue": "1"}
        rows = []
        for label, path, params in (
            ("GET /receipts/{id}", "/receipts/12345", {}),
            ("GET /receipts (page of 50)", "/receipts", {"page": 7, "limit": 50}),
            ("GET /products/{id}", "/products/1", {}),
        ):
            rate = load(base + path, params, headers, args.seconds, args.threads)
            rows.append((label, f"{rate:,.0f}", f"{1000 / rate:.2f} ms"))
    body = table(["request", "requests/s", "server time per request"], rows)
    body += f"\n\n{args.threads} client threads for {args.seconds:g} s each, {args.receipts:,} historic receipts."
    record("Emulator throughput", body)


if __name__ == "__main__":
    main()
