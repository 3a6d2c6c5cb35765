"""Where the CLI's settings come from: flags, then the chosen profile, then ``CLOPOS_*``; named profiles."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from integrify.clopos import CloposClientClass, CloposSyncClient
from integrify.clopos.env import BASE_URL

PROFILE_KEYS = ("base_url", "client_id", "client_secret", "brand", "venue_id", "integrator_id", "api_version")


def config_dir() -> Path:
    """``$CLOPOS_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/clopos``, else ``~/.config/clopos``."""
    if os.environ.get("CLOPOS_CONFIG_DIR"):
        return Path(os.environ["CLOPOS_CONFIG_DIR"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "clopos"


def profiles_path() -> Path:
    return config_dir() / "profiles.json"


def load_profiles() -> dict[str, Any]:
    path = profiles_path()
    if not path.exists():
        return {"current": None, "profiles": {}}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def save_profiles(data: dict[str, Any]) -> None:
    """Written with mode 0600: the file holds client secrets."""
    path = profiles_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
    path.chmod(0o600)


def mask(secret: str | None) -> str:
    return "" if not secret else secret[:3] + "…" + "*" * 6


@dataclass
class Options:
    """Global flags of one invocation."""

    profile: str | None = None
    base_url: str | None = None
    brand: str | None = None
    venue: str | None = None
    api: str | None = None
    debug: bool = False

    def settings(self) -> dict[str, Any]:
        data = load_profiles()
        name = self.profile or data.get("current")
        chosen: dict[str, Any] = dict(data["profiles"].get(name, {})) if name else {}
        if self.profile and self.profile not in data["profiles"]:
            raise KeyError(f"no profile named {self.profile!r} (see `clopos profile list`)")
        for key, value in (
            ("base_url", self.base_url),
            ("brand", self.brand),
            ("venue_id", self.venue),
            ("api_version", self.api),
        ):
            if value:
                chosen[key] = value
        return {key: chosen.get(key) for key in PROFILE_KEYS}

    def client(self) -> CloposSyncClient:
        s = self.settings()
        return CloposClientClass(
            base_url=s["base_url"] or BASE_URL,
            client_id=s["client_id"],
            client_secret=s["client_secret"],
            brand=s["brand"],
            venue_id=s["venue_id"],
            integrator_id=s["integrator_id"],
            api_version=s["api_version"],
        )
