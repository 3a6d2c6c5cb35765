"""Credentials and the cached tokens they buy."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from ..env import ApiVersion


class Secret(str):
    """A ``str`` whose ``repr`` is masked, so frame locals, reprs and tracebacks never show it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'***'"


def secret(value: str | None) -> Secret | None:
    """``value`` as a :class:`Secret` (``None`` stays ``None``)."""
    return value if value is None or isinstance(value, Secret) else Secret(value)


@dataclass(frozen=True, slots=True)
class Credentials:
    """One credential set. ``repr`` never shows the secret."""

    api_version: ApiVersion
    base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    brand: str
    venue_id: str | None
    integrator_id: str | None
    #: Identifies the set in the token cache (a digest stands in for the secret).
    key: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "client_secret", Secret(self.client_secret))
        digest = hashlib.sha256(self.client_secret.encode()).hexdigest()[:16]
        scope = self.integrator_id if self.api_version == "v2" else self.venue_id
        key = (self.api_version, self.base_url, self.client_id, digest, self.brand, scope or "")
        object.__setattr__(self, "key", key)

    def auth_body(self) -> dict[str, str]:
        body = {"client_id": self.client_id, "client_secret": self.client_secret, "brand": self.brand}
        if self.api_version == "v2":
            body["integrator_id"] = self.integrator_id or ""
        else:
            body["venue_id"] = self.venue_id or ""
        return body


@dataclass(frozen=True, slots=True)
class Token:
    """A token and the monotonic-clock moment from which it should be renewed."""

    value: str = field(repr=False)
    renew_at: float

    @classmethod
    def issued(cls, value: str, expires_in: float | None, expires_at: float | None) -> Token:
        """From ``expires_in`` (seconds) or, on v2, ``expires_at`` (Unix seconds); renewed 10% early, at most 60 s."""
        if expires_at is not None:
            lifetime = expires_at - time.time()
        else:
            lifetime = expires_in if expires_in is not None else 3600.0
        margin = min(60.0, max(lifetime, 0.0) * 0.1)
        return cls(value=Secret(value), renew_at=time.monotonic() + lifetime - margin)

    def fresh(self) -> bool:
        return time.monotonic() < self.renew_at


@dataclass(frozen=True, slots=True)
class SavedToken:
    """A token to keep between processes: ``renew_at`` is the Unix time from which it should be renewed.

    ``value`` is a secret (its ``repr`` is masked): store it as you would the client secret (e.g. mode 0600).
    """

    value: str = field(repr=False)
    renew_at: float

    @classmethod
    def of(cls, token: Token) -> SavedToken:
        return cls(Secret(token.value), time.time() + token.renew_at - time.monotonic())

    def token(self) -> Token:
        return Token(Secret(self.value), time.monotonic() + self.renew_at - time.time())
