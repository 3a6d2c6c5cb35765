"""The installed ``clopos`` script as a user runs it: exit codes, Ctrl-C, pipes, stdin, prompts on a terminal.

One subprocess per convention; the tables of options and messages call ``main()`` in-process (conftest.py).
"""

from __future__ import annotations

import csv
import json
import queue
import signal
import threading
from pathlib import Path
from typing import IO

import pytest

from integrify.clopos.emulator import Emulator

from .conftest import Answered, run, shell, started
from .terminal import Terminal


def receipt_rows(emulator: Emulator) -> int:
    receipts = emulator.state.brand("openapitest").receipts
    return sum(len(r["receipt_products"]) for r in receipts.records(range(1, 301)))


def lines_of(stream: IO[str]) -> queue.Queue[str]:
    """The stream's lines as they come (read by a thread, so a test can wait for one with a timeout)."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


@pytest.mark.parametrize(
    ("code", "args", "extra_env", "message"),
    [
        (2, ["orders", "create", "--file", "/nonexistent/order.json"], {}, "/nonexistent/order.json: No such file"),
        (4, ["venues", "list"], {"CLOPOS_BASE_URL": "http://127.0.0.1:9/open-api"}, "error: cannot reach"),
    ],
    ids=["usage", "network"],
)
def test_a_failure_reaches_the_shell_as_its_exit_code_and_one_line(
    env: dict[str, str], code: int, args: list[str], extra_env: dict[str, str], message: str
) -> None:
    result = shell({**env, **extra_env}, *args)
    assert result.returncode == code, result.stderr
    assert result.stdout == "" and message in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")


def test_ctrl_c_exits_130_and_the_export_resumes(
    env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator
) -> None:
    out_file = tmp_path / "receipts.csv"
    # The second page is refused with "retry in 55 s": the export is waiting for it when Ctrl-C comes.
    clopos_emulator.faults.add("status", route="/open-api/receipts", status=503, retry_after=55, after=1, times=1)
    with Answered(clopos_emulator, "GET", "/open-api/receipts", status=503) as refused:
        process = started(env, "receipts", "export", "--out", str(out_file))
        refused.wait_for(1)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert out == "" and "Traceback" not in err and err.endswith("error: interrupted\n")
    assert f"export stopped; to resume where it stopped, run: clopos receipts export --out {out_file}" in err
    assert json.loads((tmp_path / "receipts.csv.state.json").read_text())["page"] == 1
    code, out, err = run(env, "receipts", "export", "--out", str(out_file))
    assert code == 0, err
    rows = list(csv.DictReader(out_file.open(encoding="utf-8", newline="")))
    assert len(rows) == len({(r["receipt_id"], r["line_id"]) for r in rows}) == receipt_rows(clopos_emulator)


def test_watch_prints_changes_survives_faults_and_ends_with_ctrl_c(
    env: dict[str, str], clopos_emulator: Emulator
) -> None:
    # The first poll passes, then every attempt of the next one fails (the client retries twice).
    clopos_emulator.faults.add("status", route="/open-api/orders", status=503, after=1, times=3)
    with (
        Answered(clopos_emulator, "GET", "/open-api/orders") as polls,
        Answered(clopos_emulator, "GET", "/open-api/orders", status=503) as refused,
    ):
        process = started(env, "orders", "watch", "--jsonl", "--interval", "0.1")
        assert process.stdout is not None
        printed = lines_of(process.stdout)
        polls.wait_for(1)  # the orders as they were at start are known: what changes from now on is printed
        clopos_emulator.accept_order(5)
        change = printed.get(timeout=60)
        assert refused.count == 3  # the change came through after a poll that failed
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert json.loads(change) == {"id": 5, "from": "PENDING", "to": "RECEIVED"}  # changes only, not the orders
    assert printed.empty()
    assert process.returncode == 0, err
    assert "Traceback" not in err and "503" in err
    assert all(line.startswith("warning: ") and "retrying in" in line for line in err.splitlines())


def test_nothing_on_stderr_when_piped(env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator) -> None:
    out_file = tmp_path / "receipts.csv"
    result = shell(env, "receipts", "export", "--out", str(out_file))
    assert (result.returncode, result.stderr) == (0, "")
    rows = receipt_rows(clopos_emulator)
    assert result.stdout == f"{rows} rows written to {out_file}\n"
    assert len(out_file.read_text(encoding="utf-8").splitlines()) == rows + 1


def test_a_json_body_from_stdin(env: dict[str, str], clopos_emulator: Emulator) -> None:
    order = {
        "customer_id": 9,
        "payload": {
            "service": {"sale_type_id": 2, "sale_type_name": "Delivery", "venue_id": 1, "venue_name": "Main"},
            "products": [{"product_id": 4, "count": 2}],
        },
        "meta": {"comment": "from stdin"},
    }
    result = shell(env, "orders", "create", "--file", "-", "--json", input=json.dumps(order))
    assert (result.returncode, result.stderr) == (0, "")
    order_id = json.loads(result.stdout)["id"]
    stored = clopos_emulator.state.brand("openapitest").table("orders")[order_id]
    assert stored["customer_id"] == 9 and stored["status"] == "PENDING"
    assert stored["payload"]["meta"]["comment"] == "from stdin"
    assert [(p["product_id"], p["count"]) for p in stored["payload"]["products"]] == [(4, 2)]


def test_the_secret_is_asked_on_a_terminal_without_echo(env: dict[str, str], private_config: Path) -> None:
    terminal = Terminal(env, "profile", "add", "p", "--client-id", "i", "--brand", "b")
    terminal.expect("Client secret: ")
    terminal.type("typed-secret\r")
    code, screen = terminal.finish()
    assert code == 0, screen
    assert "profile p saved and in use" in screen
    assert "typed-secret" not in screen and "standard input" not in screen
    stored = json.loads((private_config / "profiles.json").read_text())
    assert stored["profiles"]["p"]["client_secret"] == "typed-secret"


@pytest.mark.parametrize(("answer", "code", "kept"), [("y", 0, False), ("n", 1, True)])
def test_delete_asks_on_a_terminal(
    env: dict[str, str], clopos_emulator: Emulator, answer: str, code: int, kept: bool
) -> None:
    terminal = Terminal(env, "receipts", "delete", "7")
    terminal.expect("Delete receipt 7 for good? [y/N]: ")
    terminal.type(answer + "\r")
    exit_code, screen = terminal.finish()
    assert exit_code == code, screen
    assert ("receipt 7 deleted" in screen) is not kept
    assert (clopos_emulator.state.brand("openapitest").receipts.get(7) is not None) is kept


def test_export_asks_before_discarding_and_shows_progress_on_a_terminal(
    env: dict[str, str], tmp_path: Path, clopos_emulator: Emulator
) -> None:
    out_file = tmp_path / "receipts.csv"
    clopos_emulator.faults.add("status", route="/open-api/receipts", status=500, after=1, times=1)
    assert run(env, "receipts", "export", "--out", str(out_file), "--from", "2000-01-01")[0] == 1
    terminal = Terminal(env, "receipts", "export", "--out", str(out_file))
    terminal.expect("partial export made with --from 2000-01-01 --format csv. Discard it and start again? [y/N]: ")
    terminal.type("y\r")
    code, screen = terminal.finish()
    assert code == 0, screen
    rows = receipt_rows(clopos_emulator)
    assert "receipts → receipts.csv" in screen and "300/300" in screen  # the progress bar
    assert f"{rows} rows written to {out_file}" in screen
    assert len(out_file.read_text(encoding="utf-8").splitlines()) == rows + 1
