"""Regression: a foreign incident named with the caller's own workspace was accepted.

The hint names a workspace the caller has a role on, but the incident lives in another one.
The server must answer it as forbidden, never accept it (C20), and the forbidden entry must
name the workspace the request gave (C19).
"""

import pytest


def test_a_foreign_incident_with_the_callers_workspace_is_never_accepted(
    cf_client, cf_sandbox, cf_check
):
    if not cf_sandbox.writable:
        pytest.skip("needs a writable incident in [sandbox]: its workspace is the caller's")
    callers_workspace = cf_sandbox.writable[0].workspace
    foreign = [i for i in cf_sandbox.foreign if i.workspace != callers_workspace]
    if not foreign:
        pytest.skip("needs a foreign incident in [sandbox] outside the caller's workspace")

    exchange = cf_client.bulk_update(
        {"items": [{"id": i.id, "workspace": callers_workspace} for i in foreign]},
        valid=True,
        expected={i.id: "forbidden" for i in foreign},
    )

    cf_check(exchange)
