"""``clopos <resource> export``: every row to CSV or JSON lines, with a progress bar, resumable."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from integrify.clopos import CloposSyncClient

from .errors import friendly
from .output import console, flat, plain
from .state import options

RECEIPT_COLUMNS = (
    "receipt_id",
    "cid",
    "venue_id",
    "created_at",
    "closed_at",
    "status",
    "sale_type_id",
    "customer_id",
    "total",
    "subtotal",
    "discount_value",
    "payments",
    "order_status",
    "order_number",
    "fiscal_id",
    "line_id",
    "line_product_id",
    "line_name",
    "line_count",
    "line_price",
    "line_total",
)
EXPORTS = {
    "receipts": ("get_receipts", 200, {"sort_by": "created_at", "sort_order": 1, "with_": ["receipt_products"]}, True),
    "orders": ("get_orders", 100, {"sort_by": "created_at", "sort_order": 1}, True),
    "customers": ("get_customers", 100, {}, False),
    "products": ("get_products", 100, {}, False),
}


class RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="progress.data.speed")


def receipt_rows(receipt: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per product line, the receipt's columns repeated; payments as ``Cash:10.50;Card:5.00``."""
    payments = ";".join(
        f"{p.get('name')}:{float(p.get('amount') or 0):.2f}" for p in receipt.get("payment_methods") or []
    )
    head = {
        "receipt_id": receipt.get("id"),
        "payments": payments,
        **{key: receipt.get(key) for key in RECEIPT_COLUMNS if key in receipt and key != "id"},
    }
    lines = receipt.get("receipt_products") or [{}]
    for line in lines:
        meta = line.get("meta") or {}
        name = (meta.get("product") or {}).get("name") if isinstance(meta, dict) else None
        yield {
            **head,
            "line_id": line.get("id"),
            "line_product_id": line.get("product_id"),
            "line_name": name,
            "line_count": line.get("count"),
            "line_price": line.get("price"),
            "line_total": line.get("total"),
        }


def scalar_columns(row: dict[str, Any]) -> list[str]:
    return [key for key, value in row.items() if not isinstance(value, (dict, list))]


def write_rows(out: Any, fmt: str, rows: Iterable[dict[str, Any]], columns: list[str]) -> int:
    import csv

    count = 0
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore") if fmt == "csv" else None
    for row in rows:
        if writer is not None:
            writer.writerow(flat(row))
        else:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def run_export(
    client: CloposSyncClient, resource: str, date_from: str | None, date_to: str | None, fmt: str, out_path: Path
) -> int:
    """Export; after an interruption the same command resumes where it stopped, without duplicating rows."""
    if fmt not in ("csv", "jsonl"):
        raise ValueError("--format must be csv or jsonl")
    method_name, limit, sort, dated = EXPORTS[resource]
    if not dated and (date_from or date_to):
        raise ValueError(f"{resource} export takes no --from/--to")
    params = {"resource": resource, "from": date_from, "to": date_to, "format": fmt}
    state_path = out_path.with_name(out_path.name + ".state.json")
    state = json.loads(state_path.read_text()) if state_path.exists() else None
    if state is not None and state.get("params") != params:
        state = None
    kwargs: dict[str, Any] = dict(sort)
    if date_from:
        kwargs["date_from"] = date_from
    if date_to:
        kwargs["date_to"] = date_to
    page = state["page"] + 1 if state else 1
    rows = state["rows"] if state else 0
    items = state["items"] if state else 0
    columns: list[str] = state["columns"] if state else []
    mode = "r+" if state and out_path.exists() else "w"
    method = getattr(client, method_name)
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not sys.stderr.isatty(),
    )
    with out_path.open(mode, encoding="utf-8", newline="") as out, progress:
        if state:
            out.seek(state["bytes"])
            out.truncate()
        task = progress.add_task(f"{resource} → {out_path.name}", total=None, completed=items)
        for result in method.pages(page=page, limit=limit, **kwargs):
            data = [plain(item) for item in result.data]
            expanded = [r for item in data for r in receipt_rows(item)] if resource == "receipts" else data
            if not columns and expanded:
                columns = list(RECEIPT_COLUMNS) if resource == "receipts" else scalar_columns(expanded[0])
                if fmt == "csv":
                    out.write(",".join(columns) + "\r\n")
            rows += write_rows(out, fmt, expanded, columns)
            items += len(data)
            out.flush()
            os.fsync(out.fileno())
            state = {
                "params": params,
                "page": page,
                "rows": rows,
                "items": items,
                "bytes": out.tell(),
                "columns": columns,
            }
            state_path.write_text(json.dumps(state))
            total = result.total if isinstance(result.total, int) else None
            progress.update(task, completed=items, total=total)
            page += 1
    state_path.unlink(missing_ok=True)
    return rows


def command(resource: str) -> Any:
    @friendly
    def export(
        out: Path = typer.Option(..., "--out", "-o", help="File to write."),
        fmt: str = typer.Option("csv", "--format", "-f", help="csv or jsonl."),
        date_from: str = typer.Option(None, "--from", help="First day, YYYY-MM-DD (receipts, orders)."),
        date_to: str = typer.Option(None, "--to", help="Last day, YYYY-MM-DD (receipts, orders)."),
    ) -> None:
        rows = run_export(options().client(), resource, date_from, date_to, fmt, out)
        console.print(f"{rows} rows written to {out}", highlight=False)

    export.__doc__ = f"Export every {resource[:-1]} to CSV or JSON lines; resumable after an interruption."
    return export


def register(apps: dict[str, typer.Typer]) -> None:
    for resource in EXPORTS:
        apps[resource].command("export")(command(resource))
