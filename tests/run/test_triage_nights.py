"""Nightly triage end to end, with the reference API's faults standing in for staging's bugs.

Each "night" is a full run (smoke profile, a few examples) against a fresh reference API.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from support.clause_sets import WITHOUT_READBACK

from conformance.cli import main
from conformance.cli.embedded import embedded_reference
from conformance.reference import ReferenceServer, env_values, write_target_file
from conformance.reports import Identity
from conformance.run.runner import RunOptions, execute

pytestmark = pytest.mark.socket

NULL_ID = "500-on-null-id"
NULL_ID_PROBE = "probe: malformed: null id (S1)"
FAR = "2999-12-31"


@dataclass
class Night:
    code: int
    report: dict[str, Any]
    out: str
    markdown: str
    summary: str
    junit: ET.Element
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def findings(self) -> list[dict[str, Any]]:
        return list(self.report["findings"])

    def fingerprints(self, *, kind_prefix: str = "") -> set[str]:
        return {
            f["fingerprint"]
            for f in self.findings
            if any(kind["kind"].startswith(kind_prefix) for kind in f["kinds"])
        }

    def statuses(self) -> dict[str, str]:
        return {f["fingerprint"]: f["status"] for f in self.findings}


def _night(
    tmp_path: Path,
    name: str,
    faults: Sequence[str],
    *,
    seed: int,
    previous: Path | None = None,
    baseline: Path | None = None,
    max_examples: int = 10,
) -> Night:
    folder = tmp_path / name
    folder.mkdir()
    paths = {kind: folder / f"report.{kind}" for kind in ("json", "md", "xml")}
    summary = folder / "summary.md"
    options = RunOptions(
        profile="smoke",
        seed=seed,
        max_examples=max_examples,
        report_json=paths["json"],
        report_md=paths["md"],
        junit_xml=paths["xml"],
        previous=previous,
        baseline=baseline,
        # Triage is the same for every clause; read-back would only wait for lost updates.
        only=WITHOUT_READBACK,
    )
    out = io.StringIO()
    # A short timeout without retries; a budget large enough for shrinking and the replays.
    embedded = embedded_reference(
        tuple(faults), timeout_seconds=2.0, retries=0, max_write_requests=3000
    )
    code = execute(
        options, out=out, environ={"GITHUB_STEP_SUMMARY": str(summary)}, embedded=embedded
    )
    return Night(
        code=code,
        report=json.loads(paths["json"].read_text()),
        out=out.getvalue(),
        markdown=paths["md"].read_text(),
        summary=summary.read_text(),
        junit=ET.parse(paths["xml"]).getroot(),
        paths=paths,
    )


def _kinds(finding: dict[str, Any]) -> list[str]:
    return [kind["kind"] for kind in finding["kinds"]]


def _counts(night: Night) -> dict[str, int]:
    return dict(night.report["triage"]["counts"])


# -- fingerprints -----------------------------------------------------------------------------


def test_one_fault_gives_one_set_of_fingerprints_whatever_the_seed(tmp_path: Path) -> None:
    first = _night(tmp_path, "one", [NULL_ID], seed=5)
    second = _night(tmp_path, "two", [NULL_ID], seed=2)
    assert first.fingerprints() == second.fingerprints()
    assert {f["clause"] for f in first.findings} == {"C11", "C15"}
    assert all(NULL_ID_PROBE in _kinds(f) for f in first.findings)


def test_a_property_finding_keeps_its_fingerprint_across_seeds(tmp_path: Path) -> None:
    # Which examples a property generates depends on the seed; the defect it finds does not.
    by_kind = [
        {
            kind: f["fingerprint"]
            for f in _night(tmp_path, str(s), ["accept-foreign"], seed=s).findings
            for kind in _kinds(f)
        }
        for s in (1, 2)
    ]
    shared = set(by_kind[0]) & set(by_kind[1])
    assert "property: valid bulk updates" in shared
    assert {kind: by_kind[0][kind] for kind in shared} == {
        kind: by_kind[1][kind] for kind in shared
    }


def test_two_faults_give_different_fingerprints(tmp_path: Path) -> None:
    null_id = _night(tmp_path, "null-id", [NULL_ID], seed=5)
    array = _night(tmp_path, "array", ["500-on-non-object-body"], seed=1)
    assert null_id.fingerprints()
    assert array.fingerprints()
    assert null_id.fingerprints().isdisjoint(array.fingerprints())


# -- three nights against the previous report -----------------------------------------------


def test_still_failing_then_fixed(tmp_path: Path) -> None:
    night1 = _night(tmp_path, "night1", [NULL_ID], seed=5)
    assert night1.code == 1
    assert set(night1.statuses().values()) == {"new"}

    # Night 2 keeps the fault, and a new one appears.
    night2 = _night(
        tmp_path,
        "night2",
        [NULL_ID, "no-scope-accepted"],
        seed=2,
        previous=night1.paths["json"],
    )
    assert night2.code == 1
    old = night1.fingerprints()
    assert {night2.statuses()[fp] for fp in old} == {"still-failing"}
    new = night2.fingerprints() - old
    assert {f["clause"] for f in night2.findings if f["fingerprint"] in new} == {"C14"}
    assert {night2.statuses()[fp] for fp in new} == {"new"}
    assert _counts(night2) == {
        "new": len(new),
        "still-failing": 2,
        "fixed": 0,
        "flaky": 0,
        "known": 0,
    }
    counts = (
        f"{len(new)} new, 2 still failing, 0 fixed, 0 flaky, 0 known "
        f"(since {night1.paths['json']} (profile smoke, seed 5))"
    )
    # The counts open the console's summary, the Markdown report and the step summary.
    assert night2.out.split("\n\ntriage: ", 1)[1].startswith(counts + "\n")
    for markdown in (night2.markdown, night2.summary):
        assert markdown.split("\n\n")[2] == f"**Triage:** {counts}"
        assert markdown.index("### New (") < markdown.index("### Still failing (2)")
    assert "\n=== Still failing (2)\n" in night2.out

    # Night 3: both faults switched off.
    night3 = _night(tmp_path, "night3", [], seed=3, previous=night2.paths["json"])
    assert night3.code == 0, night3.out
    assert night3.findings == []
    fixed = night3.report["triage"]["fixed"]
    assert {past["fingerprint"] for past in fixed} == night2.fingerprints()
    assert _counts(night3)["fixed"] == len(night2.fingerprints())
    assert f"\n=== Fixed since the previous run ({len(fixed)})\n" in night3.out
    assert f"### Fixed since the previous run ({len(fixed)})" in night3.markdown
    line = next(x for x in night3.markdown.splitlines() if fixed[0]["fingerprint"] in x)
    assert line.startswith(f"- [{fixed[0]['clause']}] ")
    assert line.endswith(f", fingerprint `{fixed[0]['fingerprint']}`")


# -- flakiness --------------------------------------------------------------------------------


def test_a_fault_that_fires_at_random_is_flaky_whenever_its_replay_does_not_reproduce_it(
    tmp_path: Path,
) -> None:
    outcomes: set[bool] = set()
    flaky_nights: list[Night] = []
    for seed in range(1, 9):
        night = _night(tmp_path, f"seed{seed}", ["500-at-random"], seed=seed)
        assert night.code == 1, night.out  # flaky findings fail the run by default
        assert {f["clause"] for f in night.findings} >= {"C15"}
        for finding in night.findings:
            replay = finding["replay"]
            flaky = not replay["reproduced"]
            # Replayed until it crashed again, or three times in vain.
            assert 1 <= replay["attempts"] <= 3
            assert replay["attempts"] == 3 or not flaky
            assert (finding["status"] == "flaky") is flaky
            outcomes.add(flaky)
        if any(f["status"] == "flaky" for f in night.findings):
            flaky_nights.append(night)
        if outcomes == {True, False}:
            break
    assert outcomes == {True, False}, "the replays never (or always) reproduced the crash"
    night = flaky_nights[0]
    count = sum(f["status"] == "flaky" for f in night.findings)
    assert f"\n=== Flaky: did not reproduce on replay ({count})\n" in night.out
    assert "\nreplay: did not reproduce in 3 replay(s): flaky\n" in night.out
    assert f"### Flaky: did not reproduce on replay ({count})" in night.markdown


def _without_readback(text: str) -> str:
    """The reference's target file without its read-back tables (written last): the reads
    would draw crashes of a random fault too, and this night is about the replays."""
    starts = [text.index(table) for table in ("[auth.observer]", "[readback]") if table in text]
    return text[: min(starts)] if starts else text


def test_flaky_findings_only_warn_when_the_target_file_says_so(tmp_path: Path) -> None:
    seen: set[int] = set()
    for seed in range(1, 9):
        with ReferenceServer(faults=("500-at-random",)) as server:
            target = write_target_file(tmp_path / "target.toml", server)
            text = _without_readback(target.read_text())
            target.write_text(text + '\n[checks]\nflaky = "warn"\n')
            report_path = tmp_path / f"r{seed}.json"
            # The fault draws its crashes in the order requests arrive: one request in flight,
            # and phases too small to share out, keep each night's order the seed's alone.
            options = RunOptions(
                target=target,
                profile="smoke",
                seed=seed,
                max_examples=5,
                concurrency=1,
                report_json=report_path,
            )
            out = io.StringIO()
            code = execute(options, out=out, environ=env_values(server))
        report = json.loads(report_path.read_text())
        every_one_flaky = all(f["status"] == "flaky" for f in report["findings"])
        assert code == (0 if every_one_flaky else 1), out.getvalue()
        assert report["triage"]["flaky_policy"] == "warn"
        seen.add(code)
        if seen == {0, 1}:
            break
    assert 0 in seen, "no run had only flaky findings"


# -- the baseline -----------------------------------------------------------------------------


def test_adopting_with_a_written_baseline_then_known_expired_and_malformed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.toml"
    first = tmp_path / "first.json"
    code = main(
        [
            "run", "--profile", "smoke", "--seed", "5", "--max-examples", "5",
            "--reference-fault", NULL_ID, "--report-json", str(first),
            "--write-baseline", str(baseline), "--expires", FAR,
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1  # writing a baseline does not change tonight's verdict
    assert f"baseline written to {baseline}: 2 new entry(ies) expiring {FAR}" in out

    # Covered by unexpired entries: exit 0, every finding listed as known.
    known = _night(tmp_path, "known", [NULL_ID], seed=2, baseline=baseline)
    assert known.code == 0, known.out
    assert set(known.statuses().values()) == {"known"}
    entries = {f["fingerprint"]: f["baseline"] for f in known.findings}
    assert all(entry["expires"] == FAR and not entry["expired"] for entry in entries.values())
    assert "PASSED WITH KNOWN FAILURES: 2 known (baseline)" in known.out
    assert "\n=== Known: covered by the baseline (2)\n" in known.out
    assert "### Known: covered by the baseline (2)" in known.markdown
    # JUnit: each known finding skipped with its reason and reference.
    findings_suite = known.junit.findall("testsuite")[1]
    skipped = [case.find("skipped") for case in findings_suite.findall("testcase")]
    assert len(skipped) == 2
    for element in skipped:
        assert element is not None
        message = element.get("message", "")
        assert message.startswith("known failure ")
        assert "present when this baseline was written" in message
        assert "(none yet: replace with an issue link or key)" in message
    assert findings_suite.get("failures") == "0"
    clause_suite = known.junit.findall("testsuite")[0]
    assert clause_suite.get("failures") == "0"

    # The same entries, expired: exit 1, and the message names each entry.
    expired = tmp_path / "expired.toml"
    expired.write_text(baseline.read_text().replace(FAR, "2000-01-01"))
    night = _night(tmp_path, "expired", [NULL_ID], seed=6, baseline=expired)
    assert night.code == 1
    for index, fingerprint in enumerate(sorted(entries, key=list(entries).index)):
        assert re.search(
            rf"baseline entry known\[{index}\] \(fingerprint {fingerprint}, none yet: replace "
            r"with an issue link or key\) expired on 2000-01-01; it matched a finding of this run",
            night.out,
        )
    assert set(night.statuses().values()) == {"new"}

    # Without the fault, the unexpired entries matched nothing: possibly fixed.
    clean = _night(tmp_path, "clean", [], seed=4, baseline=baseline)
    assert clean.code == 0
    assert "\n=== Baseline entries not seen: possibly fixed (2)\n" in clean.out
    assert len(clean.report["triage"]["baseline_not_seen"]) == 2

    # A malformed baseline: exit 2 before anything starts, naming the entry and the field.
    broken = tmp_path / "broken.toml"
    broken.write_text(baseline.read_text().replace(f"expires = {FAR}", 'expires = "soon"', 1))
    code = main(["run", "--profile", "smoke", "--baseline", str(broken)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err == (
        f"cf-conformance run: {broken}: known[0].expires: must be a date like 2026-07-01, got "
        "'soon' (write a TOML date, e.g. expires = 2026-07-01)\n"
    )
    assert "embedded reference API" not in captured.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--write-baseline", "b.toml"],
            "cf-conformance run: --write-baseline needs --expires DATE (when its entries expire)\n",
            id="write-without-expires",
        ),
        pytest.param(
            ["--expires", FAR],
            "cf-conformance run: --expires applies to --write-baseline FILE only\n",
            id="expires-without-write",
        ),
        pytest.param(
            ["--write-baseline", "b.toml", "--expires", "2000-01-01"],
            "cf-conformance run: --expires 2000-01-01 is not in the future: written entries "
            "would have expired already\n",
            id="expires-in-the-past",
        ),
        pytest.param(
            ["--previous", "no-such-report.json"],
            "cf-conformance run: no-such-report.json: no such file (pass a JSON report written "
            "by cf-conformance run --report-json)\n",
            id="previous-missing",
        ),
    ],
)
def test_triage_options_are_checked_before_anything_is_sent(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--profile", "smoke", *args]) == 2
    captured = capsys.readouterr()
    assert captured.err == message
    assert "embedded reference API" not in captured.out


def test_an_expires_that_is_not_a_date_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["run", "--write-baseline", "b.toml", "--expires", "next week"])
    assert raised.value.code == 2
    assert "not a date: 'next week' (write it as YYYY-MM-DD, e.g. 2026-07-01)" in (
        capsys.readouterr().err
    )


# -- reports and baselines of the first fingerprint recipe -----------------------------------


def _as_version_1(report: dict[str, Any]) -> dict[str, Any]:
    """Last night's report as version 1 wrote it: no schema_version, one finding per kind of
    request, each keyed by a fingerprint that hashed the kind too."""
    older = {key: value for key, value in report.items() if key != "schema_version"}
    older["findings"] = []
    for finding in report["findings"]:
        identity = Identity(finding["clause"], finding["check"], finding["title"], finding["at"])
        for kind in finding["kinds"]:
            entry = {k: v for k, v in finding.items() if k not in ("kinds", "variant")}
            older["findings"].append(
                {
                    **entry,
                    "kind": kind["kind"],
                    "count": kind["count"],
                    "fingerprint": identity.legacy_fingerprint(kind["kind"]),
                }
            )
    return older


def test_a_previous_report_of_version_1_still_tells_still_failing_from_new(
    tmp_path: Path,
) -> None:
    night1 = _night(tmp_path, "night1", ["no-meta"], seed=5)
    older = tmp_path / "unchecked-version-1.json"  # an older shape, on purpose
    older.write_text(json.dumps(_as_version_1(night1.report)))
    night2 = _night(tmp_path, "night2", ["no-meta"], seed=2, previous=older)
    assert set(night2.statuses().values()) == {"still-failing"}, night2.out
    assert "report version 1" in night2.report["triage"]["previous"]


def test_a_baseline_of_the_first_recipe_still_covers_its_finding(tmp_path: Path) -> None:
    night1 = _night(tmp_path, "night1", ["no-meta"], seed=5)
    [finding] = night1.findings
    identity = Identity(finding["clause"], finding["check"], finding["title"], finding["at"])
    kind = finding["kinds"][0]["kind"]
    baseline = tmp_path / "baseline.toml"
    baseline.write_text(
        f'[[known]]\nfingerprint = "{identity.legacy_fingerprint(kind)}"\n'
        f'reason = "known"\nreference = "CF-1"\nexpires = {FAR}\n'
    )
    night2 = _night(tmp_path, "night2", ["no-meta"], seed=5, baseline=baseline)
    assert night2.code == 0, night2.out
    assert set(night2.statuses().values()) == {"known"}
    [translated] = night2.report["triage"]["baseline_translated"]
    assert translated["fingerprint_now"] == finding["fingerprint"]
    assert "\n=== Baseline entries with an older fingerprint (1)\n" in night2.out
    assert f"replace its fingerprint with {finding['fingerprint']}" in night2.out
