"""Model fields as dlt column types declared up front, and decimals rounded to the scale of those columns.

Money, counts and rates are pydantic ``Decimal`` fields read from JSON numbers, so a value the API computed in
floating point arrives with its binary tail (``123.89999999999999``). They load as ``DECIMAL(38, 9)`` (dlt's
default, BigQuery's ``NUMERIC``): each is rounded half-even to 9 places first, which gives back the intended
value and is what the column would store anyway (Parquet refuses to round by itself).
"""

from __future__ import annotations

import functools
import types
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any, Union, get_args, get_origin

from dlt.common.data_types import TDataType
from dlt.common.schema.typing import TColumnSchema
from dlt.common.typing import TTableNames
from dlt.extract.hints import TResourceNestedHints
from pydantic import BaseModel

PRECISION, SCALE = 38, 9
STEP = Decimal(1).scaleb(-SCALE)
CONTEXT = Context(prec=PRECISION)
#: Field types that map to one column type. Unions, enums, dicts and timestamps are left to dlt's inference.
#: Lists of lists deeper than this stay JSON columns (the source's ``max_table_nesting``).
NESTING = 2
SCALARS: dict[type, TDataType] = {int: "bigint", Decimal: "decimal", bool: "bool", str: "text"}


@dataclass(frozen=True)
class Shape:
    """A model as a table: declared columns, its decimal fields, and its lists of models (child tables)."""

    columns: dict[str, TColumnSchema]
    decimals: tuple[str, ...]
    nested: dict[str, Shape]

    def nested_hints(self, prefix: tuple[str, ...] = ()) -> dict[TTableNames, TResourceNestedHints]:
        """dlt ``nested_hints``: each child table's columns, keyed by its path from the root table."""
        hints: dict[TTableNames, TResourceNestedHints] = {}
        for name, child in self.nested.items():
            path = (*prefix, name)
            hints[path] = {"columns": child.columns}
            hints.update(child.nested_hints(path))
        return hints


def _choices(annotation: Any) -> list[Any]:
    """The types a field may hold, without ``None`` and the UNSET sentinel."""
    if get_origin(annotation) in (Union, types.UnionType):
        return [
            arg for arg in get_args(annotation) if arg is not type(None) and isinstance(arg, type | types.GenericAlias)
        ]
    return [annotation]


@functools.cache
def shape(model: type[BaseModel], depth: int = NESTING) -> Shape:
    """The columns, decimals and child tables of ``model``, ``depth`` levels of lists down (once per class)."""
    columns: dict[str, TColumnSchema] = {}
    decimals: list[str] = []
    nested: dict[str, Shape] = {}
    for name, info in model.model_fields.items():
        key = info.serialization_alias or name
        choices = _choices(info.annotation)
        if len(choices) != 1:
            continue
        kind = choices[0]
        if kind in SCALARS:
            column: TColumnSchema = {"name": key, "data_type": SCALARS[kind], "nullable": not info.is_required()}
            if kind is Decimal:
                column["precision"], column["scale"] = PRECISION, SCALE
                decimals.append(key)
            columns[key] = column
        elif get_origin(kind) is list:
            (item,) = get_args(kind) or (Any,)
            if depth > 0 and isinstance(item, type) and issubclass(item, BaseModel):
                nested[key] = shape(item, depth - 1)
    return Shape(columns, tuple(decimals), nested)


def exact(row: dict[str, Any], of: Shape) -> dict[str, Any]:
    """``row`` (a dumped model) with its decimals, and its children's, rounded to the column scale."""
    for name in of.decimals:
        value = row.get(name)
        if isinstance(value, Decimal):
            row[name] = value.quantize(STEP, context=CONTEXT)
    for name, child in of.nested.items():
        items = row.get(name)
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict):
                    exact(item, child)
    return row
