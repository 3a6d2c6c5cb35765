"""Fixtures for the ``clopos`` command line: the console script in a subprocess, or its ``main()`` in-process.

Subprocesses (``shell``, ``started``, ``terminal.py``) run the installed ``clopos`` script exactly as a user
does: real file descriptors, pipes, a terminal, signals, the interpreter's exit. Each costs ~0.5 s of Python
start-up, so every convention and command family has its subprocess test (test_as_users_run_it.py and a few
others), and the long tables of options and messages call the same ``main()`` in-process (``run``). In-process,
``main()`` sees what it would see in a pipe: CliRunner's isolation swaps ``sys.std*`` (not terminals) and
the environment; nothing else of CliRunner is used, and an exception escaping ``main()`` fails the test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from integrify.clopos.cli.app import main
from integrify.clopos.emulator import Emulator
from integrify.clopos.emulator.faults import RecordedRequest

runner = CliRunner()


def console_script() -> list[str]:
    """The installed ``clopos`` beside the interpreter running the tests (as pip writes it).

    Without it (the package imported from a source tree, not installed), ``main()`` through the interpreter,
    which skips only the script's three lines; the session says so once (pytest's warning summary).
    """
    script = Path(sys.executable).with_name("clopos")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    import warnings

    warnings.warn(f"no console script at {script}: running main() through {sys.executable} instead", stacklevel=1)
    return [sys.executable, "-c", "import sys; from integrify.clopos.cli.app import main; sys.exit(main())"]


#: The command a user types, as argv: ``[*CLOPOS, "receipts", "list"]``.
CLOPOS = console_script()


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
    """``clopos ARGS`` in-process, through the console script's ``main()``; exit code, stdout, stderr."""
    with runner.isolation(input=input, env=env) as (out, err, _):
        argv = sys.argv
        sys.argv = ["clopos", *args]
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        finally:
            sys.argv = argv
            sys.stdout.flush()
            sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


def user_env(env: dict[str, str]) -> dict[str, str]:
    """A user's environment with these settings: nothing of the test run's virtualenv on PATH."""
    return {**os.environ, **env, "PATH": "/usr/bin:/bin", "COLUMNS": "200"}


def shell(
    env: dict[str, str], *args: str, input: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``clopos ARGS`` as a separate process with stdout and stderr piped (stdin too when ``input`` is given)."""
    return subprocess.run(
        [*CLOPOS, *args],
        env=user_env(env),
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def started(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """``clopos ARGS`` running in the background, stdout and stderr piped (line by line)."""
    return subprocess.Popen(
        [*CLOPOS, *args],
        env=user_env(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )


class Answered:
    """Counts the emulator's answers to one route, and wakes whoever waits for a number of them.

    The emulator calls its listeners once a request is answered, so "the 2nd answer was sent" is an event,
    not a guess about time.
    """

    def __init__(self, emulator: Emulator, method: str, route: str, status: int | None = None) -> None:
        self.emulator, self.method, self.route, self.status = emulator, method, route, status
        self.count = 0
        self.changed = threading.Condition()

    def __call__(self, record: RecordedRequest) -> None:
        wanted = self.status is None or record.status == self.status
        if record.method == self.method and record.route == self.route and wanted:
            with self.changed:
                self.count += 1
                self.changed.notify_all()

    def wait_for(self, count: int, timeout: float = 60) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: self.count >= count, timeout):
                raise AssertionError(f"{self.method} {self.route}: {self.count} answers in {timeout} s, not {count}")

    def __enter__(self) -> Answered:
        self.emulator.app.recorder.listeners.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.emulator.app.recorder.listeners.remove(self)
