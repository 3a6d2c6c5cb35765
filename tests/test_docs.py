"""The documentation runs as written: every ```python block of README.md and docs/**/*.md, against the emulator.

- A block runs in-process with ``CLOPOS_*`` pointing at the emulator, twice (a reader runs it again), and
  every ``print(...)`` in it must print at least once (a loop over no data is a wrong example). ``await`` and
  ``async for`` at top level run in an event loop, as at the ``python -m asyncio`` prompt.
- A block made of files (``# path/to/file.py`` heading each one) is written to a fresh directory; when it
  has ``test_*.py`` files, pytest runs them there as in a user's project (pytest-asyncio strict): all pass.
- A block whose first line is ``# not run: <reason>`` is not run; the reason is required.

The generated per-resource pages in docs/resources are also checked to be current.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
import runpy
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from integrify.clopos.emulator import Emulator

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
NOT_RUN = re.compile(r"# not run: (.*)")
TEST = re.compile(r"^(?:async )?def test_", re.M)
FILE = re.compile(r"^# ((?:[\w.-]+/)*[\w.-]+\.py)\b")


@dataclass
class Snippet:
    page: str
    line: int
    code: str

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def not_run_reason(self) -> str | None:
        match = NOT_RUN.match(self.code)
        return match.group(1).strip() if match else None

    @property
    def files(self) -> dict[str, str]:
        """``path -> text`` when the block is made of files, else empty."""
        if not FILE.match(self.code):
            return {}
        files: dict[str, str] = {}
        current = ""
        for text in self.code.splitlines(keepends=True):
            heading = FILE.match(text)
            if heading:
                current = heading.group(1)
                files[current] = ""
            files[current] += text
        return files


def snippets() -> list[Snippet]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(Snippet(str(page.relative_to(ROOT)), line, match.group(1)))
    return found


SNIPPETS = snippets()
RUN = [s for s in SNIPPETS if s.not_run_reason is None and not s.files]
PROJECTS = [s for s in SNIPPETS if s.files]


def test_snippets_are_found_in_every_page() -> None:
    pages = {s.page for s in SNIPPETS}
    assert {"README.md", "docs/client.md", "docs/paging.md", "docs/emulator.md"} <= pages
    assert len(RUN) >= 5 and PROJECTS


def test_a_block_that_is_not_run_says_why() -> None:
    for snippet in SNIPPETS:
        reason = snippet.not_run_reason
        assert reason is None or len(reason) >= 5, f"{snippet.id}: '# not run:' needs a reason"


def run_snippet(snippet: Snippet, printed: Counter[int]) -> None:
    """Run the block as a script would run it, counting the prints by line."""
    name = f"<{snippet.id}>"

    def counting_print(*args: Any, **kwargs: Any) -> None:
        frame = sys._getframe(1)
        if frame.f_code.co_filename == name:
            printed[frame.f_lineno] += 1
        print(*args, **kwargs)

    code = compile(snippet.code, name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    namespace: dict[str, Any] = {"__name__": "__main__", "print": counting_print}
    result = eval(code, namespace)
    if inspect.iscoroutine(result):
        asyncio.run(result)


@pytest.mark.parametrize("snippet", RUN, ids=lambda s: s.id)
def test_snippet_runs_as_written_twice(
    snippet: Snippet,
    emu_env: Emulator,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # files a snippet writes (events.db, clopos.duckdb) stay out of the checkout
    printed: Counter[int] = Counter()
    run_snippet(snippet, printed)
    run_snippet(snippet, printed)
    prints = {
        node.lineno
        for node in ast.walk(ast.parse(snippet.code))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
    }
    silent = sorted(line + snippet.line for line in prints if not printed[line])
    assert not silent, f"print() never ran at {snippet.page} line(s) {silent}: an example over no data?"
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("snippet", PROJECTS, ids=lambda s: s.id)
def test_snippet_project_passes_its_tests(snippet: Snippet, pytester: pytest.Pytester) -> None:
    for path, text in snippet.files.items():
        target = pytester.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        compile(text, path, "exec")
    tests = [path for path in snippet.files if Path(path).name.startswith("test_")]
    if tests:
        pytester.makeini(
            "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
        )  # asyncio_mode: strict, the default
        pytester.syspathinsert()  # the project's own modules import, as with ``python -m pytest``
        result = pytester.runpytest("-p", "no:randomly", *tests)
        result.assert_outcomes(passed=sum(len(TEST.findall(text)) for text in snippet.files.values()))


def test_the_readme_version_check_names_this_project() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r'`python -c "(import integrify\.clopos as c; print\(c\.__version__\))"`', readme)
    assert command, "the README's version check is gone"
    done = subprocess.run([sys.executable, "-c", command.group(1)], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == version("integrify-clopos")
    assert tuple(int(part) for part in done.stdout.split(".")[:2]) >= (0, 2), "0.1.0 is the other package"


def test_resource_pages_are_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["gen_resource_docs.py", str(tmp_path)])
    try:
        runpy.run_path(str(ROOT / "scripts" / "gen_resource_docs.py"), run_name="__main__")
    except SystemExit as done:
        assert done.code == 0
    generated = sorted(page.name for page in tmp_path.iterdir())
    assert generated == sorted(page.name for page in (ROOT / "docs" / "resources").iterdir())  # none missing or left
    assert {"README.md", "receipts.md", "orders.md"} <= set(generated)
    for page in tmp_path.iterdir():
        committed = ROOT / "docs" / "resources" / page.name
        assert committed.read_text(encoding="utf-8") == page.read_text(encoding="utf-8"), (
            f"docs/resources/{page.name} is stale: run python scripts/gen_resource_docs.py"
        )
