"""A faithful, stateful local Clopos Open API server, for tests, demos and trying flows end to end.

>>> from integrify.clopos.emulator import run_emulator
>>> with run_emulator() as emu:                      # doctest: +SKIP
...     client = CloposClientClass(base_url=emu.base_url, **vars(emu.credentials))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import EmulatorApp, create_app
    from .config import DEMO, DEMO2, Credentials, EmulatorConfig, RateLimits
    from .faults import Fault, FaultController, RecordedRequest
    from .server import Emulator, run_emulator

#: Where each name lives. Imported on first use, so that the pytest plugin (``pytest11``, loaded by every
#: pytest run where the package is installed) costs nothing and works without the ``[emulator]`` extra.
_HOMES = {
    "EmulatorApp": "app",
    "create_app": "app",
    "DEMO": "config",
    "DEMO2": "config",
    "Credentials": "config",
    "EmulatorConfig": "config",
    "RateLimits": "config",
    "Fault": "faults",
    "FaultController": "faults",
    "RecordedRequest": "faults",
    "Emulator": "server",
    "run_emulator": "server",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        module = importlib.import_module(f".{home}", __name__)
    except ImportError as error:
        raise ImportError(
            f"the Clopos emulator needs the [emulator] extra: pip install 'integrify-clopos[emulator]' ({error})"
        ) from error
    return getattr(module, name)


__all__ = [
    "DEMO",
    "DEMO2",
    "Credentials",
    "Emulator",
    "EmulatorApp",
    "EmulatorConfig",
    "Fault",
    "FaultController",
    "RateLimits",
    "RecordedRequest",
    "create_app",
    "run_emulator",
]
