"""The emulator's answers have the shape (keys and JSON types) of the live answers recorded in fixtures.

Fixtures: ``tests/parity/recorded/<name>.json`` (or ``CLOPOS_RECORD``'s directory when set), written by a live
run of the scenarios. Each name has a probe here that makes the emulator give the same answer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from integrify.clopos.emulator import Emulator

from .shapes import differences, scrub, shape
from .target import FIXTURES, Target, emulator_target
from .test_scenarios import MISSING_ID, READS, _new_order, _open_receipt, _payment, _stored_receipt

Probe = Callable[[Target], Any]


def _read_probes() -> dict[str, Probe]:
    probes: dict[str, Probe] = {}
    for name, listing, by_id in READS:
        probes[name] = lambda t, listing=listing: listing(t.client())
        if by_id is not None:

            def one(t: Target, listing: Any = listing, by_id: Any = by_id) -> Any:
                client = t.client()
                return by_id(client, listing(client).unwrap().data[0].id)

            probes[name + "_one"] = one
    return probes


def _close(t: Target) -> Any:
    client = t.client()
    receipt = _open_receipt(t, client)
    client.update_receipt(receipt.id, receipt.cid, description="parity", guests=2)  # as test_receipt_lifecycle
    return client.close_receipt(receipt.id, receipt.cid, _payment(client, 5))


PROBES: dict[str, Probe] = {
    **_read_probes(),
    "auth": lambda t: t.client().auth(),
    "receipt_create": lambda t: _stored_receipt(t, t.client()),
    "receipt_close": _close,
    "order_create": lambda t: _new_order(t, t.client()),
    "error_receipt_not_found": lambda t: t.client().get_receipt_by_id(MISSING_ID),
}


def _fixtures_dir() -> Path:
    return Path(os.environ.get("CLOPOS_RECORD") or FIXTURES)


def test_every_committed_fixture_has_a_probe() -> None:
    names = {path.stem for path in FIXTURES.glob("*.json")}
    assert names, "no recorded fixtures"
    assert names <= PROBES.keys(), f"fixtures without a probe: {sorted(names - PROBES.keys())}"


@pytest.mark.parametrize("name", sorted(PROBES))
def test_emulator_answer_has_the_live_shape(clopos_emulator: Emulator, name: str) -> None:
    path = _fixtures_dir() / f"{name}.json"
    if not path.exists():
        pytest.skip(f"no recorded live answer {path.name}: record with CLOPOS_LIVE=1 CLOPOS_RECORD={FIXTURES}")
    fixture = json.loads(path.read_text())
    target = emulator_target(clopos_emulator)
    try:
        PROBES[name](target)
    finally:
        target.close()
    assert target.last is not None
    assert target.last.status == fixture["status"], target.last.body
    problems = differences(fixture["body"], target.last.body)
    assert not problems, f"{name}: the emulator's answer differs from the live one:\n" + "\n".join(problems)


# -- the tools themselves --------------------------------------------------------------------


def test_shape_merges_list_items_and_types() -> None:
    got = shape({"data": [{"id": 1, "price": 2.5}, {"id": 2, "price": None, "tag": "x"}], "ok": True})
    assert got == {
        "$": {"object"},
        "$.data": {"array"},
        "$.data[]": {"object"},
        "$.data[].id": {"number"},
        "$.data[].price": {"number", "null"},
        "$.data[].tag": {"string"},
        "$.ok": {"boolean"},
    }


def test_differences_report_missing_extra_and_types_once() -> None:
    live = {"data": {"id": 1, "price": 2.5, "image": {"thumb": "a"}, "note": None}}
    emulated = {"data": {"id": "1", "price": 2.5, "extra": 1, "note": "n"}}
    assert differences(live, emulated) == [
        "extra $.data.extra (number)",
        "type $.data.id: live number, emulator string",
        "missing $.data.image (object)",
    ]
    assert differences(live, live) == []


def test_scrub_removes_secrets_and_personal_data_keeping_types() -> None:
    body = {
        "token": "oauth_abc123",
        "data": [
            {"id": 7, "name": "Rahid Akhundzada", "phone": "+994 70 540 10 40", "bonus": 5, "tags": ["vip"]},
            {"note": "call +994501112233 or a@b.az, token oauth_xyz, key s3cr3t", "created_at": "2025-11-20 11:13:03"},
        ],
    }
    clean = scrub(body, secrets=("s3cr3t",))
    text = json.dumps(clean)
    for leaked in ("oauth_", "Rahid", "+994", "a@b.az", "s3cr3t"):
        assert leaked not in text
    assert shape(clean) == shape(body)
    assert clean["data"][1]["created_at"] == "2025-11-20 11:13:03" and clean["data"][0]["id"] == 7
