"""``clopos <resource> export``: every row to CSV or JSON lines, with a progress bar, resumable.

After each page the output is flushed and a sidecar ``FILE.state.json`` is replaced atomically; a
damaged sidecar is rebuilt by rescanning the output. The output is locked while an export writes it.
"""

from __future__ import annotations

import csv
import inspect
import json
import os
import shlex
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, get_args, get_origin

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from integrify.clopos import CloposSyncClient
from integrify.clopos.schemas.customers.object import Customer
from integrify.clopos.schemas.orders.object import Order
from integrify.clopos.schemas.products.object import Product

from .checks import day_range
from .errors import CliError
from .output import console, errors, flat, plain
from .settings import write_private
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


def _nested(annotation: Any) -> bool:
    if get_origin(annotation) in (list, dict, tuple, set) or annotation in (list, dict):
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_nested(arg) for arg in get_args(annotation))


def model_columns(model: type[BaseModel]) -> tuple[str, ...]:
    """The CSV columns of a model: its scalar fields, ``id`` first (the same whether or not there are rows)."""
    names = [name for name, info in model.model_fields.items() if not _nested(info.annotation)]
    return tuple(sorted(names, key=lambda name: name != "id"))


@dataclass(frozen=True)
class Spec:
    method: str
    page_size: int
    sort: dict[str, Any]
    dated: bool
    columns: tuple[str, ...]


