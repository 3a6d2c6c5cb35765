"""Write docs/resources/<resource>.md from the endpoint declarations (signatures and docstrings).

Run after changing an endpoint: ``python scripts/gen_resource_docs.py``; a test checks the pages are current.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path
from types import ModuleType

from integrify.clopos._core.endpoint import Endpoint, ListEndpoint
from integrify.clopos.endpoints import (
    auth,
    categories,
    customers,
    orders,
    price_lists,
    products,
    receipts,
    sales,
    stations,
    users,
    venues,
)

MODULES: list[ModuleType] = [
    auth,
    venues,
    users,
    customers,
    categories,
    stations,
    products,
    sales,
    orders,
    receipts,
    price_lists,
]
OUT = Path(__file__).resolve().parent.parent / "docs" / "resources"


def signature(build: object) -> str:
    text = str(inspect.signature(build))  # type: ignore[arg-type]
    text = re.sub(r": '([^']*)'", r": \1", text)
    text = re.sub(r"^\(self(: Any)?, (/, )?", "(", text)
    text = re.sub(r"<MISSING>|MISSING", "UNSET", text)
    return re.sub(r" -> .*$", "", text)


def page(module: ModuleType) -> str:
    title = (module.__doc__ or module.__name__).strip().splitlines()[0]
    lines = [
        f"# {title}",
        "",
        f"Declared in `integrify/clopos/endpoints/{module.__name__.rsplit('.', 1)[1]}.py`.",
        "",
    ]
    for cls in vars(module).values():
        if not (inspect.isclass(cls) and cls.__module__ == module.__name__):
            continue
        for name, member in vars(cls).items():
            if not isinstance(member, (Endpoint, ListEndpoint)):
                continue
            signature_line = f"{name}{signature(member.build)}"
            lines += [f"## `{name}`", "", "```python", "# not run: a signature", signature_line, "```", ""]
            lines += [inspect.cleandoc(member.build.__doc__ or ""), ""]
            if isinstance(member, ListEndpoint):
                lines += [
                    f"Paged: `client.{name}.iter(...)` yields every item, `client.{name}.pages(...)` every page.",
                    "",
                ]
    return "\n".join(lines).rstrip() + "\n"


def main(out: Path = OUT) -> int:
    out.mkdir(parents=True, exist_ok=True)
    index = ["# Resources", "", "One page per resource, generated from the endpoint declarations.", ""]
    for module in MODULES:
        name = module.__name__.rsplit(".", 1)[1]
        (out / f"{name}.md").write_text(page(module), encoding="utf-8")
        index.append(f"- [{name}]({name}.md)")
    (out / "README.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
