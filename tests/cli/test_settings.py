"""Settings precedence (flags, then CLOPOS_*, then the profile), profiles, `clopos auth`, the token cache."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from integrify.clopos.emulator import Emulator

from .conftest import run


def add_profile(config: dict[str, str], name: str, emulator: Emulator, *extra: str, base_url: str = "") -> None:
    c = emulator.credentials
    args = ["profile", "add", name, "--client-id", c.client_id, "--client-secret", c.client_secret]
    args += ["--brand", c.brand, "--venue", c.venue_id, "--base-url", base_url or emulator.base_url, *extra]
    code, _, err = run(config, *args)
    assert code == 0, err


@pytest.fixture
def bare(private_config: Path) -> dict[str, str]:
    """No CLOPOS_* setting but the configuration folder."""
    return {"CLOPOS_CONFIG_DIR": str(private_config)}


def test_environment_beats_the_current_profile(
    bare: dict[str, str], env: dict[str, str], clopos_emulator: Emulator
) -> None:
    # a "production" profile pointing somewhere unreachable is current ...
    add_profile(bare, "prod", clopos_emulator, base_url="http://127.0.0.1:9/open-api")
    # ... and the emulator's settings exported in the environment win
    code, out, err = run(env, "auth")
    assert code == 0, err
    assert clopos_emulator.base_url in out and "(CLOPOS_BASE_URL)" in out
    # CLOPOS_BRAND too
    code, _, err = run({**env, "CLOPOS_BRAND": "nobrand"}, "venues", "list")
    assert code == 3 and "401" in err
    # a flag beats both
    code, out, _ = run(
        {**bare, "CLOPOS_BASE_URL": "http://127.0.0.1:9/open-api"}, "--base-url", clopos_emulator.base_url, "auth"
    )
    assert code == 0 and "(--base-url)" in out and "profile       prod" in out
    # with only the profile, its URL is used (and named in the message)
    code, _, err = run(bare, "venues", "list")
    assert code == 4 and "cannot reach http://127.0.0.1:9/open-api" in err


def test_an_explicit_profile_beats_the_environment(
    bare: dict[str, str], env: dict[str, str], clopos_emulator: Emulator
) -> None:
    add_profile(bare, "local", clopos_emulator)
    broken = {**env, "CLOPOS_BASE_URL": "http://127.0.0.1:9/open-api"}
    assert run(broken, "venues", "list")[0] == 4
    code, out, err = run(broken, "--profile", "local", "auth")
    assert code == 0, err
    assert "(profile local)" in out
    code, _, err = run(bare, "--profile", "other", "venues", "list")
    assert code == 2 and "no profile named 'other'" in err


def test_profile_add_does_not_switch_profiles(bare: dict[str, str], clopos_emulator: Emulator) -> None:
    add_profile(bare, "first", clopos_emulator)
    code, out, _ = run(bare, "profile", "add", "second", "--client-id", "x", "--client-secret", "y", "--brand", "b")
    assert code == 0 and "in use" not in out and "clopos profile use second" in out
    assert json.loads((Path(bare["CLOPOS_CONFIG_DIR"]) / "profiles.json").read_text())["current"] == "first"
    code, out, _ = run(bare, "profile", "list")
    assert "* first" in out and "  second: client_id=x, client_secret=…******, brand=b" in out
    add_profile(bare, "third", clopos_emulator, "--use")
    code, out, _ = run(bare, "profile", "list")
    assert "* third" in out
    assert run(bare, "profile", "use", "nope")[0] == 2
    assert run(bare, "profile", "remove", "third")[0] == 0
    assert "third" not in run(bare, "profile", "list")[1]


def test_auth_says_url_profile_and_generation(env: dict[str, str], clopos_emulator: Emulator) -> None:
    code, out, _ = run(env, "--api", "v2", "auth")
    assert code == 0
    assert f"url           {clopos_emulator.base_url}" in out
    assert "api           v2  (--api)" in out and "profile       none" in out
    assert clopos_emulator.credentials.client_secret not in out


def test_secret_from_stdin_warns(bare: dict[str, str], clopos_emulator: Emulator) -> None:
    c = clopos_emulator.credentials
    code, _, err = run(bare, "profile", "add", "p", "--client-id", c.client_id, "--brand", "b", input="s3cret\n")
    assert code == 0 and "warning: reading the client secret from standard input" in err
    stored = json.loads((Path(bare["CLOPOS_CONFIG_DIR"]) / "profiles.json").read_text())
    assert stored["profiles"]["p"]["client_secret"] == "s3cret"
    code, _, err = run(
        bare, "profile", "add", "q", "--client-id", "i", "--brand", "b", "--client-secret", "-", input=""
    )
    assert code == 2 and "nothing on standard input" in err


def test_token_is_reused_between_invocations(
    bare: dict[str, str], env: dict[str, str], clopos_emulator: Emulator
) -> None:
    add_profile(bare, "local", clopos_emulator)
    for _ in range(3):
        assert run(bare, "venues", "list")[0] == 0
    assert clopos_emulator.count("POST", "/open-api/auth") == 1
    path = Path(bare["CLOPOS_CONFIG_DIR"]) / "tokens.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = json.loads(path.read_text())["profile:local"]
    token = saved["token"]
    for args in (["profile", "list"], ["venues", "list"], ["auth"]):
        assert token not in run(bare, *args)[1]
    # another set of settings (the environment, no profile) has its own token
    assert run({**env, "CLOPOS_CONFIG_DIR": bare["CLOPOS_CONFIG_DIR"]}, "--venue", "1", "users", "list")[0] == 0
    # a revoked token is renewed by itself, and the new one kept
    clopos_emulator.revoke_tokens()
    before = clopos_emulator.count("POST", "/open-api/auth")
    assert run(bare, "venues", "list")[0] == 0
    assert clopos_emulator.count("POST", "/open-api/auth") == before + 1
    assert json.loads(path.read_text())["profile:local"]["token"] != token
    # a damaged cache is only a cache
    path.write_text("{")
    assert run(bare, "venues", "list")[0] == 0


@pytest.mark.parametrize(
    "args",
    [["auth"], ["venues", "list"], ["receipts", "get", "1"], ["receipts", "export", "--out", "-"], ["orders", "watch"]],
)
def test_missing_settings_exit_3_everywhere(bare: dict[str, str], args: list[str]) -> None:
    code, _, err = run(bare, *args)
    assert code == 3
    assert "missing settings: client id (CLOPOS_CLIENT_ID)" in err and "clopos profile add" in err
    assert "pass them to the client" not in err and "Traceback" not in err
