"""Run a whole check: load the rules once, then load and decide each manifest in input order."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from gba_dataflow.core.errors import Diagnostic, ManifestError
from gba_dataflow.core.source import Span
from gba_dataflow.engine.evaluate import error_result, evaluate_manifest
from gba_dataflow.engine.model import ManifestResult, RunResult
from gba_dataflow.engine.rulebook import Rulebook, load_rulebook
from gba_dataflow.manifests import iter_manifest_files, load_manifest, load_manifest_bytes

STDIN = "-"


def run_check(
    paths: Sequence[str],
    *,
    rules_dirs: Sequence[Path] | None = None,
    as_of: dt.date | None = None,
    lang: str = "en",
) -> RunResult:
    """Load the rules (raising on rule errors), then decide every manifest found under `paths`."""
    rulebook = load_rulebook(rules_dirs)
    results: list[ManifestResult] = []
    for item in paths:
        try:
            files = iter_manifest_files([item])
        except ManifestError as error:
            results.append(error_result(item, error.diagnostics))
            continue
        if not files:
            results.append(error_result(item, [_empty_directory(item)]))
        results.extend(decide_files(rulebook, files, as_of=as_of, lang=lang))
    run = RunResult(rulebook.info, tuple(results), as_of=as_of, lang=lang)
    return RunResult(run.rules, run.results, run.as_of, run.lang, run.counts())


def _empty_directory(item: str) -> Diagnostic:
    return Diagnostic(
        "E502",
        f"`{item}` holds no manifest (*.yaml, *.yml, *.json)",
        Span(item, 1, 1),
        "point at a manifest file or a directory that contains some",
    )


def decide_files(
    rulebook: Rulebook, files: Sequence[str], *, as_of: dt.date | None = None, lang: str = "en"
) -> Iterator[ManifestResult]:
    """Decide each manifest file (or `-` for stdin); unreadable or invalid ones give `error` results."""
    for name in files:
        yield decide_file(rulebook, name, as_of=as_of, lang=lang)


def decide_file(
    rulebook: Rulebook, name: str, *, as_of: dt.date | None = None, lang: str = "en"
) -> ManifestResult:
    """Load and decide one manifest; never raises for a bad manifest."""
    try:
        if name == STDIN:
            manifest = load_manifest_bytes(sys.stdin.buffer.read(), "<stdin>")
        else:
            manifest = load_manifest(name)
    except ManifestError as error:
        return error_result("<stdin>" if name == STDIN else name, error.diagnostics)
    return evaluate_manifest(rulebook, manifest, as_of=as_of, lang=lang)
