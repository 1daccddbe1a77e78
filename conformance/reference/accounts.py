"""Service accounts and HTTP authentication (C12-C14).

Credentials are generated with ``secrets`` each time a server is built: nothing secret is a
constant in the repository. Secrets are compared in constant time, and an unknown client id
costs the same comparison as a known one, so timing tells nothing about which ids exist.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from conformance.basic_auth import parse_basic
from conformance.reference.store import WORKSPACES

__all__ = [
    "READ_SCOPE",
    "WRITE_SCOPE",
    "WWW_AUTHENTICATE",
    "AuthFailure",
    "Credentials",
    "ServiceAccount",
    "authenticate",
    "generate_credentials",
]

READ_SCOPE = "incidents:read"
WRITE_SCOPE = "incidents:write"
WWW_AUTHENTICATE = 'Basic realm="ContraForce API", Bearer realm="ContraForce API"'


@dataclass(frozen=True)
class ServiceAccount:
    """A credential: Basic ``client_id:secret``, or Bearer ``token``; never shown in a repr."""

    client_id: str
    secret: str = field(repr=False)
    token: str = field(repr=False)
    scopes: frozenset[str]
    workspaces: frozenset[str]


def _account(name: str, scopes: Iterable[str], workspaces: Iterable[str]) -> ServiceAccount:
    return ServiceAccount(
        client_id=f"cf-reference-{name}-{secrets.token_hex(4)}",
        secret=secrets.token_urlsafe(24),
        token=secrets.token_urlsafe(32),
        scopes=frozenset(scopes),
        workspaces=frozenset(workspaces),
    )


def _observer() -> ServiceAccount:
    return _account("observer", (READ_SCOPE,), WORKSPACES)


@dataclass(frozen=True)
class Credentials:
    """The accounts a target file names: ``[auth.writer]``, ``[auth.no_scope]`` and
    ``[auth.observer]``.

    The observer only reads, with a role on every workspace: it sees the incidents foreign to
    the writer, so a client can tell whether a write refused as forbidden was made anyway.
    """

    writer: ServiceAccount
    no_scope: ServiceAccount
    observer: ServiceAccount = field(default_factory=_observer)

    @property
    def accounts(self) -> tuple[ServiceAccount, ...]:
        return (self.writer, self.no_scope, self.observer)


def generate_credentials() -> Credentials:
    """Fresh accounts: the writer has roles on two workspaces, the third is foreign to it."""
    writable = WORKSPACES[:2]
    return Credentials(
        writer=_account("writer", (READ_SCOPE, WRITE_SCOPE), writable),
        no_scope=_account("reader", (READ_SCOPE,), writable),
        observer=_observer(),
    )


class AuthFailure(Exception):
    """Why a request is unauthenticated; the message is safe to show (it never has a secret)."""


# Compared against when the client id is unknown, so both paths take the same time.
_DUMMY_SECRET = secrets.token_bytes(32)


def _basic(parameter: str, accounts: tuple[ServiceAccount, ...]) -> ServiceAccount:
    try:
        client_id, secret = parse_basic(parameter)
    except ValueError as problem:
        raise AuthFailure(f"the Basic credentials {problem}") from None
    if not client_id or not secret:
        raise AuthFailure("the Basic credentials have an empty client id or secret")
    given_id = client_id.encode()
    match = next((a for a in accounts if hmac.compare_digest(a.client_id.encode(), given_id)), None)
    expected = _DUMMY_SECRET if match is None else match.secret.encode()
    secret_matches = hmac.compare_digest(expected, secret.encode())
    if match is None or not secret_matches:
        raise AuthFailure("unknown client id or wrong secret")
    return match


def _bearer(parameter: str, accounts: tuple[ServiceAccount, ...]) -> ServiceAccount:
    token = parameter.strip().encode("utf-8", "surrogatepass")
    if not token:
        raise AuthFailure("the Bearer token is empty")
    # No early exit: every account's token is compared.
    matches = [a for a in accounts if hmac.compare_digest(a.token.encode(), token)]
    if not matches:
        raise AuthFailure("unknown or expired Bearer token")
    return matches[0]


def authenticate(header: str | None, accounts: Iterable[ServiceAccount]) -> ServiceAccount:
    """The account an ``Authorization`` header proves, or ``AuthFailure`` saying why not."""
    if header is None or not header.strip():
        raise AuthFailure("the Authorization header is missing")
    scheme, _, parameter = header.strip().partition(" ")
    known = tuple(accounts)
    if scheme.lower() == "basic":
        return _basic(parameter, known)
    if scheme.lower() == "bearer":
        return _bearer(parameter, known)
    raise AuthFailure(f"unsupported authentication scheme {scheme[:20]!r} (use Basic or Bearer)")
