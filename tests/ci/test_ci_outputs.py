"""Several outputs from one run: `--report FORMAT:FILE` beside `--format`/`--output`, which work as before."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ci_helpers import AS_OF, RULES, run_cli


def test_text_on_stdout_and_sarif_junit_json_in_files_from_one_run(tmp_path: Path) -> None:
    sarif, junit, data = tmp_path / "r.sarif", tmp_path / "out" / "r.xml", tmp_path / "r.json"
    code, out, err = run_cli(
        "check", "manifests", *RULES, *AS_OF,
        "--report", f"sarif:{sarif}", "--report", f"junit:{junit}", "--report", f"json:{data}",
    )  # fmt: skip
    assert code == 2
    assert out.startswith("✔ ALLOW  manifests/allowed-warned.yaml")
    assert err == ""
    # each file holds exactly what --format would have printed
    for name, path in (("sarif", sarif), ("junit", junit), ("json", data)):
        alone = run_cli("check", "manifests", *RULES, *AS_OF, "--format", name)[1]
        assert path.read_text(encoding="utf-8") == alone, name
    assert json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["invocations"][0]["exitCode"] == 2
    assert ET.parse(junit).getroot().tag == "testsuites"


def test_format_and_output_keep_working_with_reports(tmp_path: Path) -> None:
    main, extra = tmp_path / "main.json", tmp_path / "extra.sarif"
    code, out, _ = run_cli(
        "check", "manifests/denied.yaml", *RULES, *AS_OF,
        "--format", "json", "--output", str(main), "--report", f"sarif:{extra}",
    )  # fmt: skip
    assert code == 1 and out == ""
    assert json.loads(main.read_text(encoding="utf-8"))["summary"]["deny"] == 1
    assert json.loads(extra.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_a_machine_format_on_stdout_stays_clean(tmp_path: Path) -> None:
    code, out, err = run_cli(
        "check", "manifests", *RULES, *AS_OF, "--format", "sarif", "--report", f"text:{tmp_path / 'r.txt'}"
    )
    assert code == 2
    json.loads(out)
    assert err == ""  # no closing summary on stderr when stderr is not a terminal
    text = (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert "\x1b[" not in text and "    2  deny rule    ci/important_data" in text


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("sarif", "--report `sarif` is not FORMAT:FILE"),
        ("sarif:", "--report `sarif:` is not FORMAT:FILE"),
        ("sarif:-", "--report `sarif:-` is not FORMAT:FILE"),
        ("xml:r.xml", "--report `xml` is not one of"),
        ("sarf:r.sarif", "did you mean `sarif`"),
    ],
)
def test_bad_report_values_exit_2_before_checking(value: str, needle: str) -> None:
    code, out, err = run_cli("check", "manifests/allowed.yaml", *RULES, "--report", value)
    assert code == 2 and out == ""
    assert needle in err and "Traceback" not in err


def test_the_same_file_cannot_be_written_twice(tmp_path: Path) -> None:
    target = tmp_path / "r.sarif"
    code, _, err = run_cli(
        "check", "manifests/allowed.yaml", *RULES, "--report", f"sarif:{target}", "--report", f"json:{target}"
    )
    assert code == 2 and "is written twice" in err
    code, _, err = run_cli(
        "check", "manifests/allowed.yaml", *RULES, "--output", str(target), "--report", f"sarif:{target}"
    )
    assert code == 2 and "is written twice" in err


def test_an_unwritable_report_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = run_cli("check", "manifests/allowed.yaml", *RULES, "--report", f"sarif:{blocker}/r.sarif")
    assert code == 2 and "E550" in err and "Traceback" not in err


def test_every_format_is_accepted_by_format_and_report(tmp_path: Path) -> None:
    for name in ("text", "json", "sarif", "junit", "github"):
        code, out, _ = run_cli("check", "manifests/allowed.yaml", *RULES, "--format", name)
        assert code == 0 and out, name
        code, _, _ = run_cli(
            "check", "manifests/allowed.yaml", *RULES, "--report", f"{name}:{tmp_path / name}"
        )
        assert code == 0 and (tmp_path / name).stat().st_size > 0, name
