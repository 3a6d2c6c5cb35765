"""Shapes of JSON answers (every key path with its JSON types), and scrubbing of recorded answers."""

from __future__ import annotations

import re
from typing import Any

Shape = dict[str, set[str]]
CONTAINERS = frozenset({"object", "array"})

#: Keys whose values are secrets or personal data: replaced (keeping the JSON type) before a fixture is saved.
PRIVATE_KEYS = frozenset(
    {
        "token",
        "access_token",
        "x-token",
        "client_secret",
        "secret",
        "password",
        "pin",
        "name",
        "first_name",
        "last_name",
        "full_name",
        "customer_name",
        "phone",
        "phones",
        "mobile",
        "email",
        "address",
        "address_data",
        "description",
        "desc",
        "comment",
        "card_number",
        "date_of_birth",
        "birthday",
    }
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"\+\d[\d ()-]{6,}\d")
_JWT = re.compile(r"\b[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}\b")
_TOKEN = re.compile(r"\boauth_[\w-]+")


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def shape(value: Any, path: str = "$", into: Shape | None = None) -> Shape:
    """Every key path (``$.data[].name``) with the JSON types seen there; list items are merged."""
    result: Shape = {} if into is None else into
    result.setdefault(path, set()).add(json_type(value))
    if isinstance(value, dict):
        for key, item in value.items():
            shape(item, f"{path}.{key}", result)
    elif isinstance(value, list):
        for item in value:
            shape(item, f"{path}[]", result)
    return result


def _parent(path: str) -> str:
    return path[:-2] if path.endswith("[]") else path.rsplit(".", 1)[0]


def differences(live: Any, emulated: Any) -> list[str]:
    """How the emulator's answer differs in shape from the live one: missing or extra keys, other types.

    ``null`` matches any type (a value that is empty in one account is set in another); keys under a
    container only one side has (the other has nothing or ``null`` there) are not compared.
    """
    want, got = shape(live), shape(emulated)
    problems = []
    for path in sorted(want.keys() | got.keys()):
        parent = _parent(path)
        if path != "$" and not (want.get(parent, set()) & CONTAINERS and got.get(parent, set()) & CONTAINERS):
            continue
        if path not in got:
            problems.append(f"missing {path} ({'/'.join(sorted(want[path]))})")
        elif path not in want:
            problems.append(f"extra {path} ({'/'.join(sorted(got[path]))})")
        else:
            live_types, emu_types = want[path] - {"null"}, got[path] - {"null"}
            if live_types and emu_types and not live_types & emu_types:
                problems.append(
                    f"type {path}: live {'/'.join(sorted(live_types))}, emulator {'/'.join(sorted(emu_types))}"
                )
    return problems


def scrub(value: Any, secrets: tuple[str, ...] = ()) -> Any:
    """A copy with secrets and personal data replaced by placeholders of the same JSON type."""
    if isinstance(value, dict):
        return {
            key: _placeholder(item) if key.lower() in PRIVATE_KEYS else scrub(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [scrub(item, secrets) for item in value]
    if isinstance(value, str):
        for secret in secrets:
            if secret:
                value = value.replace(secret, "<secret>")
        for pattern, placeholder in ((_JWT, "<token>"), (_TOKEN, "<token>"), (_EMAIL, "<email>"), (_PHONE, "<phone>")):
            value = pattern.sub(placeholder, value)
    return value


def _placeholder(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _placeholder(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_placeholder(item) for item in value]
    if isinstance(value, str):
        return "<redacted>" if value else ""
    if isinstance(value, bool) or value is None:
        return value
    return 0 if isinstance(value, (int, float)) else value
