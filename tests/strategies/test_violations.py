import pytest

from strategies import Violation, ViolationKind, render_path
from strategies.violations import Location


@pytest.mark.parametrize(
    ("location", "path"),
    [
        pytest.param((), "", id="root"),
        pytest.param(("items",), "items", id="property"),
        pytest.param(("items", 2, "classification"), "items[2].classification", id="nested"),
        pytest.param(("errors", "", 0), 'errors[""][0]', id="empty-key"),
        pytest.param(("errors", "items[0].id"), 'errors["items[0].id"]', id="odd-key"),
        pytest.param((0, "id"), "[0].id", id="root-array"),
    ],
)
def test_paths_render_like_the_errors_map_keys(location: Location, path: str) -> None:
    assert render_path(location) == path


@pytest.mark.parametrize(
    ("violation", "reported_at"),
    [
        pytest.param(
            Violation(ViolationKind.MISSING_REQUIRED, ("items", 0, "id")),
            ("items", 0),
            id="missing",
        ),
        pytest.param(Violation(ViolationKind.UNEXPECTED_PROPERTY, ("x",)), (), id="unexpected"),
        pytest.param(
            Violation(ViolationKind.WRONG_TYPE, ("items", 0, "id")), ("items", 0, "id"), id="type"
        ),
    ],
)
def test_validators_report_some_kinds_on_the_parent(
    violation: Violation, reported_at: Location
) -> None:
    assert violation.reported_at == reported_at


def test_within_prefixes_the_enclosing_location() -> None:
    inner = Violation(ViolationKind.UNKNOWN_ENUM, ("classification",), "'closed' is not a member")
    assert inner.within(2).within("items") == Violation(
        ViolationKind.UNKNOWN_ENUM, ("items", 2, "classification"), "'closed' is not a member"
    )


@pytest.mark.parametrize(
    ("violation", "text"),
    [
        pytest.param(
            Violation(ViolationKind.NULL_NOT_ALLOWED, ("items", 0, "id"), "null where only string"),
            "null_not_allowed at items[0].id: null where only string",
            id="with-detail",
        ),
        pytest.param(Violation(ViolationKind.WRONG_TYPE), "wrong_type at <root>", id="root"),
    ],
)
def test_str_names_kind_path_and_detail(violation: Violation, text: str) -> None:
    assert str(violation) == text
