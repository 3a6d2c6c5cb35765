"""`clopos emulator serve`: the options of `python -m integrify.clopos.emulator`, and clean failures."""

from __future__ import annotations

import os
import signal
import socket
import subprocess

import httpx
import pytest

from integrify.clopos.emulator.__main__ import parser
from integrify.clopos.emulator.config import DEMO
from integrify.clopos.emulator.server import free_port, wait_ready

from .conftest import CLOPOS, run, shell


def test_same_options_as_the_module() -> None:
    code, out, _ = run({"COLUMNS": "250"}, "emulator", "serve", "--help")
    assert code == 0
    shown = {word.strip("│,") for word in out.split() if word.startswith("--")} - {"--help"}
    expected = {max(a.option_strings, key=len) for a in parser()._actions if a.option_strings} - {"--help"}
    assert shown == expected and {"--seed", "--token-ttl", "--relaxed-order-status"} <= shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fault", "bogus"], "--fault 'bogus': unknown fault kind"),
        (["--fault", "status:status=abc"], "--fault 'status:status=abc'"),
        (["--port", "99999"], "--port"),
    ],
)
def test_bad_options_fail_in_one_line_before_the_banner(args: list[str], message: str) -> None:
    result = shell({}, "emulator", "serve", "--port", str(free_port()), *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr and "Clopos emulator on" not in result.stdout


def test_a_port_in_use_is_reported_without_a_banner() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = shell({}, "emulator", "serve", "--port", str(port))
    assert result.returncode == 4
    assert f"--port {port}: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_serve_passes_every_option_through() -> None:
    port = free_port()
    process = subprocess.Popen(
        [*CLOPOS, "emulator", "serve", "--port", str(port), "--token-ttl", "7", "--receipts", "12"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        root = f"http://127.0.0.1:{port}"
        wait_ready(root, timeout=60)
        body = {"client_id": DEMO.client_id, "client_secret": DEMO.client_secret, "brand": DEMO.brand, "venue_id": "1"}
        assert httpx.post(root + "/open-api/auth", json=body, timeout=10).json()["expires_in"] == 7
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert f"Clopos emulator on {root}/open-api" in out
    assert "Traceback" not in err
