"""With the plain install (no ``[emulator]`` extra), pytest still runs: the plugin loads without Starlette."""

from __future__ import annotations

import subprocess
import sys

BLOCK = """
import importlib.abc, sys
class NoExtra(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("starlette", "uvicorn"):
            raise ImportError(f"No module named {name!r}")
        return None
sys.meta_path.insert(0, NoExtra())
"""


def test_plugin_imports_without_the_emulator_extra() -> None:
    code = BLOCK + (
        "import integrify.clopos.emulator.pytest_plugin as plugin\n"
        "assert plugin.clopos_emulator\n"
        "try:\n"
        "    from integrify.clopos.emulator import run_emulator\n"
        "except ImportError as error:\n"
        "    print('refused:', error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "refused: the Clopos emulator needs the [emulator] extra" in result.stdout
