"""Rendering models for people (Rich tables) and for pipes (JSON, JSON lines, CSV)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import Enum
from typing import IO, Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "json", "jsonl", "csv")
console = Console()
errors = Console(stderr=True)


def plain(item: Any) -> dict[str, Any]:
    """A model as JSON-ready data under the API's own names (``from``, not ``from_``); absent fields stay absent."""
    if isinstance(item, BaseModel):
        data: dict[str, Any] = item.model_dump(mode="json")
        return data
    return dict(item)


def number(value: Any) -> float:
    """A model's money field as a float (0 when absent or null)."""
    return float(value) if isinstance(value, (int, float, Decimal)) else 0.0


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def flat(row: dict[str, Any]) -> dict[str, str]:
    return {key: cell(value) for key, value in row.items()}


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str], columns: Sequence[str] | None = None) -> int:
    """CSV with the given columns (else the first row's keys); nested values as JSON text.

    With no rows the header is still written when the columns are known.
    """
    writer: csv.DictWriter[str] | None = None
    count = 0
    for row in rows:
        data = flat(row)
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(columns or data), extrasaction="ignore")
            writer.writeheader()
        writer.writerow(data)
        count += 1
    if writer is None and columns:
        csv.DictWriter(out, fieldnames=list(columns)).writeheader()
    return count


def emit(items: Iterable[Any], fmt: str, columns: Sequence[str], title: str = "") -> int:
    """Print items in the chosen format; returns how many were printed."""
    rows = (plain(item) for item in items)
    if fmt == "json":
        data = list(rows)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return len(data)
    if fmt == "jsonl":
        count = 0
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        return count
    if fmt == "csv":
        return write_csv(rows, sys.stdout, columns)
    table = Table(title=title or None, show_lines=False, header_style="bold cyan")
    for column in columns:
        table.add_column(column)
    count = 0
    for row in rows:
        table.add_row(*(Text(cell(row.get(column))) for column in columns))
        count += 1
    console.print(table)
    return count


def emit_one(item: Any, fmt: str) -> None:
    """One object: ``table`` as field/value lines for people, else JSON (indented), JSON lines or CSV."""
    row = plain(item)
    if fmt == "table":
        table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
        table.add_column(style="bold cyan")
        table.add_column(overflow="fold")
        for key in sorted(row, key=lambda name: name != "id"):
            table.add_row(Text(key), Text(cell(row[key])))
        console.print(table)
    elif fmt in ("json", "jsonl"):
        indent = None if fmt == "jsonl" else 2
        sys.stdout.write(json.dumps(row, ensure_ascii=False, indent=indent) + "\n")
    else:
        write_csv([row], sys.stdout)


def pick_format(fmt: str, json_: bool = False, jsonl: bool = False, csv_: bool = False) -> str:
    """``--json`` / ``--jsonl`` / ``--csv`` shortcuts over ``--format``; unknown formats are refused."""
    chosen = "json" if json_ else "jsonl" if jsonl else "csv" if csv_ else fmt
    if chosen not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}, not {chosen!r}")
    return chosen
