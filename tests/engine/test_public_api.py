"""The package's Python API: what README shows runs, and `decide` agrees with `evaluate_manifest`."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

import gba_dataflow
from gba_dataflow import decide, evaluate_manifest, load_manifest, load_rulebook

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_python_example_runs_and_prints_what_it_says(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", readme, re.S)
    assert example is not None
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(example.group(1), "README.md", "exec"), {})
    first, second = printed.getvalue().splitlines()
    assert first.startswith("allow ('mainland_export/m9_gba_contract_hk', ")
    assert second.startswith("allow ['mainland_export/m9_gba_contract_hk', ")


def test_the_public_names_are_the_documented_ones() -> None:
    assert sorted(gba_dataflow.__all__) == [
        "CheckError",
        "DslSyntaxError",
        "EvalError",
        "GbaError",
        "ManifestError",
        "UsageError",
        "__version__",
        "decide",
        "evaluate_manifest",
        "load_manifest",
        "load_rulebook",
    ]
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        gba_dataflow.nothing  # noqa: B018


def test_decide_gives_the_verdict_and_determining_rules_of_evaluate_manifest() -> None:
    rulebook = load_rulebook([ROOT / "rules"])
    examples = sorted((ROOT / "examples" / "manifests").glob("*.yaml"))
    assert len(examples) >= 10
    for path in examples:
        manifest = load_manifest(path)
        decision, result = decide(rulebook, manifest), evaluate_manifest(rulebook, manifest)
        assert decision.verdict.value == result.decision, path.name
        determining = [reason.rule for reason in result.reasons if reason.effect == result.decision]
        assert sorted(decision.rules) == sorted(determining), path.name
