"""Run a whole check: load the rules once, then load and decide each manifest, results in input order.

A large batch may be spread over worker processes (`jobs`): each worker loads the rulebook once, takes
chunks of file names and sends back their results, which are put back in input order, so the run is the
same whatever `jobs` is. Standard input is always read by the calling process.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from gba_dataflow.core.errors import Diagnostic, ManifestError
from gba_dataflow.core.source import Span
from gba_dataflow.dsl import nodes
from gba_dataflow.engine.evaluate import NO_RULESET, ManifestInput, error_result, evaluate_manifest
from gba_dataflow.engine.model import ManifestResult, RuleDoc, RunResult
from gba_dataflow.engine.rulebook import CompiledRuleset, Rulebook, load_rulebook
from gba_dataflow.manifests import (
    STDIN,
    FileList,
    Selection,
    iter_manifest_files,
    load_manifest,
    load_manifest_bytes,
)

if TYPE_CHECKING:  # multiprocessing and concurrent.futures are imported only when workers start
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

T = TypeVar("T")
ALL_FILES = Selection()
MAX_CHUNK = 200
"""Most manifests a worker decides per task: small enough for a smooth progress bar."""

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` after each manifest (or chunk of manifests) is decided."""

Amend = Callable[[Rulebook, ManifestInput, ManifestResult], ManifestResult]
"""Called as `amend(rulebook, manifest, result)` on each manifest's decision, where it is made (in a
worker too, so it must pickle: a module-level function or a `functools.partial` of one): a layer above
the engine reviewing a decision, as governed waivers do (app/waivers.py)."""

# A planned input: a file name (or `-`) to decide, or a result already known (a path that is missing).
_Item = str | ManifestResult
Plan = list[_Item | FileList]
"""The inputs in order: the files found for each (held compactly), `-`, or a result already known."""


def run_check(
    paths: Sequence[str],
    *,
    rules_dirs: Sequence[Path] | None = None,
    as_of: dt.date | None = None,
    lang: str = "en",
    jobs: int = 1,
    progress: Progress | None = None,
    selection: Selection | None = None,
    amend: Amend | None = None,
) -> RunResult:
    """Load the rules (raising on rule errors), then decide every manifest found under `paths`.

    `jobs` > 1 spreads the manifest files over that many processes (0: one per CPU); the result is the
    same as with `jobs=1`. `progress(done, total)` is called as manifests are decided. `selection` narrows
    the files a directory walk takes (the configuration file's `include`/`exclude`).
    """
    rulebook = load_rulebook(rules_dirs)
    plan = plan_inputs(paths, selection)
    workers = resolve_jobs(jobs)
    results = list(iter_plan(rulebook, plan, rules_dirs, as_of, lang, workers, progress, _identity, amend))
    run = RunResult(rules=rulebook.info, results=tuple(results), as_of=as_of, lang=lang)
    return dataclasses.replace(run, summary=run.counts(), rule_docs=describe_rules(rulebook, lang))


def resolve_jobs(jobs: int) -> int:
    """The number of worker processes for `--jobs`: 0 means one per available CPU, and more than the
    CPUs available is capped at their number (more processes than CPUs only compete for them and
    multiply the memory; the CLI says so when it caps)."""
    available = cpu_count()
    return available if jobs <= 0 else min(jobs, available)


def cpu_count() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def plan_inputs(paths: Sequence[str], selection: Selection | None = None) -> Plan:
    """Expand the command-line inputs in order: file names, `-`, and error results for bad inputs."""
    plan: Plan = []
    for item in paths:
        if item == STDIN:
            plan.append(STDIN)
            continue
        try:
            files = iter_manifest_files([item], selection or ALL_FILES)
        except ManifestError as error:
            plan.append(dataclasses.replace(error_result(item, error.diagnostics), no_manifest=True))
            continue
        if not files and not files.problems:
            plan.append(dataclasses.replace(error_result(item, [_empty_directory(item)]), no_manifest=True))
        elif files:
            plan.append(files)
        plan.extend(error_result(problem.path or item, [problem]) for problem in files.problems)
    return plan


def plan_size(plan: Plan) -> int:
    """How many results a plan gives."""
    return sum(len(entry) if isinstance(entry, FileList) else 1 for entry in plan)


def plan_items(plan: Plan) -> Iterator[_Item]:
    """The items of a plan one by one (file names are made as they are needed)."""
    for entry in plan:
        if isinstance(entry, FileList):
            yield from entry
        else:
            yield entry


def _file_count(plan: Plan) -> int:
    return sum(
        len(entry) if isinstance(entry, FileList) else int(isinstance(entry, str) and entry != STDIN)
        for entry in plan
    )


def _empty_directory(item: str) -> Diagnostic:
    return Diagnostic(
        "E502",
        f"`{item}` holds no manifest (*.yaml, *.yml, *.json)",
        Span(item, 1, 1),
        "point at a manifest file or a directory that contains some",
    )


def _identity(result: ManifestResult) -> ManifestResult:
    return result


