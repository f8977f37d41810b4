"""`check --format sarif`: valid SARIF 2.1.0 (official schema), one descriptor per rule, located results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ci_helpers import AS_OF, FIXTURES, RULES, assert_golden, assert_valid_sarif, run_cli

from gba_dataflow.app.batch import describe_rules, run_check
from gba_dataflow.engine.rulebook import load_rulebook
from gba_dataflow.reports.sarif import SRCROOT, render_sarif, sarif_log


def _sarif(*args: str) -> tuple[int, dict[str, Any], str]:
    code, out, _ = run_cli("check", *args, *RULES, "--format", "sarif")
    return code, json.loads(out), out


def _results_by_manifest(log: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for result in log["runs"][0]["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        found.setdefault(uri, []).append(result)
    return found


def test_sarif_of_the_fixture_batch_is_valid_golden_and_deterministic(shared_data: Path) -> None:
    code, log, text = _sarif("manifests", *AS_OF)
    assert code == 2
    assert_valid_sarif(shared_data, log)
    assert _sarif("manifests", *AS_OF)[2] == text
    assert_golden("batch.sarif", text)


def test_sarif_top_level_tool_and_invocation() -> None:
    code, log, _ = _sarif("manifests/denied.yaml", *AS_OF)
    assert code == 1
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "gba-dataflow"
    assert driver["version"] and driver["informationUri"].startswith("https://")
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]
    assert SRCROOT in run["originalUriBaseIds"]
    assert "timestamp" not in json.dumps(log).lower().replace("timestamps", "")


def test_one_descriptor_per_rule_plus_synthetic_ids_and_codes_used() -> None:
    _, log, _ = _sarif("manifests", *AS_OF)
    ids = [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]
    rulebook = load_rulebook([FIXTURES / "rules"])
    expected = [rule.id for ruleset in rulebook.rulesets for rule in ruleset.rules]
    assert ids == [*expected, "ci/default", "gba-dataflow/no-ruleset", "E410"]
    assert len(ids) == len(set(ids))


def test_a_descriptor_carries_help_with_citations_remedy_and_window() -> None:
    _, log, _ = _sarif("manifests/denied.yaml", *AS_OF)
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    important = rules["ci/important_data"]
    assert important["name"] == "important_data"
    assert important["defaultConfiguration"]["level"] == "error"
    # placeholders are shown as <path>; literal braces are doubled as SARIF requires
    assert important["fullDescription"]["text"] == (
        "Important data <dataset.name> needs an approved assessment {{not optional}}."
    )
    help_text = important["help"]["text"]
    assert "Cites: Data Security Law, Art. 31; Provisions on Cross-Border Data Flows, Art. 7." in help_text
    assert "To fix: Apply for a CAC security assessment." in help_text
    assert "Effective from 2022-09-01 until 2030-01-01." in help_text
    assert "- Data Security Law, Art. 31" in important["help"]["markdown"]
    properties = important["properties"]
    assert properties["citations"] == [
        "Data Security Law, Art. 31",
        "Provisions on Cross-Border Data Flows, Art. 7",
    ]
    assert (properties["effect"], properties["window"]) == ("deny", "from 2022-09-01 until 2030-01-01")
    assert rules["ci/sensitive_field"]["defaultConfiguration"]["level"] == "warning"
    assert rules["ci/small_volume"]["defaultConfiguration"]["level"] == "note"
    assert "Must still be done" in rules["ci/small_volume"]["help"]["text"]
    assert rules["ci/default"]["properties"]["remedy"] == "Put a lawful export route in place."


def test_results_levels_rules_and_locations() -> None:
    _, log, _ = _sarif("manifests", *AS_OF)
    by_manifest = _results_by_manifest(log)
    descriptors = log["runs"][0]["tool"]["driver"]["rules"]
    for results in by_manifest.values():
        for result in results:
            assert descriptors[result["ruleIndex"]]["id"] == result["ruleId"]
            assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == SRCROOT

    assert "manifests/allowed.yaml" not in by_manifest  # an allow without warnings reports nothing
    (warned,) = by_manifest["manifests/allowed-warned.yaml"]
    assert (warned["ruleId"], warned["level"]) == ("ci/sensitive_field", "warning")
    assert warned["locations"][0]["physicalLocation"]["region"] == {"startLine": 17, "startColumn": 35}

    denied = {result["ruleId"]: result for result in by_manifest["manifests/denied.yaml"]}
    assert set(denied) == {"ci/core_data", "ci/important_data"}
    core = denied["ci/core_data"]
    assert core["level"] == "error"
    assert core["locations"][0]["physicalLocation"]["region"] == {"startLine": 14, "startColumn": 14}
    assert core["message"]["text"].splitlines() == [
        "Core data may not leave the Mainland. (Data Security Law, Art. 21)",
        "To fix: Keep core data in the Mainland.",
    ]
    assert core["properties"]["facts"] == [
        {
            "path": "dataset.core_data",
            "value": True,
            "line": 14,
            "column": 14,
            "provenance": "stated",
            "provenanceNote": None,
        }
    ]
    assert core["relatedLocations"][0]["message"]["text"] == "dataset.core_data = true"

    (invalid,) = by_manifest["manifests/invalid.yaml"]
    assert (invalid["ruleId"], invalid["level"]) == ("E410", "error")
    assert invalid["locations"][0]["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 13}
    assert invalid["properties"]["jsonPath"] == "/dataset/subjects"

    (none,) = by_manifest["manifests/no-ruleset.json"]
    assert none["ruleId"] == "gba-dataflow/no-ruleset"
    assert none["locations"][0]["physicalLocation"]["region"]["startLine"] == 6


def test_a_default_deny_points_at_what_the_closest_allow_rule_lacked() -> None:
    _, log, _ = _sarif("manifests/default-denied.yaml", *AS_OF)
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "ci/default"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 16, "startColumn": 33}
    assert "Closest allow rule ci/small_volume: would allow if this held" in result["message"]["text"]


def test_odd_file_names_are_percent_encoded_and_messages_escape_braces(shared_data: Path) -> None:
    _, log, _ = _sarif("manifests/odd, name%.yaml", *AS_OF)
    assert_valid_sarif(shared_data, log)
    (result,) = log["runs"][0]["results"]
    assert (
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "manifests/odd%2C%20name%25.yaml"
    )
    assert "data {{x}} set\u0007 needs an approved assessment {{not optional}}." in result["message"]["text"]


def test_paths_outside_the_root_become_file_uris(tmp_path: Path, shared_data: Path) -> None:
    target = tmp_path / "outside.yaml"
    target.write_text((FIXTURES / "manifests" / "denied.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    code, log, _ = _sarif(str(target), *AS_OF)
    assert code == 1
    assert_valid_sarif(shared_data, log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": target.as_uri()}


def test_absolute_paths_under_the_root_are_made_relative() -> None:
    code, log, _ = _sarif(str(FIXTURES / "manifests" / "denied.yaml"), *AS_OF)
    assert code == 1
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "manifests/denied.yaml", "uriBaseId": SRCROOT}


def test_stdin_is_named_without_a_base(shared_data: Path) -> None:
    text = (FIXTURES / "manifests" / "denied.yaml").read_text(encoding="utf-8")
    code, out, _ = run_cli("check", "-", *RULES, "--format", "sarif", *AS_OF, input=text)
    assert code == 1
    log = json.loads(out)
    assert_valid_sarif(shared_data, log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "%3Cstdin%3E"}


def test_translated_run_translates_messages_and_descriptors(shared_data: Path) -> None:
    code, out, _ = run_cli(
        "check", "manifests/denied.yaml", *RULES, "--format", "sarif", "--lang", "zh-Hans", *AS_OF
    )
    assert code == 1
    log = json.loads(out)
    assert_valid_sarif(shared_data, log)
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["ci/core_data"]["shortDescription"]["text"] == "核心数据不得出境。"
    assert log["runs"][0]["results"][0]["message"]["text"].startswith("核心数据不得出境。")
    assert log["runs"][0]["properties"]["language"] == "zh-Hans"


def test_an_empty_run_is_valid_sarif(shared_data: Path) -> None:
    rulebook_dir = FIXTURES / "rules"
    run = run_check([], rules_dirs=[rulebook_dir])
    log = sarif_log(run, exit_code=0, root=FIXTURES)
    assert_valid_sarif(shared_data, log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"][0] == {"executionSuccessful": True, "exitCode": 0}


def test_a_run_without_rule_docs_still_describes_every_rule_it_reports(shared_data: Path) -> None:
    """`RunResult.rule_docs` is optional: descriptors are then made from the ids the results use."""
    import dataclasses

    run = run_check([str(FIXTURES / "manifests")], rules_dirs=[FIXTURES / "rules"])
    bare = dataclasses.replace(run, rule_docs=())
    log = json.loads(render_sarif(bare, exit_code=2, root=FIXTURES))
    assert_valid_sarif(shared_data, log)
    ids = [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]
    assert "ci/core_data" in ids and "E410" in ids and "ci/small_volume" in ids


def test_rule_docs_list_every_rule_then_defaults() -> None:
    rulebook = load_rulebook([FIXTURES / "rules"])
    docs = describe_rules(rulebook)
    assert [doc.id for doc in docs] == [
        "ci/core_data",
        "ci/important_data",
        "ci/small_volume",
        "ci/sensitive_field",
        "ci/default",
        "gba-dataflow/no-ruleset",
    ]
    small = docs[2]
    assert small.requires == ("Give notice and obtain separate consent.",)
    assert small.message == "{volume.personal_subjects_ytd} individuals this year: exempt."


@pytest.mark.parametrize("manifest", ["allowed.yaml", "denied.yaml", "invalid.yaml"])
def test_sarif_exit_code_matches_the_process(manifest: str) -> None:
    code, log, _ = _sarif(f"manifests/{manifest}", *AS_OF)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["exitCode"] == code
    assert invocation["executionSuccessful"] is (code != 2)


def test_manifest_warnings_are_warning_results_with_their_code(tmp_path: Path, shared_data: Path) -> None:
    from ci_helpers import copy_fixtures

    work = copy_fixtures(tmp_path)
    source = (work / "manifests" / "allowed.yaml").read_text(encoding="utf-8")
    (work / "unknown-volume.yaml").write_text(
        source.replace("volume: {personal_subjects_ytd: 12000, sensitive_subjects_ytd: 0}\n", ""),
        encoding="utf-8",
    )
    code, out, _ = run_cli("check", "unknown-volume.yaml", *RULES, "--format", "sarif", *AS_OF, cwd=work)
    assert code == 0
    log = json.loads(out)
    assert_valid_sarif(shared_data, log)
    (result,) = log["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("W413", "warning")
    assert result["properties"]["jsonPath"] == "/volume/personal_subjects_ytd"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] > 1
    descriptor = log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert (descriptor["id"], descriptor["name"]) == ("W413", "volume-unknown")
    assert descriptor["defaultConfiguration"]["level"] == "warning"

    code, out, _ = run_cli("check", "unknown-volume.yaml", *RULES, "--format", "github", *AS_OF, cwd=work)
    assert out.startswith("::warning file=unknown-volume.yaml,line=")
    assert ",title=W413 volume-unknown::the cumulative volume this year is unknown" in out
