"""The documentation site builds with ``mkdocs build --strict``, and its API reference shows each method
with its runtime signature and docstring, and every error and model."""

from __future__ import annotations

import ast
import html
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

import integrify.clopos.errors
from integrify.clopos import CloposRequest
from tests.test_introspection import DOCUMENTED

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "src" / "integrify" / "clopos" / "schemas"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "WARNING" not in done.stderr, done.stderr[-4000:]
    return out


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def rendered_signature(page: str, anchor: str) -> tuple[str, str]:
    """The signature block and the docstring text rendered under the heading ``anchor``."""
    start = page.index(f'id="{anchor}"')
    signature = re.search(r'<div class="doc-signature highlight"><pre>(.*?)</pre>', page[start:], re.S)
    assert signature, anchor
    contents = re.search(r'<div class="doc doc-contents[^"]*">(.*?)</div>', page[start + signature.end() :], re.S)
    assert contents, anchor
    return text_of(signature.group(1)), text_of(contents.group(1))


def test_every_page_is_built(site: Path) -> None:
    for page in (ROOT / "docs").rglob("*.md"):
        relative = page.relative_to(ROOT / "docs").with_suffix("")
        name = relative.parent if relative.name in ("index", "README") else relative
        assert (site / name / "index.html").is_file(), f"{page} has no page in the site"


def test_each_method_shows_its_runtime_signature_and_docstring(site: Path) -> None:
    page = (site / "reference" / "client" / "index.html").read_text(encoding="utf-8")
    for name in sorted(DOCUMENTED):
        signature, docstring = rendered_signature(page, f"integrify.clopos.CloposClientClass.{name}")
        declared = ast.parse(f"def {signature.strip()}: ...").body[0]
        assert isinstance(declared, ast.FunctionDef)
        runtime = inspect.signature(getattr(CloposRequest, name))
        kinds = [
            *(("POSITIONAL_ONLY", a.arg) for a in declared.args.posonlyargs),
            *(("POSITIONAL_OR_KEYWORD", a.arg) for a in declared.args.args),
            *((("VAR_POSITIONAL", declared.args.vararg.arg),) if declared.args.vararg else ()),
            *(("KEYWORD_ONLY", a.arg) for a in declared.args.kwonlyargs),
            *((("VAR_KEYWORD", declared.args.kwarg.arg),) if declared.args.kwarg else ()),
        ]
        assert kinds == [(p.kind.name, p.name) for p in runtime.parameters.values()], name
        assert declared.returns is not None and ast.unparse(declared.returns).startswith("APIResponse["), name
        first_line = str(inspect.getdoc(getattr(CloposRequest, name))).splitlines()[0]
        assert text_of(re.sub(r"``", "", first_line))[:40] in docstring.replace("\n", " "), name


def test_every_error_and_model_is_in_the_reference(site: Path) -> None:
    errors = (site / "reference" / "errors" / "index.html").read_text(encoding="utf-8")
    for name, value in vars(integrify.clopos.errors).items():
        if isinstance(value, type) and issubclass(value, Exception) and value.__module__ == "integrify.clopos.errors":
            assert f'id="integrify.clopos.errors.{name}"' in errors, name
    models = (site / "reference" / "models" / "index.html").read_text(encoding="utf-8")
    for path in sorted(SCHEMAS.rglob("*.py")):
        module = ".".join(path.relative_to(ROOT / "src").with_suffix("").parts)
        if path.name == "__init__.py":
            continue
        namespace = vars(__import__(module, fromlist=["_"]))
        for name, value in namespace.items():
            public = not name.startswith("_") and isinstance(value, type) and value.__module__ == module
            if public and issubclass(value, BaseModel):
                assert f'id="{module}.{name}"' in models, f"{module}.{name}"
