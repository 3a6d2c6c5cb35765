"""Pure pieces of the core that need no server: query encoding, waits, tokens, redaction."""

from __future__ import annotations

import email.utils
import time
from datetime import date, datetime, timezone

import httpx
import pytest

from integrify.clopos import CloposValidationError
from integrify.clopos._core.call import rate_limit_from, retry_after_from
from integrify.clopos._core.flow import redact
from integrify.clopos._core.query import Query, check_page, comma_list, filter_tuples
from integrify.clopos._core.tokens import Credentials, Token
from integrify.clopos.schemas.enums import OrderStatus


def test_query_skips_unset_and_none_and_formats_values() -> None:
    from integrify.clopos import UNSET

    query = (
        Query().add("a", UNSET).add("b", None).add("c", True).add("d", OrderStatus.IGNORE).add("e", date(2026, 1, 2))
    )
    query.add("f", datetime(2026, 1, 2, 3, 4, 5))
    assert query.params == [("c", "true"), ("d", "IGNORE"), ("e", "2026-01-02"), ("f", "2026-01-02 03:04:05")]


def test_query_brackets() -> None:
    query = Query().indexed("with", ["group", "balance"]).indexed("x", "one").pair("date", "2026-01-01", None)
    query.filters([("name", "John"), ("category_id", [1, 2])])
    assert query.params == [
        ("with[0]", "group"),
        ("with[1]", "balance"),
        ("x[0]", "one"),
        ("date[0]", "2026-01-01"),
        ("filters[0][0]", "name"),
        ("filters[0][1]", "John"),
        ("filters[1][0]", "category_id"),
        ("filters[1][1][0]", "1"),
        ("filters[1][1][1]", "2"),
    ]


def test_filter_forms_and_bad_filters() -> None:
    assert filter_tuples([{"by": "name", "value": "A"}]) == [("name", "A")]
    assert filter_tuples({"giftable": 1}) == [("giftable", 1)]
    assert filter_tuples([("phones", "+994")]) == [("phones", "+994")]
    with pytest.raises(CloposValidationError, match=r"filters\[0\]"):
        filter_tuples([{"value": "A"}])
    with pytest.raises(CloposValidationError, match=r"filters\[1\]"):
        filter_tuples([("a", 1), 42])


def test_comma_list() -> None:
    assert comma_list(["id", "name"]) == "id,name"
    assert comma_list("id,name") == "id,name"


@pytest.mark.parametrize(
    ("page", "limit", "field"), [(0, 10, "page"), (1, 0, "limit"), (1, 101, "limit"), ("2", 5, "page")]
)
def test_page_bounds(page: object, limit: object, field: str) -> None:
    with pytest.raises(CloposValidationError) as caught:
        check_page(page, limit, 100)
    assert caught.value.field == field


def test_retry_after_forms() -> None:
    assert retry_after_from(httpx.Headers({"retry-after": "7"})) == 7.0
    moment = email.utils.format_datetime(datetime.fromtimestamp(time.time() + 30, tz=timezone.utc), usegmt=True)
    assert 25 <= (retry_after_from(httpx.Headers({"retry-after": moment})) or 0) <= 31
    assert retry_after_from(httpx.Headers({"ratelimit-reset": "12"})) == 12.0
    assert retry_after_from(httpx.Headers({"x-ratelimit-reset": str(int(time.time()) + 20)})) == pytest.approx(
        20, abs=2
    )
    assert retry_after_from(httpx.Headers({"retry-after": "soon"})) is None
    assert retry_after_from(httpx.Headers({})) is None


def test_rate_limit_headers() -> None:
    limits = rate_limit_from(
        httpx.Headers({"RateLimit-Limit": "300", "RateLimit-Remaining": "299", "RateLimit-Reset": "60"})
    )
    assert limits is not None and (limits.limit, limits.remaining, limits.reset) == (300, 299, 60.0)
    assert rate_limit_from(httpx.Headers({})) is None


def test_token_renewal_margin() -> None:
    hour = Token.issued("t", expires_in=3600, expires_at=None)
    assert hour.renew_at - time.monotonic() == pytest.approx(3540, abs=2)
    short = Token.issued("t", expires_in=2, expires_at=None)
    assert short.renew_at - time.monotonic() == pytest.approx(1.8, abs=0.1)
    jwt = Token.issued("t", expires_in=None, expires_at=time.time() + 100)
    assert jwt.renew_at - time.monotonic() == pytest.approx(90, abs=1)
    assert not Token.issued("t", expires_in=0, expires_at=None).fresh()


def test_secrets_never_in_reprs_or_redacted_copies() -> None:
    credentials = Credentials("v1", "http://x", "id", "very-secret", "brand", "1", None)
    assert "very-secret" not in repr(credentials)
    assert "very-secret" not in str(credentials.key)
    assert "tok-123" not in repr(Token("tok-123", 0.0))
    assert redact({"client_secret": "s", "nested": [{"token": "t"}], "x-token": "t", "keep": 1}) == {
        "client_secret": "***",
        "nested": [{"token": "***"}],
        "x-token": "***",
        "keep": 1,
    }
