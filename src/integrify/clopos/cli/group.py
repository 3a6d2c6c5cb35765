"""The root command group: every failure as one line and an exit code, quiet broken pipes, clean help."""

from __future__ import annotations

import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup, TyperOption

from .errors import INTERRUPTED, fail, report

HELP_NAMES = ["-h", "--help"]


def _polish(command: Any, seen: set[int]) -> None:
    """Flags render as ``--debug``, not ``--debug <bool>``; ``-h`` works everywhere."""
    if id(command) in seen:
        return
    seen.add(id(command))
    context = typer.Context(command, help_option_names=HELP_NAMES)
    for param in command.get_params(context):
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
    for child in getattr(command, "commands", {}).values():
        _polish(child, seen)


def _quiet_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so that the final flush cannot fail again."""
    try:
        descriptor = os.open(os.devnull, os.O_WRONLY)
        os.dup2(descriptor, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test runner's buffer)
        pass


class CloposGroup(TyperGroup):
    """Wraps the whole invocation, so no command (ours or a plug-in's) ends in a traceback."""

    _polished = False

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        if not self._polished:
            _polish(self, set())
            self._polished = True
        return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort) as done:
            raise done
        except BrokenPipeError:
            _quiet_stdout()  # the reader (e.g. `| head -1`) has what it wanted
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            raise fail("interrupted", INTERRUPTED) from None
        except Exception as error:
            if type(error).__module__.startswith(("typer", "click")):
                raise  # usage errors: printed by Typer with the usage line, exit 2
            raise report(error) from None
