"""The wire format: requestId style, .NET-style UTC timestamps, the envelope and problems."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone

from conformance.reference.responses import (
    new_request_id,
    problem_response,
    render_json,
    success_response,
    utc_timestamp,
)

REQUEST_ID = re.compile(r"0HN[0-9A-V]{10}:[0-9A-F]{8}\Z")


def test_request_ids_share_a_process_prefix_and_count_up() -> None:
    first, second = new_request_id(), new_request_id()
    assert REQUEST_ID.match(first)
    assert REQUEST_ID.match(second)
    assert first.split(":")[0] == second.split(":")[0]
    assert int(second.split(":")[1], 16) == int(first.split(":")[1], 16) + 1


def test_timestamps_have_seven_fractional_digits_and_a_utc_offset() -> None:
    moment = datetime(2026, 4, 15, 22, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert utc_timestamp(moment) == "2026-04-15T20:00:00.1234560+00:00"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00", utc_timestamp())


def test_now_is_utc() -> None:
    stamped = datetime.fromisoformat(utc_timestamp()[:26] + "+00:00")
    assert abs(stamped - datetime.now(UTC)) < timedelta(seconds=5)


def test_render_json_escapes_lone_surrogates_instead_of_failing() -> None:
    assert render_json({"id": "\ud800"}) == b'{"id":"\\ud800"}'


def test_success_envelope_has_data_and_meta() -> None:
    response = success_response({"accepted": []})
    body = json.loads(response.body)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert body["data"] == {"accepted": []}
    assert set(body["meta"]) == {"requestId", "timestamp"}
    assert REQUEST_ID.match(body["meta"]["requestId"])


def test_problem_carries_every_member_and_the_status_phrase() -> None:
    response = problem_response(
        413, "PAYLOAD_TOO_LARGE", "too big", instance="/x", errors={"": ["m"]}
    )
    body = json.loads(response.body)
    assert response.headers["content-type"] == "application/problem+json"
    assert {k: body[k] for k in ("type", "title", "status", "detail", "instance", "code")} == {
        "type": "about:blank",
        "title": "Request Entity Too Large",
        "status": 413,
        "detail": "too big",
        "instance": "/x",
        "code": "PAYLOAD_TOO_LARGE",
    }
    assert body["errors"] == {"": ["m"]}
    assert REQUEST_ID.match(body["requestId"])
    assert body["timestamp"].endswith("+00:00")
