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
from integrify.clopos._core.tokens import Credentials, SavedToken, Token
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


#: A fixed "now" (2026-01-01 00:00:00 UTC) for the waits computed from absolute times.
NOW = 1_767_225_600.0


def http_date(epoch: float) -> str:
    return email.utils.format_datetime(datetime.fromtimestamp(epoch, tz=timezone.utc), usegmt=True)


def test_retry_after_forms() -> None:
    assert retry_after_from(httpx.Headers({"retry-after": "7"})) == 7.0
    assert retry_after_from(httpx.Headers({"retry-after": http_date(NOW + 30)}), now_epoch=NOW) == 30.0
    assert retry_after_from(httpx.Headers({"retry-after": http_date(NOW - 30)}), now_epoch=NOW) == 0.0
    assert retry_after_from(httpx.Headers({"ratelimit-reset": "12"})) == 12.0
    assert retry_after_from(httpx.Headers({"x-ratelimit-reset": str(int(NOW) + 20)}), now_epoch=NOW) == 20.0
    assert retry_after_from(httpx.Headers({"retry-after": "soon"})) is None
    assert retry_after_from(httpx.Headers({})) is None


def test_absolute_waits_count_from_the_wall_clock_by_default() -> None:
    """What the retry loop uses (no ``now_epoch``): bounded by the clock read before and after."""
    moment = float(int(time.time()) + 30)
    for headers in ({"retry-after": http_date(moment)}, {"x-ratelimit-reset": str(int(moment))}):
        before = time.time()
        wait = retry_after_from(httpx.Headers(headers))
        after = time.time()
        assert wait is not None and moment - after <= wait <= moment - before


def test_rate_limit_headers() -> None:
    limits = rate_limit_from(
        httpx.Headers({"RateLimit-Limit": "300", "RateLimit-Remaining": "299", "RateLimit-Reset": "60"})
    )
    assert limits is not None and (limits.limit, limits.remaining, limits.reset) == (300, 299, 60.0)
    assert rate_limit_from(httpx.Headers({})) is None


def between(low: float, value: float, high: float) -> bool:
    """``low <= value <= high``, give or take a microsecond (float rounding of sums of clock readings)."""
    return low - 1e-6 <= value <= high + 1e-6


def issued_between(expires_in: float | None, expires_at: float | None = None) -> tuple[float, Token, float]:
    """A token issued now, with the monotonic clock read just before and just after."""
    before = time.monotonic()
    token = Token.issued("t", expires_in=expires_in, expires_at=expires_at)
    return before, token, time.monotonic()


def test_token_renewal_margin() -> None:
    """10% of the lifetime early, at most 60 s; bounds from the clock read around the issue, never a tolerance."""
    before, hour, after = issued_between(3600)
    assert between(before + 3540, hour.renew_at, after + 3540)
    before, short, after = issued_between(2)
    assert between(before + 1.8, short.renew_at, after + 1.8)
    before, unknown, after = issued_between(None)  # no lifetime given: an hour
    assert between(before + 3540, unknown.renew_at, after + 3540)
    wall_before = time.time()
    before, jwt, after = issued_between(None, expires_at=wall_before + 100)
    wall_after = time.time()
    assert between(before + (wall_before + 100 - wall_after) * 0.9, jwt.renew_at, after + 90)
    assert not Token.issued("t", expires_in=0, expires_at=None).fresh()
    assert not Token("t", time.monotonic() - 1).fresh() and Token("t", time.monotonic() + 3600).fresh()


def test_saved_token_keeps_its_renewal_moment_across_clocks() -> None:
    """``SavedToken`` turns the monotonic moment into Unix time and back (as a new process would)."""
    mono_before, wall_before = time.monotonic(), time.time()
    saved = SavedToken.of(Token("t", mono_before + 600))
    mono_after, wall_after = time.monotonic(), time.time()
    assert between(wall_before + 600 - (mono_after - mono_before), saved.renew_at, wall_after + 600)
    wall_before, mono_before = time.time(), time.monotonic()
    back = saved.token()
    mono_after, wall_after = time.monotonic(), time.time()
    assert between(mono_before + saved.renew_at - wall_after, back.renew_at, mono_after + saved.renew_at - wall_before)
    assert back.value == "t" and back.fresh()


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
