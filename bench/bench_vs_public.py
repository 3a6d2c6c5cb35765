"""Ours against the published integrify-clopos 0.0.1, each normalised by "httpx + json.loads" in its own process.

    python -m venv /tmp/oldvenv && /tmp/oldvenv/bin/pip install "integrify-clopos==0.0.1"
    python bench/bench_vs_public.py --old-python /tmp/oldvenv/bin/python [--calls 200] [--rounds 3]

Both clients cannot live in one environment (same package name), so each runs ``_compare_worker.py`` in its
own interpreter against the same emulator (a third process). Target (issue 12): ours faster on every
operation, i.e. a lower ratio to its own baseline. (0.0.1 cannot read the emulator's receipts, whose
lines carry ``seller_id: null`` as live answers do, so the single object is a product.)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import httpx
from _common import emulator_process, record, table

CREDENTIALS = {
    "client_id": "eNUKI04aYJRU6TBhh5bwUrvmEORgQoxM",
    "client_secret": "dqYkWUpDjzvKOgbP3ar8tSNKJbwMyYe1V5R7DHClfSNYkap5C5XxRA6PmzoPv1I2",
    "brand": "openapitest",
    "venue_id": "1",
}


def run(python: str, base: str, token: str, calls: int, rounds: int) -> dict[str, dict[str, float]]:
    worker = Path(__file__).with_name("_compare_worker.py")
    out = subprocess.run(
        [python, str(worker), base, token, str(calls), str(rounds)], check=True, capture_output=True, text=True
    )
    result: dict[str, dict[str, float]] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old-python", required=True, help="an interpreter with integrify-clopos 0.0.1")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with emulator_process("--receipts", "500") as base:
        token = httpx.post(base + "/auth", json=CREDENTIALS).json()["token"]
        ours = run(sys.executable, base, token, args.calls, args.rounds)
        old = run(args.old_python, base, token, args.calls, args.rounds)
    rows = []
    for op in ours:
        ours_ratio = ours[op]["client"] / ours[op]["baseline"]
        old_ratio = old[op]["client"] / old[op]["baseline"]
        rows.append((op, f"{ours_ratio:.2f}×", f"{old_ratio:.2f}×", f"{ours_ratio / old_ratio:.2f}×"))
    body = table(["operation", "ours / its baseline", "0.0.1 / its baseline", "ours vs 0.0.1"], rows)
    body += (
        f"\n\nClient CPU per call (median of {args.rounds} rounds of {args.calls}) divided by the CPU of"
        " httpx + json.loads making the same requests in the same process; below 1.00× in the last column"
        " means ours is faster."
    )
    record("Against integrify-clopos 0.0.1", body)


if __name__ == "__main__":
    main()
