"""Shared fixtures. The emulator fixtures (``clopos_emulator``, ``clopos_client``, ...) come from the
package's own pytest plugin, as they do for our users."""

from __future__ import annotations

import pytest

from integrify.clopos.emulator import Emulator


@pytest.fixture
def emu_env(clopos_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """The emulator with its ``CLOPOS_*`` settings in the environment (as a user would set them)."""
    for key in ("CLOPOS_API_VERSION", "CLOPOS_LOG"):
        monkeypatch.delenv(key, raising=False)
    for key, value in clopos_emulator.env().items():
        monkeypatch.setenv(key, value)
    return clopos_emulator
