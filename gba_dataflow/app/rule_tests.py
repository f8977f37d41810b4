"""Rule unit tests (`gba-dataflow rules test`): YAML cases, expected outcomes, and coverage.

A case file is a YAML file named `*.test.yaml` (or `.test.yml`) anywhere under a rules directory, or any
YAML file given with `--cases`. It holds a list of cases, or a mapping with `cases:` and defaults for them
(`base:`, `as_of:`). Each case:

    - name: core data never leaves               # required
      base: ../examples/manifests/x.yaml         # a manifest (path relative to this file, or inline) that
      manifest: {dataset: {core_data: true}}     #   `manifest` (a mapping) is deep-merged over; or
                                                 #   manifest: path/to/full-manifest.yaml
      as_of: 2026-12-01                          # optional; default: the manifest's transfer.date
      decision: deny                             # allow | deny | error (the manifest must not load)
      rules: [demo/core_data]                    # optional: these rules must fire (others may too)
      not_rules: [demo/small_volume]             # optional: these rules must not fire
      obligations: ["separate consent"]          # optional: each text must appear in some obligation
                                                 #   still to do (a `require` of an allow rule that held)
      met: ["notice"]                            # optional: each text must appear in some obligation
                                                 #   already met (a `met` text of an allow rule that held)

A rule *fires* when it is active on the as-of date, its ruleset applies and its condition holds (an
evaluation error counts as holding for a deny rule, as in a decision); `<ruleset>/default` fires when a
ruleset denies because no rule allowed. Coverage counts, over all cases, whether each rule fired and
whether each top-level condition (each operand of the condition's top-level `and`, and each `applies when`)
was evaluated true and false. A condition counts only where the engine would evaluate it: when its rule
is active in an applicable ruleset and every condition before it held.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gba_dataflow.app.words import code_list
from gba_dataflow.core.errors import Diagnostic, EvalError, GbaError, ManifestError, Severity, UsageError
from gba_dataflow.core.i18n import Listing, os_problem, tr
from gba_dataflow.core.source import Span, caret_excerpt
from gba_dataflow.core.suggest import did_you_mean
from gba_dataflow.dsl import nodes
from gba_dataflow.engine.evaluate import (
    NO_RULESET,
    ManifestInput,
    condition_value,
    evaluate_manifest,
    resolve_as_of,
    rule_outcome,
    with_transfer_date,
)
from gba_dataflow.engine.evaluator import Compiler, EvalContext, Fn, Observer
from gba_dataflow.engine.model import ManifestResult, ObligationStatus, Verdict
from gba_dataflow.engine.rulebook import CompiledRuleset, Rulebook, default_rules_dirs, load_rulebook
from gba_dataflow.manifests import (
    ParsedDocument,
    SourceText,
    load_manifest,
    load_manifest_bytes,
    parse_json,
    parse_yaml,
)

CASE_SUFFIXES = (".test.yaml", ".test.yml")
_FILE_KEYS = ("cases", "base", "as_of")
_CASE_KEYS = (
    "name",
    "description",
    "manifest",
    "base",
    "as_of",
    "decision",
    "rules",
    "not_rules",
    "obligations",
    "met",
)
_DECISIONS = ("allow", "deny", "error")


# ---- case files -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One test case, as read from its file."""

    file: str
    name: str
    line: int
    pointer: str
    manifest: str | dict[str, Any]
    base: str | dict[str, Any] | None
    as_of: dt.date | None
    decision: str
    rules: tuple[str, ...] = ()
    not_rules: tuple[str, ...] = ()
    obligations: tuple[str, ...] = ()
    met: tuple[str, ...] = ()
    """Texts that must each appear in an obligation already met."""


@dataclass
class _CaseFile:
    path: Path
    source: SourceText
    doc: ParsedDocument

    def case_error(self, message: str, pointer: str, hint: str | None = None) -> UsageError:
        line, column = self.doc.key_position(pointer) if pointer else (1, 1)
        span = Span(str(self.path), line, column)
        excerpt = caret_excerpt(self.source.line_text(line), column)
        diagnostic = Diagnostic("E216", message, span, hint, excerpt=excerpt, json_path=pointer or None)
        return UsageError(diagnostics=[diagnostic])


