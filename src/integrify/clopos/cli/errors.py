"""One clear line and a documented exit code for every failure; a traceback only with ``--debug``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from integrify.clopos import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    CloposConfigError,
    CloposError,
    CloposValidationError,
    UnsupportedOperationError,
)

from .output import errors

#: Exit codes scripts can rely on.
API_ERROR = 1
USAGE_ERROR = 2
AUTH_ERROR = 3
NETWORK_ERROR = 4
INTERRUPTED = 130

F = TypeVar("F", bound=Callable[..., Any])
DEBUG = {"on": False}


def exit_code(error: BaseException) -> int:
    if isinstance(error, (AuthenticationError, CloposConfigError)):
        return AUTH_ERROR
    if isinstance(error, (CloposValidationError, UnsupportedOperationError, ValueError, KeyError, OSError)):
        return USAGE_ERROR
    if isinstance(error, APIConnectionError):
        return NETWORK_ERROR
    return API_ERROR


def fail(message: str, code: int) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def friendly(command: F) -> F:
    """Turn the library's errors into one line on stderr and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:
            raise fail("interrupted", INTERRUPTED) from None
        except (CloposError, ValueError, KeyError, OSError) as error:
            if DEBUG["on"]:
                raise
            text = str(error).strip("'\"") if isinstance(error, KeyError) else str(error)
            if isinstance(error, APIStatusError):
                text = f"{error.status_code} {error.code or ''} {error.message}".replace("  ", " ")
            raise fail(text, exit_code(error)) from None

    return wrapper  # type: ignore[return-value]
