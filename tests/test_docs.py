"""The generated per-resource pages in docs/resources are current."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_resource_pages_are_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["gen_resource_docs.py", str(tmp_path)])
    try:
        runpy.run_path(str(ROOT / "scripts" / "gen_resource_docs.py"), run_name="__main__")
    except SystemExit as done:
        assert done.code == 0
    for page in tmp_path.iterdir():
        committed = ROOT / "docs" / "resources" / page.name
        assert committed.read_text(encoding="utf-8") == page.read_text(encoding="utf-8"), (
            f"docs/resources/{page.name} is stale: run python scripts/gen_resource_docs.py"
        )
