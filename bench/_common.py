"""Helpers of the benchmark scripts: an emulator in its own process, tables, and RESULTS.md."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server_process(command: Sequence[str], probe: str) -> Iterator[None]:
    """Run a server in a separate process (so that its CPU is not counted) until ``probe`` answers."""
    process = subprocess.Popen(list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(probe, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the server did not start: {' '.join(command)}") from None
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(10)


@contextlib.contextmanager
def emulator_process(*args: str) -> Iterator[str]:
    """Run the emulator in a separate process; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "integrify.clopos.emulator", "--port", str(port), *args]
    with server_process(command, f"http://127.0.0.1:{port}/_emulator/state/summary"):
        yield f"http://127.0.0.1:{port}/open-api"


@contextlib.contextmanager
def fake_server(latency_ms: float, total: int = 100_000) -> Iterator[str]:
    """bench/fake_server.py in another process; yields its base URL."""
    port = free_port()
    script = Path(__file__).with_name("fake_server.py")
    command = [sys.executable, str(script), "--port", str(port), "--latency-ms", str(latency_ms), "--total", str(total)]
    base = f"http://127.0.0.1:{port}/open-api"
    with server_process(command, base + "/receipts/1"):
        yield base


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def record(title: str, body: str) -> None:
    """Print a result and append it to bench/RESULTS.md with the command that produced it."""
    command = " ".join(shlex.quote(part) for part in [Path(sys.executable).name, *sys.argv])
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    text = f"\n## {title}\n\n`{command}` — {stamp}, {machine}\n\n{body}\n"
    print(text)
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(text)
