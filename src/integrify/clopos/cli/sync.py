"""``clopos sync``: load the brand's data into a database with dlt (DuckDB file by default)."""

from __future__ import annotations

import os
import sys
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from .errors import USAGE_ERROR, CliError, friendly
from .output import console
from .state import options

STEPS = {
    "finish": "finishing the load an interrupted run left",
    "extract": "reading from Clopos",
    "normalize": "normalising",
    "load": "loading",
}


def sync_command(
    destination: str = typer.Option(
        "duckdb", "--destination", "-d", help="Any dlt destination; credentials from dlt's settings."
    ),
    dataset: str = typer.Option("clopos_data", "--dataset", help="Schema / dataset name in the destination."),
    pipeline_name: str = typer.Option("clopos", "--pipeline-name", help="Also names the DuckDB file."),
    pipelines_dir: str = typer.Option(None, "--pipelines-dir", help="Where dlt keeps the pipeline's state."),
    start_date: str = typer.Option(None, "--start-date", help="Receipts from this venue-local day (YYYY-MM-DD)."),
    end_date: str = typer.Option(None, "--end-date", help="Receipts up to this day, inclusive (a backfill)."),
    lookback_days: float = typer.Option(3.0, "--lookback-days", help="Re-read this much for late edits/deletions."),
    page_size: int = typer.Option(200, "--page-size", help="Receipts per request (1-200)."),
    resources: str = typer.Option(None, "--resources", help="Only these resources, comma-separated."),
    refresh: bool = typer.Option(False, "--refresh", help="Drop the loaded tables and state, load all again."),
) -> None:
    """Copy receipts, orders, the menu and customers into a database: incremental, merged, no duplicates."""
    try:
        from integrify.clopos.dlt import clopos_source
        from integrify.clopos.dlt.sync import sync
    except ImportError:
        raise CliError("clopos sync needs dlt: pip install 'integrify-clopos[dlt]'", USAGE_ERROR) from None
    os.environ.setdefault("RUNTIME__LOG_LEVEL", "ERROR")  # dlt's notes on not-yet-typed columns are noise here
    # flags, profile and CLOPOS_* as every command reads them; what none of them set is left to dlt's settings
    resolved = options().resolve()
    settings: dict[str, Any] = {
        key: value for key, value in resolved.values.items() if value and resolved.sources[key] != "default"
    }
    source = clopos_source(
        start_date=start_date, end_date=end_date, lookback_days=lookback_days, page_size=page_size, **settings
    )
    if resources:
        names = [name.strip() for name in resources.split(",") if name.strip()]
        unknown = sorted(set(names) - set(source.resources))
        if unknown:
            known = ", ".join(source.resources)
            raise CliError(f"unknown resource(s) {', '.join(unknown)}; known: {known}", USAGE_ERROR)
        source = source.with_resources(*names)
    terminal = sys.stderr.isatty()
    progress = Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=Console(stderr=True), disable=not terminal
    )
    tasks: dict[str, Any] = {}

    def on_step(name: str) -> None:
        if not terminal:
            print(f"{name}: {STEPS[name]}", file=sys.stderr, flush=True)
        for task in tasks.values():
            progress.update(task, completed=1)
        tasks[name] = progress.add_task(STEPS[name], total=1)

    def on_rows(resource: str, count: int) -> None:
        if count % 50 == 1:
            progress.update(tasks["extract"], description=f"{STEPS['extract']}: {resource} {count:,} rows")

    with progress:
        report = sync(
            source,
            destination=destination,
            dataset_name=dataset,
            pipeline_name=pipeline_name,
            pipelines_dir=pipelines_dir,
            refresh=refresh,
            on_rows=on_rows,
            on_step=on_step,
        )
    table = Table(title=f"{report.destination} · {report.dataset}", title_justify="left")
    table.add_column("table")
    table.add_column("rows loaded", justify="right")
    table.add_column("new rows", justify="right")
    table.add_column("rows in table", justify="right")
    for item in report.tables:
        table.add_row(item.name, f"{item.rows:,}", f"{item.new:+,}" if item.new else "0", f"{item.total:,}")
    console.print(table)
    console.print(f"{report.rows:,} rows loaded, {report.new:+,} new, in {sum(report.seconds.values()):.1f} s")


def register(app: typer.Typer) -> None:
    app.command("sync")(friendly(sync_command))
