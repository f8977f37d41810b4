"""The `junit` format: JUnit XML as Jenkins, GitLab and most CI servers read it.

One `<testsuites>` holding one `<testsuite>` per run and one `<testcase>` per manifest: `classname` is the
route (`CN-GD → HK`), `name` the manifest path and id. A denied manifest has a `<failure>` listing the deny
reasons; an invalid one an `<error>` with its diagnostics; an allowed one passes, with its obligations and
warnings in `<system-out>` (with `--fail-on-warn`, a warned manifest fails). No times or timestamps.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gba_dataflow.engine.model import ManifestResult, ObligationStatus, RulesInfo, RunResult, Verdict
from gba_dataflow.reports.common import format_fact, headline, summary_line, warned

SUITE_NAME = "gba-dataflow check"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def render_junit(run: RunResult, *, fail_on_warn: bool = False) -> str:
    """The JUnit XML document of a run, UTF-8 text with an XML declaration and a trailing newline."""
    cases = [junit_case(result, fail_on_warn) for result in run.results]
    failures = sum(1 for result in run.results if case_outcome(result, fail_on_warn) == "failure")
    errors = sum(1 for result in run.results if result.decision is Verdict.ERROR)
    head, tail = junit_frame(
        JunitTotals(
            len(cases), failures, errors, run.counts(), sum(map(warned, run.results)), run.missing_inputs()
        ),
        run.rules,
        run.as_of,
        run.lang,
    )
    return head + junit_body(cases) + tail


@dataclass(frozen=True, slots=True)
class JunitTotals:
    """The counts the document's head and tail carry: test cases, failures, errors, and the run's
    counts by decision and of manifests where a warn rule fired."""

    tests: int
    failures: int
    errors: int
    counts: Mapping[str, int]
    warned: int
    missing: int = 0
    """Inputs that named no manifest (among the errors)."""


def case_outcome(result: ManifestResult, fail_on_warn: bool) -> str:
    """`error`, `failure` or `pass`: what a manifest's test case says."""
    if result.decision is Verdict.ERROR:
        return "error"
    if result.decision is Verdict.DENY or (fail_on_warn and warned(result)):
        return "failure"
    return "pass"


def junit_case(result: ManifestResult, fail_on_warn: bool) -> str:
    """One manifest's `<testcase>` element, indented as it sits in the document."""
    case = _testcase(result, fail_on_warn)
    ET.indent(case, space="  ", level=2)
    return ET.tostring(case, encoding="unicode")


def junit_body(cases: Iterable[str]) -> str:
    """The test cases between `junit_frame`'s head and tail."""
    return "".join(_CASE_SEPARATOR + case for case in cases)


_CASE_SEPARATOR = "\n    "
_PLACEHOLDER = "gba-dataflow-cases"


def junit_frame(totals: JunitTotals, rules: RulesInfo, as_of: dt.date | None, lang: str) -> tuple[str, str]:
    """The document before and after its test cases (which `junit_body` writes in between)."""
    counts = {
        "tests": str(totals.tests),
        "failures": str(totals.failures),
        "errors": str(totals.errors),
        "skipped": "0",
    }
    root = ET.Element("testsuites", {"name": "gba-dataflow", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME, **counts})
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("as_of", as_of.isoformat() if as_of else "transfer.date"),
        ("lang", lang),
        ("rules.digest", rules.digest),
        *(("rules.path", path) for path in rules.paths),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": _clean(value)})
    ET.SubElement(suite, _PLACEHOLDER)
    ET.SubElement(suite, "system-out").text = _clean(
        summary_line(totals.counts, totals.warned, missing=totals.missing)
    )
    ET.indent(root, space="  ")
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    head, tail = text.split(_CASE_SEPARATOR + f"<{_PLACEHOLDER} />")
    return head, tail


