"""Where the CLI's settings come from (flags, then ``CLOPOS_*``, then the current profile) and named profiles."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from integrify.clopos import CloposClientClass, CloposSyncClient
from integrify.clopos.env import (
    BASE_URL,
    ENV_API_VERSION,
    ENV_BASE_URL,
    ENV_BRAND,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    ENV_INTEGRATOR_ID,
    ENV_VENUE_ID,
    api_version_from,
    env,
)

from .errors import AUTH_ERROR, CONTEXT, USAGE_ERROR, CliError

PROFILE_KEYS = ("base_url", "client_id", "client_secret", "brand", "venue_id", "integrator_id", "api_version")
ENV_PROFILE = "CLOPOS_PROFILE"
#: Each setting: its global flag (if any) and its environment variable.
SOURCES = {
    "base_url": ("--base-url", ENV_BASE_URL),
    "client_id": (None, ENV_CLIENT_ID),
    "client_secret": (None, ENV_CLIENT_SECRET),
    "brand": ("--brand", ENV_BRAND),
    "venue_id": ("--venue", ENV_VENUE_ID),
    "integrator_id": (None, ENV_INTEGRATOR_ID),
    "api_version": ("--api", ENV_API_VERSION),
}
WORDS = {
    "client_id": "client id",
    "client_secret": "client secret",
    "venue_id": "venue",
    "integrator_id": "integrator id",
    "api_version": "API generation",
    "base_url": "base URL",
}


def config_dir() -> Path:
    """``$CLOPOS_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/clopos``, else ``~/.config/clopos``."""
    if os.environ.get("CLOPOS_CONFIG_DIR"):
        return Path(os.environ["CLOPOS_CONFIG_DIR"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "clopos"


def profiles_path() -> Path:
    return config_dir() / "profiles.json"


def read_private(path: Path) -> dict[str, Any] | None:
    """A JSON object from one of our files; ``None`` when absent. A damaged file is a settings error."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise CliError(f"{path} is damaged ({error}); fix or delete it", AUTH_ERROR) from None
    if not isinstance(data, dict):
        raise CliError(f"{path} is damaged (not a JSON object); fix or delete it", AUTH_ERROR)
    return data


def write_private(path: Path, data: dict[str, Any]) -> None:
    """Atomically (temp file, then rename), mode 0600: these files hold secrets and tokens."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temp, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def load_profiles() -> dict[str, Any]:
    data = read_private(profiles_path()) or {}
    data.setdefault("current", None)
    data.setdefault("profiles", {})
    return data


def save_profiles(data: dict[str, Any]) -> None:
    write_private(profiles_path(), data)


def mask(secret: str | None) -> str:
    """The first three characters of a long secret, nothing of a short one."""
    if not secret:
        return ""
    return (secret[:3] if len(secret) >= 16 else "") + "…" + "*" * 6


@dataclass
class Resolved:
    """Each setting's value and where it came from (a flag, a variable, ``profile NAME`` or ``default``)."""

    values: dict[str, str | None]
    sources: dict[str, str]
    profile: str | None

    def missing(self) -> list[str]:
        scope = "integrator_id" if self.values["api_version"] == "v2" else "venue_id"
        return [key for key in ("client_id", "client_secret", "brand", scope) if not self.values.get(key)]


@dataclass
class Options:
    """Global flags of one invocation, and the client made from them."""

    profile: str | None = None
    base_url: str | None = None
    brand: str | None = None
    venue: str | None = None
    api: str | None = None
    debug: bool = False
    made: list[tuple[CloposSyncClient, Resolved]] = field(default_factory=list)

    def flags(self) -> dict[str, str | None]:
        return {"base_url": self.base_url, "brand": self.brand, "venue_id": self.venue, "api_version": self.api}

    def resolve(self) -> Resolved:
        """Flags, then an explicitly chosen profile (``--profile``), then ``CLOPOS_*``, then the current profile."""
        data = load_profiles()
        chosen = self.profile or env(ENV_PROFILE)
        if chosen and chosen not in data["profiles"]:
            where = "--profile" if self.profile else ENV_PROFILE
            raise CliError(f"{where}: no profile named {chosen!r} (see `clopos profile list`)", USAGE_ERROR)
        name = chosen or data.get("current")
        stored: dict[str, Any] = data["profiles"].get(name, {}) if name else {}
        values: dict[str, str | None] = {}
        sources: dict[str, str] = {}
        flags = self.flags()
        for key, (flag, variable) in SOURCES.items():
            layers = [(flag or "", flags.get(key))]
            from_profile = (f"profile {name}", stored.get(key))
            from_env = (variable, env(variable))
            layers += [from_profile, from_env] if self.profile else [from_env, from_profile]
            found = next(((where, str(value)) for where, value in layers if value), None)
            sources[key], values[key] = found if found else ("default", None)
        if not values["base_url"]:
            values["base_url"] = BASE_URL
        try:
            values["api_version"] = api_version_from(values["api_version"])
        except ValueError:
            raise CliError(
                f"{sources['api_version']}: the API generation is v1 or v2, not {values['api_version']!r}", USAGE_ERROR
            ) from None
        return Resolved(values, sources, name if stored or chosen else None)

    def client(self) -> CloposSyncClient:
        """A client with every setting resolved here; settings the call needs must be present."""
        from .tokens import restore

        resolved = self.resolve()
        missing = resolved.missing()
        if missing:
            raise CliError(missing_message(missing), AUTH_ERROR)
        s = resolved.values
        CONTEXT["base_url"] = s["base_url"]
        client = CloposClientClass(
            base_url=s["base_url"] or BASE_URL,
            client_id=s["client_id"],
            client_secret=s["client_secret"],
            brand=s["brand"],
            venue_id=s["venue_id"],
            integrator_id=s["integrator_id"],
            api_version=s["api_version"],
        )
        restore(client, resolved)
        self.made.append((client, resolved))
        return client

    def finish(self) -> None:
        """Keep the tokens this invocation bought for the next one; close connections."""
        from .tokens import keep

        for client, resolved in self.made:
            keep(client, resolved)
            client.close()
        self.made.clear()


def missing_message(missing: list[str]) -> str:
    ways = []
    for key in missing:
        flag, variable = SOURCES[key]
        ways.append(f"{WORDS.get(key, key)} ({flag + ' or ' if flag else ''}{variable})")
    return (
        "missing settings: "
        + ", ".join(ways)
        + "; or save them once: clopos profile add NAME --client-id ID --brand BRAND --venue ID"
    )
