"""Authentication (C12-C14): the header parser, then the whole matrix over HTTP."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx
import pytest
from support.reference_requests import PROBLEM, W1, W2, W3, post_bulk

from conformance.basic_auth import basic_authorization
from conformance.reference import Credentials, generate_credentials
from conformance.reference.accounts import (
    READ_SCOPE,
    WRITE_SCOPE,
    WWW_AUTHENTICATE,
    AuthFailure,
    authenticate,
)


def test_generated_credentials_are_fresh_and_hide_their_secrets() -> None:
    first, second = generate_credentials(), generate_credentials()
    assert first.writer.secret != second.writer.secret
    assert first.writer.client_id != second.writer.client_id
    assert first.writer.token != first.writer.secret
    assert first.writer.secret not in repr(first)
    assert first.writer.token not in repr(first)


def test_writer_has_two_workspaces_and_no_scope_lacks_write() -> None:
    credentials = generate_credentials()
    assert credentials.writer.scopes == {READ_SCOPE, WRITE_SCOPE}
    assert credentials.writer.workspaces == {W1, W2}
    assert W3 not in credentials.writer.workspaces
    assert WRITE_SCOPE not in credentials.no_scope.scopes


def test_the_observer_only_reads_and_sees_every_workspace() -> None:
    credentials = generate_credentials()
    assert credentials.observer.scopes == {READ_SCOPE}
    assert credentials.observer.workspaces == {W1, W2, W3}
    assert credentials.accounts[-1] is credentials.observer
    assert credentials.observer.secret not in repr(credentials)


def test_credentials_named_without_an_observer_get_a_fresh_one() -> None:
    generated = generate_credentials()
    named = Credentials(writer=generated.writer, no_scope=generated.no_scope)
    assert named.observer.workspaces == {W1, W2, W3}
    assert named.observer.client_id != generated.observer.client_id


# Each case builds an Authorization header (or None) from the credentials.
Header = Callable[[Credentials], str | None]

UNAUTHENTICATED: list[tuple[str, Header, str]] = [
    ("missing", lambda c: None, "the Authorization header is missing"),
    ("blank", lambda c: "   ", "the Authorization header is missing"),
    (
        "wrong-scheme",
        lambda c: "Digest " + basic_authorization(c.writer.client_id, c.writer.secret)[6:],
        "unsupported authentication scheme 'Digest' (use Basic or Bearer)",
    ),
    (
        "bad-base64",
        lambda c: "Basic not*base64!",
        "the Basic credentials are not valid base64 of UTF-8 text",
    ),
    (
        "not-utf8",
        lambda c: "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(),
        "the Basic credentials are not valid base64 of UTF-8 text",
    ),
    (
        "no-colon",
        lambda c: "Basic " + base64.b64encode(c.writer.client_id.encode()).decode(),
        "the Basic credentials must have the form clientId:clientSecret",
    ),
    (
        "unknown-client",
        lambda c: basic_authorization("someone-else", c.writer.secret),
        "unknown client id or wrong secret",
    ),
    (
        "wrong-secret",
        lambda c: basic_authorization(c.writer.client_id, c.writer.secret + "x"),
        "unknown client id or wrong secret",
    ),
    (
        "other-accounts-secret",
        lambda c: basic_authorization(c.writer.client_id, c.no_scope.secret),
        "unknown client id or wrong secret",
    ),
    (
        "empty-secret",
        lambda c: basic_authorization(c.writer.client_id, ""),
        "the Basic credentials have an empty client id or secret",
    ),
    (
        "empty-client-id",
        lambda c: basic_authorization("", c.writer.secret),
        "the Basic credentials have an empty client id or secret",
    ),
    (
        "truncated",
        lambda c: basic_authorization(c.writer.client_id, c.writer.secret)[:-3],
        "the Basic credentials are not valid base64 of UTF-8 text",
    ),
    (
        "truncated-to-a-block",
        lambda c: basic_authorization(c.writer.client_id, c.writer.secret)[:22],
        "the Basic credentials must have the form clientId:clientSecret",
    ),
    (
        "scheme-only",
        lambda c: "Basic",
        "the Basic credentials must have the form clientId:clientSecret",
    ),
    ("bearer-empty", lambda c: "Bearer ", "the Bearer token is empty"),
    ("bearer-wrong", lambda c: "Bearer " + c.writer.secret, "unknown or expired Bearer token"),
    ("bearer-non-ascii", lambda c: "Bearer t\u00f6ken", "unknown or expired Bearer token"),
]


@pytest.mark.parametrize(
    ("make_header", "reason"),
    [pytest.param(header, reason, id=name) for name, header, reason in UNAUTHENTICATED],
)
def test_authenticate_refuses_with_a_reason(make_header: Header, reason: str) -> None:
    credentials = generate_credentials()
    with pytest.raises(AuthFailure) as failure:
        authenticate(make_header(credentials), credentials.accounts)
    assert str(failure.value) == reason


@pytest.mark.parametrize("scheme", ["Basic", "basic", "BASIC"])
def test_basic_scheme_is_case_insensitive(scheme: str) -> None:
    credentials = generate_credentials()
    header = (
        scheme + basic_authorization(credentials.writer.client_id, credentials.writer.secret)[5:]
    )
    assert authenticate(header, credentials.accounts) is credentials.writer


def test_bearer_token_identifies_its_account() -> None:
    credentials = generate_credentials()
    header = f"Bearer {credentials.no_scope.token}"
    assert authenticate(header, credentials.accounts) is credentials.no_scope


@pytest.mark.parametrize(
    "make_header",
    [pytest.param(header, id=name) for name, header, _ in UNAUTHENTICATED],
)
@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"items": []}, id="valid-body"),
        pytest.param({"items": [{"status": "Bogus"}]}, id="invalid-body"),
        pytest.param(b"{not json", id="unparseable-body"),
    ],
)
def test_unauthenticated_requests_get_401_before_the_body_is_read(
    client: httpx.Client,
    credentials: Credentials,
    make_header: Header,
    body: object,
) -> None:
    header = make_header(credentials)
    headers: dict[str, str | bytes] = {"Content-Type": "application/json"}
    if header is not None:
        headers["Authorization"] = header.encode()  # raw UTF-8, as a careless client sends it
    if isinstance(body, bytes):
        response = post_bulk(client, content=body, headers=headers)
    else:
        response = post_bulk(client, body, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"] == WWW_AUTHENTICATE
    problem = response.json()
    assert (problem["status"], problem["code"]) == (401, "UNAUTHORIZED")


def test_oversized_body_without_credentials_is_401_not_413(client: httpx.Client) -> None:
    response = post_bulk(client, content=b" " * (2 * 1024 * 1024))
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [pytest.param({"items": []}, id="valid"), pytest.param([], id="invalid")],
)
def test_credential_without_write_scope_gets_403(
    client: httpx.Client, no_scope: dict[str, str], body: object
) -> None:
    response = post_bulk(client, body, headers=no_scope)
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    assert "www-authenticate" not in response.headers
    assert (response.json()["status"], response.json()["code"]) == (403, "INSUFFICIENT_SCOPE")


@pytest.mark.parametrize("scheme", ["basic", "bearer"])
def test_writer_is_let_in_with_either_scheme(
    client: httpx.Client, credentials: Credentials, scheme: str
) -> None:
    writer = credentials.writer
    header = (
        basic_authorization(writer.client_id, writer.secret)
        if scheme == "basic"
        else f"Bearer {writer.token}"
    )
    response = post_bulk(client, {"items": []}, headers={"Authorization": header})
    assert response.status_code == 200
