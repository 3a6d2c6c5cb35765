"""``clopos emulator serve``: the options of ``python -m integrify.clopos.emulator``, read from its own table.

The port is checked (and bound once) and the faults parsed before the emulator prints its banner, so
a failure is one line and an exit code, never a banner followed by a traceback.
"""

from __future__ import annotations

import argparse
import inspect
from typing import Any

import typer

from .errors import NETWORK_ERROR, CliError

app = typer.Typer(help="The local Clopos emulator (extra 'emulator').", no_args_is_help=True)


def _parameters(parser: argparse.ArgumentParser) -> list[inspect.Parameter]:
    """One Typer option per argparse option, same name, default and help."""
    params = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or not action.option_strings:
            continue
        flag = max(action.option_strings, key=len)
        extra: dict[str, Any] = {"min": 1, "max": 65535} if action.dest == "port" else {}
        metavar = action.metavar if isinstance(action.metavar, str) else None
        annotation: Any
        if isinstance(action, argparse._StoreTrueAction):
            option, annotation = typer.Option(False, flag, help=action.help), bool
        elif isinstance(action, argparse._AppendAction):
            kind = action.type if isinstance(action.type, type) else str
            option = typer.Option([], flag, help=action.help, metavar=metavar)
            annotation = list[kind]  # type: ignore[valid-type]
        else:
            kind = action.type if isinstance(action.type, type) else int if action.dest == "port" else str
            annotation = kind if action.default is not None else kind | None
            option = typer.Option(action.default, flag, help=action.help, metavar=metavar, **extra)
        params.append(
            inspect.Parameter(action.dest, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation)
        )
    return params


def _argv(parser: argparse.ArgumentParser, values: dict[str, Any]) -> list[str]:
    argv: list[str] = []
    for action in parser._actions:
        value = values.get(action.dest)
        if not action.option_strings or value is None or value is False:
            continue
        flag = max(action.option_strings, key=len)
        if value is True:
            argv.append(flag)
        elif isinstance(value, list):
            argv += [item for each in value for item in (flag, str(each))]
        else:
            argv += [flag, str(value)]
    return argv


def check_faults(specs: list[str]) -> None:
    from integrify.clopos.emulator.faults import Fault, parse_fault_spec

    for spec in specs:
        try:
            Fault(**parse_fault_spec(spec))
        except (ValueError, TypeError) as error:
            raise CliError(f"--fault {spec!r}: {error}") from None


def check_port(host: str, port: int) -> None:
    """A port in use or a bad host is reported before the banner (the emulator's own check)."""
    from integrify.clopos.emulator.__main__ import listen_problem

    problem = listen_problem(host, port)
    if problem is not None:
        raise CliError(f"--port {port}: {problem}", NETWORK_ERROR)


def register(root: typer.Typer) -> None:
    try:
        from integrify.clopos.emulator.__main__ import main, parser
    except ImportError as error:  # the CLI without the emulator extra
        reason = str(error)

        @app.command("serve", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
        def unavailable() -> None:
            """Serve the emulator (needs the 'emulator' extra)."""
            raise CliError(f"the emulator needs its extra: pip install 'integrify-clopos[emulator]' ({reason})")

    else:
        table = parser()

        def serve(**values: Any) -> None:
            check_faults(values.get("fault") or [])
            check_port(values["host"], values["port"])
            raise typer.Exit(main(_argv(table, values)))

        serve.__signature__ = inspect.Signature(_parameters(table))  # type: ignore[attr-defined]
        serve.__doc__ = "Serve the emulator until Ctrl-C (prints its URL and demo credentials)."
        app.command("serve")(serve)
    root.add_typer(app, name="emulator")
