"""Fuzzing of what untrusted or fallible authors write: manifest bytes, rule text and command lines.

Properties (docs/security.md):
- a manifest, whatever its bytes, loads or is refused with located diagnostics of its own codes, never
  E900, and a loaded one is decided (allow, deny or error) without an internal error;
- a rule file, whatever its text, parses and checks or is refused with DSL diagnostics; one that parses
  is formatted by `rules fmt` into text that parses back to the same tree;
- a command line, whatever its words, exits 0, 1 or 2 without an internal error.

`make test` runs a few dozen examples of each; `make fuzz` runs them for FUZZ_SECONDS (default 60) with
tests/security/fuzz.py. Examples are sized so that each runs in milliseconds.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from security_helpers import ALLOWED, DENIED

from gba_dataflow.core.errors import ManifestError

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
BASES = [
    ALLOWED.read_bytes(),
    DENIED.read_bytes(),
    (ALLOWED.parent / "important-data-refused.yaml").read_bytes(),
]
SNIPPETS = [
    b"&a [1, 2]",
    b"*a",
    b"<<: *a",
    b"!!python/object/apply:os.system ['true']",
    b"!!binary aGk=",
    b"? [a, b]\n: c",
    b"{",
    b"[",
    b"]]]]",
    b'"\\ud800"',
    b"\\ud800",
    b"\xed\xa0\x80",
    b"\xff\xfe",
    b"\x00",
    b"\t",
    b"---\n",
    b"9" * 5000,
    b"-" * 300,
    b"[" * 200 + b"]" * 200,
    b"1e999",
    b"-0x1F",
    b"0o777",
    b"1_000",
    b".inf",
    b"yes",
    b"2026-02-30",
    b"9999-12-31",
    b"0001-01-01",
    b"null",
    b"~",
    "深圳".encode(),
    b"\r\n",
    b"\xe2\x80\xa8",
]


@st.composite
def manifest_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    """Bytes near a real manifest: spliced snippets, deleted or repeated slices, flipped bytes; or noise."""
    name = draw(st.sampled_from(["m.yaml", "m.json", "m.yml", "m"]))
    if draw(st.integers(0, 9)) == 0:
        return name, draw(st.binary(max_size=400))
    data = bytearray(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.integers(0, 3))
        if action == 0:
            data[at:at] = draw(st.sampled_from(SNIPPETS))
        elif action == 1:
            end = min(len(data), at + draw(st.integers(1, 80)))
            del data[at:end]
        elif action == 2:
            end = min(len(data), at + draw(st.integers(1, 80)))
            data[at:at] = bytes(data[at:end]) * draw(st.integers(2, 4))
        elif data:
            data[min(at, len(data) - 1)] ^= 1 << draw(st.integers(0, 7))
    if name.endswith(".json") and draw(st.booleans()):
        import json

        import yaml

        with contextlib.suppress(Exception):  # not YAML any more: the bytes are fuzzed as they are
            data = bytearray(json.dumps(yaml.safe_load(bytes(data)), default=str).encode())
    return name, bytes(data)


def _no_internal_error(diagnostics: list[object]) -> None:
    for diagnostic in diagnostics:
        code = getattr(diagnostic, "code", "")
        assert not code.startswith("E9"), getattr(diagnostic, "message", diagnostic)
        assert (
            getattr(diagnostic, "span", None) is not None
            or getattr(diagnostic, "json_path", None) is not None
        )


_rulebook = None


def rulebook() -> object:
    global _rulebook  # noqa: PLW0603 - loaded once for the whole fuzz run
    if _rulebook is None:
        from gba_dataflow.engine.rulebook import load_rulebook

        _rulebook = load_rulebook()
    return _rulebook


@FUZZ
@given(manifest_bytes())
def test_any_manifest_bytes_load_or_are_refused_and_are_decided_without_internal_error(
    named: tuple[str, bytes],
) -> None:
    from gba_dataflow.engine.evaluate import evaluate_manifest
    from gba_dataflow.manifests import load_manifest_bytes

    name, raw = named
    try:
        manifest = load_manifest_bytes(raw, name)
    except ManifestError as error:
        assert error.diagnostics
        _no_internal_error(list(error.diagnostics))
        return
    result = evaluate_manifest(rulebook(), manifest)  # type: ignore[arg-type]
    assert result.decision in ("allow", "deny", "error")
    assert not any(error.code.startswith("E9") for error in result.errors)


RULE_WORDS = [
    "dataset.core_data",
    "dataset.subjects",
    "transfer.date",
    "as_of",
    "exporter.region",
    "x",
    "and",
    "or",
    "not",
    "in",
    "contains",
    "any",
    "all",
    "count",
    "(",
    ")",
    "{",
    "}",
    ",",
    ":",
    ".",
    "==",
    "!=",
    "<",
    ">=",
    "+",
    "-",
    "days",
    "true",
    "false",
    "null",
    '"CN-GD"',
    '"{dataset.subjects}"',
    '"unterminated',
    "2026-01-01",
    "2026-02-30",
    "\n  ",
    "\n",
    "#",
    "let",
    "rule",
    "deny when",
    "because",
    "9" * 19,
    "1" + "0" * 308 + ".5",
    "0.000000000000000001",
    "999_999_999_999_999_999",
    "36601",
    "not " * 70,
    "(" * 70,
]
RULE_HEAD = "ruleset r\nrule a\n  deny when "
RULE_TAIL = '\n  because "x"\n  cite "DSL, Art. 21"\n'


@st.composite
def rule_text(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(RULE_WORDS), min_size=1, max_size=25))
    body = " ".join(words)
    if draw(st.integers(0, 9)) == 0:
        body = draw(st.text(max_size=120))
    return RULE_HEAD + body + RULE_TAIL


@FUZZ
@given(rule_text())
def test_any_rule_text_parses_and_formats_back_to_itself_or_is_refused(text: str) -> None:
    from gba_dataflow.core.errors import CheckError, DslSyntaxError
    from gba_dataflow.dsl.checker import check_rulesets
    from gba_dataflow.dsl.formatter import format_ruleset
    from gba_dataflow.dsl.parser import parse_text
    from gba_dataflow.engine.rulebook import manifest_catalog

    try:
        ruleset = parse_text(text, "r.rules")
        result = check_rulesets([ruleset], manifest_catalog())
    except (DslSyntaxError, CheckError) as error:
        _no_internal_error(list(error.diagnostics))
        return
    _no_internal_error(list(result.diagnostics))
    again = parse_text(format_ruleset(ruleset), "r.rules")
    assert again.rules[0].condition == ruleset.rules[0].condition


CLI_WORDS = [
    "check",
    "rules",
    "check",
    "--strict",
    "list",
    "explain-code",
    "E450",
    "explain",
    "schema",
    "manifest",
    "decision",
    "--format",
    "-f",
    "json",
    "sarif",
    "junit",
    "github",
    "text",
    "bogus",
    "--as-of",
    "2026-01-01",
    "tomorrow",
    "--lang",
    "zh-Hant",
    "xx",
    "--jobs",
    "-1",
    "0",
    "64",
    "--rules",
    "/nonexistent",
    str(ALLOWED),
    str(DENIED),
    "-",
    "--quiet",
    "--no-color",
    "--fail-on-warn",
    "-o",
    "/dev/null",
    "--report",
    "sarif:/dev/null",
    "json:",
    "--",
    "--help",
    "\udcff.yaml",  # a file name that is not UTF-8, as Python decodes it (surrogateescape)
    "",
]


@FUZZ
@given(st.lists(st.sampled_from(CLI_WORDS), min_size=1, max_size=7))
def test_any_command_line_exits_0_1_or_2_without_internal_error(words: list[str]) -> None:
    from typer.testing import CliRunner

    from gba_dataflow.cli.app import app

    runner = CliRunner()
    here = Path.cwd()
    scratch = tempfile.mkdtemp(prefix="gba-dataflow-fuzz-")  # `-o --format` writes a file named `--format`
    os.chdir(scratch)
    try:
        result = runner.invoke(app, words, input="", env={"COLUMNS": "100", "NO_COLOR": "1"})
    finally:
        os.chdir(here)
        shutil.rmtree(scratch, ignore_errors=True)
    assert result.exit_code in (0, 1, 2), (words, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), (words, result.exception)
    assert "E900" not in result.output, (words, result.output)
