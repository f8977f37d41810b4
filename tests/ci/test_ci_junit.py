"""`check --format junit`: JUnit XML that junitparser (as Jenkins/GitLab-style readers) and xml.etree read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ci_helpers import AS_OF, RULES, assert_golden, run_cli

junitparser = pytest.importorskip(
    "junitparser", reason="junitparser is a dev dependency (pip install -e '.[dev]')"
)


def _junit(*args: str) -> tuple[int, str]:
    code, out, _ = run_cli("check", *args, *RULES, "--format", "junit", *AS_OF)
    return code, out


def test_junit_of_the_fixture_batch_is_golden_and_deterministic() -> None:
    code, text = _junit("manifests")
    assert code == 2
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert _junit("manifests")[1] == text
    assert_golden("batch.junit.xml", text)


def test_junitparser_reads_one_suite_one_case_per_manifest_with_the_right_counts(tmp_path: Path) -> None:
    target = tmp_path / "report.xml"
    code, _, _ = run_cli("check", "manifests", *RULES, *AS_OF, "--format", "junit", "--output", str(target))
    assert code == 2
    xml = junitparser.JUnitXml.fromfile(str(target))
    suites = list(xml)
    assert len(suites) == 1
    (suite,) = suites
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (7, 4, 1, 0)
    assert (xml.tests, xml.failures, xml.errors) == (7, 4, 1)
    cases = {case.name: case for case in suite}
    assert len(cases) == 7
    allowed = cases["manifests/allowed.yaml (loyalty-members)"]
    assert allowed.is_passed and allowed.classname == "CN-GD → HK"
    assert "Give notice and obtain separate consent." in (allowed.system_out or "")

    denied = cases["manifests/denied.yaml (grid-telemetry)"]
    (failure,) = denied.result
    assert isinstance(failure, junitparser.Failure)
    assert failure.type == "deny"
    assert failure.message == "ci/core_data: Core data may not leave the Mainland."
    assert "✘ ci/important_data" in (failure.text or "") and "cite   Data Security Law, Art. 21" in (
        failure.text or ""
    )

    invalid = cases["manifests/invalid.yaml"]
    (error,) = invalid.result
    assert isinstance(error, junitparser.Error)
    assert error.type == "E410"
    assert "manifests/invalid.yaml:12:13" in (error.text or "")
    assert invalid.classname == "gba-dataflow"

    warned = cases["manifests/allowed-warned.yaml (clinic-bookings)"]
    assert warned.is_passed and "! ci/sensitive_field" in (warned.system_out or "")


def test_xml_etree_reads_it_and_counts_match_the_cases() -> None:
    _, text = _junit("manifests")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert int(suite.get("tests", "")) == len(cases) == 7
    assert int(suite.get("failures", "")) == sum(1 for case in cases if case.find("failure") is not None)
    assert int(suite.get("errors", "")) == sum(1 for case in cases if case.find("error") is not None)
    assert all(case.get("file", "").startswith("manifests/") for case in cases)
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["as_of"] == "2026-12-01" and properties["rules.digest"].startswith("sha256:")
    assert "time" not in suite.attrib and "timestamp" not in suite.attrib


def test_fail_on_warn_turns_a_warned_allow_into_a_failure() -> None:
    code, text = _junit("manifests/allowed-warned.yaml")
    assert code == 0 and ET.fromstring(text).find(".//failure") is None
    code, out, _ = run_cli(
        "check", "manifests/allowed-warned.yaml", *RULES, *AS_OF, "--format", "junit", "--fail-on-warn"
    )
    assert code == 1
    failure = ET.fromstring(out).find(".//failure")
    assert failure is not None and failure.get("type") == "warn"
    assert failure.get("message") == "ci/sensitive_field: diagnosis is sensitive personal information."


def test_control_characters_never_make_invalid_xml() -> None:
    code, text = _junit("manifests/odd, name%.yaml")
    assert code == 1
    root = ET.fromstring(text.encode("utf-8"))  # would raise on a raw \x07
    failure = root.find(".//failure")
    assert failure is not None and "data {x} set\\x07" in (failure.text or "")
    assert "\x07" not in text and "\x01" not in text


def test_an_empty_directory_is_an_error_case(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out, _ = run_cli("check", str(tmp_path / "empty"), *RULES, "--format", "junit")
    assert code == 2
    error = ET.fromstring(out).find(".//error")
    assert error is not None and error.get("type") == "E502"
