"""The category tree, drawn with Rich."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.tree import Tree

from .output import console


def print_tree(categories: Iterable[Any]) -> None:
    root = Tree("[bold]menu")

    def add(node: Tree, category: Any) -> None:
        branch = node.add(f"{category.name} [dim]#{category.id} {category.type or ''}")
        for child in category.children or []:
            add(branch, child)

    for category in categories:
        add(root, category)
    console.print(root)
