"""Bodies are decoded with the cycle collector paused: its state is always given back, whatever the body."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from integrify.clopos._core.call import Call
from integrify.clopos._core.decode import decode_success
from integrify.clopos._core.wire import Answer
from integrify.clopos.errors import ResponseDecodeError
from integrify.clopos.schemas.common.response import ObjectResponse
from integrify.clopos.schemas.receipts.object import Receipt

CALL = Call("GET", "/receipts/1", ObjectResponse[Receipt])
BODIES = {
    "valid": b'{"success": true, "data": {"id": 1, "total": 12.5}}',
    "drifted": b'{"success": true, "data": {"id": 1, "total": {"amount": 12.5}}}',
    "refused": b'{"success": false, "error": "not_found", "message": "no"}',
    "unreadable": b"<html>busy</html>",
    "unbuildable": b'{"success": true, "data": {"total": 1}}',
}


@pytest.fixture
def collector() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


@pytest.mark.parametrize("kind", BODIES)
@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_state_is_given_back(collector: None, kind: str, strict: bool, enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    answer = Answer(200, {}, BODIES[kind])  # type: ignore[arg-type]
    try:
        decode_success(CALL, answer, strict=strict)
    except ResponseDecodeError:
        assert kind in ("unreadable", "unbuildable") or (strict and kind == "drifted")
    else:
        assert kind in ("valid", "refused") or (not strict and kind == "drifted")
    assert gc.isenabled() is enabled
