"""The fuzzing phase's reading of schemathesis's verdicts: the rejections the contract allows."""

from __future__ import annotations

import httpx
import pytest
from schemathesis.openapi.checks import RejectedPositiveData

from conformance.checks import NO_BODY, Exchange, Intent, Request, RequestBody
from conformance.openapi import BULK_UPDATE_PATH
from conformance.run.fuzzing import _run_schemathesis_checks

ITEMS = [{"id": "cfct-1"}, {"id": "cfct-2"}, {"id": "cfct-3"}]


class _Case:
    """Stands for a schemathesis case whose ``positive_data_acceptance`` rejects the answer."""

    def validate_response(self, response: object, *, checks: list[object]) -> None:
        raise RejectedPositiveData(
            operation=f"POST {BULK_UPDATE_PATH}",
            message="rejected",
            status_code=400,
            allowed_statuses=["200"],
        )


def _exchange(status: int, body: RequestBody) -> Exchange:
    request = Request("POST", f"http://127.0.0.1:9{BULK_UPDATE_PATH}", {}, body)
    return Exchange(request, httpx.Response(status), Intent())


@pytest.mark.parametrize(
    ("status", "body", "max_items", "waived"),
    [
        pytest.param(400, NO_BODY, None, True, id="S2-bodiless"),
        pytest.param(400, {"items": []}, None, True, id="S5-empty"),
        pytest.param(400, {"items": [{"id": ""}]}, None, True, id="S1-blank-id"),
        pytest.param(400, {"items": ITEMS}, 2, True, id="S8-over-the-cap"),
        pytest.param(400, {"items": ITEMS}, None, False, id="cap-unknown"),
        pytest.param(400, {"items": ITEMS}, 3, False, id="within-the-cap"),
        pytest.param(400, [{"id": "cfct-1"}], None, False, id="not-an-object"),
        pytest.param(422, {"items": []}, None, False, id="S5-but-not-a-400"),
    ],
)
def test_a_rejection_of_valid_data_is_waived_only_where_the_contract_allows_it(
    status: int, body: RequestBody, max_items: int | None, waived: bool
) -> None:
    failures = _run_schemathesis_checks(_Case(), _exchange(status, body), [], max_items=max_items)
    assert [f.check for f in failures] == ([] if waived else ["schemathesis:RejectedPositiveData"])
