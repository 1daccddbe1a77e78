"""HTTP Basic credentials (RFC 7617), built and read in one place.

ContraForce v2 service accounts send ``Basic base64(clientId:clientSecret)``. The run layer
builds such headers for the target, the reference API reads them, and its faults rewrite
them; all of them go through these two functions.
"""

from __future__ import annotations

import base64
import binascii

__all__ = ["BasicCredentials", "basic_authorization", "parse_basic"]

BasicCredentials = tuple[str, str]


def basic_authorization(client_id: str, secret: str) -> str:
    """The ``Authorization`` header value for ``client_id`` and ``secret``."""
    token = base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")
    return f"Basic {token}"


def parse_basic(parameter: str) -> BasicCredentials:
    """``(client id, secret)`` from the part after ``Basic``.

    ``ValueError`` says what is wrong, never quoting the parameter (it may hold a secret).
    """
    try:
        decoded = base64.b64decode(parameter.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise ValueError("are not valid base64 of UTF-8 text") from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise ValueError("must have the form clientId:clientSecret")
    return client_id, secret
