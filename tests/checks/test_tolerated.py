"""The rejections the spec's defects allow (S1, S2, S5, S8): a 400, for those bodies only."""

from __future__ import annotations

import pytest

from conformance.checks import NO_BODY, NotJson, RequestBody, tolerated_rejection


def three_ids() -> list[dict[str, str]]:
    return [{"id": "cfct-1"}, {"id": "cfct-2"}, {"id": "cfct-3"}]


@pytest.mark.parametrize(
    ("body", "max_items", "expected"),
    [
        pytest.param(NO_BODY, None, "S2", id="bodiless"),
        pytest.param({}, None, "S5", id="items-missing"),
        pytest.param({"items": None}, None, "S5", id="items-null"),
        pytest.param({"items": []}, None, "S5", id="items-empty"),
        pytest.param({"items": [{"id": ""}]}, None, "S1", id="empty-id"),
        pytest.param({"items": [{"id": "a"}, {"id": " \t"}]}, None, "S1", id="blank-id"),
        pytest.param({"items": three_ids()}, 2, "S8", id="over-the-cap"),
        pytest.param({"items": three_ids()}, 3, None, id="at-the-cap"),
        pytest.param({"items": three_ids()}, None, None, id="cap-unknown"),
        pytest.param({"items": [{"id": "a"}]}, None, None, id="ordinary"),
        pytest.param({"items": [{"id": " a "}]}, None, None, id="padded-id-is-not-blank"),
        pytest.param({"items": [{"id": None}]}, None, None, id="null-id-is-negative-data"),
        pytest.param({"items": "x"}, None, None, id="items-not-a-list"),
        pytest.param([{"id": "a"}], None, None, id="not-an-object"),
        pytest.param(NotJson(b"{items: []}"), None, None, id="not-json"),
        pytest.param(None, None, None, id="null-body"),
    ],
)
def test_a_400_is_tolerated_for_the_bodies_a_defect_covers(
    body: RequestBody, max_items: int | None, expected: str | None
) -> None:
    assert tolerated_rejection(400, body, max_items=max_items) == expected


@pytest.mark.parametrize("status", [401, 403, 413, 415, 422, 500])
def test_no_other_status_is_tolerated(status: int) -> None:
    for body in (NO_BODY, {}, {"items": [{"id": ""}]}, {"items": three_ids()}):
        assert tolerated_rejection(status, body, max_items=1) is None
