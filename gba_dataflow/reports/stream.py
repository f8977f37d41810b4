"""Write the JSON report of a large run as it is decided, so memory stays flat in the number of manifests.

The bytes are exactly those of `json_report.render_json` for the same run (a test holds them equal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gba_dataflow.app.duplicates import DuplicateIds
from gba_dataflow.engine.batch import Amend, Progress, iter_plan, plan_inputs, resolve_jobs
from gba_dataflow.engine.model import ManifestResult, Verdict
from gba_dataflow.engine.rulebook import load_rulebook
from gba_dataflow.manifests import Selection
from gba_dataflow.reports.json_report import json_head, json_separator, json_tail, stream_entry


@dataclass
class StreamedRun:
    """What a streamed run keeps: the counts by decision and whether a warn rule fired."""

    counts: dict[str, int] = field(default_factory=lambda: {verdict.value: 0 for verdict in Verdict})
    warned: bool = False
    missing: int = 0
    """Inputs that named no manifest (counted among the errors too)."""
    duplicates: DuplicateIds = field(default_factory=DuplicateIds)
    """The manifest ids seen, and the W425 warnings of repeated ones."""


def stream_json(
    paths: Sequence[str],
    write: Callable[[str], object],
    *,
    rules_dirs: Sequence[Path] | None = None,
    as_of: dt.date | None = None,
    lang: str = "en",
    jobs: int = 1,
    progress: Progress | None = None,
    selection: Selection | None = None,
    amend: Amend | None = None,
) -> StreamedRun:
    """Decide every manifest under `paths`, writing the JSON document piece by piece with `write`."""
    rulebook = load_rulebook(rules_dirs)
    plan = plan_inputs(paths, selection)
    run = StreamedRun(
        missing=sum(1 for entry in plan if isinstance(entry, ManifestResult) and entry.no_manifest)
    )
    write(json_head(rulebook.info, as_of))
    workers = resolve_jobs(jobs)
    entries = iter_plan(rulebook, plan, rules_dirs, as_of, lang, workers, progress, stream_entry, amend)
    index = -1
    for index, (decision, warned, line, manifest_id, manifest) in enumerate(entries):
        run.duplicates.see(manifest_id, manifest)
        run.counts[decision] += 1
        run.warned = run.warned or warned
        write(json_separator(index) + line)
    write(json_tail(run.counts, index >= 0))
    return run
