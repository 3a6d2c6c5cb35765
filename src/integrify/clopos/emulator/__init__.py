"""A faithful, stateful local Clopos Open API server, for tests, demos and trying flows end to end.

>>> from integrify.clopos.emulator import run_emulator
>>> with run_emulator() as emu:                      # doctest: +SKIP
...     client = CloposClientClass(base_url=emu.base_url, **vars(emu.credentials))
"""

from .app import EmulatorApp, create_app
from .config import DEMO, DEMO2, Credentials, EmulatorConfig, RateLimits
from .faults import Fault, FaultController, RecordedRequest
from .server import Emulator, run_emulator

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