def iter_plan(
    rulebook: Rulebook,
    plan: Plan,
    rules_dirs: Sequence[Path] | None,
    as_of: dt.date | None,
    lang: str,
    workers: int,
    progress: Progress | None,
    transform: Callable[[ManifestResult], T],
    amend: Amend | None = None,
) -> Iterator[T]:
    """Decide a plan and yield `transform(result)` for each item, in input order, as results come.

    With workers, `transform` runs in the workers (it must be a module-level function), so only what it
    returns crosses between processes, and at most a few chunks are in flight: memory stays flat.
    """
    total = plan_size(plan)
    if workers > 1 and _file_count(plan) > 1:
        from concurrent.futures.process import BrokenProcessPool

        # standard input belongs to this process, and is read once whatever happens below
        plan = [
            decide_file(rulebook, STDIN, as_of, lang, amend)
            if isinstance(entry, str) and entry == STDIN
            else entry
            for entry in plan
        ]
        parallel = _iter_parallel(
            plan, rules_dirs, as_of, lang, workers, progress, transform, rulebook, amend
        )
        try:
            first = next(parallel, _EMPTY)
        except (OSError, BrokenProcessPool, NotImplementedError):
            first = _NO_POOL  # no process pool here: decide everything in this process instead
        if first is not _NO_POOL:
            if first is not _EMPTY:
                yield first  # type: ignore[misc]
                yield from parallel
            return
    for done, item in enumerate(plan_items(plan), start=1):
        result = item if isinstance(item, ManifestResult) else decide_file(rulebook, item, as_of, lang, amend)
        yield transform(result)
        if progress is not None:
            progress(done, total)


_EMPTY = object()
_NO_POOL = object()


def _iter_parallel(
    plan: Plan,
    rules_dirs: Sequence[Path] | None,
    as_of: dt.date | None,
    lang: str,
    workers: int,
    progress: Progress | None,
    transform: Callable[[ManifestResult], T],
    rulebook: Rulebook | None = None,
    amend: Amend | None = None,
) -> Iterator[T]:
    """Decide the file items of `plan` in worker processes, a bounded number of chunks at a time.

    `rulebook` (the rules of `rules_dirs`, already loaded) is handed to workers that are forked.
    """
    from concurrent.futures import ProcessPoolExecutor

    global _inherited  # noqa: PLW0603 - what a forked worker finds in its copy of this process
    total = plan_size(plan)
    dirs = tuple(rules_dirs) if rules_dirs is not None else None
    done = 0
    context = _context()
    if context.get_start_method() == "fork":  # (multiprocessing flushes stdout and stderr before it forks)
        _inherited = rulebook
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(dirs, as_of, lang, amend),
    ) as pool:
        pending: deque[tuple[list[_Item], Future[list[T]] | None]] = deque()
        window = workers * 4
        try:
            for segment in _segments(plan_items(plan), _file_count(plan), workers):
                is_files = isinstance(segment[0], str)
                future = (
                    pool.submit(_decide_chunk, [str(i) for i in segment], transform) if is_files else None
                )
                pending.append((segment, future))
                while len(pending) > window:
                    done = yield from _emit(pending.popleft(), transform, done, total, progress)
            while pending:
                done = yield from _emit(pending.popleft(), transform, done, total, progress)
        except BaseException:
            # Ctrl-C, SIGTERM (which the CLI turns into an exception) or an error: end every worker now,
            # rather than wait for the chunks they are deciding, and leave no process behind.
            import multiprocessing

            for child in multiprocessing.active_children():
                child.terminate()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            _inherited = None


def _segments(items: Iterator[_Item], files: int, workers: int) -> Iterator[list[_Item]]:
    """Consecutive runs of plan items, made as they are needed: file names in chunks for the workers,
    each known result on its own. Chunks shrink as the files run out (at most MAX_CHUNK, at least one,
    about 1/8 of what is left per worker), so that no worker is left alone with a big last chunk."""
    remaining = files
    limit = _chunk_size(remaining, workers)
    chunk: list[_Item] = []
    for item in items:
        if isinstance(item, str):
            chunk.append(item)
            if len(chunk) < limit:
                continue
        if chunk:
            yield chunk
            remaining -= len(chunk)
            limit = _chunk_size(remaining, workers)
            chunk = []
        if not isinstance(item, str):
            yield [item]
    if chunk:
        yield chunk


