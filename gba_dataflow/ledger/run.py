"""`check --ledger URL [--record] [--subjects FILE]`: decide manifests with the ledger's volumes, in input
order, each in its own transaction. A ledger failure ends the whole run with a LedgerError (exit 2):
no manifest is ever allowed without the ledger it was asked to use."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from gba_dataflow.app.batch import describe_rules, plan_inputs, plan_items, plan_size
from gba_dataflow.core.errors import ManifestError, UsageError
from gba_dataflow.core.i18n import tr
from gba_dataflow.engine.evaluate import error_result
from gba_dataflow.engine.model import ManifestResult, RunResult
from gba_dataflow.engine.rulebook import load_rulebook
from gba_dataflow.ledger.model import TransferRecord
from gba_dataflow.ledger.store import open_ledger
from gba_dataflow.ledger.subjects import SubjectHashes, hash_subjects, organisation_key
from gba_dataflow.manifests import STDIN, LoadedManifest, load_manifest, load_manifest_bytes


def load_or_error(name: str) -> LoadedManifest | ManifestResult:
    """A loaded manifest, or the error result of one that cannot be loaded."""
    try:
        if name == STDIN:
            return load_manifest_bytes(sys.stdin.buffer.read(), "<stdin>")
        return load_manifest(name)
    except ManifestError as error:
        return error_result("<stdin>" if name == STDIN else name, error.diagnostics)


def subjects_for(paths_count: int, subjects: Path | None, key_file: Path | None) -> SubjectHashes | None:
    """The hashed subjects of `--subjects` (one manifest only), the key checked first."""
    if subjects is None:
        return None
    if paths_count != 1:
        raise UsageError(
            tr(
                "--subjects names the individuals of one transfer, but {count} manifests were given",
                count=paths_count,
            ),
            code="E501",
            hint=tr("check one manifest at a time with --subjects"),
        )
    return hash_subjects(subjects, organisation_key(key_file))


def run_ledger_check(
    paths: Sequence[str],
    *,
    ledger_url: str,
    rules_dirs: Sequence[Path] | None = None,
    as_of: dt.date | None = None,
    lang: str = "en",
    record: bool = False,
    subjects: Path | None = None,
    key_file: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    recorded: Callable[[TransferRecord], None] | None = None,
) -> RunResult:
    """Load the rules, then decide (and with `record`, record when allowed) each manifest of `paths`;
    `recorded(record)` is called for each record made."""
    rulebook = load_rulebook(rules_dirs)
    plan = plan_inputs(paths)
    total = plan_size(plan)
    hashed = subjects_for(total, subjects, key_file)
    results: list[ManifestResult] = []
    with open_ledger(ledger_url) as ledger:
        for done, item in enumerate(plan_items(plan), start=1):
            loaded = item if isinstance(item, ManifestResult) else load_or_error(item)
            if isinstance(loaded, ManifestResult):
                results.append(loaded)
            else:
                decision = ledger.check(
                    rulebook, loaded, as_of=as_of, lang=lang, record=record, subjects=hashed
                )
                results.append(decision.result)
                if decision.record is not None and recorded is not None:
                    recorded(decision.record)
            if progress is not None:
                progress(done, total)
    run = RunResult(rulebook.info, tuple(results), as_of=as_of, lang=lang)
    return RunResult(
        run.rules, run.results, run.as_of, run.lang, run.counts(), describe_rules(rulebook, lang)
    )
