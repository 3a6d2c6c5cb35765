"""A throwaway PostgreSQL cluster for tests: ``postgres_url`` (session fixture).

The machine's ``initdb``/``pg_ctl`` (from ``PATH``, else Debian's ``/usr/lib/postgresql/<version>/bin``) make a
cluster in a temporary folder, listening on a free port of 127.0.0.1 with trust authentication, stopped
and removed at the end of the session. ``initdb`` refuses to run as root: as root, the cluster is made and
run as the ``postgres`` user (else ``nobody``) through ``runuser``. Without PostgreSQL the tests that use
the fixture are skipped, except under ``CI=true``, where that is a failure.

Use it from any test module: ``from tests.postgres import postgres_url  # noqa: F401``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from integrify.clopos.emulator.server import free_port

SUPERUSER = "postgres"


def postgres_bin() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def run_as() -> str | None:
    """The user to run PostgreSQL as when we are root (it refuses root), else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")


def _run(command: list[str], user: str | None) -> None:
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """``postgresql://postgres:test@127.0.0.1:<port>/postgres`` of a fresh cluster for this session."""
    folder = postgres_bin()
    if folder is None:
        reason = "PostgreSQL's initdb/pg_ctl not found (apt-get install postgresql, or put its bin/ on PATH)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + "; CI must run the PostgreSQL tests")
        pytest.skip(reason)
    user = run_as()
    root = Path(tempfile.mkdtemp(prefix="clopos-pg-"))
    data = root / "data"
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    port = free_port()
    pg_ctl = str(folder / "pg_ctl")
    try:
        _run([str(folder / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "-N"], user)
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        _run([pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "-t", "60", "start"], user)
        try:
            yield f"postgresql://{SUPERUSER}:test@127.0.0.1:{port}/postgres"
        finally:
            _run([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], user)
    finally:
        shutil.rmtree(root, ignore_errors=True)
