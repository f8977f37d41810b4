"""Governed waivers (issue 22 point 5): the file, its governance, and what a waiver does to a decision."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from gba_dataflow.app.waivers import (
    WaiverError,
    amend_with_waivers,
    check_waivers,
    expiry_report,
    load_waivers,
    read_waivers,
)
from gba_dataflow.cli import main as entry
from gba_dataflow.core.codes import CODES
from gba_dataflow.engine.evaluate import evaluate_manifest
from gba_dataflow.engine.model import Verdict
from gba_dataflow.engine.rulebook import Rulebook, load_rulebook
from gba_dataflow.manifests import load_manifest

REPO = Path(__file__).resolve().parents[2]
ACME = Path(__file__).parent / "fixtures" / "acme"
MANIFEST = REPO / "examples" / "manifests" / "shenzhen-bank-gba-contract-to-hk.yaml"  # 48,000 subjects
TODAY = dt.date(2026, 12, 7)
ENTRY = """\
  - id: {id}
    rule: {rule}
    manifests: [{manifests}]
    owner: data-governance@acme.example
    approver: {approver}
    reason: Legacy CRM export, split into batches by 2027-Q1.
    created: {created}
    expires: {expires}
"""


def waiver(**given: str) -> str:
    values = {
        "id": "WVR-1",
        "rule": "acme_policy/export_cap",
        "manifests": "crm-to-hk-*",
        "approver": "ciso@acme.example",
        "created": "2026-01-01",
        "expires": "2099-03-31",
    }
    return ENTRY.format(**{**values, **given})


def write(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers:\n" + "".join(entries), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook([REPO / "rules", ACME])


def test_a_waiver_turns_the_waived_deny_into_an_allow_that_keeps_the_laws_obligations(
    tmp_path: Path, rulebook: Rulebook
) -> None:
    manifest = load_manifest(MANIFEST)
    denied = evaluate_manifest(rulebook, manifest)
    assert denied.decision is Verdict.DENY
    assert [reason.rule for reason in denied.reasons] == ["acme_policy/export_cap"]
    waivers, notes = load_waivers(write(tmp_path, waiver()), rulebook, TODAY)
    assert notes == []
    waived = amend_with_waivers(waivers, "en", rulebook, manifest, denied)
    assert waived.decision is Verdict.ALLOW
    assert waived.waivers == ("WVR-1",)
    law_only = evaluate_manifest(load_rulebook([REPO / "rules"]), manifest)
    assert [(r.rule, r.effect, r.waived_by) for r in waived.reasons] == [
        ("acme_policy/export_cap", "deny", "WVR-1"),
        *((reason.rule, "allow", None) for reason in law_only.reasons),
    ]
    assert law_only.reasons[0].rule == "mainland_export/m9_gba_contract_hk"
    assert waived.obligations == law_only.obligations and waived.obligations
    assert waived.remedies == ()
    assert waived.rulesets == denied.rulesets  # acme_policy still shows what it decided


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ({"manifests": "other-*"}, "names other manifests"),
        ({"created": "2026-12-02"}, "is not in force on the transfer date 2026-12-01"),
        ({"expires": "2026-12-01"}, "expires on the transfer date"),
    ],
)
def test_a_waiver_that_does_not_cover_the_result_changes_nothing(
    tmp_path: Path, rulebook: Rulebook, given: dict[str, str], why: str
) -> None:
    manifest = load_manifest(MANIFEST)
    denied = evaluate_manifest(rulebook, manifest)
    waivers = read_waivers(write(tmp_path, waiver(**given)))
    assert amend_with_waivers(waivers, "en", rulebook, manifest, denied) == denied, why


def test_a_waiver_that_covers_one_of_two_denies_marks_it_and_leaves_the_deny(
    tmp_path: Path, rulebook: Rulebook
) -> None:
    manifest = load_manifest(MANIFEST)
    data = {**manifest.data, "dataset": {**manifest.data["dataset"], "core_data": True}}
    denied = evaluate_manifest(rulebook, type(manifest)(**{**manifest.__dict__, "data": data}))
    assert {r.rule for r in denied.reasons} >= {"acme_policy/export_cap", "acme_policy/no_core_data"}
    result = amend_with_waivers(read_waivers(write(tmp_path, waiver())), "en", rulebook, manifest, denied)
    assert result.decision is Verdict.DENY
    assert {r.rule: r.waived_by for r in result.reasons}["acme_policy/export_cap"] == "WVR-1"
    assert {r.rule: r.waived_by for r in result.reasons}["acme_policy/no_core_data"] is None
    assert result.waivers == ("WVR-1",)


@pytest.mark.parametrize(
    ("given", "code", "message", "line"),
    [
        ({"expires": "2026-12-01"}, "E561", "waiver `WVR-1` expired on 2026-12-01", 10),
        ({"approver": "''"}, "E560", "`approver` must be a non-empty text", 14),
        ({"approver": "Data-Governance@acme.example"}, "E562", "is approved by its own owner", 10),
        ({"rule": "acme_policy/export_cpa"}, "E563", "names the unknown rule `acme_policy/export_cpa`", 10),
        ({"rule": "mainland_export/m1_core_data"}, "E564", "law cannot be waived", 10),
        ({"rule": "acme_policy/no_core_data"}, "E564", "which is not marked `waivable`", 10),
    ],
)
def test_a_waiver_that_may_not_stand_is_an_error(
    tmp_path: Path, rulebook: Rulebook, given: dict[str, str], code: str, message: str, line: int
) -> None:
    path = write(tmp_path, waiver(id="WVR-0"), waiver(**given))
    with pytest.raises(WaiverError) as caught:
        load_waivers(path, rulebook, TODAY)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == code and message in diagnostic.message
    assert (diagnostic.path, diagnostic.line) == (str(path), line)
    assert diagnostic.hint


def test_an_unknown_rule_gets_a_did_you_mean(tmp_path: Path, rulebook: Rulebook) -> None:
    found = check_waivers(
        read_waivers(write(tmp_path, waiver(rule="acme_policy/export_cpa"))), rulebook, TODAY
    )
    assert found[0].hint == "did you mean `acme_policy/export_cap`?"


def test_a_waiver_without_an_approver_is_unapproved(tmp_path: Path, rulebook: Rulebook) -> None:
    path = write(tmp_path, waiver().replace("    approver: ciso@acme.example\n", ""))
    with pytest.raises(WaiverError) as caught:
        load_waivers(path, rulebook, TODAY)
    assert [d.code for d in caught.value.diagnostics] == ["E562"]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (waiver().replace("    owner:", "    ownr:"), "unknown key `ownr` in a waiver", 5),
        (
            waiver().replace("    reason: Legacy CRM export, split into batches by 2027-Q1.\n", ""),
            "needs `reason`",
            2,
        ),
        (waiver(expires="next year"), "`expires` must be a date", 9),
        (waiver(created="2027-01-01", expires="2026-01-01"), "expires before it is created", 9),
        (waiver() + waiver(), "waiver `WVR-1` is declared twice", 10),
    ],
)
def test_a_malformed_waivers_file_is_e560_located(tmp_path: Path, text: str, message: str, line: int) -> None:
    with pytest.raises(WaiverError) as caught:
        read_waivers(write(tmp_path, text))
    assert {d.code for d in caught.value.diagnostics} == {"E560"}
    diagnostic = next(d for d in caught.value.diagnostics if message in d.message)
    assert diagnostic.line == line and diagnostic.hint


def test_waivers_expiring_within_30_days_are_listed(tmp_path: Path, rulebook: Rulebook) -> None:
    soon = waiver(id="WVR-2", expires="2026-12-20")
    waivers, notes = load_waivers(write(tmp_path, waiver(), soon), rulebook, TODAY)
    assert [(d.code, d.message) for d in notes] == [
        ("W565", "waiver `WVR-2` (acme_policy/export_cap) expires on 2026-12-20, in 13 days")
    ]
    assert expiry_report(waivers, TODAY) == (
        "1 waiver expires within 30 days:\n"
        "  2026-12-20  WVR-2  acme_policy/export_cap  owner data-governance@acme.example, "
        "approved by ciso@acme.example\n"
    )


@pytest.mark.parametrize("code", ["E560", "E561", "E562", "E563", "E564"])
def test_each_waiver_code_is_registered_with_an_explanation(code: str) -> None:
    entry_ = CODES[code]
    assert entry_.summary and entry_.explanation and entry_.bad and entry_.good


# ---- the command -------------------------------------------------------------------------------------


def run(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[object, str, str]:
    monkeypatch.setattr(sys, "argv", ["gba-dataflow", *args])
    with pytest.raises(SystemExit) as done:
        entry.main()
    captured = capsys.readouterr()
    return done.value.code, captured.out, captured.err


@pytest.fixture
def command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    path = write(tmp_path, waiver(), waiver(id="WVR-9", manifests="nothing-*"))
    return ["check", "-r", "rules", "-r", str(ACME), str(MANIFEST.relative_to(REPO)), "--waivers", str(path)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_applies_waivers_in_json_with_any_number_of_jobs(
    command: list[str], jobs: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run([*command, "-f", "json", "--jobs", jobs, "examples/manifests"], monkeypatch, capsys)
    results = json.loads(str(out))["results"]
    waived = [r for r in results if r["waivers"]]
    assert [(r["id"], r["decision"], r["waivers"]) for r in waived] == [
        ("crm-to-hk-service-centre", "allow", ["WVR-1"])
    ] * 2  # the manifest named, and again in the directory
    assert waived[0]["reasons"][0]["waived_by"] == "WVR-1"
    assert code == 1  # other examples are denied


def test_check_says_waived_in_text_sarif_junit_and_github(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text, _ = run(command, monkeypatch, capsys)
    assert code == 0
    assert "waived: WVR-1" in str(text) and "waived by waiver WVR-1" in str(text)
    _, sarif, _ = run([*command, "-f", "sarif"], monkeypatch, capsys)
    results = json.loads(str(sarif))["runs"][0]["results"]
    (result,) = [r for r in results if r["ruleId"] == "acme_policy/export_cap"]
    others = [(r["ruleId"], r.get("level")) for r in results if r is not result]
    assert all(level != "error" for _, level in others), others
    assert result["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "waived by WVR-1"}
    ]
    _, junit, _ = run([*command, "-f", "junit"], monkeypatch, capsys)
    assert '<property name="waivers" value="WVR-1"' in str(junit) and "<failure" not in str(junit)
    _, github, _ = run([*command, "-f", "github"], monkeypatch, capsys)
    assert "::notice file=" in str(github) and "title=WAIVED acme_policy/export_cap::Waived by WVR-1" in str(
        github
    )
    assert "::error" not in str(github)


def test_check_refuses_a_waiver_of_law(
    tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    law = write(tmp_path, waiver(rule="mainland_export/m1_core_data"))
    code, out, err = run([*command[:-1], str(law)], monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert f"{law}:2:5: error E564: waiver `WVR-1` names `mainland_export/m1_core_data`" in str(err)


def test_rules_check_validates_the_waivers_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    soon = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    path = write(tmp_path, waiver(rule="acme_policy/no_core_data"), waiver(id="WVR-2", expires=soon))
    args = ["rules", "check", "rules", str(ACME), "--waivers", str(path)]
    code, out, _ = run(args, monkeypatch, capsys)
    assert code == 1
    assert f"{path}:2:5: error E564: waiver `WVR-1` names `acme_policy/no_core_data`" in str(out)
    assert (
        f"{path}:10:5: warning W565: waiver `WVR-2` (acme_policy/export_cap) expires on {soon}, in 10 days"
        in str(out)
    )


def test_check_lists_waivers_that_expire_soon_and_takes_the_file_from_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    soon = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    write(tmp_path, waiver(expires=soon))
    (tmp_path / "gba-dataflow.toml").write_text(
        f'rules = ["{REPO / "rules"}", "{ACME}"]\nwaivers = "waivers.yaml"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, err = run(["check", "-f", "json", str(MANIFEST)], monkeypatch, capsys)
    assert code == 0
    assert json.loads(str(out))["results"][0]["waivers"] == ["WVR-1"]
    notice = f"waivers.yaml:2:5: warning W565: waiver `WVR-1` (acme_policy/export_cap) expires on {soon}"
    assert f"{notice}, in 3 days" in str(err)


def test_rules_waivers_lists_those_expiring_soon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    soon = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    path = write(tmp_path, waiver(), waiver(id="WVR-2", expires=soon))
    args = ["rules", "waivers", str(path), "-r", str(REPO / "rules"), "-r", str(ACME)]
    code, out, _ = run(args, monkeypatch, capsys)
    assert code == 0
    assert str(out) == (
        "1 waiver expires within 30 days:\n"
        f"  {soon}  WVR-2  acme_policy/export_cap  owner data-governance@acme.example, "
        "approved by ciso@acme.example\n"
    )
    code, out, _ = run([*args, "--within", "10"], monkeypatch, capsys)
    assert str(out) == "no waiver expires within 10 days\n"
    law = write(tmp_path, waiver(rule="mainland_export/m1_core_data"))
    code, out, err = run(["rules", "waivers", str(law), "-r", str(REPO / "rules")], monkeypatch, capsys)
    assert (code, out) == (2, "") and "E564" in str(err)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_waiver_diagnostics_are_said_in_chinese(tmp_path: Path, rulebook: Rulebook, lang: str) -> None:
    """Malformed entries (E560) and waivers that may not stand (E561-E564), and the notice of one that
    expires soon (W565): English as before, and without an English word in a Chinese report."""
    from language_checks import english_words

    from gba_dataflow.core.i18n import localize
    from gba_dataflow.reports.labels import render_diagnostic

    entries = [
        waiver(id="WVR-1", expires="2026-12-20"),  # W565: within 30 days of TODAY
        waiver(id="WVR-2", rule="hr/x"),  # E563 (no rule close enough for a did-you-mean)
        waiver(id="WVR-3", rule="mainland_export/m1_core_data"),  # E564: the law
        waiver(id="WVR-4", rule="acme_policy/no_core_data"),  # E564: not waivable
        waiver(id="WVR-5", approver="data-governance@acme.example"),  # E562: approved by its owner
        waiver(id="WVR-6", expires="2026-06-30"),  # E561
    ]
    found = check_waivers(read_waivers(write(tmp_path, *entries)), rulebook, TODAY)
    assert sorted({d.code for d in found}) == ["E561", "E562", "E563", "E564", "W565"]
    malformed = write(tmp_path, waiver(expires="next year") + "    colour: blue\n")
    with pytest.raises(WaiverError) as caught:
        read_waivers(malformed)
    for diagnostic in [*found, *caught.value.diagnostics]:
        said = [localize(diagnostic.message, lang), localize(diagnostic.hint, lang)]
        assert english_words("\n".join(said)) == [], said
        assert said[0] in render_diagnostic(diagnostic, lang)
        assert localize(diagnostic.message, "en") == diagnostic.message
