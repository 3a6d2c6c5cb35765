"""Fixtures for the ``clopos`` command line: the real app (CliRunner) or the real console script (subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from integrify.clopos.cli.app import app
from integrify.clopos.emulator import Emulator

runner = CliRunner()
#: The installed console script, beside the interpreter running the tests.
CLOPOS = str(Path(sys.executable).with_name("clopos"))


@pytest.fixture(autouse=True)
def private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Profiles and tokens of each test in its own folder; no CLOPOS_* setting leaks in from outside."""
    for key in list(os.environ):
        if key.startswith("CLOPOS_"):
            monkeypatch.delenv(key)
    folder = tmp_path / "config"
    monkeypatch.setenv("CLOPOS_CONFIG_DIR", str(folder))
    yield folder


@pytest.fixture
def env(clopos_emulator: Emulator, private_config: Path) -> dict[str, str]:
    return {**clopos_emulator.env(), "CLOPOS_CONFIG_DIR": str(private_config), "CLOPOS_API_VERSION": "v1"}


def run(env: dict[str, str], *args: str, input: str | None = None) -> tuple[int, str, str]:
    """``clopos ARGS`` in-process, through the real app; exit code, stdout, stderr."""
    result = runner.invoke(app, list(args), env=env, input=input)
    return result.exit_code, result.stdout, result.stderr


def shell(env: dict[str, str], *args: str, timeout: float = 60, **options: object) -> subprocess.CompletedProcess[str]:
    """``clopos ARGS`` as a separate process, through the installed console script."""
    return subprocess.run(
        [CLOPOS, *args],
        env={**os.environ, **env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **options,  # type: ignore[arg-type]
    )
