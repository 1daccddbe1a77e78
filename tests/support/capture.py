"""A text stream to hand ``execute(out=...)``: what a run printed, progress lines left out."""

from __future__ import annotations


def clean_lines(text: str) -> list[str]:
    """The lines of ``text`` without the progress lines ("… sent (…)"), which vary in number."""
    return [line for line in text.splitlines() if "sent (" not in line]


class Capture:
    """A text stream for ``execute(out=...)`` that is not a terminal."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    @property
    def text(self) -> str:
        return "\n".join(clean_lines("".join(self.parts)))
