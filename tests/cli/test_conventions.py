"""The conventions of gh and stripe: own options per command, checks before sending, quiet pipes, help."""

from __future__ import annotations

import csv
import io
import json
import shlex
import subprocess
from urllib.parse import parse_qs

import pytest

from integrify.clopos.emulator import Emulator

from .conftest import CLOPOS, run


def options_of(env: dict[str, str], *command: str) -> set[str]:
    code, out, _ = run({**env, "COLUMNS": "200"}, *command, "--help")
    assert code == 0
    return {word.strip("│,") for word in out.split() if word.startswith("--")}


def test_each_list_offers_only_its_own_options(env: dict[str, str]) -> None:
    base = {"--limit", "--format", "--json", "--jsonl", "--csv", "--help"}
    assert options_of(env, "venues", "list") == base | {"--all", "--page"}
    assert options_of(env, "stop-list", "list") == base
    assert options_of(env, "orders", "list") == base | {"--all", "--page", "--status", "--from", "--to"}
    assert options_of(env, "receipts", "list") == base | {"--all", "--page", "--from", "--to"}
    assert options_of(env, "categories", "list") == base | {"--all", "--page", "--tree"}
    assert "--filter" in options_of(env, "customers", "list")
    assert "--from" not in options_of(env, "customers", "export")
    code, _, err = run(env, "receipts", "list", "--status", "PENDING")
    assert code == 2 and "No such option: --status" in err and "Traceback" not in err


def test_flags_render_without_a_type_and_h_is_help(env: dict[str, str]) -> None:
    code, out, _ = run({**env, "COLUMNS": "200"}, "-h")
    assert code == 0 and "--debug" in out and "<bool>" not in out and "Usage: clopos" in out
    code, out, _ = run({**env, "COLUMNS": "200"}, "receipts", "close", "-h")
    assert code == 0 and "--partial" in out and "<bool>" not in out
    code, out, _ = run(env, "--version")
    assert code == 0 and out.startswith("clopos ") and "integrify-clopos" in out


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["receipts", "list", "--from", "2026-13-01"], "--from"),
        (["receipts", "list", "--to", "yesterday"], "--to"),
        (["orders", "list", "--from", "2026-02-01", "--to", "2026-01-01"], "--from 2026-02-01 is after --to"),
        (["receipts", "list", "--limit", "-1"], "--limit"),
        (["receipts", "list", "--page", "0"], "--page"),
        (["receipts", "export", "--out", "-", "--from", "2026-02-30"], "--from"),
        (["orders", "list", "--status", "eaten"], "--status"),
        (["customers", "create", "--name", "A", "--date-of-birth", "1.2.1990"], "--date-of-birth"),
    ],
)
def test_values_are_checked_before_sending(
    env: dict[str, str], clopos_emulator: Emulator, args: list[str], flag: str
) -> None:
    code, _, err = run(env, *args)
    assert code == 2 and flag in err and "Traceback" not in err
    assert not [r for r in clopos_emulator.requests if not r.path.endswith("/auth")]


def test_status_is_normalised(env: dict[str, str]) -> None:
    code, out, _ = run(env, "orders", "list", "--status", "pending", "--json")
    assert code == 0 and {o["status"] for o in json.loads(out)} == {"PENDING"}


def test_empty_csv_has_its_header(env: dict[str, str]) -> None:
    code, out, _ = run(env, "receipts", "list", "--from", "2000-01-01", "--to", "2000-01-02", "--csv")
    assert code == 0 and out.splitlines() == ["id,cid,status,total,order_status,fiscal_id,created_at,closed_at"]
    code, out, _ = run(env, "orders", "export", "--out", "-", "--from", "2000-01-01", "--to", "2000-01-02")
    assert code == 0 and out.startswith("id,") and len(out.splitlines()) == 1


def test_lists_say_there_is_more_and_all_uses_the_largest_page(env: dict[str, str], clopos_emulator: Emulator) -> None:
    code, out, err = run(env, "receipts", "list", "--csv")
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == 50
    assert "50 of 300 receipts; use --all" in err
    code, out, err = run(env, "receipts", "list", "--limit", "7", "--json")
    assert len(json.loads(out)) == 7 and "7 of 300" in err
    clopos_emulator.clear_requests()
    code, out, err = run(env, "receipts", "list", "--all", "--jsonl")
    assert code == 0 and len(out.splitlines()) == 300 and "of 300" not in err
    limits = [parse_qs(r.query_string)["limit"] for r in clopos_emulator.requests if r.path.endswith("/receipts")]
    assert limits == [["200"], ["200"]]
    code, out, _ = run(env, "stop-list", "list", "--limit", "1", "--csv")
    assert code == 0 and len(out.splitlines()) == 2  # the header and one row


def test_get_and_writes_take_json(env: dict[str, str], clopos_emulator: Emulator) -> None:
    code, out, _ = run(env, "products", "get", "12")
    assert code == 0 and "Fanta" in out and not out.lstrip().startswith("{")
    code, out, _ = run(env, "products", "get", "12", "--json")
    assert json.loads(out)["name"] == "Fanta"
    code, out, _ = run(env, "customers", "create", "--name", "Nigar", "--phone", "+994501112233", "--json")
    assert code == 0 and json.loads(out)["name"] == "Nigar"
    brand = clopos_emulator.state.brand("openapitest")
    assert brand.table("customers")[json.loads(out)["id"]]["phone"] == "+994501112233"
    code, out, _ = run(env, "orders", "set-status", "2", "ignore", "--json")
    assert code == 0 and json.loads(out)["status"] == "IGNORE"
    assert brand.table("orders")[2]["status"] == "IGNORE"


def test_debug_keeps_exit_codes(env: dict[str, str]) -> None:
    code, _, err = run({**env, "CLOPOS_CLIENT_SECRET": "nope"}, "--debug", "auth")
    assert code == 3 and "Traceback" in err and "error: 401" in err
    code, _, err = run({**env, "CLOPOS_BASE_URL": "http://127.0.0.1:9/open-api"}, "--debug", "venues", "list")
    assert code == 4 and "Traceback" in err
    code, _, err = run(env, "--debug", "receipts", "list", "--from", "x")
    assert code == 2


def test_network_messages_name_the_url_and_hint_at_open_api(env: dict[str, str], clopos_emulator: Emulator) -> None:
    code, _, err = run({**env, "CLOPOS_BASE_URL": "http://127.0.0.1:9/open-api"}, "venues", "list")
    assert code == 4 and "cannot reach http://127.0.0.1:9/open-api" in err and "Connect" in err
    code, _, err = run({**env, "CLOPOS_BASE_URL": clopos_emulator.root_url}, "venues", "list")
    assert code == 1 and f"hint: the base URL usually ends in /open-api, e.g. {clopos_emulator.base_url}" in err


def test_head_exits_quietly(env: dict[str, str]) -> None:
    command = f'{shlex.join(CLOPOS)} receipts list --all --jsonl | head -1; echo "rc=${{PIPESTATUS[0]}}"'
    result = subprocess.run(
        ["bash", "-c", command], env={**env, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=60
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["id"] and lines[1] == "rc=0"
    assert result.stderr == ""
