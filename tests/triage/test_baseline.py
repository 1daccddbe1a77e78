"""The baseline file: its entries, every way it can be malformed, and writing one."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path

import pytest

from conformance.reports import BaselineEntry, FailureRecord, Finding, Identity
from conformance.triage import TriageInputError, load_baseline, parse_baseline, write_baseline

FINGERPRINT = "0123456789abcdef"
ENTRY = f"""\
[[known]]
fingerprint = "{FINGERPRINT}"
reason = "500 on a null id; the fix ships with 2.4"
reference = "CF-123"
expires = 2030-01-31
"""


def _load(tmp_path: Path, text: str) -> list[BaselineEntry]:
    path = tmp_path / "baseline.toml"
    path.write_text(text, encoding="utf-8")
    return load_baseline(path)


def test_an_entry_is_read_with_its_fields(tmp_path: Path) -> None:
    text = ENTRY + 'summary = "[C15] Server error at HTTP status (probe: x)"\n'
    assert _load(tmp_path, text) == [
        BaselineEntry(
            index=0,
            fingerprint=FINGERPRINT,
            reason="500 on a null id; the fix ships with 2.4",
            reference="CF-123",
            expires=datetime.date(2030, 1, 31),
            summary="[C15] Server error at HTTP status (probe: x)",
        )
    ]


@pytest.mark.parametrize(
    "text",
    [pytest.param("", id="empty"), pytest.param("# only a comment\n", id="comments-only")],
)
def test_a_baseline_without_entries_is_valid(tmp_path: Path, text: str) -> None:
    assert _load(tmp_path, text) == []


def test_a_quoted_date_means_the_same(tmp_path: Path) -> None:
    [entry] = _load(tmp_path, ENTRY.replace("2030-01-31", '"2030-01-31"'))
    assert entry.expires == datetime.date(2030, 1, 31)


@pytest.mark.parametrize(
    ("today", "expired"),
    [
        pytest.param(datetime.date(2030, 1, 30), False, id="the-day-before"),
        pytest.param(datetime.date(2030, 1, 31), True, id="on-the-day"),
        pytest.param(datetime.date(2030, 2, 1), True, id="after"),
    ],
)
def test_an_entry_expires_on_its_date(tmp_path: Path, today: datetime.date, expired: bool) -> None:
    [entry] = _load(tmp_path, ENTRY)
    assert entry.expired(today) is expired


SECOND = ENTRY.replace("CF-123", "CF-124")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "[[known]\n",
            "b.toml: not valid TOML: ",
            id="not-toml",
        ),
        pytest.param(
            "version = 1\n" + ENTRY,
            "b.toml: version: unknown key (remove it; the file holds [[known]] tables only)",
            id="unknown-top-level-key",
        ),
        pytest.param(
            'known = "x"\n',
            "b.toml: known: must be an array of tables (write each entry as [[known]])",
            id="known-not-a-list",
        ),
        pytest.param(
            'known = ["x"]\n',
            "b.toml: known[0]: must be a table (write it as [[known]])",
            id="entry-not-a-table",
        ),
        pytest.param(
            ENTRY.replace("reason =", "reasn ="),
            "b.toml: known[0].reasn: unknown key (remove it; did you mean 'reason'?)",
            id="misspelt-key",
        ),
        pytest.param(
            ENTRY + SECOND.replace('reference = "CF-124"\n', ""),
            "b.toml: known[1].reference: missing (name the issue, e.g. reference = "
            '"https://github.com/org/api/issues/12")',
            id="missing-reference",
        ),
        pytest.param(
            ENTRY.replace("expires = 2030-01-31\n", ""),
            "b.toml: known[0].expires: missing (write a TOML date, e.g. expires = 2026-07-01)",
            id="missing-expires",
        ),
        pytest.param(
            ENTRY.replace('"500 on a null id; the fix ships with 2.4"', '"  "'),
            "b.toml: known[0].reason: must be a non-empty string, got '  ' (say why the failure "
            'is accepted for now, e.g. reason = "fix ships with 2.4")',
            id="blank-reason",
        ),
        pytest.param(
            ENTRY.replace(f'"{FINGERPRINT}"', '"C15-server-error"'),
            "b.toml: known[0].fingerprint: not a fingerprint: 'C15-server-error' (16 lowercase "
            'hex digits) (copy it from a report, e.g. fingerprint = "3f9a0c1d2e4b5a67")',
            id="not-a-fingerprint",
        ),
        pytest.param(
            ENTRY.replace(f'"{FINGERPRINT}"', "123"),
            "b.toml: known[0].fingerprint: must be a non-empty string, got 123 (copy it from a "
            'report, e.g. fingerprint = "3f9a0c1d2e4b5a67")',
            id="fingerprint-not-a-string",
        ),
        pytest.param(
            ENTRY.replace("2030-01-31", '"soon"'),
            "b.toml: known[0].expires: must be a date like 2026-07-01, got 'soon' (write a TOML "
            "date, e.g. expires = 2026-07-01)",
            id="expires-not-a-date",
        ),
        pytest.param(
            ENTRY.replace("2030-01-31", "2030-01-31T10:00:00"),
            "b.toml: known[0].expires: must be a date like 2026-07-01, got "
            "datetime.datetime(2030, 1, 31, 10, 0) (write a TOML date, e.g. expires = "
            "2026-07-01)",
            id="expires-with-a-time",
        ),
        pytest.param(
            ENTRY + "summary = 3\n",
            "b.toml: known[0].summary: must be a non-empty string, got 3 (write a string, e.g. "
            'summary = "[C15] Server error ...")',
            id="summary-not-a-string",
        ),
        pytest.param(
            ENTRY + SECOND,
            f"b.toml: known[1].fingerprint: {FINGERPRINT} is also in known[0] (list each "
            "fingerprint once)",
            id="duplicate-fingerprint",
        ),
    ],
)
def test_a_malformed_baseline_names_the_entry_and_the_field(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "b.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TriageInputError) as raised:
        load_baseline(path)
    assert str(raised.value).replace(str(tmp_path) + "/", "").startswith(message)
    if "not valid TOML" not in message:
        assert str(raised.value).replace(str(tmp_path) + "/", "") == message


def test_a_missing_baseline_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(TriageInputError) as raised:
        load_baseline(tmp_path / "nope.toml")
    assert str(raised.value) == (
        f"{tmp_path / 'nope.toml'}: no such file (pass an existing --baseline FILE (it may be "
        "empty))"
    )


def _finding(title: str, kind: str = "probe: p") -> Finding:
    record = FailureRecord("C15", "c", f"[C15] {title}", "probe: p", {}, {}, "", 1)
    return Finding(Identity("C15", "c", title, "HTTP status"), {kind: 2}, record)


def test_written_entries_load_back_with_what_they_stand_for(tmp_path: Path) -> None:
    path = tmp_path / "out" / "baseline.toml"
    findings = [_finding('Server "error"\\ with\ttabs\x7f'), _finding("Another")]
    added = write_baseline(
        path, [], findings, expires=datetime.date(2030, 6, 1), note="2030-05-01, seed 7"
    )
    assert added == 2
    entries = load_baseline(path)
    assert [(e.name, e.fingerprint, e.expires) for e in entries] == [
        ("known[0]", findings[0].fingerprint, datetime.date(2030, 6, 1)),
        ("known[1]", findings[1].fingerprint, datetime.date(2030, 6, 1)),
    ]
    assert entries[0].summary == ('[C15] Server "error"\\ with\ttabs\x7f at HTTP status')
    assert entries[0].reason == "present when this baseline was written (2030-05-01, seed 7)"
    assert entries[0].reference == "none yet: replace with an issue link or key"
    assert path.read_text(encoding="utf-8").startswith("# Known failures for cf-conformance")


def test_writing_keeps_the_entries_given_and_adds_only_new_fingerprints(tmp_path: Path) -> None:
    known = _finding("Known one")
    kept = parse_baseline(
        tomllib.loads(ENTRY.replace(FINGERPRINT, known.fingerprint)), source="b.toml"
    )
    path = tmp_path / "baseline.toml"
    findings = [known, _finding("New one")]
    added = write_baseline(path, kept, findings, expires=datetime.date(2031, 1, 1), note="n")
    assert added == 1
    entries = load_baseline(path)
    assert entries[0] == kept[0]
    assert (entries[1].name, entries[1].fingerprint) == ("known[1]", findings[1].fingerprint)


def test_writing_gives_entries_of_the_older_recipe_their_fingerprint_now(
    tmp_path: Path,
) -> None:
    """Two entries of version 1 (one per kind of request) cover one finding now: the first
    is kept with today's fingerprint, the second is left out."""
    finding = _finding("Known one")
    by_probe = finding.identity.legacy_fingerprint("probe: a")
    by_property = finding.identity.legacy_fingerprint("property: b")
    older = ENTRY.replace(FINGERPRINT, by_probe) + "\n" + ENTRY.replace(FINGERPRINT, by_property)
    kept = parse_baseline(tomllib.loads(older), source="b.toml")
    path = tmp_path / "baseline.toml"
    translated = {by_probe: finding.fingerprint, by_property: finding.fingerprint}
    added = write_baseline(
        path, kept, [finding], expires=datetime.date(2031, 1, 1), note="n", translated=translated
    )
    assert added == 0
    entries = load_baseline(path)
    assert [(e.name, e.fingerprint, e.reason) for e in entries] == [
        ("known[0]", finding.fingerprint, kept[0].reason)
    ]
