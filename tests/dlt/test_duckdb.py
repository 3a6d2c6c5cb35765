"""Emulator -> DuckDB over HTTP: full first load, nothing new on the second, changes caught on the third."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from integrify.clopos.dlt import DELETIONS, clopos_source
from integrify.clopos.dlt.columns import SCALE
from integrify.clopos.dlt.sync import SyncReport, duckdb_destination, sync
from integrify.clopos.emulator import Emulator

from ..helpers import sync_client
from .conftest import change_receipts, expected_counts


def run(home: Path) -> SyncReport:
    return sync(
        clopos_source(),
        destination=duckdb_destination(str(home / "clopos.duckdb")),
        pipelines_dir=str(home / "pipelines"),
    )


def query(home: Path, sql: str) -> list[tuple[object, ...]]:
    import duckdb

    with duckdb.connect(str(home / "clopos.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_duckdb_first_second_and_changed_runs(
    clopos_emulator: Emulator, dlt_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # dlt's own settings for the secret, the client's CLOPOS_* for the rest
    for key, value in clopos_emulator.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("CLOPOS_CLIENT_SECRET")
    monkeypatch.setenv("SOURCES__CLOPOS__CLIENT_SECRET", clopos_emulator.credentials.client_secret)
    client = sync_client(clopos_emulator)
    expected = expected_counts(clopos_emulator, client)

    first = run(dlt_home)
    assert {name: first.table(name).total for name in expected} == expected
    assert all(first.table(name).new == count for name, count in expected.items())
    assert first.load_info is not None
    jobs = [job for package in first.load_info.load_packages for state in package.jobs.values() for job in state]
    formats = {job.job_file_info.file_format for job in jobs if not job.job_file_info.table_name.startswith("_dlt")}
    assert formats == {"parquet", "sql"}  # data files, and the merges' SQL
    money = query(
        dlt_home,
        "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'clopos_data'"
        " AND column_name IN ('total', 'price', 'amount') AND table_name LIKE 'receipts%' ORDER BY 1, 2",
    )
    assert money == [
        ("receipts", "total", "DECIMAL(38,9)"),
        ("receipts__payment_methods", "amount", "DECIMAL(38,9)"),
        ("receipts__receipt_products", "price", "DECIMAL(38,9)"),
        ("receipts__receipt_products", "total", "DECIMAL(38,9)"),
    ]
    # a JSON number with a floating-point tail (e.g. 123.89999999999999) is stored rounded to the column scale
    spent = {c.id: c.spent for c in client.get_customers.iter(limit=100) if isinstance(c.spent, Decimal)}
    assert any(value.as_tuple().exponent < -SCALE for value in spent.values())  # type: ignore[operator]
    stored = dict(query(dlt_home, "SELECT id, spent FROM clopos_data.customers"))
    assert stored == {key: round(value, SCALE) for key, value in spent.items()}

    second = run(dlt_home)
    assert second.new == 0
    assert second.table("receipts").rows == 0
    assert {name: second.table(name).total for name in expected} == expected

    changed = change_receipts(client)
    third = run(dlt_home)
    expected = expected_counts(clopos_emulator, client)
    assert {name: third.table(name).total for name in expected} == expected
    assert third.table("receipts").new == 1  # two created, one deleted
    assert third.table("receipts").rows == 4  # two new, one edited, one deletion marker
    ids = {row[0] for row in query(dlt_home, "SELECT id FROM clopos_data.receipts")}
    assert set(changed["created"]) <= ids
    assert changed["deleted"] not in ids
    assert query(dlt_home, f"SELECT fiscal_id FROM clopos_data.receipts WHERE id = {changed['edited']}") == [
        ("FISCAL-EDITED",)
    ]
    lines = query(
        dlt_home, f"SELECT COUNT(*) FROM clopos_data.receipts__receipt_products WHERE receipt_id = {changed['deleted']}"
    )
    assert lines == [(0,)]
    assert [row[0] for row in query(dlt_home, f"SELECT id FROM clopos_data.{DELETIONS}")] == [changed["deleted"]]
    columns = query(dlt_home, f"SELECT column_name FROM information_schema.columns WHERE table_name = '{DELETIONS}'")
    assert {row[0] for row in columns} == {"id", "created_at", "deleted_at", "_dlt_load_id", "_dlt_id"}
    duplicates = query(dlt_home, "SELECT COUNT(*) - COUNT(DISTINCT id) FROM clopos_data.receipts")
    assert duplicates == [(0,)]
