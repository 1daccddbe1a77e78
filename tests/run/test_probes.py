import base64
import json

from conformance.run.credentials import Credential
from conformance.run.probes import plan_probes
from conformance.run.profiles import PROFILES, resize_profile
from conformance.run.target import Limits, Target
from conformance.sandbox import Incident, Sandbox, is_reserved_id

WRITER = Credential("basic", "svc-writer", "the-real-secret-value")
SANDBOX = Sandbox(
    writable=(Incident("INC-1", "w1"), Incident("INC-2", "w2")), foreign=(Incident("INC-9", "w3"),)
)


def _target(**changes: object) -> Target:
    fields: dict[str, object] = {
        "name": "t",
        "base_url": "http://127.0.0.1:1",
        "writer": WRITER,
        "sandbox": SANDBOX,
    }
    fields.update(changes)
    return Target(**fields)  # type: ignore[arg-type]


def test_missing_inputs_are_skipped_with_the_reason() -> None:
    probes, skipped = plan_probes(_target(sandbox=Sandbox(writable=SANDBOX.writable)), seed=1)
    reasons = {entry.name: entry.reason for entry in skipped}
    assert reasons == {
        "auth: credential without incidents:write": (
            "no [auth.no_scope] credential in the target file"
        ),
        "sandbox: foreign incidents": "sandbox.foreign is empty",
        "sandbox: batch above the cap": "limits.max_items is not set (S8)",
    }
    assert all("foreign" not in probe.name for probe in probes)


def test_probes_only_carry_sandbox_or_reserved_ids() -> None:
    probes, _ = plan_probes(_target(limits=Limits(max_items=10)), seed=3)
    for probe in probes:
        try:
            body = json.loads(probe.request.content or b"null")
        except ValueError:
            continue  # the not-JSON probe carries no ids
        items = body.get("items") if isinstance(body, dict) else None
        for item in items if isinstance(items, list) else []:
            value = item.get("id") if isinstance(item, dict) else None
            if isinstance(value, str):
                assert SANDBOX.allows_write_to(value) or is_reserved_id(value), (probe.name, value)


def test_invalid_credentials_never_derive_from_the_real_secret() -> None:
    probes, _ = plan_probes(_target(), seed=1)
    for probe in probes:
        header = probe.request.headers.get("Authorization", "")
        if not probe.name.startswith("auth:") or not header:
            continue
        token = header.partition(" ")[2]
        try:
            decoded = base64.b64decode(token + "=" * (-len(token) % 4)).decode("latin-1")
        except ValueError:
            decoded = ""  # the bad-base64 and truncated probes: nothing to decode
        assert "the-real-secret-value" not in header + decoded, probe.name


def test_probes_are_reproducible_from_the_seed() -> None:
    first, _ = plan_probes(_target(), seed=42)
    again, _ = plan_probes(_target(), seed=42)
    other, _ = plan_probes(_target(), seed=43)
    assert [p.request for p in first] == [p.request for p in again]
    assert [p.request for p in first] != [p.request for p in other]


def test_batch_probes_respect_the_cap() -> None:
    probes, _ = plan_probes(_target(limits=Limits(max_items=10)), seed=1)
    by_name = {p.name: p for p in probes}
    mixed = by_name["sandbox: a batch of 10 mixed ids"]
    assert mixed.intent.body == "valid"
    over = by_name["sandbox: batch of 11, above the cap"]
    assert len(json.loads(over.request.content or b"")["items"]) == 11


def test_a_large_batch_with_an_unknown_cap_vouches_for_nothing() -> None:
    probes, _ = plan_probes(_target(), seed=1)
    mixed = next(p for p in probes if p.name.startswith("sandbox: a batch of"))
    assert mixed.name == "sandbox: a batch of 55 mixed ids"
    assert mixed.intent.body == "unknown"


def test_resize_profile() -> None:
    nightly = PROFILES["nightly"]
    resized = resize_profile(nightly, {"property_examples": 5000}, max_examples=100)
    assert resized.property_examples == 100
    assert resized.invalid_examples == 100
    assert resized.leak_sequences == nightly.leak_sequences
    assert resized.max_write_requests == nightly.max_write_requests
    assert resize_profile(nightly, {"fuzz_examples": 7}).fuzz_examples == 7
