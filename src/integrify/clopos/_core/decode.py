"""Bytes to the documented models: a fast path, and a fallback that tolerates drift in the API's answers.

A 2xx body is parsed by orjson and validated by pydantic (0.5-0.65x of ``model_validate_json`` on
product and receipt pages, with the same outcome: pydantic reads JSON numbers as 64-bit floats either
way); bodies orjson refuses (integers beyond 64 bits, ``NaN``) go through ``json``.

When a body does not match the model (a field whose type changed, a nested object without a field we
require), the strict setting raises; by default the fields that do match are validated, those that do
not are kept as the API sent them, and one warning per model path is logged with pydantic's reason.
Nothing the API sent is dropped.
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import types
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, Union, cast, get_args, get_origin

import orjson
from pydantic import AliasChoices, BaseModel, ValidationError

from ..errors import ResponseDecodeError
from ..schemas.common.response import ErrorResponse

if TYPE_CHECKING:
    from .call import Call
    from .wire import Answer

T = TypeVar("T", bound=BaseModel)

log = logging.getLogger("integrify.clopos")

_warned: set[str] = set()
_warned_lock = threading.Lock()


def decode_success(call: Call[T], answer: Answer, *, strict: bool) -> T | ErrorResponse:
    """A 2xx body as ``call.response`` (or the ``success: false`` error some 2xx answers carry)."""
    collect_before_decoding()
    paused = gc.isenabled()  # see _fast
    if paused:
        gc.disable()
    try:
        data, model = _fast(call, answer)
    finally:
        if paused:
            gc.enable()
    if not isinstance(model, ValidationError):
        return model
    failure = model
    if isinstance(data, dict) and data.get("success") is False:
        return ErrorResponse.model_validate(data)
    if not strict:
        body = tolerant(call.response, data)
        if body is not None:
            return cast(T, body)
    first = failure.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    raise ResponseDecodeError(
        f"body does not match {call.response.__name__}: {where}: {first['msg']}",
        method=call.method,
        path=call.path,
        status_code=answer.status_code,
    )


def _fast(call: Call[T], answer: Answer) -> tuple[Any, T | ValidationError]:
    """The parsed body, and the model or why it does not validate.

    Runs with the cycle collector paused: a page is thousands of short-lived, acyclic containers (orjson's
    dicts, then the models), and the collections they trigger scan the whole heap's young generations and,
    every few pages, all of it: 25-40% of a bulk export's CPU. Reference counting frees them as before.
    """
    try:
        data = orjson.loads(answer.content)
    except orjson.JSONDecodeError:
        try:
            data = json.loads(answer.content)
        except ValueError:
            raise _unreadable(call, answer) from None
    try:
        return data, call.response.model_validate(data)
    except ValidationError as error:
        return data, error


def collect_before_decoding() -> None:
    """Run the collector's middle generation now if it is due, before a body is decoded.

    Left to itself, that collection falls right after a body is decoded (decoding allocates enough to
    trigger the collector), while the new page is alive: every tenth page then moved to the oldest
    generation, and those promotions set off full collections of the whole heap (a products page call
    paid ~160 µs for them, a bulk export 4 µs of its ~55 µs per receipt). Run here, it finds the
    previous page already dropped (the pagers keep none; see endpoint.py). Nothing is collected that
    would not have been a moment later; a collector the application disabled stays untouched.
    """
    if gc.isenabled():
        threshold = gc.get_threshold()[1]
        if threshold and gc.get_count()[1] >= threshold:
            gc.collect(1)


def error_body(answer: Answer) -> ErrorResponse:
    """An error answer as ``ErrorResponse``; one that is not the API's JSON is described in one line."""
    try:
        return ErrorResponse.model_validate_json(answer.content)
    except ValidationError:
        return ErrorResponse(error="invalid_response", message=describe_unreadable(answer))


def describe_unreadable(answer: Answer) -> str:
    kind = (answer.headers.get("content-type") or "no content type").split(";")[0]
    return (
        f"HTTP {answer.status_code} with an unreadable body ({kind}, {len(answer.content)} bytes, not the API's JSON)"
    )


