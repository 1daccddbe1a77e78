import re
from typing import Any

import pytest

from conformance.openapi.pointer import follow_refs, join, resolve, split

DOCUMENT: dict[str, Any] = {
    "a": {"b": [10, 20], "c": "x"},
    "s~/": 1,
    "components": {
        "schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"type": "string"},
            "Loop": {"$ref": "#/components/schemas/Loop"},
        }
    },
}


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        pytest.param("", DOCUMENT, id="root"),
        pytest.param("/a/b/1", 20, id="list-index"),
        pytest.param("/s~0~1", 1, id="escaped-token"),
    ],
)
def test_resolve(pointer: str, expected: Any) -> None:
    assert resolve(DOCUMENT, pointer) == expected


@pytest.mark.parametrize(
    ("pointer", "message"),
    [
        pytest.param("/a/zz/y", "/a/zz does not exist", id="missing-member"),
        pytest.param("/a/b/2", "/a/b/2 does not exist", id="past-end-of-list"),
        pytest.param("/a/b/-", "/a/b/- does not exist", id="end-of-list-slot"),
        pytest.param("/a/b/-1", "/a/b/-1 does not exist", id="negative-index"),
        pytest.param("/a/b/01", "/a/b/01 does not exist", id="leading-zero"),
        pytest.param("/a/c/0", "/a/c/0 does not exist", id="into-a-string"),
    ],
)
def test_resolve_names_the_first_part_that_leads_nowhere(pointer: str, message: str) -> None:
    with pytest.raises(KeyError) as excinfo:
        resolve(DOCUMENT, pointer)
    assert excinfo.value.args[0] == message


@pytest.mark.parametrize(
    ("pointer", "message"),
    [
        pytest.param(
            "a/b", "not a JSON pointer: 'a/b' (Location must start with /)", id="no-slash"
        ),
        pytest.param("/a~2", "not a JSON pointer: '/a~2' (Found invalid escape ~2)", id="escape"),
    ],
)
def test_split_refuses_what_is_not_a_pointer(pointer: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        split(pointer)


def test_join_escapes_what_split_unescapes() -> None:
    tokens = ["paths", "/api/v2", "~x", 200]
    assert join(*tokens) == "/paths/~1api~1v2/~0x/200"
    assert split(join(*tokens)) == ["paths", "/api/v2", "~x", "200"]


def test_follow_refs_follows_a_chain() -> None:
    assert follow_refs(DOCUMENT, {"$ref": "#/components/schemas/A"}) == {"type": "string"}


@pytest.mark.parametrize(
    "ref",
    [
        pytest.param("#/components/schemas/Z", id="dangling"),
        pytest.param("#/components/schemas/Loop", id="cyclic"),
        pytest.param("other.yaml#/X", id="external"),
        pytest.param("#no-slash", id="not-a-pointer"),
    ],
)
def test_follow_refs_stops_at_a_ref_it_cannot_follow(ref: str) -> None:
    assert follow_refs(DOCUMENT, {"$ref": ref}) == {"$ref": ref}
