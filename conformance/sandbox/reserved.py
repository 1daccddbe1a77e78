"""The reserved id namespace: ids beginning ``cfct-`` name no real incident, so a request may
carry them whatever follows the prefix, with one exception.

The exception is a suffix that could make a vulnerable server resolve some other incident:
a path separator or a parent step (``/``, ``\\``, ``..``), their percent-encodings (and any
escaped ``%``, which double-encodes them), or a sandbox id inside the suffix. The suffix is
also checked after NFKC normalisation, because a server that normalises Unicode turns a
fullwidth solidus into ``/``.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Collection

__all__ = [
    "FORBIDDEN_SUFFIX_PARTS",
    "RESERVED_PREFIX",
    "is_reserved_id",
    "reserved_id",
    "reserved_id_with",
    "suffix_problem",
]

RESERVED_PREFIX = "cfct-"
LONG_ID = 8
FORBIDDEN_SUFFIX_PARTS = ("/", "\\", "..", "%2f", "%5c", "%2e", "%25")


def suffix_problem(suffix: str, sandbox_ids: Collection[str] = ()) -> str | None:
    """Why ``suffix`` may not follow the reserved prefix, or ``None`` when it may."""
    for form in dict.fromkeys((suffix, unicodedata.normalize("NFKC", suffix))):
        folded = form.casefold()
        for part in FORBIDDEN_SUFFIX_PARTS:
            if part in folded:
                return f"the suffix contains {part!r}, which could resolve another incident"
        for incident_id in sandbox_ids:
            if _contains_token(folded, incident_id.strip().casefold()):
                return f"the suffix contains the sandbox id {incident_id!r}"
    return None


def _contains_token(text: str, token: str) -> bool:
    """Could ``token`` be read out of ``text``?

    A short sandbox id such as ``a-1`` occurs inside the hex of many uuids by chance, so it
    counts only as a token of its own; from 8 characters on any occurrence counts.
    """
    if not token:
        return False
    if len(token) >= LONG_ID:
        return token in text
    return re.search(rf"(?<![^\W_]){re.escape(token)}(?![^\W_])", text) is not None


def is_reserved_id(value: object, sandbox_ids: Collection[str] = ()) -> bool:
    """Does ``value`` begin with the reserved prefix and carry an allowed suffix?

    Leading and trailing whitespace is ignored: a server that trims ids sees the same id.
    """
    if not isinstance(value, str):
        return False
    stripped = value.strip()
    if not stripped.startswith(RESERVED_PREFIX):
        return False
    return suffix_problem(stripped[len(RESERVED_PREFIX) :], sandbox_ids) is None


def reserved_id(bits: int | None = None) -> str:
    """A reserved id shaped like ``cfct-<uuid4>``: random, or made of 128 given bits.

    Given bits make ids that replay (probes derive them from the run's seed, strategies draw
    them, so that examples shrink); version and variant are set as ``uuid4()`` sets them.
    """
    if bits is None:
        return f"{RESERVED_PREFIX}{uuid.uuid4()}"
    return f"{RESERVED_PREFIX}{uuid.UUID(int=bits % (1 << 128), version=4)}"


def reserved_id_with(suffix: str, sandbox_ids: Collection[str] = ()) -> str:
    """``cfct-`` followed by ``suffix``; ``ValueError`` when the suffix is not allowed."""
    problem = suffix_problem(suffix, sandbox_ids)
    if problem is not None:
        raise ValueError(f"not a reserved id suffix: {problem}")
    return RESERVED_PREFIX + suffix
