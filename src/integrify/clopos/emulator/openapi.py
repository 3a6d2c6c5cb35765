"""The OpenAPI 3.1 document of the API the emulator serves (``GET /openapi.json``), built from its route table."""

from __future__ import annotations

import re
from typing import Any

LIST_LIMITS = {
    "/venues": 100,
    "/users": 100,
    "/customers": 100,
    "/customer-groups": 100,
    "/categories": 999,
    "/stations": 200,
    "/products": 100,
    "/sale-types": 100,
    "/payment-methods": 100,
    "/orders": 100,
    "/receipts": 200,
    "/price-lists": 999,
    "/price-lists/prices": 999,
}
SUCCESS = {
    "type": "object",
    "required": ["success"],
    "properties": {
        "success": {"const": True},
        "data": {},
        "message": {"type": "string"},
        "time": {"type": "integer"},
        "timestamp": {"type": "string"},
        "unix": {"type": "integer"},
        "total": {"type": "integer"},
        "sorts": {"type": "array", "items": {"type": "string"}},
    },
}
AUTH_OK = {
    "type": "object",
    "required": ["success"],
    "properties": {"success": {"type": "boolean"}, "token": {"type": "string"}, "expires_in": {"type": "integer"}},
}
DATA_ONLY = {"type": "object", "required": ["data"], "properties": {"data": {"type": "array"}}}
ERROR = {
    "type": "object",
    "required": ["success", "error", "message"],
    "properties": {"success": {"const": False}, "error": {"type": "string"}, "message": {"type": "string"}},
}
BODY = {"type": "object", "additionalProperties": True}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def operation(method: str, path: str, generation: str) -> dict[str, Any]:
    short = path.removeprefix("/open-api").removeprefix("/v2")
    is_auth = short == "/auth"
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
        for name in re.findall(r"{(\w+)}", path)
    ]
    if not is_auth:
        parameters += [
            {"name": name, "in": "header", "required": False, "schema": {"type": "string"}}
            for name in (("x-token", "x-brand", "x-venue") if generation == "v1" else ("x-token", "x-venue"))
        ]
    if method == "GET" and short in LIST_LIMITS:
        parameters += [
            {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": LIST_LIMITS[short]},
            },
        ]
    ok = AUTH_OK if is_auth else DATA_ONLY if short.endswith("/stock-operations") else SUCCESS
    responses: dict[str, Any] = {
        "200": _json(ok, "Success"),
        "201": _json(SUCCESS, "Created"),
        "400": _json(ERROR, "Validation failed or invalid parameter"),
        "401": _json(ERROR, "Missing, invalid or expired token; wrong credentials"),
        "404": _json(ERROR, "Not found"),
        "405": _json(ERROR, "Method not allowed"),
        "409": _json(ERROR, "Conflict on a unique key"),
        "413": _json(ERROR, "Body too large"),
        "429": _json(ERROR, "Rate limited"),
    }
    result: dict[str, Any] = {
        "operationId": f"{method.lower()}_{generation}_{re.sub(r'[^a-z0-9]+', '_', short.lower()).strip('_')}",
        "tags": [generation],
        "parameters": parameters,
        "responses": responses,
    }
    if method in ("POST", "PUT", "PATCH"):
        result["requestBody"] = {"required": True, "content": {"application/json": {"schema": BODY}}}
    return result


def document(routes: list[tuple[str, str, str]]) -> dict[str, Any]:
    """``routes``: (method, full path, generation)."""
    paths: dict[str, dict[str, Any]] = {}
    for method, path, generation in routes:
        paths.setdefault(path, {})[method.lower()] = operation(method, path, generation)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Clopos Open API (emulated)",
            "version": "1 and 2",
            "description": "The routes the integrify-clopos emulator serves, both API generations.",
        },
        "paths": paths,
    }
