"""The ``clopos`` console script."""

from __future__ import annotations

import os
import sys
from importlib.metadata import PackageNotFoundError, version

import typer

from . import emulator, events, export, resources, sync, writes
from .errors import DEBUG, INTERRUPTED, CliError
from .group import HELP_NAMES, CloposGroup
from .output import console, errors
from .settings import PROFILE_KEYS, SOURCES, Options, load_profiles, mask, save_profiles
from .state import options, set_options

app = typer.Typer(
    name="clopos",
    cls=CloposGroup,
    help="Work with a Clopos brand from the terminal. Settings: flags, then CLOPOS_* variables, then the profile.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": HELP_NAMES},
    epilog="Exit codes: 0 ok, 1 API error, 2 usage or validation error, 3 auth or settings, 4 network, 130 Ctrl-C.",
)


def show_version(value: bool) -> None:
    if value:
        try:
            number = version("integrify-clopos")
        except PackageNotFoundError:
            number = "unknown"
        console.print(f"clopos {number} (integrify-clopos)", highlight=False)
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    profile: str = typer.Option(None, "--profile", "-p", help="Use this profile (above CLOPOS_* variables)."),
    base_url: str = typer.Option(None, "--base-url", help="API base URL, ending in /open-api."),
    brand: str = typer.Option(None, "--brand"),
    venue: str = typer.Option(None, "--venue"),
    api: str = typer.Option(None, "--api", help="API generation: v1 or v2."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks (exit codes stay the same)."),
    _version: bool = typer.Option(False, "--version", callback=show_version, is_eager=True, help="Show the version."),
) -> None:
    DEBUG["on"] = debug
    set_options(Options(profile=profile, base_url=base_url, brand=brand, venue=venue, api=api, debug=debug))
    ctx.call_on_close(lambda: options().finish())


@app.command()
def auth(show_token: bool = typer.Option(False, "--show-token", help="Print the token too.")) -> None:
    """Authenticate now: says which URL, profile and API generation were used, and for how long the token lasts."""
    opts = options()
    client = opts.client()
    resolved = opts.made[-1][1]
    answer = client.auth().unwrap()
    s, where = resolved.values, resolved.sources
    console.print(
        f"[green]ok[/] brand [bold]{s['brand']}[/] venue [bold]{s['venue_id'] or '-'}[/]: "
        f"token valid for {answer.expires_in or '?'} s",
        highlight=False,
    )
    rows = [
        ("url", f"{s['base_url']}  ({where['base_url']})"),
        ("api", f"{s['api_version']}  ({where['api_version']})"),
        ("profile", resolved.profile or "none"),
    ]
    rows += [
        (key, f"from {where[key]}")
        for key in ("client_id", "client_secret", "brand", "venue_id")
        if where[key] != "default"
    ]
    for label, text in rows:
        console.print(f"  {label:<14}{text}", highlight=False)
    if show_token:
        console.print(answer.token, highlight=False, soft_wrap=True)


profile_app = typer.Typer(help="Named settings, one per brand you work with.", no_args_is_help=True)
app.add_typer(profile_app, name="profile")


def read_secret(given: str | None) -> str:
    """The secret from the flag, a hidden prompt on a terminal, or stdin (with a warning)."""
    if given and given != "-":
        return given
    if given != "-" and sys.stdin.isatty():
        return str(typer.prompt("Client secret", hide_input=True))
    if given != "-":
        errors.print("[yellow]warning:[/] reading the client secret from standard input", highlight=False)
    secret = sys.stdin.readline().strip()
    if not secret:
        raise CliError("--client-secret: nothing on standard input")
    return secret


@profile_app.command("add")
def profile_add(
    name: str = typer.Argument(...),
    client_id: str = typer.Option(..., "--client-id"),
    client_secret: str = typer.Option(
        None, "--client-secret", help="Default: asked for on a terminal, else read from stdin ('-': stdin)."
    ),
    brand: str = typer.Option(..., "--brand"),
    venue_id: str = typer.Option(None, "--venue"),
    base_url: str = typer.Option(None, "--base-url"),
    integrator_id: str = typer.Option(None, "--integrator-id"),
    api_version: str = typer.Option(None, "--api"),
    use: bool = typer.Option(False, "--use", help="Make it the current profile (the first one always is)."),
) -> None:
    """Save a profile (the file is readable by you only); it becomes current only with --use or if it is the first."""
    data = load_profiles()
    values = {
        "base_url": base_url,
        "client_id": client_id,
        "client_secret": read_secret(client_secret),
        "brand": brand,
        "venue_id": venue_id,
        "integrator_id": integrator_id,
        "api_version": api_version,
    }
    data["profiles"][name] = {k: v for k, v in values.items() if v}
    if use or not data.get("current"):
        data["current"] = name
    save_profiles(data)
    current = data["current"] == name
    tail = " and in use" if current else f"; `clopos profile use {name}` or `--profile {name}` to use it"
    console.print(f"profile [bold]{name}[/] saved{tail}", highlight=False)


@profile_app.command("list")
def profile_list() -> None:
    """The saved profiles (secrets masked); * marks the current one."""
    data = load_profiles()
    for name, values in data["profiles"].items():
        marker = "*" if name == data.get("current") else " "
        shown = ", ".join(
            f"{k}={mask(values[k]) if k == 'client_secret' else values[k]}" for k in PROFILE_KEYS if values.get(k)
        )
        console.print(f"{marker} [bold]{name}[/]: {shown}", highlight=False)
    if not data["profiles"]:
        console.print("no profiles yet: `clopos profile add NAME --client-id ID --brand BRAND --venue ID`")
    overridden = [variable for _, variable in SOURCES.values() if variable in _environment()]
    if data["profiles"] and overridden:
        errors.print(f"note: {', '.join(overridden)} set in the environment take precedence over the profile")


def _environment() -> set[str]:
    return {key for key, value in os.environ.items() if value}


@profile_app.command("use")
def profile_use(name: str = typer.Argument(...)) -> None:
    """Make a profile the current one."""
    data = load_profiles()
    if name not in data["profiles"]:
        raise CliError(f"no profile named {name!r} (see `clopos profile list`)")
    data["current"] = name
    save_profiles(data)
    console.print(f"using profile [bold]{name}[/]", highlight=False)


@profile_app.command("remove")
def profile_remove(name: str = typer.Argument(...)) -> None:
    """Forget a profile and its saved token."""
    from .tokens import forget

    data = load_profiles()
    if data["profiles"].pop(name, None) is None:
        raise CliError(f"no profile named {name!r} (see `clopos profile list`)")
    if data.get("current") == name:
        data["current"] = None
    save_profiles(data)
    forget(name)
    console.print(f"profile [bold]{name}[/] removed", highlight=False)


@app.command()
def demo(api: str = typer.Option("v1", "--api", help="API generation: v1 or v2.")) -> None:
    """Start the emulator and run a narrated flow with the real client, then stop."""
    from .demo import run_demo

    run_demo(api)


resources.register(app)
writes.register(resources.apps)
export.register(resources.apps)
emulator.register(app)
events.register(app)
sync.register(app)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(INTERRUPTED)
