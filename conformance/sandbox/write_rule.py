"""The write rule, read the way the most lenient server might read a request body.

A request may carry only ids the sandbox allows (``Sandbox.allows_write_to``): a writable or
foreign sandbox incident, a reserved ``cfct-`` id, or a blank string, which names nothing.
The run layer applies ``check_write_rule`` to every request where it is sent; nothing else
gates ids, so the rule lives here once.

Where ids are looked for:

- every member named ``id`` in any case (binders such as ASP.NET's match names without
  case) of the body and of each item, every time it occurs (a server may keep the first
  duplicate key or the last);
- every string element of a list named ``items``, and of a top-level list (a lenient
  binder might take a bare string for an item's id).

Such a value must be an allowed id string, null or a boolean (neither names anything), or a
list of those (some binders unwrap a one-element list). Numbers are refused, because a
lenient binder turns ``123`` into the id ``"123"``. An object is searched for id members of
its own.

A body that is not strict JSON is read as JSON5 (comments, trailing commas, single quotes,
unquoted names), since lenient servers accept those. Those four deviations are first rewritten
as strict JSON for the quick reader, since the JSON5 reader takes a tenth of a second on a
long body; whatever the rewrite does not cover is left to the JSON5 reader. A body that
cannot be read even so is scanned for quoted strings: each one that is not a member name, and
does not follow a member name the request schema gives to something other than an id, must
be an allowed id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import json5

from conformance.sandbox.incidents import Sandbox
from conformance.sandbox.reserved import RESERVED_PREFIX

__all__ = ["UnsafeWriteError", "check_write_rule", "unsafe_ids"]

# Members of an item that are never read as an incident id: their values may be anything.
NON_ID_MEMBERS = frozenset(
    {
        "workspace",
        "status",
        "severity",
        "classification",
        "classificationreason",
        "comment",
        "assignee",
        "removeassignee",
        "incidentsource",
        "user",
        "displayname",
        "email",
        "items",
    }
)
_QUOTED = re.compile(
    r"""(?P<quote>["'])(?P<text>(?:\\.|(?!(?P=quote)).)*)(?P=quote)(?P<after>\s*:)?""", re.S
)
_NAME_BEFORE = re.compile(r"""["']?(?P<name>[A-Za-z_$][\w$]*)["']?\s*:\s*$""")


class UnsafeWriteError(RuntimeError):
    """A request would carry an id the write rule does not allow; it was not sent."""


def check_write_rule(sandbox: Sandbox, content: bytes | None) -> None:
    """Raise ``UnsafeWriteError`` naming the first id the rule refuses in ``content``."""
    for where, value in unsafe_ids(sandbox, content):
        raise UnsafeWriteError(
            f"refusing to send {where} {value!r}: only writable and foreign ids from the target "
            f"file's [sandbox] and reserved ids (beginning {RESERVED_PREFIX}, with no /, \\, .., "
            "their percent-encodings or a sandbox id after it) may be sent"
        )


def unsafe_ids(sandbox: Sandbox, content: bytes | None) -> Iterator[tuple[str, object]]:
    """Each (where, value) in ``content`` that could name an incident the rule refuses."""
    if not content:
        return
    text = content.decode("utf-8", "replace")
    body = _read(content, text)
    if body is _UNREADABLE:
        yield from _unsafe_quoted(sandbox, text)
        return
    for value in _id_values(body, top=True):
        for refused in _refused(sandbox, value):
            yield "id", refused


_UNREADABLE = object()


class _Members(list[tuple[str, Any]]):
    """A JSON object read as its (name, value) pairs, duplicates kept."""


def _read(content: bytes, text: str) -> Any:
    try:
        return json.loads(content, object_pairs_hook=_Members)
    except (ValueError, UnicodeDecodeError):
        pass
    try:
        return json.loads(_as_strict_json(text), object_pairs_hook=_Members)
    except (ValueError, RecursionError):
        pass
    try:
        return json5.loads(text, object_pairs_hook=_Members)
    except (ValueError, RecursionError):
        return _UNREADABLE


_JSON5_TOKEN = re.compile(
    r"""
      (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<comment>//[^\n\r\u2028\u2029]*|/\*.*?\*/)
    | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
    | (?P<space>[ \t\n\r]+)
    | (?P<other>.)
    """,
    re.S | re.X,
)
_OPENERS = frozenset("{[,:")


def _as_strict_json(text: str) -> str:
    """The usual JSON5 deviations rewritten as strict JSON, for the quick ``json`` reader.

    Comments go, single-quoted strings and unquoted member names get double quotes, and a
    trailing comma after a value goes. Everything else is left as it is, so whatever strict
    JSON does not accept (JSON5-only escapes or numbers, other whitespace, a stray comma)
    still fails to parse, and the JSON5 reader decides: where this text parses, it reads as
    the JSON5 reader reads the original, only some hundred times quicker on a long body.
    """
    tokens = [(m.lastgroup, m.group()) for m in _JSON5_TOKEN.finditer(text)]
    significant = [i for i, (kind, _) in enumerate(tokens) if kind not in ("space", "comment")]
    position = {index: rank for rank, index in enumerate(significant)}
    out = []
    for index, (kind, token) in enumerate(tokens):
        if kind == "comment":
            out.append(" ")
            continue
        before = after = ""
        rank = position.get(index)
        if rank is not None:
            before = tokens[significant[rank - 1]][1] if rank else ""
            after = tokens[significant[rank + 1]][1] if rank + 1 < len(significant) else ""
        if kind == "string" and token[0] == "'":
            out.append(_double_quoted(token[1:-1]))
        elif kind == "name" and after == ":":
            out.append(f'"{token}"')
        elif token == "," and after in ("}", "]") and before not in _OPENERS:
            continue
        else:
            out.append(token)
    return "".join(out)


def _double_quoted(inner: str) -> str:
    """A single-quoted JSON5 string's content, double-quoted; other escapes are kept as they are."""
    parts = re.split(r"(\\.)", inner, flags=re.S)
    converted = (
        ("'" if part == "\\'" else part) if part.startswith("\\") else part.replace('"', '\\"')
        for part in parts
    )
    return '"' + "".join(converted) + '"'


def _id_values(value: Any, *, top: bool = False) -> Iterator[Any]:
    """Every value that a lenient server could read as an incident id.

    Only where an item can stand: the body itself, the elements of ``items`` and of a
    top-level list. Other members (``user`` holds a user's ``id``) name no incident.
    """
    if isinstance(value, _Members):
        for name, member in value:
            key = name.strip().casefold()
            if key == "id":
                yield member
            elif key == "items" and isinstance(member, list) and not isinstance(member, _Members):
                yield from _items(member)
    elif isinstance(value, list) and top:
        yield from _items(value)


def _items(elements: list[Any]) -> Iterator[Any]:
    for element in elements:
        if isinstance(element, _Members):
            yield from _id_values(element)
        elif isinstance(element, str):
            yield element  # a string could be bound as an item's id; nothing else could


def _refused(sandbox: Sandbox, value: Any) -> Iterator[Any]:
    """The parts of an id value the rule refuses."""
    if isinstance(value, _Members):
        # No binder makes an id of an object, but it may hold id members of its own.
        for inner in _id_values(value):
            yield from _refused(sandbox, inner)
    elif isinstance(value, list):
        # Some binders unwrap a one-element list into its value.
        for element in value:
            yield from _refused(sandbox, element)
    elif isinstance(value, str):
        if not sandbox.allows_write_to(value):
            yield value
    elif value is not None and not isinstance(value, bool):
        yield value  # a number: a lenient binder would make an id of it


def _unsafe_quoted(sandbox: Sandbox, text: str) -> Iterator[tuple[str, object]]:
    for match in _QUOTED.finditer(text):
        if match.group("after"):
            continue  # a member name
        before = _NAME_BEFORE.search(text, max(0, match.start() - 100), match.start())
        if before and before.group("name").casefold() in NON_ID_MEMBERS:
            continue
        value = match.group("text")
        if not sandbox.allows_write_to(value):
            yield "quoted string in a body that is not JSON", value
