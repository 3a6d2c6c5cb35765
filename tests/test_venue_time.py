"""Venue local time in the client, over HTTP: what is sent for "now", for datetimes and for date filters."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import pytest

from integrify.clopos import CloposClientClass, CloposSyncClient
from integrify.clopos.emulator import Emulator
from integrify.clopos.emulator.faults import RecordedRequest
from integrify.clopos.errors import CloposConfigError
from integrify.clopos.schemas.receipts.object import Receipt
from integrify.clopos.venue_time import aware

from .helpers import sync_client

PAYMENT = [{"id": 1, "name": "Cash", "amount": 12.5}]
BAKU = ZoneInfo("Asia/Baku")
SEEDS = Path(__file__).parent / "data" / "seed_bodies.json"


def _last(emu: Emulator, method: str) -> RecordedRequest:
    return [r for r in emu.requests if r.method == method and r.route != "/open-api/auth"][-1]


def _query(emu: Emulator) -> dict[str, str]:
    return dict(parse_qsl(_last(emu, "GET").query_string))


def _open_receipt(emu: Emulator, client: CloposSyncClient) -> Receipt:
    """A receipt the POS opened a moment ago: an order accepted by the clerk (the emulator's control)."""
    service = {"sale_type_id": 2, "sale_type_name": "Delivery", "venue_id": 1, "venue_name": "Main"}
    order = client.create_order(1, {"service": service, "products": [{"product_id": 1, "count": 1}]}).unwrap().data
    accepted = emu.accept_order(int(order.id))  # type: ignore[arg-type]
    return client.get_receipt_by_id(int(accepted["receipt_id"])).unwrap().data


def _near_now(text: str, zone: ZoneInfo) -> bool:
    sent = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
    return abs(sent - datetime.now(timezone.utc)) < timedelta(minutes=5)


def test_close_receipt_defaults_closed_at_to_venue_local_now(clopos_emulator: Emulator) -> None:
    with sync_client(clopos_emulator) as client:
        receipt = _open_receipt(clopos_emulator, client)
        closed = client.close_receipt(receipt.id, str(receipt.cid), PAYMENT)
    sent = _last(clopos_emulator, "PUT").json["closed_at"]
    assert _near_now(sent, BAKU)
    assert not _near_now(sent, ZoneInfo("UTC"))  # Baku is UTC+4 all year: not UTC's wall clock
    assert closed.ok, closed.body


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_closed_at_default_follows_the_timezone_setting(clopos_emulator: Emulator, zone: str) -> None:
    with sync_client(clopos_emulator, timezone=zone) as client:
        receipt = _open_receipt(clopos_emulator, client)
        response = client.close_receipt(receipt.id, str(receipt.cid), PAYMENT)
    assert _near_now(_last(clopos_emulator, "PUT").json["closed_at"], ZoneInfo(zone))
    # a Baku venue's receipt opened a moment ago: a wall clock behind Baku's is refused, as live
    assert response.status_code == 400 and "greater than created_at" in str(response.body)


def test_clopos_timezone_from_the_environment(emu_env: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOPOS_TIMEZONE", "Asia/Tokyo")
    client = CloposClientClass()
    assert client.venue_zone == ZoneInfo("Asia/Tokyo")
    with client:
        client.get_receipts(date_from=datetime(2026, 1, 1, 20, 0, tzinfo=timezone.utc))  # 05:00 on the 2nd in Tokyo
        assert _query(emu_env)["date[0]"] == "2026-01-02"
        # an explicit setting wins over the environment
        client.with_options(timezone="UTC").get_receipts(date_from=datetime(2026, 1, 1, 20, 0, tzinfo=timezone.utc))
        assert _query(emu_env)["date[0]"] == "2026-01-01"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2030, 1, 1, 8, 0, 5, tzinfo=timezone.utc), "2030-01-01 12:00:05"),  # aware: converted
        (datetime(2030, 1, 1, 23, 0, tzinfo=timezone(timedelta(hours=-5))), "2030-01-02 08:00:00"),
        (datetime(2030, 1, 1, 8, 0, 5), "2030-01-01 08:00:05"),  # naive: taken as venue-local
        ("2030-01-01 08:00:05", "2030-01-01 08:00:05"),  # text: sent as given
    ],
)
def test_closed_at_datetimes_are_sent_in_venue_local_time(clopos_emulator: Emulator, value: Any, expected: str) -> None:
    with sync_client(clopos_emulator) as client:
        receipt = _open_receipt(clopos_emulator, client)
        assert client.close_receipt(receipt.id, str(receipt.cid), PAYMENT, value).ok
        assert _last(clopos_emulator, "PUT").json["closed_at"] == expected
        assert client.get_receipt_by_id(receipt.id).unwrap().data.closed_at == expected


def test_update_receipt_and_create_receipt_convert_aware_datetimes(clopos_emulator: Emulator) -> None:
    moment = datetime(2030, 6, 1, 21, 30, tzinfo=timezone.utc)  # 2030-06-02 01:30 in Baku
    with sync_client(clopos_emulator) as client:
        receipt = _open_receipt(clopos_emulator, client)
        client.update_receipt(receipt.id, str(receipt.cid), closed_at=moment)
        assert _last(clopos_emulator, "PUT").json["closed_at"] == "2030-06-02 01:30:00"
        client.create_receipt(
            cid="venue-time-created",
            payment_methods=PAYMENT,
            user_id=1,
            created_at=moment - timedelta(hours=1),
            closed_at=moment,
        )
    sent = _last(clopos_emulator, "POST").json
    assert (sent["created_at"], sent["closed_at"]) == ("2030-06-02 00:30:00", "2030-06-02 01:30:00")


