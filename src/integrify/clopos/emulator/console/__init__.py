"""The emulator's web console at ``/_emulator/console``: the brand at a glance, the clerk's actions, faults,
the activity simulator and a live request log, served by the emulator itself (no build step, nothing fetched
from elsewhere). It has no login: keep the emulator on 127.0.0.1 (the default)."""

from .routes import routes

__all__ = ["routes"]
