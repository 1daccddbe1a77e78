"""The problem ``code`` -> HTTP status table for C7: the one place it is kept.

Source: docs.contraforce.com/api-reference/errors. The codes for 401, scope-denied 403, 429
and 5xx are not published yet; when they are, add them here (or pass an extended table in
``CheckContext(problem_codes=...)``). A code missing from the table only has to be a
non-empty string.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["DOCUMENTED_PROBLEM_CODES"]

DOCUMENTED_PROBLEM_CODES: Mapping[str, int] = MappingProxyType(
    {
        "VALIDATION_ERROR": 400,
        "BAD_REQUEST": 400,
        "INSUFFICIENT_WORKSPACE_ROLE": 403,
        "NOT_FOUND": 404,
    }
)