def _testcase(result: ManifestResult, fail_on_warn: bool) -> ET.Element:
    name = result.manifest + (f" ({result.id})" if result.id else "")
    case = ET.Element(
        "testcase",
        {"classname": _clean(_classname(result)), "name": _clean(name), "file": _clean(result.manifest)},
    )
    warned = [warning for warning in result.warnings if warning.rule]
    if result.decision is Verdict.ERROR:
        body = "\n\n".join(error.render() for error in result.errors)
        first = result.errors[0].code if result.errors else "error"
        _problem(case, "error", headline(result), first, body)
    elif result.decision is Verdict.DENY:
        _problem(case, "failure", headline(result), "deny", _deny_text(result))
    elif fail_on_warn and warned:
        warning = warned[0]
        _problem(case, "failure", f"{warning.rule}: {warning.message}", "warn", _warnings_text(result))
    out = _allow_text(result) if result.decision is Verdict.ALLOW else _warnings_text(result)
    if result.waivers:  # a governed waiver made this pass: say which, and what it waived
        waived = [f"~ {r.rule}: waived by {r.waived_by}: {r.message}" for r in result.reasons if r.waived_by]
        out = "\n".join([f"Waived: {', '.join(result.waivers)}", *waived]) + (f"\n\n{out}" if out else "")
        ET.SubElement(case, "properties").append(
            ET.Element("property", {"name": "waivers", "value": _clean(", ".join(result.waivers))})
        )
    if out:
        ET.SubElement(case, "system-out").text = _clean(out)
    return case


def _classname(result: ManifestResult) -> str:
    if result.route.origin or result.route.destination:
        return str(result.route)  # regions only (`CN-GD → HK`), so that CI servers group by route
    return "gba-dataflow"


def _problem(case: ET.Element, tag: str, message: str, kind: str, body: str) -> None:
    element = ET.SubElement(case, tag, {"message": _clean(message), "type": _clean(kind)})
    element.text = _clean(body)


def _deny_text(result: ManifestResult) -> str:
    blocks = []
    for reason in result.reasons:
        lines = [f"✘ {reason.rule}: {reason.message}"]
        lines += [f"  cite   {cite}" for cite in reason.citations]
        lines += [f"  fact   {format_fact(fact, result.manifest)}" for fact in reason.facts]
        lines.append(f"  source {reason.source}")
        blocks.append("\n".join(lines))
    for remedy in result.remedies:
        label = "closest allow" if remedy.kind == "closest_allow" else "to fix"
        lines = [f"→ {label} {remedy.rule}: {remedy.text}"]
        lines += [f"  ✗ {failed.condition}: {failed.suggestion}" for failed in remedy.failed_conditions]
        blocks.append("\n".join(lines))
    for error in result.errors:
        blocks.append(error.render())
    return "\n\n".join(blocks)


def _allow_text(result: ManifestResult) -> str:
    blocks = []
    to_do = [item for item in result.obligations if item.status is ObligationStatus.TO_DO]
    met = [item for item in result.obligations if item.status is ObligationStatus.MET]
    if to_do:
        lines = ["Must still be done:"]
        lines += [f"{n}. {item.text} ({item.rule})" for n, item in enumerate(to_do, start=1)]
        blocks.append("\n".join(lines))
    if met:
        blocks.append("\n".join(["Already met:", *(f"✔ {item.text} ({item.rule})" for item in met)]))
    warnings = _warnings_text(result)
    if warnings:
        blocks.append(warnings)
    return "\n\n".join(blocks)


def _warnings_text(result: ManifestResult) -> str:
    if not result.warnings:
        return ""
    lines = ["Warnings:"]
    for warning in result.warnings:
        title = " ".join(part for part in (warning.code, warning.rule) if part) or "warning"
        lines.append(f"! {title}: {warning.message}")
    return "\n".join(lines)


def _clean(text: str) -> str:
    """Text XML 1.0 can hold: characters it forbids are written as `\\xNN` / `\\uNNNN`."""
    return _XML_INVALID.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )
