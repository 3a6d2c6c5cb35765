"""Schemathesis against the emulator's own OpenAPI document: no 5xx, and every answer conforms (bounded)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from integrify.clopos.emulator import DEMO, run_emulator
from integrify.clopos.emulator.config import RateLimits

from ..helpers import auth_token

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
#: The console script beside this interpreter (a virtualenv's bin/ is not always on PATH), else on PATH.
_BESIDE = Path(sys.executable).with_name("schemathesis")
SCHEMATHESIS = str(_BESIDE) if _BESIDE.exists() else shutil.which("schemathesis")


#: Examples per operation: as many as keep this file under a minute on a 2-core machine (two runs in parallel).
EXAMPLES = "50"


@pytest.mark.skipif(SCHEMATHESIS is None, reason="schemathesis is not installed (it is in the dev extra)")
def test_schemathesis_finds_no_server_error_and_no_nonconformance() -> None:
    """Both generations, each with its own token, rate limits off (so that answers are not all 429)."""
    no_limits = RateLimits(auth_per_ip=None, failed_per_ip=None, per_integrator_brand=None)
    with run_emulator(receipts=50, rate_limits=no_limits) as emu:
        runs = {}
        for generation, paths in (("v1", "^/open-api/(?!v2/)"), ("v2", "^/open-api/v2/")):
            command = [
                str(SCHEMATHESIS),
                "run",
                emu.root_url + "/openapi.json",
                "--include-path-regex",
                paths,
                "--max-examples",
                EXAMPLES,
                "--checks",
                CHECKS,
                "--seed",
                "1",
                "-H",
                f"x-token: {auth_token(emu, generation)}",
                "-H",
                f"x-brand: {DEMO.brand}",
                "-H",
                f"x-venue: {DEMO.venue_id}",
            ]
            runs[generation] = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        outputs = {generation: run.communicate(timeout=600)[0] for generation, run in runs.items()}
    for generation, run in runs.items():
        assert run.returncode == 0, f"{generation}:\n{outputs[generation][-4000:]}"
        assert "passed" in outputs[generation]
