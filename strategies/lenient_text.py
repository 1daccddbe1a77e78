"""Request bodies a lenient parser accepts but strict JSON does not (C11).

Newtonsoft.Json, JSON5 readers and hand-rolled parsers accept trailing commas, comments,
single-quoted strings and unquoted member names. The contract asks for a 400 for all of
them, so each is negative data: a valid body rendered with one such deviation.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

from hypothesis import strategies as st

from strategies.violations import Violation, ViolationKind

__all__ = ["DEVIATIONS", "Deviation", "not_strict_json", "render_lenient"]

Deviation = Literal[
    "trailing commas", "a line comment", "a block comment", "single quotes", "unquoted names"
]
DEVIATIONS: tuple[Deviation, ...] = (
    "trailing commas",
    "a line comment",
    "a block comment",
    "single quotes",
    "unquoted names",
)


def _single_quoted(text: str) -> str:
    inner = json.dumps(text, ensure_ascii=False)[1:-1].replace('\\"', '"').replace("'", "\\'")
    return f"'{inner}'"


def _render(value: Any, deviation: Deviation) -> str:
    string: Callable[[str], str] = (
        _single_quoted
        if deviation == "single quotes"
        else lambda t: json.dumps(t, ensure_ascii=False)
    )
    trailing = "," if deviation == "trailing commas" else ""
    if isinstance(value, dict):
        if not value:
            return "{}"
        members = [
            f"{_name(key, deviation, string)}: {_render(member, deviation)}"
            for key, member in value.items()
        ]
        return "{" + ", ".join(members) + trailing + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[" + ", ".join(_render(element, deviation) for element in value) + trailing + "]"
    if isinstance(value, str):
        return string(value)
    return json.dumps(value)


def _name(key: str, deviation: Deviation, string: Callable[[str], str]) -> str:
    if deviation == "unquoted names" and key.isidentifier() and key.isascii():
        return key
    return string(key)


def render_lenient(value: Any, deviation: Deviation) -> str | None:
    """``value`` written with ``deviation``; None when the value leaves no room for it
    (no non-empty container for a trailing comma, no string to quote, no name to unquote)."""
    if deviation == "a line comment":
        return "// cf-conformance\n" + json.dumps(value, ensure_ascii=False)
    if deviation == "a block comment":
        return "/* cf-conformance */ " + json.dumps(value, ensure_ascii=False)
    text = _render(value, deviation)
    strict = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return None if text == strict else text


def not_strict_json(values: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[bytes, Violation]]:
    """Bodies drawn from ``values`` written with one lenient-parser deviation, labelled."""

    @st.composite
    def bodies(draw: st.DrawFn) -> tuple[bytes, Violation]:
        value = draw(values)
        deviation = draw(st.sampled_from(DEVIATIONS))
        text = render_lenient(value, deviation)
        if text is None:
            deviation = "a block comment"
            text = render_lenient(value, deviation)
            assert text is not None
        violation = Violation(ViolationKind.NOT_STRICT_JSON, (), f"the body has {deviation}")
        return text.encode("utf-8"), violation

    return bodies()
