"""Is each configured credential accepted? Asked before the first probe, and again whenever the
target answers 401 to a request sent with one of them.

A refused credential is a fault of the set-up, not of the server: a mistyped secret, or one
rotated while a nightly run goes. Left alone it would show as a cascade of findings (C11 "not
answered with 400", C20 "writable incident rejected"...), each blaming the server for answering
401, which is right. So the run asks the target directly, with a request that changes nothing:
a POST of an empty batch (``{"items": []}``) to the operation's path.

- The writer may get 200 (no items) or 400 (S5 lets a server refuse an empty batch): either
  answer shows that authentication passed. 401 means the credential is refused.
- ``auth.no_scope`` may not write, so 403 is the expected answer; 401 again means refused.
- Any other answer (429, 5xx...) says nothing about the credential; the run goes on and the
  checks judge what the server does.

Before the first probe, a refused credential ends the run with exit 2, naming the credential,
its environment variables and the likely fix (``CredentialRefused``). During the run, only a
401 to a request that carried a configured credential, exactly as configured, is a reason to
ask again (the C12 probes send wrong credentials on purpose: they never match). If the check
then says the credential is refused, the run stops (``CredentialRevoked``) before that exchange
is judged, so the failures it would cause are not charged to the server; the report is partial.
If the credential is still accepted, the 401 was the server's own doing and is judged as usual.

Each check is one request: counted among the run's requests and, as a POST, against the write
budget. Checks take turns, and once a credential is found refused every later check of it ends
the same way at once.
"""

from __future__ import annotations

import json
import threading

from conformance.openapi import BULK_UPDATE_PATH
from conformance.run.client import NoAnswer, PlannedRequest, StillThrottled, TargetClient
from conformance.run.credentials import Credential
from conformance.run.preconditions import UsageError

__all__ = [
    "EMPTY_BATCH",
    "CredentialRefused",
    "CredentialRevoked",
    "CredentialWatch",
    "check_request",
    "refusal_message",
]

EMPTY_BATCH = json.dumps({"items": []}).encode("utf-8")
REFUSED = 401


class CredentialRefused(UsageError):
    """A configured credential the target refuses before the run starts (exit 2)."""


class CredentialRevoked(Exception):
    """A configured credential the target started refusing during the run (exit 2, with a
    partial report)."""

    def __init__(self, credential: Credential, message: str) -> None:
        super().__init__(message)
        self.credential = credential


def check_request(credential: Credential) -> PlannedRequest:
    """The request that asks whether ``credential`` is accepted; it changes nothing."""
    headers = {
        "Authorization": credential.authorization(),
        "Content-Type": "application/json",
        "Accept": "application/json, application/problem+json",
    }
    return PlannedRequest("POST", BULK_UPDATE_PATH, headers, EMPTY_BATCH)


def refusal_message(credential: Credential, *, when: str) -> str:
    """What a person needs to fix a refused credential; never its values."""
    name = credential.name or f"the {credential.scheme} credential"
    if credential.variables:
        variables = " and ".join(credential.variables)
        fix = (
            f"check {variables}: a mistyped secret, or one rotated since it was set, is the "
            "usual cause; export the current values and run again"
        )
    else:
        fix = "check the credential the run was given"
    return (
        f"{name}: the target refused this credential {when} (HTTP {REFUSED} to an empty batch, "
        f"a request that changes nothing) ({fix})"
    )


class CredentialWatch:
    """Checks the configured credentials at preflight and after a 401 to one of them."""

    def __init__(self, client: TargetClient, credentials: tuple[Credential, ...]) -> None:
        self._client = client
        self._by_header = {credential.authorization(): credential for credential in credentials}
        self._turn = threading.Lock()
        self._revoked: tuple[Credential, str] | None = None

    def preflight(self) -> None:
        """Before the first probe: raise ``CredentialRefused`` for a refused credential."""
        for credential in self._by_header.values():
            if self._refused(credential):
                raise CredentialRefused(
                    refusal_message(credential, when="at preflight") + "; no probe was sent"
                )

    def after(self, planned: PlannedRequest, status: int) -> None:
        """After an answer: if it is a 401 to a configured credential and the credential is now
        refused, raise ``CredentialRevoked``."""
        if status != REFUSED:
            return
        credential = self._by_header.get(_authorization(planned))
        if credential is None:
            return  # not a configured credential: a probe of authentication, judged as usual
        with self._turn:
            if self._revoked is None and self._refused(credential):
                message = refusal_message(credential, when="during the run")
                self._revoked = (
                    credential,
                    f"{message}; the run stopped there, and the answers to it were not judged",
                )
            if self._revoked is not None:
                raise CredentialRevoked(*self._revoked)

    def _refused(self, credential: Credential) -> bool:
        try:
            response = self._client.send(check_request(credential))
        except (StillThrottled, NoAnswer):
            return False  # throttled, or no answer: that says nothing about the credential
        return response.status_code == REFUSED


def _authorization(planned: PlannedRequest) -> str:
    for name, value in planned.headers.items():
        if name.lower() == "authorization":
            return value
    return ""
