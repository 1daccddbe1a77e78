"""Odd incident ids inside the reserved namespace: how the suite tests id handling safely.

Every id here begins ``cfct-`` and passes the write rule (``conformance.sandbox``), so none
can name a real incident. Around that prefix they are long, non-ASCII, padded with blanks,
or carry control characters or quotes: the shapes that break parsers, column widths and
log lines. A server may refuse such an id with a 400 (the contract sets no length or
alphabet), but it must never answer with a 5xx, hang, or accept it.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from conformance.sandbox import reserved_id, suffix_problem

__all__ = ["ID_SHAPES", "odd_reserved_ids"]

MAX_ID_LENGTH = 4096
_BLANKS = (" ", "\t", "\u00a0", "\u3000")
_CONTROLS = ("\x00", "\x01", "\x08", "\x1b", "\x1f", "\x7f", "\n", "\r")
_QUOTES = ("'", '"', "`", "\u2019", "\u201c")


def _long(base: str) -> st.SearchStrategy[str]:
    return st.integers(65, MAX_ID_LENGTH).map(lambda n: base + "-" + "x" * (n - len(base) - 1))


def _non_ascii(base: str) -> st.SearchStrategy[str]:
    letters = st.characters(min_codepoint=0x80, codec="utf-8")
    # NFKC could turn some of them into "/" or ".", which the write rule refuses.
    text = st.text(letters, min_size=1, max_size=24).filter(lambda s: suffix_problem(s) is None)
    return text.map(lambda suffix: f"{base}-{suffix}")


def _padded(base: str) -> st.SearchStrategy[str]:
    pads = st.text(st.sampled_from(_BLANKS), min_size=1, max_size=3)
    return st.tuples(pads, pads, st.booleans()).map(
        lambda t: f"{t[0]}{base}{t[1]}" if t[2] else f"{base}{t[1]}"
    )


def _controls(base: str) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(_CONTROLS), min_size=1, max_size=3).map(lambda s: base + s)


def _quotes(base: str) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(_QUOTES), min_size=1, max_size=3).map(lambda s: base + s)


ID_SHAPES: dict[str, Callable[[str], st.SearchStrategy[str]]] = {
    "long": _long,
    "non-ASCII": _non_ascii,
    "padded": _padded,
    "control characters": _controls,
    "quotes": _quotes,
}


def odd_reserved_ids() -> st.SearchStrategy[str]:
    """Reserved ids of every odd shape, each built around a drawn ``cfct-<uuid4>``."""
    bases = st.integers(0, 2**128 - 1).map(reserved_id)
    shapes = st.sampled_from(list(ID_SHAPES.values()))
    return st.tuples(bases, shapes).flatmap(lambda t: t[1](t[0]))
