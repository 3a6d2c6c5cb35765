"""Emulator (generation 2) -> a throwaway PostgreSQL cluster, with dlt's own credential settings."""

from __future__ import annotations

from pathlib import Path

import psycopg2
import pytest

from integrify.clopos.dlt import clopos_source
from integrify.clopos.dlt.sync import SyncReport, sync
from integrify.clopos.emulator import Emulator
from tests.postgres import postgres_url  # noqa: F401

from ..helpers import sync_client
from .conftest import change_receipts, expected_counts


def run(home: Path, emulator: Emulator) -> SyncReport:
    c = emulator.credentials
    source = clopos_source(
        base_url=emulator.base_url,
        client_id=c.client_id,
        client_secret=c.client_secret,
        brand=c.brand,
        integrator_id=c.integrator_id,
        api_version="v2",
    )
    return sync(source, destination="postgres", pipelines_dir=str(home / "pipelines"))


def test_postgres_generation_2(
    clopos_emulator: Emulator,
    dlt_home: Path,
    postgres_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DESTINATION__POSTGRES__CREDENTIALS", postgres_url)
    client = sync_client(clopos_emulator)  # generation 1: it can create and delete receipts
    expected = expected_counts(clopos_emulator, client, v2=True)

    first = run(dlt_home, clopos_emulator)
    assert first.destination == "postgres"
    assert {name: first.table(name).total for name in expected} == expected

    second = run(dlt_home, clopos_emulator)
    assert second.new == 0
    assert second.table("receipts").rows == 0

    changed = change_receipts(client)
    third = run(dlt_home, clopos_emulator)
    expected = expected_counts(clopos_emulator, client, v2=True)
    assert {name: third.table(name).total for name in expected} == expected
    with psycopg2.connect(postgres_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, fiscal_id FROM clopos_data.receipts WHERE id = ANY(%s)",
            ([changed["edited"], changed["deleted"]],),
        )
        assert cursor.fetchall() == [(changed["edited"], "FISCAL-EDITED")]
        cursor.execute("SELECT COUNT(*) - COUNT(DISTINCT id) FROM clopos_data.receipts")
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT data_type FROM information_schema.columns"
            " WHERE table_name = 'receipts' AND column_name = 'created_at'"
        )
        assert cursor.fetchone() == ("timestamp without time zone",)
