"""`clopos <resource> export`: resumable whatever stops it, atomic state, recovery, lock, stdout."""

from __future__ import annotations

import csv
import fcntl
import json
import random
import signal
import subprocess
import time
from pathlib import Path

from integrify.clopos.emulator import Emulator

from .conftest import CLOPOS, run, shell


def expected_rows(emulator: Emulator) -> int:
    receipts = emulator.state.brand("openapitest").receipts
    return sum(len(r["receipt_products"]) for r in receipts.records(range(1, 301)))


def check_complete(out_file: Path, emulator: Emulator) -> None:
    rows = list(csv.DictReader(out_file.open(encoding="utf-8", newline="")))
    pairs = [(r["receipt_id"], r["line_id"]) for r in rows]
    assert len(pairs) == len(set(pairs)) == expected_rows(emulator)
    assert sorted({int(r["receipt_id"]) for r in rows}) == list(range(1, 301))


def interrupted_export(env: dict[str, str], emulator: Emulator, out_file: Path, *extra: str) -> str:
    emulator.faults.add("status", route="/open-api/receipts", status=500, after=1, times=1)
    code, _, err = run(env, "receipts", "export", "--out", str(out_file), *extra)
    assert code == 1 and "500" in err
    return err


def test_interrupted_export_says_how_to_resume(env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator) -> None:
    out_file = tmp_path / "all.csv"
    err = interrupted_export(env, clopos_emulator, out_file, "--from", "2000-01-01")
    assert (
        f"to resume where it stopped, run: clopos receipts export --out {out_file} --format csv --from 2000-01-01"
        in (err.replace("\n", " "))
    )


def test_a_damaged_state_is_recovered_from_the_output(
    env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator
) -> None:
    out_file = tmp_path / "receipts.csv"
    interrupted_export(env, clopos_emulator, out_file)
    state_file = tmp_path / "receipts.csv.state.json"
    assert json.loads(state_file.read_text())["items"] == 200
    state_file.write_text("")  # what a kill between truncating and writing used to leave
    with out_file.open("a", encoding="utf-8", newline="") as out:
        out.write("999,half a row")  # and a row cut short by the kill
    code, out, err = run(env, "receipts", "export", "--out", str(out_file))
    assert code == 0, err
    assert "was damaged; recovered" in err and "rows written" in out
    check_complete(out_file, clopos_emulator)
    assert not state_file.exists()


def test_jsonl_state_recovery(env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator) -> None:
    out_file = tmp_path / "receipts.jsonl"
    interrupted_export(env, clopos_emulator, out_file, "--format", "jsonl")
    (tmp_path / "receipts.jsonl.state.json").write_text('{"params": ')
    assert run(env, "receipts", "export", "--out", str(out_file), "--format", "jsonl")[0] == 0
    rows = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert len(rows) == expected_rows(clopos_emulator)
    assert len({(r["receipt_id"], r["line_id"]) for r in rows}) == len(rows)


def test_killed_at_any_moment_the_export_resumes_without_duplicates(
    env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator
) -> None:
    clopos_emulator.faults.add("latency", route="/open-api/receipts", ms=300, times=None)
    out_file = tmp_path / "killed.csv"
    chance = random.Random(7)
    for _ in range(4):
        process = subprocess.Popen(
            [*CLOPOS, "receipts", "export", "--out", str(out_file)],
            env={**env, "PATH": "/usr/bin:/bin"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(chance.uniform(0.3, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    clopos_emulator.faults.clear()
    result = shell(env, "receipts", "export", "--out", str(out_file))
    assert result.returncode == 0, result.stderr
    check_complete(out_file, clopos_emulator)


def test_a_partial_export_of_other_options_is_not_discarded_silently(
    env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator
) -> None:
    out_file = tmp_path / "receipts.csv"
    interrupted_export(env, clopos_emulator, out_file, "--from", "2000-01-01")
    before = out_file.read_bytes()
    code, _, err = run(env, "receipts", "export", "--out", str(out_file))
    assert code == 2 and "holds a partial export made with --from 2000-01-01" in err and "--force" in err
    assert out_file.read_bytes() == before
    code, _, err = run(env, "receipts", "export", "--out", str(out_file), "--force")
    assert code == 0 and "discarding the partial export" in err
    check_complete(out_file, clopos_emulator)


def test_the_output_is_locked_against_a_second_export(
    env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator
) -> None:
    out_file = tmp_path / "receipts.csv"
    out_file.write_text("")
    with out_file.open("r+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running export holds it
        code, _, err = run(env, "receipts", "export", "--out", str(out_file))
    assert code == 2 and "being written by another export" in err
    assert clopos_emulator.count("GET", "/open-api/receipts") == 0
    assert run(env, "receipts", "export", "--out", str(out_file))[0] == 0


def test_out_dash_is_stdout(env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator) -> None:
    code, out, err = run(env, "receipts", "export", "--out", "-")
    assert code == 0, err
    assert out.startswith("receipt_id,cid,") and len(out.splitlines()) == expected_rows(clopos_emulator) + 1
    assert not (tmp_path / "-").exists() and not Path("-").exists()
    code, out, _ = run(env, "customers", "export", "--out", "-", "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 12
