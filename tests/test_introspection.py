"""Every method introspects as its declaration: signature, docstring, name, ``__wrapped__``; typing unchanged.

The expected signatures are read from the endpoint modules' source (``ast``), not from the objects under test.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pydoc
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import pytest

from integrify.clopos import APIResponse, CloposAsyncRequest, CloposClientClass, CloposRequest, DryRequest
from integrify.clopos.emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent
ENDPOINTS = ROOT / "src" / "integrify" / "clopos" / "endpoints"
KINDS = {
    "positional_only": inspect.Parameter.POSITIONAL_ONLY,
    "positional": inspect.Parameter.POSITIONAL_OR_KEYWORD,
    "keyword_only": inspect.Parameter.KEYWORD_ONLY,
}


@dataclass
class Declaration:
    name: str
    module: str
    owner: str
    listed: bool
    node: ast.FunctionDef

    def namespace(self) -> dict[str, Any]:
        return vars(importlib.import_module(self.module))

    def value(self, expression: ast.expr | None) -> Any:
        if expression is None:
            return inspect.Parameter.empty
        return eval(ast.unparse(expression), self.namespace())  # the source text, evaluated where it was written

    def parameters(self) -> list[inspect.Parameter]:
        """The declared parameters less the leading client parameter."""
        args = self.node.args
        positional = [*args.posonlyargs, *args.args]
        defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        out = []
        for index, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
            kind = KINDS["positional_only"] if index < len(args.posonlyargs) else KINDS["positional"]
            out.append(
                inspect.Parameter(arg.arg, kind, default=self.value(default), annotation=self.value(arg.annotation))
            )
        if args.vararg is not None:
            out.append(
                inspect.Parameter(
                    args.vararg.arg, inspect.Parameter.VAR_POSITIONAL, annotation=self.value(args.vararg.annotation)
                )
            )
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            out.append(
                inspect.Parameter(
                    arg.arg, KINDS["keyword_only"], default=self.value(default), annotation=self.value(arg.annotation)
                )
            )
        if args.kwarg is not None:
            out.append(
                inspect.Parameter(
                    args.kwarg.arg, inspect.Parameter.VAR_KEYWORD, annotation=self.value(args.kwarg.annotation)
                )
            )
        return out[1:]

    def model(self) -> Any:
        """``X`` of the declared ``Call[X]``."""
        (model,) = get_args(self.value(self.node.returns))
        return model


def declarations() -> list[Declaration]:
    found = []
    for path in sorted(ENDPOINTS.glob("*.py")):
        classes = [node for node in ast.parse(path.read_text(encoding="utf-8")).body if isinstance(node, ast.ClassDef)]
        for owner in classes:
            for node in owner.body:
                if not isinstance(node, ast.FunctionDef):
                    continue
                decorators = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
                if decorators & {"endpoint", "list_endpoint"}:
                    module = f"integrify.clopos.endpoints.{path.stem}"
                    found.append(Declaration(node.name, module, owner.name, "list_endpoint" in decorators, node))
    return found


DECLARED = declarations()
DOCUMENTED = {  # docs/client.md, "Every method"
    "auth",
    "get_venues",
    "get_users",
    "get_user_by_id",
    "get_customers",
    "get_customer_by_id",
    "create_customer",
    "get_customer_groups",
    "get_categories",
    "get_category_by_id",
    "get_stations",
    "get_station_by_id",
    "get_products",
    "get_product_by_id",
    "get_stop_list",
    "get_sale_types",
    "get_payment_methods",
    "get_orders",
    "get_order_by_id",
    "create_order",
    "update_order",
    "get_receipts",
    "get_receipt_by_id",
    "create_receipt",
    "update_closed_receipt",
    "update_receipt",
    "close_receipt",
    "delete_receipt",
    "get_receipt_stock_operations",
    "get_price_lists",
    "get_prices",
}
DRY = CloposClientClass(dry=True)


def test_every_documented_method_is_declared_once() -> None:
    names = [d.name for d in DECLARED]
    assert sorted(names) == sorted(DOCUMENTED)


@pytest.mark.parametrize("declared", DECLARED, ids=lambda d: d.name)
def test_signature_is_the_declaration_on_the_class_and_every_ready_object(declared: Declaration) -> None:
    expected = declared.parameters()
    model = declared.model()
    returns = {
        "class": (getattr(CloposClientClass, declared.name), APIResponse[model]),
        "sync": (getattr(CloposRequest, declared.name), APIResponse[model]),
        "async": (getattr(CloposAsyncRequest, declared.name), Awaitable[APIResponse[model]]),
        "dry": (getattr(DRY, declared.name), DryRequest),
    }
    if declared.listed:
        item = model.__pydantic_generic_metadata__["args"][0]
        returns["sync.iter"] = (getattr(CloposRequest, declared.name).iter, Iterator[item])
        returns["sync.pages"] = (getattr(CloposRequest, declared.name).pages, Iterator[model])
        returns["async.iter"] = (getattr(CloposAsyncRequest, declared.name).iter, AsyncIterator[item])
        returns["async.pages"] = (getattr(CloposAsyncRequest, declared.name).pages, AsyncIterator[model])
    for kind, (method, return_annotation) in returns.items():
        signature = inspect.signature(method)
        assert list(signature.parameters.values()) == expected, kind
        assert signature.return_annotation == return_annotation, kind


@pytest.mark.parametrize("declared", DECLARED, ids=lambda d: d.name)
def test_docstring_name_and_wrapped(declared: Declaration) -> None:
    docstring = ast.get_docstring(declared.node)
    assert docstring, f"{declared.module}.{declared.name} has no docstring"
    owner = getattr(importlib.import_module(declared.module), declared.owner)
    build = vars(owner)[declared.name].build  # the declared function
    for method in (
        getattr(CloposClientClass, declared.name),
        getattr(CloposRequest, declared.name),
        getattr(CloposAsyncRequest, declared.name),
        getattr(DRY, declared.name),
    ):
        assert inspect.getdoc(method) == docstring
        assert method.__name__ == declared.name
        assert method.__qualname__ == f"{declared.owner}.{declared.name}"
        assert method.__wrapped__ is build
        assert inspect.isroutine(method)
    if declared.listed:
        for walk in ("iter", "pages"):
            method = getattr(getattr(CloposRequest, declared.name), walk)
            assert method.__name__ == walk
            assert method.__qualname__ == f"{declared.owner}.{declared.name}.{walk}"
            assert method.__wrapped__ is build
            assert inspect.getdoc(method).endswith(docstring)  # type: ignore[union-attr]


def test_help_shows_the_signature_and_the_docstring() -> None:
    for method in (CloposRequest.get_receipts, CloposAsyncRequest.get_receipts.iter, CloposClientClass.create_order):
        text = pydoc.render_doc(method, renderer=pydoc.plaintext)
        assert f"{method.__name__}{inspect.signature(method)}" in text
        assert str(inspect.getdoc(method)).splitlines()[0] in text
    whole = pydoc.render_doc(CloposClientClass, renderer=pydoc.plaintext)
    assert all(f"\n |  {name}(" in whole for name in DOCUMENTED)


def test_signatures_are_computed_once_per_endpoint() -> None:
    assert inspect.signature(CloposRequest.get_receipts) is inspect.signature(CloposRequest.get_receipts)
    assert inspect.signature(CloposRequest.get_orders.iter) is inspect.signature(CloposRequest.get_orders.iter)


def test_the_class_attribute_called_with_a_client_is_the_method(clopos_client: Any, clopos_emulator: Emulator) -> None:
    venues = CloposClientClass.get_venues(clopos_client).unwrap()  # as ``Class.method(instance)`` is in Python
    assert venues.data and venues.data[0].name
    assert clopos_emulator.count("GET", "/open-api/venues") == 1


TYPED = """
from collections.abc import AsyncIterator, Awaitable, Iterator
from typing_extensions import assert_type
from integrify.clopos import APIResponse, CloposAsyncRequest, CloposClientClass, CloposRequest, DryRequest
from integrify.clopos.schemas.common.response import ObjectListResponse, ObjectResponse
from integrify.clopos.schemas.receipts.object import Receipt

assert_type(CloposRequest.get_receipts(page=2), APIResponse[ObjectListResponse[Receipt]])
assert_type(CloposRequest.get_receipts.iter(limit=10), Iterator[Receipt])
assert_type(CloposRequest.get_receipts.pages(), Iterator[ObjectListResponse[Receipt]])
assert_type(CloposAsyncRequest.get_receipt_by_id(1), Awaitable[APIResponse[ObjectResponse[Receipt]]])
assert_type(CloposAsyncRequest.get_receipts.iter(), AsyncIterator[Receipt])
assert_type(CloposClientClass(dry=True).get_receipts(), DryRequest)
CloposRequest.get_receipts(pag=2)
"""


def test_mypy_sees_the_same_types_as_before(tmp_path: Path) -> None:
    (tmp_path / "typed.py").write_text(TYPED, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), "typed.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, done.stdout
    assert 'Unexpected keyword argument "pag"' in errors[0]
