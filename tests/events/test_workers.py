"""Two workers (``clopos events forward`` processes) on one PostgreSQL: the venues are split between
them, never served by both; ``kill -9`` one and its venues continue on the other once its lease expires."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from integrify.clopos.emulator import Emulator
from integrify.clopos.emulator.pos import Pos
from integrify.clopos.events import open_store
from tests.postgres import postgres_url  # noqa: F401

from .receiver import SECRET, Receiver, serve_receiver

LEASE = 3.0


def spawn(emu: Emulator, store: str, url: str, tmp: Path, name: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, **emu.env(), "CLOPOS_CONFIG_DIR": str(tmp), "CLOPOS_WEBHOOK_SECRET": SECRET}
    command = [sys.executable, "-c", "from integrify.clopos.cli.app import main; main()", "events", "forward"]
    command += ["--to", url, "--store", store, "--venues", "1,2", "--interval", "0.1", "--worker-id", name]
    command += ["--lease", str(LEASE), "--requests-per-minute", "60000"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def owners(store: str) -> dict[str, str | None]:
    db = open_store(store)
    try:
        return {row.feed: row.owner for row in db.status()}
    finally:
        db.close()


def wait(condition: object, timeout: float, what: str) -> None:
    start = time.monotonic()
    while not condition():  # type: ignore[operator]
        assert time.monotonic() - start < timeout, what
        time.sleep(0.1)


def per_feed(receiver: Receiver) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for delivery in receiver.first_seen():
        result.setdefault(f"{delivery.event['brand']}/{delivery.event['venue']}", []).append(delivery.webhook_id)
    return result


def test_two_workers_share_venues_and_take_over(clopos_emulator: Emulator, postgres_url: str, tmp_path: Path) -> None:  # noqa: F811
    db = open_store(postgres_url)
    with db.transaction() as cursor:
        for table in ("leases", "workers", "checkpoints", "snapshots", "events", "cursors", "dead_letters"):
            cursor.execute(f"DELETE FROM {table}")
    db.close()
    pos = Pos(clopos_emulator.state, seed=5)
    with serve_receiver() as receiver:
        workers = {name: spawn(clopos_emulator, postgres_url, receiver.url, tmp_path, name) for name in ("A", "B")}
        try:
            split = {"openapitest/1", "openapitest/2"}
            wait(lambda: set(owners(postgres_url).values()) == {"A", "B"}, 60, f"not split: {owners(postgres_url)}")
            held = owners(postgres_url)
            assert set(held) == split  # each venue has one worker, and each worker one venue
            wait(lambda: len(db_snapshots(postgres_url)) == 8, 60, "baseline")
            pos.stock_out(7)
            receiver.wait_for(2)
            victim = held["openapitest/1"]
            workers[victim].send_signal(signal.SIGKILL)
            workers[victim].wait(10)
            survivor = "B" if victim == "A" else "A"
            wait(lambda: set(owners(postgres_url).values()) == {survivor}, 60, "no takeover")
            pos.stock_out(8)
            receiver.wait_for(4)
        finally:
            for process in workers.values():
                process.kill()
                process.wait(10)
        feeds = per_feed(receiver)
        assert sorted(feeds) == sorted(split) and all(len(ids) == 2 for ids in feeds.values())
        assert all(d.verified for d in receiver.deliveries)
        db = open_store(postgres_url)
        stored: dict[str, list[str]] = {}
        for row in db.events_after(0):
            stored.setdefault(row.feed, []).append(row.body.split('"id":"', 1)[1].split('"', 1)[0])
        db.close()
        assert feeds == stored  # in each venue's order, nothing twice under different ids


def db_snapshots(store: str) -> list[tuple[str, str]]:
    db = open_store(store)
    try:
        return [
            (f, r)
            for f in ("openapitest/1", "openapitest/2")
            for r in ("orders", "receipts", "stop_list", "products")
            if db.snapshot(f, r) is not None
        ]
    finally:
        db.close()
