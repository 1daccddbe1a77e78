"""``pattern`` and ``format: int32`` as generators and as predicates.

Patterns are ECMA-262 regexes in the spec but Python ``re`` here. Two differences matter for
generation: ``\\d`` matches any Unicode digit unless ASCII is asked for, and ``$`` also
matches before a final newline. Valid strings therefore satisfy the strict reading (ASCII,
no final newline) and invalid strings fail the lenient one, so both readings agree on them.
"""

from __future__ import annotations

import re
from functools import cache

from hypothesis import strategies as st

from strategies.json_values import texts
from strategies.schema_nodes import INT32_MAX, INT32_MIN

__all__ = [
    "int32_integers",
    "int32_strings",
    "is_int32",
    "matches_pattern",
    "out_of_range_int32",
    "strings_matching",
    "strings_not_matching",
]

_NUMERIC = re.compile(r"-?[0-9]+")


@cache
def _strict(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


def matches_pattern(pattern: str, value: str) -> bool:
    """The strict reading: ASCII classes, and ``$`` never matches before a final newline."""
    if value.endswith("\n") and pattern.endswith("$") and not pattern.endswith("\\$"):
        return False
    return _strict(pattern).search(value) is not None


def strings_matching(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(_strict(pattern)).filter(lambda value: matches_pattern(pattern, value))


def strings_not_matching(pattern: str) -> st.SearchStrategy[str]:
    return texts(max_size=20).filter(lambda value: re.search(pattern, value) is None)


def int32_integers() -> st.SearchStrategy[int]:
    return st.integers(INT32_MIN, INT32_MAX)


def int32_strings() -> st.SearchStrategy[str]:
    """Numeric strings within int32 (S6's string branch); ``str(int)`` is always canonical."""
    return int32_integers().map(str)


def out_of_range_int32() -> st.SearchStrategy[int]:
    return st.integers(max_value=INT32_MIN - 1) | st.integers(min_value=INT32_MAX + 1)


def is_int32(value: object) -> bool:
    """The ``int32`` format check; a non-numeric string is left to ``pattern`` (S6)."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return INT32_MIN <= value <= INT32_MAX
    if isinstance(value, float) and value.is_integer():
        return INT32_MIN <= value <= INT32_MAX
    if isinstance(value, str) and _NUMERIC.fullmatch(value):
        return INT32_MIN <= int(value) <= INT32_MAX
    return True
