"""Bulk export, this client against an earlier commit of it, in the same run against the same server.

    python bench/bench_export_vs.py [--baseline-rev 43590a0] [--receipts 100000] [--limit 50] [--rounds 3]
                                    [--prefetch 16] [--server fake|emulator]

The server is bench/fake_server.py by default: pages built once, served after the latency. The emulator
builds every page (~330 pages of 50 a second on one core), so on two cores it is the bottleneck, not the
client: ``--server emulator`` shows it (both clients end near the emulator's pace).

The earlier client is checked out with ``git worktree`` and imported from its ``src/`` (``PYTHONPATH``), in a
child process per run, so both read the same emulator's answers. Target (issue 12): ≥ 2.5× the receipts per
second of the baseline (the client before the issue), memory still flat (100k vs 10k peak RSS ≤ 1.1×).

Prefetch 16 by default: there both clients are at their CPU limit (the client before is ~15% faster at 16
than at 8, this one ~10%); ``--prefetch 8`` compares them where this one is close to its limit.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import emulator_process, fake_server, record, table

ROOT = Path(__file__).resolve().parents[1]

#: One export in a child: bench_export.export, run with the client found first on PYTHONPATH.
EXPORT = """
import json, sys
import integrify.clopos as package
from bench_export import export
count, seconds, peak = export(sys.argv[1], "async", int(sys.argv[2]), int(sys.argv[3]))
print(json.dumps({"count": count, "seconds": seconds, "peak": peak, "module": package.__file__}))
"""


def worktree(rev: str) -> Path:
    path = Path(tempfile.gettempdir()) / f"clopos-baseline-{rev}"
    if not path.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), rev], check=True)
    return path


def export(src: Path, base: str, limit: int, prefetch: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(src), str(Path(__file__).parent)))}
    out = subprocess.run(
        [sys.executable, "-c", EXPORT, base, str(limit), str(prefetch)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    assert str(result["module"]).startswith(str(src)), result["module"]  # the client we meant, not another
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline-rev", default="43590a0")
    parser.add_argument("--receipts", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--prefetch", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server", choices=("fake", "emulator"), default="fake")
    args = parser.parse_args()
    sources = {f"before ({args.baseline_rev})": worktree(args.baseline_rev) / "src", "now": ROOT / "src"}
    runs: dict[tuple[str, int], list[dict[str, float]]] = {}
    for size in (args.small, args.receipts):
        if args.server == "fake":
            server = fake_server(args.latency_ms, total=size)
        else:
            server = emulator_process("--receipts", str(size), "--latency-ms", str(args.latency_ms))
        with server as base:
            for _ in range(args.rounds):
                for name, src in sources.items():
                    result = export(src, base, args.limit, args.prefetch)
                    assert result["count"] == size, (name, result)
                    runs.setdefault((name, size), []).append(result)
    rows = []
    rate: dict[tuple[str, int], float] = {}
    peak: dict[tuple[str, int], float] = {}
    for (name, size), results in runs.items():
        rate[(name, size)] = statistics.median(r["count"] / r["seconds"] for r in results)
        peak[(name, size)] = max(r["peak"] for r in results)
        rows.append((f"{size:,}", name, f"{rate[(name, size)]:,.0f}", f"{peak[(name, size)]:.0f} MiB"))
    before, now = sources
    speedup = rate[(now, args.receipts)] / rate[(before, args.receipts)]
    growth = peak[(now, args.receipts)] / peak[(now, args.small)]
    body = table(["receipts", "client", "receipts/s (median)", "peak RSS"], rows)
    body += (
        f"\n\nAt {args.receipts:,} receipts now / before: **{speedup:.2f}×** receipts per second (target ≥ 2.5×);"
        f" peak RSS {args.receipts:,} vs {args.small:,} now: {growth:.2f}× (target ≤ 1.1×). Async `.iter()`,"
        f" pages of {args.limit}, prefetch {args.prefetch}, {args.latency_ms:g} ms added per request by"
        f" {'bench/fake_server.py' if args.server == 'fake' else 'the emulator'};"
        f" {args.rounds} interleaved rounds, one child process each."
    )
    record("Bulk export against the client before issue 12", body)


if __name__ == "__main__":
    main()
