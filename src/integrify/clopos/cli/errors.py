"""One clear line and a documented exit code for every failure; the traceback too only with ``--debug``."""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import typer

from integrify.clopos import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    CloposConfigError,
    CloposError,
    CloposValidationError,
    ResponseDecodeError,
    UnsupportedOperationError,
)

from .output import errors

#: Exit codes scripts can rely on (docs/cli.md), one per kind of failure.
API_ERROR = 1
USAGE_ERROR = 2
AUTH_ERROR = 3
NETWORK_ERROR = 4
INTERRUPTED = 130

F = TypeVar("F", bound=Callable[..., Any])
DEBUG = {"on": False}
#: The base URL of this invocation's client, for messages about the network.
CONTEXT: dict[str, str | None] = {"base_url": None}


class CliError(Exception):
    """A failure the CLI found itself, with its message in CLI words and its exit code."""

    def __init__(self, message: str, code: int = USAGE_ERROR) -> None:
        super().__init__(message)
        self.code = code


def exit_code(error: BaseException) -> int:
    if isinstance(error, CliError):
        return error.code
    if isinstance(error, (AuthenticationError, CloposConfigError)):
        return AUTH_ERROR
    if isinstance(error, APIConnectionError):
        return NETWORK_ERROR
    if isinstance(error, (CloposValidationError, UnsupportedOperationError, ValueError, KeyError, OSError)):
        return USAGE_ERROR
    return API_ERROR


def describe(error: BaseException) -> str:
    """The one line a user sees for an error."""
    if isinstance(error, APIConnectionError):
        return f"cannot reach {CONTEXT['base_url'] or 'the API'} ({error})"
    if isinstance(error, APIStatusError):
        return f"{error.status_code} {error.code or ''} {error.message}".replace("  ", " ")
    if isinstance(error, KeyError):
        return str(error).strip("'\"")
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    if isinstance(error, (CliError, CloposError, ValueError)):
        return str(error)
    return f"unexpected {type(error).__name__}: {error} (run again with --debug for the traceback)"


def fail(message: str, code: int) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True, markup=True)
    return typer.Exit(code)


def hint(error: BaseException) -> str:
    """A next step for errors a wrong base URL explains."""
    base = CONTEXT["base_url"]
    if not base or not isinstance(error, (APIStatusError, APIConnectionError, ResponseDecodeError)):
        return ""
    if isinstance(error, APIStatusError) and error.status_code not in (404, 405):
        return ""
    if urlsplit(base).path.rstrip("/").endswith(("/open-api", "/open-api/v2")):
        return ""
    example = base.rstrip("/") + "/open-api"
    return f"hint: the base URL usually ends in /open-api, e.g. {example} (--base-url, CLOPOS_BASE_URL)"


def report(error: BaseException) -> typer.Exit:
    """Print the error (and its traceback with ``--debug``); the ``typer.Exit`` to raise, same code either way."""
    if DEBUG["on"]:
        errors.print("".join(traceback.format_exception(error)), markup=False, highlight=False, soft_wrap=True)
    text = describe(error).replace("[", "\\[")
    advice = hint(error)
    return fail(text + (f"\n{advice}" if advice else ""), exit_code(error))


def friendly(command: F) -> F:
    """Turn the library's errors into one line on stderr and an exit code (the root group does it too)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (CloposError, CliError, ValueError, KeyError, OSError) as error:
            raise report(error) from None

    return wrapper  # type: ignore[return-value]