EXPORTS = {
    "receipts": Spec(
        "get_receipts",
        200,
        {"sort_by": "created_at", "sort_order": 1, "with_": ["receipt_products"]},
        True,
        RECEIPT_COLUMNS,
    ),
    "orders": Spec("get_orders", 100, {"sort_by": "created_at", "sort_order": 1}, True, model_columns(Order)),
    "customers": Spec("get_customers", 100, {}, False, model_columns(Customer)),
    "products": Spec("get_products", 100, {}, False, model_columns(Product)),
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


def write_rows(out: IO[str], fmt: str, rows: Iterable[dict[str, Any]], columns: Iterable[str]) -> int:
    count = 0
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore") if fmt == "csv" else None
    for row in rows:
        if writer is not None:
            writer.writerow(flat(row))
        else:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def header(fmt: str, columns: Iterable[str]) -> str:
    return ",".join(columns) + "\r\n" if fmt == "csv" else ""


# -- the sidecar state ------------------------------------------------------------------------


def state_path(out_path: Path) -> Path:
    return out_path.with_name(out_path.name + ".state.json")


def _records(data: bytes, fmt: str) -> Iterator[tuple[Any, int]]:
    """Each complete record of an export file and the byte offset just after it."""
    offset = 0
    lines = data.splitlines(keepends=True)
    if lines and not lines[-1].endswith(b"\n"):
        lines.pop()  # cut mid-line by the kill
    if fmt == "jsonl":
        for line in lines:
            offset += len(line)
            yield json.loads(line), offset
        return
    consumed = [0]

    def feed() -> Iterator[str]:
        for line in lines:
            consumed[0] += len(line)
            yield line.decode("utf-8")

    for record in csv.reader(feed()):
        yield record, consumed[0]


def rescan(out_path: Path, resource: str, fmt: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """Rebuild the state from the output: the complete pages in it (``None`` if it is not such an export)."""
    spec = EXPORTS[resource]
    try:
        records = _records(out_path.read_bytes(), fmt)
        start = 0
        if fmt == "csv":
            first = next(records, None)
            if first is None or tuple(first[0]) != spec.columns:
                return None
            start = first[1]
        keys: list[Any] = []
        ends: list[int] = []  # offset after each item's last row
        rows_before: list[int] = []
        rows = 0
        key_at = spec.columns.index("receipt_id" if resource == "receipts" else "id")
        for record, offset in records:
            key = record[key_at] if fmt == "csv" else record.get(spec.columns[key_at])
            if not keys or key != keys[-1] or resource != "receipts":
                keys.append(key)
                rows_before.append(rows)
                ends.append(offset)
            ends[-1] = offset
            rows += 1
    except (ValueError, UnicodeDecodeError, AttributeError, IndexError):
        return None
    # The last receipt may have lost some of its lines to the kill: count only receipts followed by another.
    complete = len(keys) - 1 if resource == "receipts" and keys else len(keys)
    pages = complete // spec.page_size
    items = pages * spec.page_size
    return {
        "params": params,
        "page": pages,
        "rows": rows_before[items] if items < len(keys) else rows,
        "items": items,
        "bytes": ends[items - 1] if items else start,
        "columns": list(spec.columns),
    }


def describe_params(params: dict[str, Any]) -> str:
    shown = [f"--{key} {value}" for key, value in params.items() if key != "resource" and value]
    return " ".join(shown) or "no options"


def resume_command(params: dict[str, Any], out_path: Path) -> str:
    profile = options().profile
    words = ["clopos"] + (["--profile", profile] if profile else [])
    words += [params["resource"], "export", "--out", str(out_path), "--format", params["format"]]
    words += [item for key in ("from", "to") if params[key] for item in (f"--{key}", params[key])]
    return shlex.join(words)


def _confirm_discard(out_path: Path, old: dict[str, Any] | None, force: bool) -> None:
    made = f"made with {describe_params(old['params'])}" if old else "whose state cannot be read"
    if force:
        errors.print(f"[yellow]warning:[/] discarding the partial export in {out_path} ({made})", highlight=False)
        return
    question = f"{out_path} holds a partial export {made}. Discard it and start again?"
    if sys.stdin.isatty() and sys.stderr.isatty():
        if typer.confirm(question, err=True):
            return
        raise typer.Exit(1)
    raise CliError(
        f"{out_path} holds a partial export {made}; rerun that command to finish it, or pass --force to start again"
    )


@contextmanager
def locked(out_path: Path) -> Iterator[IO[str]]:
    """The output, opened without truncating and locked against a second export (released on exit)."""
    descriptor = os.open(out_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(descriptor):
            raise CliError(f"{out_path} is being written by another export; wait for it to finish")
        with os.fdopen(descriptor, "r+", encoding="utf-8", newline="") as handle:
            descriptor = -1
            yield handle
    finally:
        if descriptor >= 0:
            os.close(descriptor)


def _try_lock(descriptor: int) -> bool:
    if sys.platform == "win32":  # lock one byte far beyond any data
        import msvcrt

        os.lseek(descriptor, 2**40, os.SEEK_SET)
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        finally:
            os.lseek(descriptor, 0, os.SEEK_SET)
        return True
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


# -- the export -------------------------------------------------------------------------------


def run_export(
    client: CloposSyncClient,
    resource: str,
    date_from: str | None,
    date_to: str | None,
    fmt: str,
    out_path: Path,
    *,
    force: bool = False,
) -> int:
    """Export; after an interruption the same command resumes where it stopped, without duplicating rows."""
    if fmt not in ("csv", "jsonl"):
        raise CliError(f"--format must be csv or jsonl, not {fmt!r}")
    spec = EXPORTS[resource]
    if not spec.dated and (date_from or date_to):
        raise CliError(f"{resource} export takes no --from/--to")
    date_from, date_to = day_range(date_from, date_to)
    params = {"resource": resource, "from": date_from, "to": date_to, "format": fmt}
    kwargs: dict[str, Any] = dict(spec.sort)
    kwargs.update({k: v for k, v in (("date_from", date_from), ("date_to", date_to)) if v})
    if str(out_path) == "-":
        return _write(client, spec, kwargs, sys.stdout, fmt, None, params, None, "stdout")
    sidecar = state_path(out_path)
    with locked(out_path) as out:
        state = _resume_state(sidecar, out_path, params, force)
        try:
            rows = _write(client, spec, kwargs, out, fmt, state, params, sidecar, out_path.name)
        except (Exception, KeyboardInterrupt):
            if sidecar.exists():
                errors.print(
                    f"export stopped; to resume where it stopped, run: {resume_command(params, out_path)}",
                    highlight=False,
                    soft_wrap=True,
                )
            raise
    sidecar.unlink(missing_ok=True)
    return rows


def _resume_state(sidecar: Path, out_path: Path, params: dict[str, Any], force: bool) -> dict[str, Any] | None:
    if not sidecar.exists():
        return None
    try:
        state: dict[str, Any] | None = json.loads(sidecar.read_text(encoding="utf-8"))
        if not isinstance(state, dict) or not {"params", "page", "rows", "items", "bytes", "columns"} <= set(state):
            raise ValueError("incomplete")
    except (ValueError, UnicodeDecodeError):
        state = rescan(out_path, params["resource"], params["format"], params)
        if state is not None:
            errors.print(
                f"[yellow]warning:[/] {sidecar.name} was damaged; recovered {state['items']} items "
                f"({state['page']} pages) by rescanning {out_path.name}",
                highlight=False,
            )
            return state
        _confirm_discard(out_path, None, force)
        return None
    if state["params"] != params:
        _confirm_discard(out_path, state, force)
        return None
    if out_path.stat().st_size < state["bytes"]:
        errors.print(f"[yellow]warning:[/] {out_path.name} is shorter than {sidecar.name} says; starting again")
        return None
    return state


def _write(
    client: CloposSyncClient,
    spec: Spec,
    kwargs: dict[str, Any],
    out: IO[str],
    fmt: str,
    state: dict[str, Any] | None,
    params: dict[str, Any],
    sidecar: Path | None,
    label: str,
) -> int:
    page = state["page"] + 1 if state else 1
    rows = state["rows"] if state else 0
    items = state["items"] if state else 0
    if sidecar is not None:
        out.seek(state["bytes"] if state else 0)
        out.truncate()
    if not state:
        out.write(header(fmt, spec.columns))
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not sys.stderr.isatty(),
    )
    with progress:
        task = progress.add_task(f"{params['resource']} → {label}", total=None, completed=items)
        for result in getattr(client, spec.method).pages(page=page, limit=spec.page_size, **kwargs):
            data = [plain(item) for item in result.data]
            expanded = [r for item in data for r in receipt_rows(item)] if params["resource"] == "receipts" else data
            rows += write_rows(out, fmt, expanded, spec.columns)
            items += len(data)
            out.flush()
            if sidecar is not None:
                os.fsync(out.fileno())
                state = {"params": params, "page": page, "rows": rows, "items": items, "bytes": out.tell()}
                write_private(sidecar, {**state, "columns": list(spec.columns)})  # atomic: old or new state, never torn
            total = result.total if isinstance(result.total, int) else None
            progress.update(task, completed=items, total=total)
            page += 1
    return rows


def command(resource: str) -> Any:
    def export(**values: Any) -> None:
        out: Path = values["out"]
        client = options().client()
        rows = run_export(
            client, resource, values.get("date_from"), values.get("date_to"), values["fmt"], out, force=values["force"]
        )
        if str(out) != "-":
            console.print(f"{rows} rows written to {out}", highlight=False)

    def option(name: str, default: Any, annotation: Any) -> inspect.Parameter:
        return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)

    params = [
        option("out", typer.Option(..., "--out", "-o", help="File to write ('-': stdout, not resumable)."), Path),
        option("fmt", typer.Option("csv", "--format", "-f", help="csv or jsonl."), str),
    ]
    if EXPORTS[resource].dated:
        params += [
            option("date_from", typer.Option(None, "--from", help="First day, YYYY-MM-DD."), str | None),
            option("date_to", typer.Option(None, "--to", help="Last day, YYYY-MM-DD."), str | None),
        ]
    force = typer.Option(False, "--force", help="Discard a partial export made with other options.")
    params.append(option("force", force, bool))
    export.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    export.__doc__ = f"Export every {resource[:-1]} to CSV or JSON lines; resumable after an interruption."
    return export


def register(apps: dict[str, typer.Typer]) -> None:
    for resource in EXPORTS:
        apps[resource].command("export")(command(resource))