def _chunk_size(remaining: int, workers: int) -> int:
    return max(1, min(MAX_CHUNK, remaining // (workers * 8)))


def _emit(
    entry: tuple[list[_Item], Future[list[T]] | None],
    transform: Callable[[ManifestResult], T],
    done: int,
    total: int,
    progress: Progress | None,
) -> Generator[T, None, int]:
    segment, future = entry
    values = future.result() if future is not None else [transform(item) for item in segment]  # type: ignore[arg-type]
    yield from values
    done += len(segment)
    if progress is not None:
        progress(done, total)
    return done


def _context() -> BaseContext:
    """How workers start: `fork` on Linux when this process runs no other thread (workers are ready at
    once, with the rules already loaded: some 300 ms sooner than through a fork server); else
    `forkserver` (never a fork of a process that may run threads: a lock another thread holds would stay
    locked in the child; the server imports this module once, so workers start warm); else `spawn`."""
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


_worker: tuple[Rulebook, dt.date | None, str, Amend | None] | None = None
_inherited: Rulebook | None = None


def _init_worker(
    rules_dirs: tuple[Path, ...] | None, as_of: dt.date | None, lang: str, amend: Amend | None = None
) -> None:
    """Load the rulebook once per worker process (a forked worker has it already); Ctrl-C is left to
    the parent, which stops the pool; SIGTERM ends the worker at once."""
    import signal  # here: only a worker needs it

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, if the worker was forked
    global _worker  # noqa: PLW0603 - one rulebook per worker process, by design
    _worker = (_inherited if _inherited is not None else load_rulebook(rules_dirs), as_of, lang, amend)


def _decide_chunk(names: list[str], transform: Callable[[ManifestResult], T]) -> list[T]:
    """Decide a chunk of manifest files in a worker, returning what `transform` keeps of each result."""
    if _worker is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker used before its initializer ran")
    rulebook, as_of, lang, amend = _worker
    return [transform(decide_file(rulebook, name, as_of, lang, amend)) for name in names]


def decide_files(
    rulebook: Rulebook, files: Sequence[str], *, as_of: dt.date | None = None, lang: str = "en"
) -> Iterator[ManifestResult]:
    """Decide each manifest file (or `-` for stdin); unreadable or invalid ones give `error` results."""
    for name in files:
        yield decide_file(rulebook, name, as_of, lang)


def decide_file(
    rulebook: Rulebook, name: str, as_of: dt.date | None = None, lang: str = "en", amend: Amend | None = None
) -> ManifestResult:
    """Load and decide one manifest (then `amend` the decision, if given); never raises for a bad manifest."""
    try:
        if name == STDIN:
            manifest = load_manifest_bytes(sys.stdin.buffer.read(), "<stdin>")
        else:
            manifest = load_manifest(name)
    except ManifestError as error:
        return error_result("<stdin>" if name == STDIN else name, error.diagnostics)
    result = evaluate_manifest(rulebook, manifest, as_of=as_of, lang=lang)
    return amend(rulebook, manifest, result) if amend is not None else result


# ---- describing the rules -------------------------------------------------------------------------


def _joined(messages: tuple[nodes.Message, ...], lang: str) -> str | None:
    """The texts of `messages` in `lang`, one after another (a duty-met rule's `met` texts describe it)."""
    texts = [_text(message, lang) or "" for message in messages]
    return " ".join(text for text in texts if text) or None


def describe_rules(rulebook: Rulebook, lang: str = "en") -> tuple[RuleDoc, ...]:
    """Every id a reason of this rulebook can carry, in rulebook order, texts in `lang` where written.

    Each ruleset gives its rules in source order, then `<ruleset>/default`; `gba-dataflow/no-ruleset`
    comes last.
    """
    docs: list[RuleDoc] = []
    for ruleset in rulebook.rulesets:
        title = _text(ruleset.node.title, lang)
        for rule in ruleset.rules:
            node = rule.node
            docs.append(
                RuleDoc(
                    id=rule.id,
                    effect=node.effect,
                    ruleset=ruleset.id,
                    message=_text(node.because, lang) or _joined(node.mets, lang) or rule.id,
                    citations=node.cites_in(lang),
                    remedy=_text(node.remedy, lang),
                    requires=tuple(_text(message, lang) or "" for message in node.requires),
                    effective_from=node.effective_from,
                    effective_until=node.effective_until,
                    source=rule.source,
                    ruleset_title=title,
                    mets=tuple(_text(message, lang) or "" for message in node.mets),
                )
            )
        docs.append(_default_doc(ruleset, title, lang))
    docs.append(
        RuleDoc(
            id=NO_RULESET,
            effect="deny",
            ruleset="gba-dataflow",
            message="No ruleset covers the route of the transfer; transfers are denied unless a ruleset "
            "applies (fail closed).",
            remedy="Check the origin and destination regions, or add a ruleset that covers this route.",
        )
    )
    return tuple(docs)


def _default_doc(ruleset: CompiledRuleset, title: str | None, lang: str) -> RuleDoc:
    node = ruleset.node
    return RuleDoc(
        id=ruleset.default_id,
        effect="deny",
        ruleset=ruleset.id,
        message=_text(node.default_because, lang) or f"No rule of {ruleset.id} permits this transfer.",
        citations=node.default_cites_in(lang),
        remedy=_text(node.default_remedy, lang),
        source=ruleset.source,
        ruleset_title=title,
    )


def _text(message: nodes.Message | None, lang: str) -> str | None:
    return message.in_language(lang).source_text() if message is not None else None
