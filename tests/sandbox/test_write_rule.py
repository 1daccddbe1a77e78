"""The write rule at the send point: every allowed id shape passes, anything else is refused,
however leniently a server might read the body."""

from __future__ import annotations

import json

import json5
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.sandbox import (
    Incident,
    Sandbox,
    UnsafeWriteError,
    check_write_rule,
    reserved_id,
    unsafe_ids,
    write_rule,
)
from strategies.lenient_text import DEVIATIONS, render_lenient

SANDBOX = Sandbox(writable=(Incident("INC-1001", "w1"),), foreign=(Incident("INC-2001", "w3"),))
RESERVED = "cfct-3f2504e0-4f89-41d3-9a0c-0305e82c3301"

ALLOWED_IDS = [
    pytest.param("INC-1001", id="writable"),
    pytest.param("INC-2001", id="foreign"),
    pytest.param(RESERVED, id="reserved-uuid4"),
    pytest.param(reserved_id(), id="reserved-random"),
    pytest.param("cfct-not-a-uuid", id="reserved-any-text"),
    pytest.param("cfct-" + "x" * 4096, id="reserved-overlong"),
    pytest.param("cfct-инцидент-事件-🚨", id="reserved-unicode"),
    pytest.param("cfct-padded   ", id="reserved-trailing-blanks"),
    pytest.param("  cfct-padded", id="reserved-leading-blanks"),
    pytest.param("cfct-\x00\x1f\x7f", id="reserved-control-characters"),
    pytest.param("cfct-'\"`", id="reserved-quotes"),
    pytest.param("cfct-", id="reserved-empty-suffix"),
    pytest.param("", id="empty-names-nothing"),
    pytest.param(" \t\n", id="blank-names-nothing"),
    pytest.param(None, id="null"),
    pytest.param(True, id="boolean"),
    pytest.param([RESERVED], id="list-of-allowed"),
]

REFUSED_IDS = [
    pytest.param("INC-1002", id="real-looking"),
    pytest.param(" INC-1001", id="padded-sandbox-id"),
    pytest.param("inc-1001", id="sandbox-id-other-case"),
    pytest.param("CFCT-x", id="prefix-other-case"),
    pytest.param("xcfct-1", id="prefix-not-at-start"),
    pytest.param("cfct-a/../INC-7", id="slash"),
    pytest.param("cfct-a\\INC-7", id="backslash"),
    pytest.param("cfct-..", id="parent-step"),
    pytest.param("cfct-%2F", id="encoded-slash"),
    pytest.param("cfct-%5c", id="encoded-backslash"),
    pytest.param("cfct-%2e%2e", id="encoded-dots"),
    pytest.param("cfct-%252f", id="double-encoded"),
    pytest.param("cfct-\uff0fINC-7", id="fullwidth-solidus-normalises-to-slash"),
    pytest.param("cfct-xINC-1001", id="sandbox-id-inside"),
    pytest.param("cfct-xinc-2001", id="sandbox-id-inside-other-case"),
    pytest.param(123, id="number"),
    pytest.param(1.5, id="float"),
    pytest.param(["INC-7"], id="list-holding-a-real-looking-id"),
    pytest.param([123], id="list-holding-a-number"),
]


def _body(incident_id: object) -> bytes:
    return json.dumps({"items": [{"id": incident_id}]}, ensure_ascii=False).encode()


@pytest.mark.parametrize("incident_id", ALLOWED_IDS)
def test_allowed_ids_pass(incident_id: object) -> None:
    check_write_rule(SANDBOX, _body(incident_id))


@pytest.mark.parametrize("incident_id", REFUSED_IDS)
def test_other_ids_are_refused(incident_id: object) -> None:
    innermost = incident_id[0] if isinstance(incident_id, list) else incident_id
    assert [value for _, value in unsafe_ids(SANDBOX, _body(incident_id))] == [innermost]
    with pytest.raises(UnsafeWriteError, match=r"^refusing to send id "):
        check_write_rule(SANDBOX, _body(incident_id))


