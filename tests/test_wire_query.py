"""Query strings are encoded exactly as httpx encodes the same parameters."""

from __future__ import annotations

import random
import string

import httpx
import pytest

from integrify.clopos._core.wire import with_query

TEXTS = ["", "asc", "2026-12-01", "12.50", "a b", "a+b", "filters[0][0]", "ə/ş?&=#%", "~_.-", "line\nbreak"]


@pytest.mark.parametrize("value", [*TEXTS, 0, 17, 12.5, True, False, None])
def test_each_value_is_encoded_as_httpx_encodes_it(value: str | int | float | bool | None) -> None:
    params = [("filters[0][1]", value), ("page", 2)]
    ours = with_query("http://h/p", params)
    assert ours == str(httpx.URL("http://h/p", params=params)), ours


def test_random_texts_are_encoded_as_httpx_encodes_them() -> None:
    chooser = random.Random(12)
    alphabet = string.printable + "əğşçöüİı€"
    for _ in range(2000):
        text = "".join(chooser.choice(alphabet) for _ in range(chooser.randint(0, 10)))
        assert with_query("http://h/p", [(text, text)]) == str(httpx.URL("http://h/p", params=[(text, text)])), text
