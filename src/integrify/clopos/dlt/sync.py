"""``sync``: run the Clopos source into a destination, step by step, and tell what it loaded."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dlt
from dlt.common.destination import TDestinationReferenceArg
from dlt.common.pipeline import LoadInfo
from dlt.common.typing import TLoaderFileFormat
from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from dlt.destinations.impl.duckdb.factory import duckdb
from dlt.extract.source import DltSource
from dlt.pipeline.exceptions import PipelineConfigMissing

from .source import clopos_source

#: DuckDB's memory cap for the loads this module opens: a large first load spills to disk instead of growing.
DUCKDB_MEMORY_LIMIT = "512MB"
#: Called with a resource name and the number of rows extracted from it so far.
RowCallback = Callable[[str, int], None]
#: Called with the name of the step that starts: "finish", "extract", "normalize", "load".
StepCallback = Callable[[str], None]


@dataclass
class TableReport:
    """One table: rows written by this run, rows it holds now, and how many more than before."""

    name: str
    rows: int
    total: int
    new: int


@dataclass
class SyncReport:
    """What a sync did; ``seconds`` holds the time of each step."""

    pipeline: str
    destination: str
    dataset: str
    tables: list[TableReport]
    seconds: dict[str, float] = field(default_factory=dict)
    load_info: LoadInfo | None = None

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)

    @property
    def new(self) -> int:
        return sum(table.new for table in self.tables)

    def table(self, name: str) -> TableReport:
        return next(table for table in self.tables if table.name == name)


def row_counts(pipeline: dlt.Pipeline) -> dict[str, int]:
    """Rows per data table in a SQL destination (empty before the first load, or for other destinations)."""
    if not pipeline.default_schema_name:
        return {}
    counts: dict[str, int] = {}
    try:
        with pipeline.sql_client() as client:
            for name in pipeline.default_schema.data_table_names():
                table = client.make_qualified_table_name(name)
                try:
                    rows = client.execute_sql(f"SELECT COUNT(*) FROM {table}")
                except DatabaseUndefinedRelation:
                    continue
                counts[name] = int(rows[0][0]) if rows else 0
    except (DatabaseUndefinedRelation, PipelineConfigMissing, NotImplementedError):
        return {}
    return counts


def duckdb_destination(path: str, memory_limit: str = DUCKDB_MEMORY_LIMIT) -> duckdb:
    """DuckDB in the file ``path``, using at most ``memory_limit`` (DuckDB's syntax: ``"1GB"``)."""
    return duckdb(DuckDbCredentials(path, global_config={"memory_limit": memory_limit}))


def count_rows(source: DltSource, on_rows: RowCallback) -> None:
    """Report rows as each resource yields them."""
    for name, resource in source.resources.items():
        seen = [0]

        def counted(item: Any, name: str = name, seen: list[int] = seen) -> Any:
            seen[0] += len(item) if isinstance(item, list) else 1
            on_rows(name, seen[0])
            return item

        resource.add_map(counted)


def sync(
    source: DltSource | None = None,
    *,
    destination: TDestinationReferenceArg = "duckdb",
    dataset_name: str = "clopos_data",
    pipeline_name: str = "clopos",
    pipelines_dir: str | None = None,
    refresh: bool = False,
    loader_file_format: TLoaderFileFormat | None = None,
    on_rows: RowCallback | None = None,
    on_step: StepCallback | None = None,
) -> SyncReport:
    """Load ``source`` (default ``clopos_source()``) with a pipeline named ``pipeline_name``.

    DuckDB by default: ``<pipeline_name>.duckdb`` in the current folder (dlt's default), with DuckDB's memory
    capped (``duckdb_destination``) unless dlt's settings name the DuckDB credentials. Any other dlt
    destination takes its credentials from dlt's settings (``DESTINATION__POSTGRES__CREDENTIALS``, ...).
    Packages an interrupted run left behind are loaded first. ``refresh`` drops the source's tables and
    state and loads everything again. ``loader_file_format`` overrides the destination's preferred one;
    DuckDB gets ``parquet``: each file carries its columns and types, and loads many times faster than dlt's
    default SQL inserts (docs/load.md).
    """
    step = on_step or (lambda name: None)
    if destination == "duckdb" and not dlt.secrets.get("destination.duckdb.credentials"):
        destination = duckdb_destination(f"{pipeline_name}.duckdb")
    pipeline = dlt.pipeline(
        pipeline_name=pipeline_name,
        destination=destination,
        dataset_name=dataset_name,
        pipelines_dir=pipelines_dir,  # type: ignore[arg-type]  # None: dlt's default folder
    )
    seconds: dict[str, float] = {}
    pipeline.sync_destination()
    if pipeline.has_pending_data:
        step("finish")
        started = time.perf_counter()
        pipeline.normalize()
        pipeline.load()
        seconds["finish"] = time.perf_counter() - started
    if loader_file_format is None and pipeline.destination and pipeline.destination.destination_name == "duckdb":
        loader_file_format = "parquet"
    before = row_counts(pipeline)
    source = source if source is not None else clopos_source()
    if on_rows is not None:
        count_rows(source, on_rows)
    step("extract")
    started = time.perf_counter()
    pipeline.extract(source, refresh="drop_sources" if refresh else None, loader_file_format=loader_file_format)
    seconds["extract"] = time.perf_counter() - started
    step("normalize")
    started = time.perf_counter()
    normalized = pipeline.normalize()
    seconds["normalize"] = time.perf_counter() - started
    step("load")
    started = time.perf_counter()
    load_info = pipeline.load()
    seconds["load"] = time.perf_counter() - started
    after = row_counts(pipeline)
    written = {name: count for name, count in normalized.row_counts.items() if not name.startswith("_dlt")}
    names = sorted(set(written) | {name for name in after if not name.startswith("_dlt")})
    tables = [
        TableReport(name, written.get(name, 0), after.get(name, 0), after.get(name, 0) - before.get(name, 0))
        for name in names
    ]
    return SyncReport(
        pipeline=pipeline_name,
        destination=pipeline.destination.destination_name if pipeline.destination else str(destination),
        dataset=pipeline.dataset_name,
        tables=tables,
        seconds=seconds,
        load_info=load_info,
    )
