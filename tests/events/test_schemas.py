"""docs/events/<type>.json: the JSON schema of each event type, generated from the models and kept
current (``CLOPOS_WRITE_DOCS=1`` rewrites them)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from integrify.clopos.events import EVENT_TYPES, PAYLOAD_VERSION
from integrify.clopos.events.model import json_schemas

FOLDER = Path(__file__).parents[2] / "docs" / "events"


def test_one_current_schema_per_event_type() -> None:
    schemas = json_schemas()
    assert sorted(schemas) == sorted(EVENT_TYPES)
    for name, schema in schemas.items():
        text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        path = FOLDER / f"{name}.v{PAYLOAD_VERSION}.json"
        if os.environ.get("CLOPOS_WRITE_DOCS"):
            path.write_text(text, encoding="utf-8")
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: CLOPOS_WRITE_DOCS=1 pytest"
        assert schema["properties"]["type"]["const"] == name