def test_v2_close_converts_closed_at(clopos_emulator: Emulator) -> None:
    with sync_client(clopos_emulator) as v1:
        receipt = _open_receipt(clopos_emulator, v1)
    with sync_client(clopos_emulator, api_version="v2") as client:
        client.close_receipt(receipt.id, str(receipt.cid), PAYMENT, datetime(2030, 1, 1, 8, 0, tzinfo=timezone.utc))
    sent = _last(clopos_emulator, "POST")
    assert (sent.route, sent.json["closed_at"]) == ("/open-api/v2/receipts/{id}/close", "2030-01-01 12:00:00")


@pytest.mark.parametrize("resource", ["get_receipts", "get_orders"])
@pytest.mark.parametrize(
    ("date_from", "date_to", "zone", "expected"),
    [
        # aware datetimes: their venue-local date, no time
        (
            datetime(2026, 1, 1, 22, 30, tzinfo=timezone.utc),
            datetime(2026, 1, 31, 10, 30, tzinfo=timezone.utc),
            None,
            ("2026-01-02", "2026-01-31"),
        ),
        (
            datetime(2026, 1, 1, 22, 30, tzinfo=timezone.utc),
            datetime(2026, 1, 31, 10, 30, tzinfo=timezone.utc),
            "UTC",
            ("2026-01-01", "2026-01-31"),
        ),
        # naive datetimes: venue-local already, the time is dropped
        (datetime(2026, 1, 1, 10, 30), datetime(2026, 1, 31, 23, 59), None, ("2026-01-01", "2026-01-31")),
        (date(2026, 1, 1), "2026-01-31", None, ("2026-01-01", "2026-01-31")),
    ],
)
def test_date_filters_send_venue_local_dates_only(
    clopos_emulator: Emulator, resource: str, date_from: Any, date_to: Any, zone: str | None, expected: tuple[str, str]
) -> None:
    with sync_client(clopos_emulator, timezone=zone) as client:
        response = getattr(client, resource)(date_from=date_from, date_to=date_to)
        assert response.ok, response.body
    query = _query(clopos_emulator)
    assert (query["date[0]"], query["date[1]"]) == expected
    dry = CloposClientClass(base_url=clopos_emulator.base_url, dry=True, brand="b", venue_id=1, timezone=zone)
    params = dict(getattr(dry, resource)(date_from=date_from, date_to=date_to).params)
    assert (params["date[0]"], params["date[1]"]) == expected


def test_iter_sends_dates_on_every_page(clopos_emulator: Emulator) -> None:
    start = datetime(2020, 1, 1, 23, 0, tzinfo=timezone.utc)
    with sync_client(clopos_emulator) as client:
        items = list(client.get_receipts.iter(limit=50, date_from=start, date_to=datetime.now(timezone.utc)))
    pages = [dict(parse_qsl(r.query_string)) for r in clopos_emulator.requests if r.route == "/open-api/receipts"]
    assert len(items) > 50 and len(pages) >= 2
    assert {page["date[0]"] for page in pages} == {"2020-01-02"}


def test_unknown_zone_is_a_clear_config_error(clopos_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CloposConfigError, match=r"unknown time zone 'Mars/Olympus'.*IANA"):
        sync_client(clopos_emulator, timezone="Mars/Olympus")
    monkeypatch.setenv("CLOPOS_TIMEZONE", "Not/AZone")
    with sync_client(clopos_emulator) as client:
        with pytest.raises(CloposConfigError, match="CLOPOS_TIMEZONE"):
            client.get_venues()
        with pytest.raises(CloposConfigError):
            client.venue_zone  # noqa: B018
        # an explicit, valid setting does not read the environment
        assert client.with_options(timezone="Asia/Baku").get_venues().ok
    assert clopos_emulator.count("GET", "/open-api/venues") == 1


def test_models_keep_wire_strings_and_give_aware_datetimes(clopos_emulator: Emulator) -> None:
    with sync_client(clopos_emulator) as client:
        receipt = _open_receipt(clopos_emulator, client)
        client.close_receipt(receipt.id, str(receipt.cid), PAYMENT, "2030-01-01 12:00:05")
        stored = client.get_receipt_by_id(receipt.id).unwrap().data
        assert stored.closed_at == "2030-01-01 12:00:05"  # as sent on the wire
        closed = stored.local_time("closed_at", client.venue_zone)
        assert closed == datetime(2030, 1, 1, 8, 0, 5, tzinfo=timezone.utc)
        assert closed is not None and closed.tzinfo == BAKU
        assert stored.local_time("closed_at", "UTC") == datetime(2030, 1, 1, 12, 0, 5, tzinfo=timezone.utc)
        assert stored.local_time("deleted_at") is None


def test_seed_002_evidence_local_strings_are_baku_time() -> None:
    """Seed 002's receipt: ``created_at`` (local) and ``meta.terminal_updated_at`` (Unix ms, UTC) agree in Baku."""
    body = json.loads(SEEDS.read_text())["seed002_4"]
    receipt = Receipt.model_validate(body)
    created = receipt.local_time("created_at")
    terminal = aware(body["meta"]["terminal_updated_at"])
    iso = aware(body["meta"]["lastAddedProductTime"])
    assert created is not None and terminal is not None and iso is not None
    assert timedelta(0) <= terminal - created < timedelta(minutes=1)
    assert abs(iso - terminal) < timedelta(seconds=1)
    assert created.utcoffset() == timedelta(hours=4)
    # read as UTC, the same string would be four hours after the terminal's own clock
    assert (receipt.local_time("created_at", "UTC") or created) - terminal > timedelta(hours=3)
