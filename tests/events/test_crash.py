"""``kill -9`` of the forwarder (the real ``clopos events forward``, a subprocess) at random moments, 20
times, during a burst of 1,000 POS changes: nothing is lost, duplicates carry the same webhook-id, every
signature verifies, and the order per venue is kept."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from integrify.clopos.emulator import Emulator
from integrify.clopos.emulator.pos import Pos
from integrify.clopos.events import webhook_consumer
from integrify.clopos.events.store_sqlite import SQLiteStore

from .receiver import SECRET, serve_receiver

KILLS = 20
CHANGES = 1_000


def spawn(emu: Emulator, store: str, url: str, tmp: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **emu.env(), "CLOPOS_CONFIG_DIR": str(tmp), "CLOPOS_WEBHOOK_SECRET": SECRET}
    command = [sys.executable, "-c", "from integrify.clopos.cli.app import main; main()", "events", "forward"]
    command += ["--to", url, "--store", store, "--interval", "0.05", "--worker-id", "forwarder"]
    command += ["--retry-base", "0.05", "--requests-per-minute", "60000"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def baseline_done(store: str) -> bool:
    db = SQLiteStore(store)
    try:
        return all(db.snapshot("openapitest/1", r) is not None for r in ("orders", "receipts", "stop_list", "products"))
    finally:
        db.close()


def test_kill_9_twenty_times_during_a_burst(clopos_emulator: Emulator, tmp_path: Path) -> None:
    store = str(tmp_path / "events.db")
    chance = random.Random(2024)
    pos = Pos(clopos_emulator.state, seed=11)
    with serve_receiver() as receiver:
        process = spawn(clopos_emulator, store, receiver.url, tmp_path)
        deadline = time.monotonic() + 60
        while not baseline_done(store):
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.1)
        try:
            for kill in range(KILLS):
                pos.burst(CHANGES // KILLS)
                if kill % 2:  # any moment: starting up, reading the store, polling, delivering
                    time.sleep(chance.uniform(0, 1.5))
                else:  # surely at work: in the middle of delivering
                    before, start = len(receiver.deliveries), time.monotonic()
                    while len(receiver.deliveries) == before and time.monotonic() - start < 10:
                        time.sleep(0.02)
                    time.sleep(chance.uniform(0, 0.3))
                process.send_signal(signal.SIGKILL)
                process.wait(10)
                process = spawn(clopos_emulator, store, receiver.url, tmp_path)
            db = SQLiteStore(store)
            deadline = time.monotonic() + 60
            settled = 0
            while settled < 3:  # nothing pending, and a few more polls found nothing new
                status = db.status(webhook_consumer(receiver.url))
                events = status[0].events if status else 0
                done = bool(status) and status[0].pending == 0 and len(receiver.first_seen()) == events
                settled = settled + 1 if done else 0
                assert time.monotonic() < deadline, status
                time.sleep(0.5)
        finally:
            process.kill()
            process.wait(10)
        stored = [row.body for row in db.events_after(0, limit=100_000)]
        db.close()
        check(receiver.deliveries, receiver.first_seen(), stored, clopos_emulator, pos)


def check(deliveries: list[Any], first: list[Any], stored: list[str], emu: Emulator, pos: Pos) -> None:
    import json

    events = [json.loads(body) for body in stored]
    # every stored event arrived, once or more, in the store's (detection) order, signed
    assert [d.event["id"] for d in first] == [e["id"] for e in events]
    assert all(d.verified for d in deliveries)
    assert all(d.webhook_id == d.event["id"] for d in deliveries)
    by_id = {d.webhook_id: d.event for d in first}
    assert all(d.event == by_id[d.webhook_id] for d in deliveries)  # a duplicate is the same event
    assert len(deliveries) > len(first) or len(deliveries) == len(first)
    # none lost: what the venue holds at the end is what the events say
    brand = emu.state.brand("openapitest")
    last: dict[tuple[str, str], dict[str, Any]] = {}
    kinds: dict[tuple[str, str], set[str]] = {}
    for event in events:
        key = (event["type"].split(".")[0], event["object_id"])
        last[key] = event
        kinds.setdefault(key, set()).add(event["type"])
    for receipt_id, record in brand.receipts.created.items():
        if receipt_id in brand.receipts.deleted:
            if ("receipt", str(receipt_id)) in kinds:  # seen before it went: its deletion too
                assert "receipt.deleted" in kinds[("receipt", str(receipt_id))]
            continue
        seen = kinds[("receipt", str(receipt_id))]
        assert "receipt.created" in seen
        assert (record["status"] == 2) == ("receipt.closed" in seen)
        assert last[("receipt", str(receipt_id))]["data"]["fiscal_id"] == record.get("fiscal_id")
    for order_id, order in brand.table("orders").items():
        if order_id > 6:  # made during the burst
            assert last[("order", str(order_id))]["data"]["status"] == order["status"]
    stop = brand.table("stop_list")
    for pid in range(1, 12):
        event = last.get(("stop_list", str(pid)))
        if event is not None:
            assert event["limit_after"] == (float(stop[pid]["limit"]) if pid in stop else None)
    assert len(events) > CHANGES // 2  # the burst was seen (changes between two polls may merge)
