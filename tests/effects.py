"""Asserting what a call changed in the emulator's state, read back from the state itself."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from integrify.clopos.emulator import Emulator
from integrify.clopos.emulator.state import BrandData

#: The value a refused write (or a read) must leave as it was.
UNCHANGED: Any = object()

Read = Callable[[BrandData], Any]


def records(emu: Emulator) -> Any:
    """How many records of each kind every brand has: what no read changes."""
    return emu.state.summary()


def expect(emu: Emulator, read: Read | None, expected: Any = UNCHANGED) -> Callable[[], None]:
    """Reads ``read(brand)`` now; the function returned asserts the value became ``expected`` (a value, or a
    function of the value before) and was not that already, or, with ``UNCHANGED``, that it stayed as it was.
    Without ``read``: the record counts (``records``) stay as they were."""
    brand = emu.state.brand(emu.credentials.brand)
    probe: Read = read if read is not None else (lambda _: records(emu))
    before = copy.deepcopy(probe(brand))

    def check() -> None:
        after = probe(brand)
        if expected is UNCHANGED:
            assert after == before
            return
        wanted = expected(before) if callable(expected) else expected
        assert before != wanted, f"already {before!r} before the call"
        assert after == wanted

    return check
