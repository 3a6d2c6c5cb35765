"""The global flags of the current invocation."""

from __future__ import annotations

from .settings import Options

_current = {"options": Options()}


def options() -> Options:
    return _current["options"]


def set_options(value: Options) -> None:
    _current["options"] = value