def _unreadable(call: Call[Any], answer: Answer) -> ResponseDecodeError:
    return ResponseDecodeError(
        describe_unreadable(answer), method=call.method, path=call.path, status_code=answer.status_code
    )


class _Unbuildable(Exception):
    """The model cannot be built from this value (a required field is missing or the value is not an object)."""


def tolerant(model: type[BaseModel], data: Any) -> BaseModel | None:
    """``model`` from ``data``, keeping values that do not validate as given (see the module docstring).

    ``None`` when even that is impossible (the top level lacks a required field or is not an object).
    """
    try:
        return _tolerant(model, data, model.__name__)
    except _Unbuildable:
        return None


def _tolerant(model: type[BaseModel], data: Any, path: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        failures = error.errors()
    if not isinstance(data, dict):
        _warn(path, failures[0]["msg"])
        raise _Unbuildable(path)
    names = _field_names(model)
    bad: dict[str, tuple[bool, str]] = {}  # key -> (every failure lies deeper than the key, first message)
    for failure in failures:
        loc = failure["loc"]
        if not loc or loc[0] not in data:  # a required field missing, or a model-level failure
            _warn(f"{path}.{loc[0]}" if loc else path, failure["msg"])
            raise _Unbuildable(path)
        deeper, message = bad.get(str(loc[0]), (True, failure["msg"]))
        bad[str(loc[0])] = (deeper and len(loc) > 1, message)
    kept: dict[str, Any] = {}
    stand_ins = {key: value for key, value in data.items() if key not in bad}
    for key, (deeper, message) in bad.items():
        field = model.model_fields.get(names.get(key, key))
        where = f"{path}.{key}"
        if field is not None and deeper:
            kept[key] = value = _tolerant_value(field.annotation, data[key], where, message)
            if isinstance(value, BaseModel):
                stand_ins[key] = value
            elif isinstance(value, list):
                stand_ins[key] = [item for item in value if isinstance(item, BaseModel)]
        else:
            _warn(where, message)
            kept[key] = data[key]
    try:
        instance = model.model_validate(stand_ins)
    except ValidationError as error:
        _warn(path, error.errors()[0]["msg"])
        raise _Unbuildable(path) from None
    for key, value in kept.items():
        name = names.get(key, key)
        instance.__dict__[name] = value
        instance.__pydantic_fields_set__.add(name)
    return instance


def _tolerant_value(annotation: Any, value: Any, where: str, message: str) -> Any:
    """A nested value: models and lists of models are rebuilt tolerantly, anything else kept as given."""
    nested, many = _nested_model(annotation)
    if nested is None:
        _warn(where, message)
        return value
    try:
        if many and isinstance(value, list):
            return [_tolerant(nested, item, nested.__name__) if isinstance(item, dict) else item for item in value]
        return _tolerant(nested, value, nested.__name__)
    except _Unbuildable:
        return value


def _nested_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model inside ``annotation`` (through Optional, Union with sentinels, Annotated, list)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _nested_model(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            found = _nested_model(arg)
            if found[0] is not None:
                return found
        return None, False
    if origin is list:
        args = get_args(annotation)
        inner, _ = _nested_model(args[0]) if args else (None, False)
        return inner, True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    return None, False


def _field_names(model: type[BaseModel]) -> dict[str, str]:
    """Every key a field may arrive under (name, alias, alias choices) -> the field's name."""
    names: dict[str, str] = {}
    for name, field in model.model_fields.items():
        names[name] = name
        if field.alias:
            names[field.alias] = name
        if isinstance(field.validation_alias, str):
            names[field.validation_alias] = name
        elif isinstance(field.validation_alias, AliasChoices):
            for choice in field.validation_alias.choices:
                if isinstance(choice, str):
                    names[choice] = name
    return names


def _warn(where: str, message: str) -> None:
    with _warned_lock:
        if where in _warned:
            return
        _warned.add(where)
    log.warning(
        "answer does not match the model at %s (%s); kept as the API sent it (strict_validation=True raises)",
        where,
        message,
    )
