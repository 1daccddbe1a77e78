"""Plain JSON building blocks shared by the valid and the invalid generators."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from strategies.schema_nodes import JsonType

__all__ = ["json_values", "property_names", "texts", "values_of_type"]


def texts(*, min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy[str]:
    # utf-8 excludes lone surrogates, which no JSON encoder can send.
    return st.text(st.characters(codec="utf-8"), min_size=min_size, max_size=max_size)


def property_names() -> st.SearchStrategy[str]:
    """Short identifier-like keys: paths built from them stay readable (``errors.field``)."""
    return st.from_regex(r"[a-z][a-zA-Z0-9]{0,11}", fullmatch=True)


def json_values() -> st.SearchStrategy[Any]:
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | texts(max_size=20)
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(texts(max_size=10), children, max_size=3)
        ),
        max_leaves=8,
    )


def values_of_type(json_type: JsonType) -> st.SearchStrategy[Any]:
    """Values of exactly ``json_type``: a "number" here is never a whole number."""
    match json_type:
        case "null":
            return st.none()
        case "boolean":
            return st.booleans()
        case "integer":
            return st.integers()
        case "number":
            # JSON Schema counts 5.0 as an integer, so a wrong-type number must have a fraction.
            return st.integers(-(2**53), 2**53).map(lambda i: i + 0.5)
        case "string":
            return texts(max_size=20)
        case "array":
            return st.lists(st.integers() | texts(max_size=5), max_size=3)
        case "object":
            return st.dictionaries(property_names(), st.integers() | texts(max_size=5), max_size=3)
    raise AssertionError(json_type)
