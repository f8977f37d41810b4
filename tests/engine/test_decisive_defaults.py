"""W423: an allow resting on the schema's default for a decisive fact is flagged (design §3 point 10)."""

from __future__ import annotations

from pathlib import Path

from gba_dataflow.engine.decisive import decisive_pointers
from gba_dataflow.engine.evaluate import evaluate_manifest
from gba_dataflow.engine.model import Verdict
from gba_dataflow.engine.rulebook import load_rulebook
from gba_dataflow.manifests import load_manifest_bytes

RULES = Path(__file__).resolve().parents[2] / "rules"

STATED = """\
apiVersion: gba-dataflow/v1
kind: TransferManifest
id: stated
transfer:
  origin: {region: CN-GD, city: Shenzhen}
  destination: {region: HK, city: Hong Kong}
  date: 2026-12-01
  purpose: support
  onward_transfer_outside_gba: false
exporter: {name: Exporter Ltd., ciio: false, state_organ: false}
recipient: {name: Recipient Ltd.}
dataset:
  name: contacts
  important_data: false
  core_data: false
  subjects: 10
  sensitive_subjects: 0
  fields:
    - {name: phone, category: personal}
volume: {personal_subjects_ytd: 10, sensitive_subjects_ytd: 0}
mechanisms: {notice_given: true, separate_consent: true, pipia: {completed_on: 2026-11-02}}
"""


def _result(text: str):  # type: ignore[no-untyped-def]
    book = load_rulebook([RULES])
    return evaluate_manifest(book, load_manifest_bytes(text.encode("utf-8"), "m.yaml"))


def test_the_schema_marks_the_decisive_facts() -> None:
    paths = {path for _, path, _ in decisive_pointers()}
    assert {"exporter.ciio", "dataset.important_data", "dataset.core_data", "hong_kong.purpose"} <= paths
    assert "transfer.purpose" not in paths


def test_an_allow_on_stated_facts_has_no_w423() -> None:
    result = _result(STATED)
    assert result.decision is Verdict.ALLOW
    assert [w for w in result.warnings if w.code == "W423"] == []


def test_an_allow_resting_on_defaults_names_each_defaulted_fact() -> None:
    text = STATED.replace(
        "exporter: {name: Exporter Ltd., ciio: false, state_organ: false}", "exporter: {name: X}"
    )
    result = _result(text.replace("  core_data: false\n", ""))
    assert result.decision is Verdict.ALLOW
    (warning,) = [w for w in result.warnings if w.code == "W423"]
    for path in ("exporter.ciio", "exporter.state_organ", "dataset.core_data"):
        assert f"`{path}`" in warning.message
    assert "dataset.important_data" not in warning.message  # stated
    assert warning.json_path == "/exporter/ciio"


def test_a_deny_is_not_flagged() -> None:
    text = STATED.replace(
        "exporter: {name: Exporter Ltd., ciio: false, state_organ: false}", "exporter: {name: X}"
    )
    result = _result(text.replace("  core_data: false\n", "  core_data: true\n"))
    assert result.decision is Verdict.DENY
    assert [w for w in result.warnings if w.code == "W423"] == []


def test_fail_on_warn_refuses_an_allow_resting_on_defaults_and_only_then(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from gba_dataflow.cli.app import app

    defaulted = tmp_path / "defaulted.yaml"
    defaulted.write_text(STATED.replace("  core_data: false\n", ""), encoding="utf-8")
    stated = tmp_path / "stated.yaml"
    stated.write_text(STATED, encoding="utf-8")
    runner = CliRunner()
    for path, code in ((defaulted, 1), (stated, 0)):
        for output in ("text", "json"):
            args = ["check", str(path), "--rules", str(RULES), "--fail-on-warn", "--format", output]
            assert runner.invoke(app, args).exit_code == code, (path.name, output)
        assert runner.invoke(app, ["check", str(path), "--rules", str(RULES)]).exit_code == 0
