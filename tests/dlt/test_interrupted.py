"""``clopos sync`` killed (SIGKILL) mid-run and run again: no duplicates, nothing missing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from integrify.clopos.emulator import Emulator, run_emulator

from ..helpers import sync_client
from .conftest import change_receipts, expected_counts

CLOPOS = str(Path(sys.executable).parent / "clopos")
#: The receipts page the emulator holds (for longer than the test needs to see it arrive) when extract is killed.
HELD_PAGE = 3


@pytest.fixture(scope="module")
def slow_emulator() -> Iterator[Emulator]:
    """A small brand answering in 10 ms, so that a run spends time in every step."""
    with run_emulator(receipts=200, latency_ms=10) as emulator:
        yield emulator


def start(emulator: Emulator, home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, **emulator.env(), "DLT_DATA_DIR": str(home / "dlt")}
    command = [CLOPOS, "sync", "--pipelines-dir", str(home / "pipelines"), "--page-size", "10"]
    return subprocess.Popen(command, cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def receipt_pages(emulator: Emulator) -> int:
    return sum(1 for r in emulator.requests if r.method == "GET" and r.path.endswith("/receipts"))


def kill_at(emulator: Emulator, process: subprocess.Popen[str], step: str) -> list[str]:
    """Read the run's output until ``step`` starts, then SIGKILL it. For extract, the emulator holds the third
    receipts page: the run is killed once that request arrived, surely in the middle of reading."""
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith(f"{step}:"):
            if step == "extract":
                deadline = time.monotonic() + 60
                while receipt_pages(emulator) < HELD_PAGE:
                    assert process.poll() is None and time.monotonic() < deadline, "".join(lines)
                    time.sleep(0.01)
            process.send_signal(signal.SIGKILL)
            break
    process.wait(60)
    assert process.returncode == -signal.SIGKILL, "".join(lines)
    rest = process.stdout.read()
    assert "normalize:" not in rest, rest  # killed before its step ended
    return lines


@pytest.mark.parametrize("step", ["extract", "load"])
def test_killed_run_then_rerun(slow_emulator: Emulator, tmp_path: Path, step: str) -> None:
    client = sync_client(slow_emulator)
    if step == "load":  # a loaded dataset, then changes, then a run killed while it loads them
        first = start(slow_emulator, tmp_path)  # a process of its own: DuckDB is opened here only at the end
        assert first.wait(240) == 0
        changed = change_receipts(client)
    if step == "extract":
        slow_emulator.faults.add("latency", route="*/receipts", method="GET", after=HELD_PAGE - 1, ms=15_000)
        slow_emulator.clear_requests()
    kill_at(slow_emulator, start(slow_emulator, tmp_path), step)
    rerun = start(slow_emulator, tmp_path)
    output, _ = rerun.communicate(timeout=240)
    assert rerun.returncode == 0, output
    expected = expected_counts(slow_emulator, client)
    with duckdb.connect(str(tmp_path / "clopos.duckdb"), read_only=True) as connection:
        for table, count in expected.items():
            assert connection.execute(f"SELECT COUNT(*) FROM clopos_data.{table}").fetchone() == (count,), table
        for table in ("receipts", "orders", "products"):
            sql = f"SELECT COUNT(*) - COUNT(DISTINCT id) FROM clopos_data.{table}"
            assert connection.execute(sql).fetchone() == (0,), table
        if step == "load":  # the killed run's normalised package was loaded first, then a new run
            assert "finish:" in output
            ids = {row[0] for row in connection.execute("SELECT id FROM clopos_data.receipts").fetchall()}
            assert set(changed["created"]) <= ids
            assert changed["deleted"] not in ids
