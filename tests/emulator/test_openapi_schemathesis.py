"""Schemathesis against the emulator's own OpenAPI document: no 5xx, and every answer conforms (bounded)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from integrify.clopos.emulator import DEMO, run_emulator

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
#: The console script beside this interpreter (a virtualenv's bin/ is not always on PATH), else on PATH.
_BESIDE = Path(sys.executable).with_name("schemathesis")
SCHEMATHESIS = str(_BESIDE) if _BESIDE.exists() else shutil.which("schemathesis")


@pytest.mark.skipif(SCHEMATHESIS is None, reason="schemathesis is not installed (it is in the dev extra)")
def test_schemathesis_finds_no_server_error_and_no_nonconformance() -> None:
    with run_emulator(receipts=50) as emu:
        token = httpx.post(
            emu.base_url + "/auth",
            json={
                "client_id": DEMO.client_id,
                "client_secret": DEMO.client_secret,
                "brand": DEMO.brand,
                "venue_id": "1",
            },
        ).json()["token"]
        command = [
            str(SCHEMATHESIS),
            "run",
            emu.root_url + "/openapi.json",
            "--max-examples",
            "25",
            "--checks",
            CHECKS,
            "--seed",
            "1",
            "-H",
            f"x-token: {token}",
            "-H",
            "x-brand: openapitest",
            "-H",
            "x-venue: 1",
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "passed" in result.stdout
