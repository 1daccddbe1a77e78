"""The typed failure every check raises, and the helpers that word it consistently."""

from __future__ import annotations

import functools
import json
import re

__all__ = ["MISSING", "ConformanceFailure", "json_path", "render"]

# How a member that is absent altogether is shown after "Received:".
MISSING = "(missing)"

_MAX_RENDERED = 200
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ConformanceFailure(AssertionError):
    """A response broke a contract clause.

    Not a frozen dataclass on purpose: Hypothesis and pytest call ``add_note`` on the
    exception, which a frozen instance refuses.
    """

    def __init__(
        self,
        *,
        clause: str,
        check: str,
        title: str,
        received: str,
        expected: str,
        path: str,
    ) -> None:
        self.clause = clause
        self.check = check
        self.title = title
        self.received = received
        self.expected = expected
        self.path = path
        super().__init__(self._text())

    def _text(self) -> str:
        return (
            f"[{self.clause}] {self.title}\n"
            f"Received: {self.received}\n"
            f"Expected: {self.expected}\n"
            f"At: {self.path}"
        )

    def __str__(self) -> str:
        return self._text()

    def __repr__(self) -> str:
        return f"ConformanceFailure(clause={self.clause!r}, title={self.title!r})"

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only __init__: teach pickle (pytest-xdist, multiprocessing) to rebuild it,
        # keeping any notes in the instance dict.
        rebuild = functools.partial(
            ConformanceFailure,
            clause=self.clause,
            check=self.check,
            title=self.title,
            received=self.received,
            expected=self.expected,
            path=self.path,
        )
        return (rebuild, (), self.__dict__)


def render(value: object) -> str:
    """A received value as compact JSON, so that ``""``, ``null`` and ``"400"`` stay visible."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > _MAX_RENDERED:
        text = text[: _MAX_RENDERED - 1] + "…"
    return text


def json_path(*parts: str | int) -> str:
    """``json_path("data", "accepted", 3)`` -> ``$.data.accepted[3]``."""
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _IDENTIFIER.match(part):
            path += f".{part}"
        else:
            path += f"[{json.dumps(part, ensure_ascii=False)}]"
    return path