def discover_case_files(rule_paths: Sequence[Path], extra: Sequence[Path] = ()) -> list[Path]:
    """`*.test.yaml` / `*.test.yml` files under the rule directories, then the `--cases` files and directories
    (all `*.yaml`/`*.yml` in them), sorted within each, without duplicates."""
    found: list[Path] = []
    for directory in rule_paths:
        if directory.is_dir():
            found.extend(
                sorted(p for p in directory.rglob("*") if p.is_file() and p.name.endswith(CASE_SUFFIXES))
            )
    for entry in extra:
        if entry.is_dir():
            found.extend(sorted(p for p in entry.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml")))
        elif entry.is_file():
            found.append(entry)
        else:
            raise UsageError(
                tr("--cases `{path}` does not exist", path=str(entry)),
                code="E502",
                span=Span(str(entry), 1, 1),
            )
    unique: list[Path] = []
    for path in found:
        if path.resolve() not in {p.resolve() for p in unique}:
            unique.append(path)
    return unique


def read_cases(path: Path) -> list[Case]:
    """Read one case file. Raises GbaError (E216, or E40x for YAML that does not parse) at the first
    problem; `read_cases_leniently` goes on past a malformed case."""
    cases, problems = _read_cases(path)
    if problems:
        raise UsageError(diagnostics=problems)
    return cases


def read_cases_leniently(path: Path) -> tuple[list[Case], list[Diagnostic]]:
    """Read one case file: its well-formed cases, and a diagnostic for each malformed one (E216), so one
    bad case does not hide the results of the others. A file that cannot be read or parsed at all, or
    that holds no list of cases, gives no case and its diagnostics."""
    try:
        return _read_cases(path)
    except GbaError as error:
        return [], list(error.diagnostics)


def _read_cases(path: Path) -> tuple[list[Case], list[Diagnostic]]:
    try:
        raw = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        message = (
            tr("cannot read test file: it is not UTF-8 text")
            if isinstance(error, UnicodeDecodeError)
            else tr("cannot read test file: {reason}", reason=os_problem(error))
        )
        raise UsageError(message, code="E216", span=Span(str(path), 1, 1)) from None
    source = SourceText(str(path), raw)
    doc = parse_yaml(source)
    unparsed = [d for d in doc.diagnostics if d.severity is Severity.ERROR]
    if unparsed:
        raise ManifestError(diagnostics=unparsed)
    case_file = _CaseFile(path, source, doc)
    data = doc.data
    defaults: dict[str, Any] = {}
    if isinstance(data, dict):
        _check_keys(case_file, data, "", _FILE_KEYS)
        defaults = {key: data[key] for key in ("base", "as_of") if key in data}
        data, prefix = data.get("cases"), "/cases"
    else:
        prefix = ""
    if not isinstance(data, list) or not data:
        raise case_file.case_error(
            tr("a test file holds a list of cases, or a mapping with a list under `cases:`"),
            prefix if prefix and isinstance(doc.data, dict) and "cases" in doc.data else "",
            tr("see docs/authoring.md for the format"),
        )
    cases: list[Case] = []
    problems: list[Diagnostic] = []
    for index, item in enumerate(data):
        try:
            cases.append(_read_case(case_file, item, f"{prefix}/{index}", defaults))
        except GbaError as error:
            problems.extend(error.diagnostics)
    return cases, problems


def _check_keys(case_file: _CaseFile, data: Mapping[str, Any], pointer: str, allowed: Sequence[str]) -> None:
    for key in data:
        if key not in allowed:
            hint = did_you_mean(key, allowed) or tr("the keys are: {keys}", keys=code_list(allowed))
            raise case_file.case_error(tr("unknown key `{key}`", key=key), f"{pointer}/{key}", hint)


def _read_case(case_file: _CaseFile, item: Any, pointer: str, defaults: Mapping[str, Any]) -> Case:
    if not isinstance(item, dict):
        raise case_file.case_error(tr("a case is a mapping with `name`, `manifest` and `decision`"), pointer)
    _check_keys(case_file, item, pointer, _CASE_KEYS)
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise case_file.case_error(
            tr("a case needs a `name`"), pointer if "name" not in item else f"{pointer}/name"
        )
    decision = item.get("decision")
    if not isinstance(decision, str) or decision.lower() not in _DECISIONS:
        raise case_file.case_error(
            tr("case `{name}`: `decision` must be one of allow, deny, error", name=name),
            f"{pointer}/decision" if "decision" in item else pointer,
        )
    base = item.get("base", defaults.get("base"))
    manifest = item.get("manifest", {} if base is not None else None)
    if isinstance(manifest, str) and "manifest" in item:
        base = None
    elif not isinstance(manifest, dict):
        raise case_file.case_error(
            tr("case `{name}`: `manifest` must be a path or a mapping (merged over `base`)", name=name),
            f"{pointer}/manifest" if "manifest" in item else pointer,
        )
    if base is not None and not isinstance(base, str | dict):
        raise case_file.case_error(
            tr("case `{name}`: `base` must be a path or a mapping", name=name), f"{pointer}/base"
        )
    as_of = _as_of(case_file, item.get("as_of", defaults.get("as_of")), f"{pointer}/as_of", name)
    line = case_file.doc.value_position(pointer)[0]
    return Case(
        file=str(case_file.path),
        name=name.strip(),
        line=line,
        pointer=pointer,
        manifest=manifest,
        base=base,
        as_of=as_of,
        decision=decision.lower(),
        rules=_strings(case_file, item, "rules", pointer, name),
        not_rules=_strings(case_file, item, "not_rules", pointer, name),
        obligations=_strings(case_file, item, "obligations", pointer, name),
        met=_strings(case_file, item, "met", pointer, name),
    )


def _as_of(case_file: _CaseFile, value: Any, pointer: str, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise case_file.case_error(
            tr("case `{name}`: `as_of` must be a date (YYYY-MM-DD)", name=name), pointer
        ) from None


def _strings(
    case_file: _CaseFile, item: Mapping[str, Any], key: str, pointer: str, name: str
) -> tuple[str, ...]:
    value = item.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
        raise case_file.case_error(
            tr("case `{name}`: `{key}` must be a list of texts", name=name, key=key), f"{pointer}/{key}"
        )
    return tuple(value)


# ---- running ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: passed, or the differences between expected and actual."""

    case: Case
    passed: bool
    failures: tuple[str, ...] = ()
    decision: str | None = None
    fired: tuple[str, ...] = ()
    obligations: tuple[str, ...] = ()
    """The texts of the obligations still to do."""
    met: tuple[str, ...] = ()
    """The texts of the obligations already met."""


@dataclass
class ConditionCoverage:
    """How often a top-level condition (or an `applies when`) was evaluated true and false."""

    text: str
    line: int
    true: int = 0
    false: int = 0


@dataclass
class RuleCoverage:
    id: str
    effect: str
    line: int
    conditions: list[ConditionCoverage]
    fired: int = 0


@dataclass
class FileCoverage:
    """The coverage of one rule file (one ruleset)."""

    path: str
    ruleset: str
    applies: ConditionCoverage | None
    rules: list[RuleCoverage]

    def items(self) -> tuple[int, int]:
        """(covered, total): each rule firing, and each condition being true and being false."""
        covered = total = 0
        conditions = [c for rule in self.rules for c in rule.conditions]
        if self.applies is not None:
            conditions.append(self.applies)
        for condition in conditions:
            covered += (condition.true > 0) + (condition.false > 0)
            total += 2
        covered += sum(1 for rule in self.rules if rule.fired)
        total += len(self.rules)
        return covered, total

    @property
    def percent(self) -> float:
        covered, total = self.items()
        return 100.0 * covered / total if total else 100.0


@dataclass
class Coverage:
    files: list[FileCoverage] = field(default_factory=list)

    def items(self) -> tuple[int, int]:
        pairs = [file.items() for file in self.files]
        return sum(c for c, _ in pairs), sum(t for _, t in pairs)

    @property
    def percent(self) -> float:
        covered, total = self.items()
        return 100.0 * covered / total if total else 100.0


@dataclass(frozen=True)
class TestRun:
    """Every case result, in file order, and the coverage they reached."""

    files: tuple[str, ...]
    results: tuple[CaseResult, ...]
    coverage: Coverage
    problems: tuple[Diagnostic, ...] = ()
    """Malformed cases and case files (E216, E40x): reported, and the other cases still run."""

    @property
    def failed(self) -> list[CaseResult]:
        return [result for result in self.results if not result.passed]


def run_rule_tests(
    rule_paths: Sequence[Path] | None = None, case_paths: Sequence[Path] = (), *, lang: str = "en"
) -> TestRun:
    """Load the rules, read every case file, run every case; the rules' texts in a failure's differences
    in `lang` (the comparison itself is with the English texts, as the cases write them).

    Raises GbaError for unusable input: rules that do not load, no case file at all. A malformed case or
    case file is one of the run's `problems`; every other case still runs.
    """
    dirs = list(rule_paths or default_rules_dirs())
    rulebook = load_rulebook(dirs)
    files = discover_case_files(dirs, case_paths)
    if not files:
        raise UsageError(
            tr("no test case file under {dirs}", dirs=code_list(str(d) for d in dirs)),
            code="E216",
            hint=tr("name case files `*.test.yaml` next to the rules, or pass --cases PATH"),
        )
    cases: list[Case] = []
    problems: list[Diagnostic] = []
    for path in files:
        found, wrong = read_cases_leniently(path)
        cases += found
        problems += wrong
    coverage = _empty_coverage(rulebook)
    results = tuple(run_case(rulebook, case, coverage, lang) for case in cases)
    return TestRun(tuple(str(path) for path in files), results, coverage, tuple(problems))


def _empty_coverage(rulebook: Rulebook) -> Coverage:
    files = []
    for ruleset in rulebook.rulesets:
        applies = ruleset.node.applies
        rules = [
            RuleCoverage(
                rule.id,
                rule.effect,
                rule.node.span.line,
                [ConditionCoverage(part.text, part.expr.span.line) for part in rule.conjuncts],
            )
            for rule in ruleset.rules
        ]
        files.append(
            FileCoverage(
                ruleset.node.path,
                ruleset.id,
                ConditionCoverage("applies when", applies.span.line) if applies else None,
                rules,
            )
        )
    return Coverage(files)


def run_case(
    rulebook: Rulebook, case: Case, coverage: Coverage | None = None, lang: str = "en"
) -> CaseResult:
    """Run one case; never raises for a case that fails (a manifest that does not load is a result too).

    The differences of a failed case are phrases (English text, said in another language by a report); the
    rules' own texts they quote (reasons, obligations) are in `lang`."""
    try:
        manifest = _load_case_manifest(case)
    except GbaError as error:
        if case.decision == "error":
            return CaseResult(case, True, decision="error")
        lines = [
            tr("{code}: {message} (at {path})", code=d.code, message=d.message, path=d.json_path)
            if d.json_path
            else tr("{code}: {message}", code=d.code, message=d.message)
            for d in error.diagnostics
        ]
        return CaseResult(
            case, False, (tr("the manifest does not load:"), *(_indented(line) for line in lines)), "error"
        )
    result = evaluate_manifest(rulebook, manifest, as_of=case.as_of)
    fired = fired_rules(rulebook, manifest, result, as_of=case.as_of, coverage=coverage)
    obligations = _obligations(result, ObligationStatus.TO_DO)
    met = _obligations(result, ObligationStatus.MET)
    failures = _compare(rulebook, case, result, fired, obligations)
    failures += _compare_met(case, met)
    if failures and lang != "en":  # the same differences, quoting the rules' texts in `lang`
        said = evaluate_manifest(rulebook, manifest, as_of=case.as_of, lang=lang)
        failures = _compare(rulebook, case, result, fired, obligations, said)
        failures += _compare_met(case, met, _obligations(said, ObligationStatus.MET))
    return CaseResult(case, not failures, tuple(failures), result.decision.value, fired, obligations, met)


def _obligations(result: ManifestResult, status: ObligationStatus) -> tuple[str, ...]:
    return tuple(item.text for item in result.obligations if item.status is status)


def _indented(line: str) -> str:
    return tr("  {line}", line=line)


def _compare(
    rulebook: Rulebook,
    case: Case,
    result: ManifestResult,
    fired: tuple[str, ...],
    obligations: tuple[str, ...],
    said: ManifestResult | None = None,
) -> list[str]:
    """The differences between what `case` expects and `result`; the texts quoted from `said` (the same
    result in another language) when given."""
    failures: list[str] = []
    shown = said or result
    known = {rule.id for ruleset in rulebook.rulesets for rule in ruleset.rules}
    known |= {ruleset.default_id for ruleset in rulebook.rulesets} | {NO_RULESET}
    if result.decision.value != case.decision:
        failures.append(
            tr("decision: expected {expected}, got {got}", expected=case.decision, got=result.decision.value)
        )
        failures.extend(f"  {reason.rule}: {reason.message}" for reason in shown.reasons[:5])
    for rule_id in (*case.rules, *case.not_rules):
        if rule_id not in known:
            hint = did_you_mean(rule_id, known)
            failures.append(
                tr("rules: `{rule}` is not a rule of the loaded rulesets ({hint})", rule=rule_id, hint=hint)
                if hint
                else tr("rules: `{rule}` is not a rule of the loaded rulesets", rule=rule_id)
            )
    missing = [rule for rule in case.rules if rule in known and rule not in fired]
    unwanted = [rule for rule in case.not_rules if rule in fired]
    if missing:
        failures.append(tr("rules: expected to fire, but did not: {rules}", rules=Listing(missing)))
    if unwanted:
        failures.append(tr("rules: expected not to fire, but fired: {rules}", rules=Listing(unwanted)))
    if missing or unwanted:
        failures.append(tr("  fired: {rules}", rules=Listing(list(fired)) if fired else tr("(none)")))
    absent = [text for text in case.obligations if not any(text in obligation for obligation in obligations)]
    if absent:
        failures.extend(
            tr("obligations: no obligation contains {text}", text=json.dumps(text, ensure_ascii=False))
            for text in absent
        )
        failures.extend(_got(_obligations(shown, ObligationStatus.TO_DO) if said else obligations))
    return failures


def _got(texts: tuple[str, ...]) -> list[str]:
    return [tr("  got: {text}", text=text) for text in texts] or [tr("  got: {text}", text=tr("(none)"))]


def _compare_met(case: Case, met: tuple[str, ...], said: tuple[str, ...] | None = None) -> list[str]:
    """The `met:` texts of a case that no obligation already met contains (quoting `said`, the same texts in
    another language, when given)."""
    absent = [text for text in case.met if not any(text in obligation for obligation in met)]
    if not absent:
        return []
    failures = [
        tr("met: no obligation already met contains {text}", text=json.dumps(text, ensure_ascii=False))
        for text in absent
    ]
    return failures + _got(met if said is None else said)


# ---- manifests --------------------------------------------------------------------------------


def _load_case_manifest(case: Case) -> ManifestInput:
    folder = Path(case.file).parent
    display = f"{case.file}#{case.name}"
    if isinstance(case.manifest, str):
        return load_manifest(folder / case.manifest)
    base: Any = {}
    if isinstance(case.base, str):
        base = _read_plain(folder / case.base)
    elif isinstance(case.base, dict):
        base = case.base
    merged = _merge(base, case.manifest)
    raw = json.dumps(merged, ensure_ascii=False, default=_json_default).encode("utf-8")
    return load_manifest_bytes(raw, display, syntax="json")


def _read_plain(path: Path) -> Any:
    """A manifest file as plain data, before validation (so that a case can patch it)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        message = (
            tr("cannot read the base manifest: it is not UTF-8 text")
            if isinstance(error, UnicodeDecodeError)
            else tr("cannot read the base manifest: {reason}", reason=os_problem(error))
        )
        raise ManifestError(message, code="E401", span=Span(str(path), 1, 1)) from None
    source = SourceText(str(path), text, yaml=path.suffix.lower() != ".json")
    doc = parse_json(source) if path.suffix.lower() == ".json" else parse_yaml(source)
    if doc.diagnostics:
        raise ManifestError(diagnostics=doc.diagnostics)
    return doc.data


def _merge(base: Any, patch: Any) -> Any:
    """`patch` deep-merged over `base`: mappings merge key by key; anything else replaces."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = _merge(base.get(key), value) if key in base else value
        return merged
    return patch


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# ---- what fired, and coverage -----------------------------------------------------------------


def fired_rules(
    rulebook: Rulebook,
    manifest: ManifestInput,
    result: ManifestResult,
    *,
    as_of: dt.date | None = None,
    coverage: Coverage | None = None,
) -> tuple[str, ...]:
    """The rules that fire for a manifest (see the module docstring), in rulebook order; counts coverage.

    Each rule is evaluated once by the evaluator, with a `_PartsRecorder` watching the values of the
    parts of its condition (coverage is an observer, not a second evaluation), and its outcome is
    `rule_outcome`'s."""
    day = resolve_as_of(manifest.data, as_of)
    ctx = EvalContext(with_transfer_date(manifest.data, day), day)
    applies = {outcome.id: outcome for outcome in result.rulesets}
    files = {file.ruleset: file for file in coverage.files} if coverage is not None else {}
    fired: list[str] = []
    for ruleset in rulebook.rulesets:
        outcome = applies.get(ruleset.id)
        file = files.get(ruleset.id)
        condition = ruleset.node.applies
        if file is not None and file.applies is not None and condition is not None:
            (value,) = _watch(ruleset, condition, (condition,), ctx)[1]
            _count(file.applies, value)
        if outcome is None or not outcome.applies:
            continue
        here = list(_fire_ruleset(ruleset, ctx, day, file))
        fired.extend(here)
        denies = {rule.id for rule in ruleset.rules if rule.effect == "deny"}
        if outcome.decision == Verdict.DENY.value and not denies.intersection(here):
            fired.append(ruleset.default_id)
    if not any(outcome.applies for outcome in applies.values()):
        fired.append(NO_RULESET)  # no ruleset covers the route: denied, fail closed
    return tuple(fired)


def _fire_ruleset(
    ruleset: CompiledRuleset, ctx: EvalContext, day: dt.date, file: FileCoverage | None
) -> Iterable[str]:
    for index, rule in enumerate(ruleset.rules):
        if not rule.node.active_on(day):
            continue
        parts = tuple(part.expr for part in rule.conjuncts)
        (value, error), values = _watch(ruleset, rule.node.condition, parts, ctx)
        holds = rule_outcome(rule.effect, value, error)
        if holds:
            yield rule.id
        if file is None:
            continue
        record = file.rules[index]
        record.fired += int(holds)
        for condition, part_value in zip(record.conditions, values, strict=True):
            _count(condition, part_value)
            if part_value is not True:
                break


class _PartsRecorder(Observer):
    """Watches an evaluation for the values of some of its sub-expressions (the parts of a condition)."""

    watches_nodes = True

    def __init__(self, parts: tuple[nodes.Expr, ...]) -> None:
        self.ids = {id(part): position for position, part in enumerate(parts)}
        self.values: list[bool | None] = [None] * len(parts)

    def leave(self, expr: nodes.Expr, value: Any, error: EvalError | None) -> None:
        position = self.ids.get(id(expr))
        if position is not None:
            self.values[position] = value if error is None and isinstance(value, bool) else None


@functools.lru_cache(maxsize=64)
def _watched(ruleset: CompiledRuleset) -> Callable[[nodes.Expr], Fn]:
    """Closures of a ruleset's conditions that report each sub-expression to an observer (for
    coverage), compiled once per condition."""
    compiler = Compiler(ruleset.compiler.lets, observe_nodes=True)
    compiled: dict[int, tuple[nodes.Expr, Fn]] = {}

    def closure(condition: nodes.Expr) -> Fn:
        found = compiled.get(id(condition))
        if found is None or found[0] is not condition:
            found = compiled[id(condition)] = (condition, compiler.compile(condition))
        return found[1]

    return closure


def _watch(
    ruleset: CompiledRuleset, condition: nodes.Expr, parts: tuple[nodes.Expr, ...], ctx: EvalContext
) -> tuple[tuple[bool | None, EvalError | None], list[bool | None]]:
    """Evaluate a condition once with a `_PartsRecorder` watching: (value, error) and each part's value."""
    recorder = _PartsRecorder(parts)
    ctx.observer, ctx.let_recorded = recorder, {}
    try:
        outcome = condition_value(_watched(ruleset)(condition), ctx, condition.span)
    finally:
        ctx.observer = None
    return outcome, recorder.values


def _count(condition: ConditionCoverage, value: bool | None) -> None:
    if value is True:
        condition.true += 1
    elif value is False:
        condition.false += 1