def test_refusal_message() -> None:
    with pytest.raises(UnsafeWriteError) as excinfo:
        check_write_rule(SANDBOX, _body("INC-7"))
    assert str(excinfo.value) == (
        "refusing to send id 'INC-7': only writable and foreign ids from the target file's "
        "[sandbox] and reserved ids (beginning cfct-, with no /, \\, .., their "
        "percent-encodings or a sandbox id after it) may be sent"
    )


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b'{"items": [{"ID": "INC-7"}]}', id="name-in-another-case"),
        pytest.param(b'{"Items": [{" id ": "INC-7"}]}', id="padded-name"),
        pytest.param(b'{"items": [{"id": "cfct-1", "id": "INC-7"}]}', id="duplicate-key-last"),
        pytest.param(b'{"items": [{"id": "INC-7", "id": "cfct-1"}]}', id="duplicate-key-first"),
        pytest.param(b'[{"id": "INC-7"}]', id="top-level-array"),
        pytest.param(b'{"items": ["INC-7"]}', id="bare-string-item"),
        pytest.param(b'{"items": [{"id": {"id": "INC-7"}}]}', id="nested-id-member"),
        pytest.param(b'{"items": [{"id": "INC-7",},]}', id="trailing-commas"),
        pytest.param(b"{'items': [{'id': 'INC-7'}]}", id="single-quotes"),
        pytest.param(b'{items: [{id: "INC-7"}]} // note', id="unquoted-names-and-comment"),
        pytest.param(b'{"items": [/* c */ {"id": "INC-7"}]}', id="block-comment"),
        pytest.param(b'{"items": [{"id": "INC-7"}', id="truncated"),
        pytest.param(b'{"items": [{"comment": "x" "id": "INC-7"}]}', id="missing-comma"),
        pytest.param(b"garbage 'INC-7' garbage", id="quoted-string-in-garbage"),
    ],
)
def test_bodies_are_read_as_leniently_as_a_server_might(content: bytes) -> None:
    assert [value for _, value in unsafe_ids(SANDBOX, content)] == ["INC-7"]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(None, id="no-body"),
        pytest.param(b"", id="empty-body"),
        pytest.param(b"not json", id="unquoted-garbage"),
        pytest.param(b"{not json", id="broken-object"),
        pytest.param(b'{"items": [', id="truncated-without-values"),
        pytest.param(b"[1, 2]", id="array-of-numbers-with-no-id"),
        pytest.param(b'{"items": "INC-7"}', id="items-a-string"),
        pytest.param(b"\xff\xfe", id="not-utf8"),
        pytest.param(
            b'{"items": [{"id": "cfct-1", "status": "Closed", "comment": "INC-7"',
            id="truncated-with-non-id-members",
        ),
        pytest.param(b'{"items": [{"id": "cfct-1", "status": 2,}]}', id="lenient-with-number"),
        pytest.param(b'{"items": [{"id": "cfct-1", "comment": "INC-7"}]}', id="id-in-a-comment"),
        pytest.param(b'{"items": [{"id": "cfct-1", "user": {"id": "u-7"}}]}', id="a-user-id"),
        pytest.param(b'{"items": [{"id": "cfct-1", "user": {"id": "u-7"},}]}', id="user-id-json5"),
    ],
)
def test_bodies_without_refused_ids_pass(content: bytes | None) -> None:
    assert list(unsafe_ids(SANDBOX, content)) == []


# -- the quick reading of a body that is not strict JSON ------------------------------------------

_NAMES = st.sampled_from(
    ["id", "ID", " id ", "items", "comment", "status", "a b", "it's", 'q"', "x"]
)
_STRINGS = st.one_of(
    st.sampled_from(["INC-1001", "INC-7", RESERVED, "", "//", "/* x */", "a'b", 'a"b', "\\", "\n"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8),
)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _STRINGS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_NAMES, inner, max_size=3),
    max_leaves=8,
)
_SOUP = st.lists(
    st.sampled_from(
        [
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            " ",
            "\n",
            "'id'",
            '"id"',
            "id",
            "'INC-7'",
            '"x"',
            "1",
            "0x1F",
            ".5",
            "+1",
            "Infinity",
            "NaN",
            "null",
            "true",
            "// c\n",
            "/* c */",
            "\\",
            "'a\\'b'",
            '"\\x41"',
            "\u00a0",
            "\u2028",
        ]
    ),
    max_size=12,
).map("".join)


def _read_as_json5(text: str) -> object:
    try:
        return repr(json5.loads(text, object_pairs_hook=write_rule._Members))
    except (ValueError, RecursionError):
        return "unreadable"


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.builds(render_lenient, _VALUES, st.sampled_from(DEVIATIONS)).filter(bool),
        _SOUP,
    )
)
def test_the_quick_reading_of_lenient_text_agrees_with_the_json5_reader(text: str) -> None:
    try:
        quick = json.loads(write_rule._as_strict_json(text), object_pairs_hook=write_rule._Members)
    except (ValueError, RecursionError):
        return  # left to the JSON5 reader
    assert repr(quick) == _read_as_json5(text)


@pytest.mark.parametrize(
    ("text", "quick"),
    [
        pytest.param("{'id': 'a\"b', \"x\": 'it\\'s',}", True, id="quotes-and-trailing-comma"),
        pytest.param("{id: 1, ID: 2} // done", True, id="unquoted-names-and-comment"),
        pytest.param(
            "{'a': '// not a comment /* nor this */'}", True, id="comment-marks-in-a-string"
        ),
        pytest.param("{,}", False, id="a-comma-with-nothing-before-it"),
        pytest.param("[1,,]", False, id="two-trailing-commas"),
        pytest.param("{'a': '\\x41'}", False, id="a-json5-only-escape"),
        pytest.param("{a: 0x1F}", False, id="a-hex-number"),
        pytest.param("{\u00a0'a': 1}", False, id="other-whitespace"),
    ],
)
def test_what_the_quick_reading_leaves_to_the_json5_reader(text: str, quick: bool) -> None:
    try:
        json.loads(write_rule._as_strict_json(text))
    except ValueError:
        read_quickly = False
    else:
        read_quickly = True
    assert read_quickly is quick
