"""The ``clopos`` console script."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from . import export, resources, writes
from .demo import run_demo
from .errors import AUTH_ERROR, DEBUG, fail, friendly
from .output import console
from .settings import PROFILE_KEYS, Options, load_profiles, mask, save_profiles
from .state import options, set_options

app = typer.Typer(
    name="clopos",
    help="Work with a Clopos brand from the terminal. Settings: flags, then the profile, then CLOPOS_* variables.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    epilog="Exit codes: 0 ok, 1 API error, 2 usage or validation error, 3 auth or settings, 4 network, 130 Ctrl-C.",
)


@app.callback()
def main_options(
    profile: str = typer.Option(None, "--profile", "-p", help="Use this named profile."),
    base_url: str = typer.Option(None, "--base-url", help="API base URL (…/open-api)."),
    brand: str = typer.Option(None, "--brand"),
    venue: str = typer.Option(None, "--venue"),
    api: str = typer.Option(None, "--api", help="API generation: v1 or v2."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    DEBUG["on"] = debug
    set_options(Options(profile=profile, base_url=base_url, brand=brand, venue=venue, api=api, debug=debug))


@app.command()
@friendly
def auth(show_token: bool = typer.Option(False, "--show-token", help="Print the token too.")) -> None:
    """Check the credentials: brand, venue and token expiry."""
    opts = options()
    client = opts.client()
    settings = client.config.resolve()
    answer = client.auth().unwrap()
    console.print(
        f"[green]ok[/] brand [bold]{settings.brand}[/] venue [bold]{settings.venue_id or '-'}[/] "
        f"api {settings.api_version}: token valid for {answer.expires_in} s",
        highlight=False,
    )
    if show_token:
        console.print(answer.token, highlight=False, soft_wrap=True)


profile_app = typer.Typer(help="Named settings, one per brand you work with.", no_args_is_help=True)
app.add_typer(profile_app, name="profile")


@profile_app.command("add")
@friendly
def profile_add(
    name: str = typer.Argument(...),
    client_id: str = typer.Option(..., "--client-id"),
    client_secret: str = typer.Option(..., "--client-secret", prompt=True, hide_input=True),
    brand: str = typer.Option(..., "--brand"),
    venue_id: str = typer.Option(None, "--venue"),
    base_url: str = typer.Option(None, "--base-url"),
    integrator_id: str = typer.Option(None, "--integrator-id"),
    api_version: str = typer.Option(None, "--api"),
    use: bool = typer.Option(True, "--use/--no-use", help="Make it the current profile."),
) -> None:
    """Save a profile (the file is readable by you only)."""
    data = load_profiles()
    values = {
        "base_url": base_url,
        "client_id": client_id,
        "client_secret": client_secret,
        "brand": brand,
        "venue_id": venue_id,
        "integrator_id": integrator_id,
        "api_version": api_version,
    }
    data["profiles"][name] = {k: v for k, v in values.items() if v}
    if use or not data.get("current"):
        data["current"] = name
    save_profiles(data)
    console.print(f"profile [bold]{name}[/] saved" + (" and in use" if data["current"] == name else ""))


@profile_app.command("list")
def profile_list() -> None:
    """The saved profiles (secrets masked)."""
    data = load_profiles()
    for name, values in data["profiles"].items():
        marker = "*" if name == data.get("current") else " "
        shown = ", ".join(
            f"{k}={mask(values[k]) if k == 'client_secret' else values[k]}" for k in PROFILE_KEYS if values.get(k)
        )
        console.print(f"{marker} [bold]{name}[/]: {shown}", highlight=False)
    if not data["profiles"]:
        console.print("no profiles yet: `clopos profile add NAME --client-id ... --brand ...`")


@profile_app.command("use")
def profile_use(name: str = typer.Argument(...)) -> None:
    """Make a profile the current one."""
    data = load_profiles()
    if name not in data["profiles"]:
        raise fail(f"no profile named {name!r}", AUTH_ERROR)
    data["current"] = name
    save_profiles(data)
    console.print(f"using profile [bold]{name}[/]")


@profile_app.command("remove")
def profile_remove(name: str = typer.Argument(...)) -> None:
    """Forget a profile."""
    data = load_profiles()
    data["profiles"].pop(name, None)
    if data.get("current") == name:
        data["current"] = None
    save_profiles(data)


emulator_app = typer.Typer(help="The local Clopos emulator.", no_args_is_help=True)
app.add_typer(emulator_app, name="emulator")


@emulator_app.command("serve")
def emulator_serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8080, "--port"),
    receipts: int = typer.Option(300, "--receipts"),
    latency_ms: float = typer.Option(0.0, "--latency-ms"),
    db: Path = typer.Option(None, "--db", help="SQLite file so that state survives a restart."),
    fault: list[str] = typer.Option([], "--fault", help="e.g. status:status=503,times=2"),
) -> None:
    """Serve the emulator until Ctrl-C (prints its URL and demo credentials)."""
    from integrify.clopos.emulator.__main__ import main as serve

    argv = ["--host", host, "--port", str(port), "--receipts", str(receipts), "--latency-ms", str(latency_ms)]
    argv += ["--db", str(db)] if db else []
    for spec in fault:
        argv += ["--fault", spec]
    raise typer.Exit(serve(argv))


@app.command()
@friendly
def demo(api: str = typer.Option("v1", "--api", help="API generation: v1 or v2.")) -> None:
    """Start the emulator and run a narrated flow with the real client, then stop."""
    run_demo(api)


resources.register(app)
writes.register(resources.apps)
export.register(resources.apps)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
