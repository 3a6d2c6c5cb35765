"""Reading query strings in PHP bracket notation (``with[0]=a``, ``filters[0][1][2]=v``, ``sort[0][0]=name``)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_SUBKEY = re.compile(r"\[([^\]]*)\]")


def parse_query(query_string: str) -> dict[str, Any]:
    """Nested dicts for bracketed keys; ``[]`` appends. Leaves are strings."""
    result: dict[str, Any] = {}
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        base = key.split("[", 1)[0]
        parts = _SUBKEY.findall(key[len(base) :])
        if not parts:
            result[base] = value
            continue
        node = result.setdefault(base, {})
        if not isinstance(node, dict):
            node = result[base] = {"0": node}
        for position, part in enumerate(parts):
            part = part if part != "" else str(len(node))
            if position == len(parts) - 1:
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    child = node[part] = {"0": child}
                node = child
    return result


def as_list(node: Any) -> list[Any]:
    """A bracketed group as a list ordered by index (a plain value becomes a one-item list)."""
    if node is None:
        return []
    if isinstance(node, dict):
        keys = sorted(node, key=lambda k: (not k.isdigit(), int(k) if k.isdigit() else 0, k))
        return [as_list_leaf(node[k]) for k in keys]
    return [node]


def as_list_leaf(node: Any) -> Any:
    return as_list(node) if isinstance(node, dict) else node


def filter_pairs(query: dict[str, Any]) -> list[tuple[str, Any]]:
    """``filters[N][0]=field&filters[N][1]=value`` (or ``[1][M]`` lists) as (field, value) pairs."""
    pairs = []
    for item in as_list(query.get("filters")):
        if isinstance(item, list) and item:
            field = item[0]
            value = item[1] if len(item) > 1 else None
            if isinstance(field, str):
                pairs.append((field, value))
    return pairs


def with_values(query: dict[str, Any]) -> list[str]:
    """``with[0]=a&with[1]=b`` or ``with[]=a`` (a comma list in one value stays one value)."""
    return [str(v) for v in as_list(query.get("with")) if isinstance(v, str)]
