"""The registry of stable diagnostic codes.

Ranges: E1xx rule syntax, E2xx/W2xx static checks of rules, E3xx evaluation, E4xx/W4xx manifests,
E5xx usage, E9xx internal. A code is never reused for another meaning; a retired code stays here.
"""

from __future__ import annotations

from gba_dataflow.core.errors import Severity
from gba_dataflow.core.records import record


@record(frozen=True, slots=True)
class Code:
    """One diagnostic code with the text `rules explain-code` prints."""

    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str = ""
    bad: str = ""
    good: str = ""


_E = Severity.ERROR
_W = Severity.WARNING

_CODES: tuple[Code, ...] = (
    # --- E1xx: rule syntax -------------------------------------------------------------------
    Code(
        "E100",
        "unexpected-token",
        _E,
        "the rule file has a token where it cannot stand",
        "The parser met a word or symbol that cannot appear at that point of a rule file.",
        'rule r\n  deny when dataset.core_data ==\n  because "x"',
        'rule r\n  deny when dataset.core_data\n  because "x"',
    ),
    Code(
        "E101",
        "unexpected-end",
        _E,
        "the rule file ends in the middle of a declaration",
        "The file ended before a rule, condition or string was complete.",
        "rule r\n  deny when",
        'rule r\n  deny when dataset.core_data\n  because "x"\n  cite "DSL Art. 21"',
    ),
    Code(
        "E102",
        "invalid-character",
        _E,
        "a character that the rule language does not use",
        "Only letters, digits, the operators of the language and quoted strings may appear.",
        "rule r\n  deny when dataset.subjects > 10 $",
        "rule r\n  deny when dataset.subjects > 10",
    ),
    Code(
        "E103",
        "missing-condition",
        _E,
        "`when` (or `applies when`) is not followed by a condition",
        "Every `deny when`, `allow when`, `warn when` and `applies when` needs a condition after it.",
        'rule r\n  deny when\n  because "x"',
        'rule r\n  deny when dataset.core_data\n  because "x"',
    ),
    Code(
        "E104",
        "bad-string",
        _E,
        "a string is not closed or has a bad interpolation",
        "Strings are written in double quotes; `{path}` inserts a fact and `{{` `}}` write literal braces.",
        'because "core data {dataset.core_data"',
        'because "core data: {dataset.core_data}"',
    ),
    Code(
        "E105",
        "bad-date",
        _E,
        "a date literal is not a real calendar date",
        "Dates are written YYYY-MM-DD and must exist in the calendar.",
        "effective from 2024-02-30",
        "effective from 2024-03-22",
    ),
    Code(
        "E106",
        "bad-clause",
        _E,
        "a clause is repeated or out of place in a rule or ruleset header",
        "A rule has exactly one effect clause (`deny when`, `allow when` or `warn when`), at most one `effective` "
        "clause and one `remedy`; a file starts with one `ruleset` header.",
        "rule r\n  deny when a\n  allow when b",
        "rule r\n  deny when a\nrule s\n  allow when b",
    ),
    Code(
        "E107",
        "missing-ruleset",
        _E,
        "a rule file does not start with a `ruleset` header",
        "Every file under rules/ holds one ruleset and starts with `ruleset <id>`.",
        "rule r\n  deny when dataset.core_data",
        "ruleset mainland_export\n\nrule r\n  deny when dataset.core_data",
    ),
    Code(
        "E108",
        "unreadable-rules",
        _E,
        "a rule file or directory cannot be read",
        "The path does not exist, is not readable, is not UTF-8 text, or holds no `*.rules` file.",
        "$ gba-dataflow rules check rulez/\nerror E108: rules directory `rulez/` does not exist",
        "$ gba-dataflow rules check rules/\n0 errors, 0 warnings in 3 files",
    ),
    # --- E15x: limits of a rule file (dsl/limits.py, docs/security.md) ------------------------
    Code(
        "E150",
        "nesting-too-deep",
        _E,
        "an expression nests more levels than the limit (64)",
        "Each `not`, each operand of `+`/`-` chained to the left, each function call or quantifier adds a "
        "level. Deeper expressions would exhaust the recursion of the passes that check and compile them.",
        'rule r\n  deny when not not not ... not dataset.core_data\n  because "x"',
        'rule r\n  deny when dataset.core_data\n  because "x"',
    ),
    Code(
        "E151",
        "rules-too-large",
        _E,
        "a rule file is larger than the limits (256 KiB, 4,000 expression nodes)",
        "The shipped rules are 76 KB and 850 expression nodes in all. Split a larger file into several "
        "rulesets, or share long conditions through `let`; GBA_DATAFLOW_MAX_RULE_BYTES raises the size limit.",
        'rule r\n  deny when a or a or a or ... (50,000 operands)\n  because "x"',
        'let risky = a or b\nrule r\n  deny when risky\n  because "x"',
    ),
    Code(
        "E152",
        "number-out-of-range",
        _E,
        "a number literal has more than 18 digits, or a duration is longer than 36,600 days",
        "Numbers stay exact as integers and finite as floats (so `rules fmt` writes them back unchanged), and "
        "date arithmetic stays inside the calendar.",
        'rule r\n  deny when transfer.date > as_of + 99999999999999999999 days\n  because "x"',
        'rule r\n  deny when transfer.date > as_of + 365 days\n  because "x"',
    ),
    # --- E2xx / W2xx: static checks ----------------------------------------------------------
    Code(
        "E201",
        "unknown-path",
        _E,
        "a manifest path that the manifest schema does not define",
        "Conditions may only read fields that schemas/manifest.schema.json defines.",
        "deny when dataset.subject > 10",
        "deny when dataset.subjects > 10",
    ),
    Code(
        "E202",
        "type-mismatch",
        _E,
        "an operator is applied to values of the wrong types",
        "Numbers compare with numbers, dates with dates, strings with strings; `and`/`or`/`not` need booleans.",
        'deny when dataset.subjects == "many"',
        "deny when dataset.subjects > 1000",
    ),
    Code(
        "E203",
        "not-in-enum",
        _E,
        "a literal that the field can never hold",
        "The manifest schema lists the allowed values of this field; the literal is not one of them.",
        'deny when transfer.exemption == "contracts"',
        'deny when transfer.exemption == "contract"',
    ),
    Code(
        "E204",
        "duplicate-rule",
        _E,
        "two rules of one ruleset have the same id",
        "Rule ids must be unique within their ruleset; reasons name rules as `ruleset/rule`.",
        "rule r\n  ...\nrule r\n  ...",
        "rule r\n  ...\nrule s\n  ...",
    ),
    Code(
        "E205",
        "duplicate-ruleset",
        _E,
        "two rule files declare the same ruleset id",
        "Ruleset ids must be unique across every --rules directory.",
        "# rules/mainland.rules\nruleset mainland_export\n\n# rules/mainland_gba.rules\nruleset mainland_export",
        "# rules/mainland.rules\nruleset mainland_export\n\n# rules/mainland_gba.rules\nruleset mainland_gba_contract",
    ),
    Code(
        "E206",
        "undefined-name",
        _E,
        "a name that is neither a `let`, a bound variable nor a manifest section",
        "Names are `let` definitions of the same file, variables bound by `any`/`all`/`count`, or manifest paths.",
        "deny when has_sensitive",
        "let has_sensitive = dataset.sensitive_subjects > 0\n...\ndeny when has_sensitive",
    ),
    Code(
        "W207",
        "unused-let",
        _W,
        "a `let` definition that no condition uses",
        "Remove the definition or use it.",
        "let core = dataset.core_data\n\nrule r\n  deny when dataset.core_data",
        "let core = dataset.core_data\n\nrule r\n  deny when core",
    ),
    Code(
        "E208",
        "missing-because",
        _E,
        "a rule without a `because` message",
        'Every rule explains itself to the data steward with `because "..."`.',
        'rule r\n  deny when dataset.core_data\n  cite "DSL Art. 21"',
        'rule r\n  deny when dataset.core_data\n  because "Core data may not leave."\n  cite "DSL Art. 21"',
    ),
    Code(
        "E209",
        "missing-cite",
        _E,
        "a rule without a legal citation",
        'Every rule cites the instrument and article it encodes with `cite "..."`.',
        'rule r\n  deny when dataset.core_data\n  because "x"',
        'rule r\n  deny when dataset.core_data\n  because "x"\n  cite "Data Security Law, Art. 21"',
    ),
    Code(
        "E210",
        "empty-window",
        _E,
        "an effective window that contains no day",
        "`effective from A until B` needs A < B (the window includes A and excludes B).",
        "effective from 2024-03-22 until 2024-03-22",
        "effective from 2024-03-22 until 2025-01-01",
    ),
    Code(
        "W211",
        "never-fires",
        _W,
        "a rule whose condition can never hold",
        'The top-level `and` of the condition contradicts itself (`x < 5 and x > 10`, `x == "a" and x == "b"`, `x and not x`), or contradicts the rule\'s effective window or the ruleset\'s `applies when` (bounds on `as_of`). `let`s used in the condition are looked into. The check is syntactic: a warning is always real, but not every dead rule is found.',
        "deny when dataset.subjects < 5 and dataset.subjects > 10",
        "deny when dataset.subjects > 10",
    ),
    Code(
        "W212",
        "shadowed-allow",
        _W,
        "an allow rule that a deny rule of the same ruleset always overrides",
        "Whenever the allow rule holds, a deny rule holds too, so the allow can never decide a transfer: every condition of the deny's top-level `and` is also one of the allow's, and their windows overlap. Two rules with the same condition and opposite effects always fire together, and the deny wins.",
        "rule core_data\n  deny when dataset.core_data\n  ...\n\nrule small_core\n  allow when dataset.core_data and dataset.subjects < 100",
        "rule core_data\n  deny when dataset.core_data and dataset.subjects >= 100\n  ...\n\nrule small_core\n  allow when dataset.core_data and dataset.subjects < 100",
    ),
    Code(
        "W213",
        "missing-translation",
        _W,
        "a message lacks a translation that other rules of the set have",
        "Give every `because` (and every `require`, every `remedy`) the same translations (`zh-Hans`, `zh-Hant`) as the other texts of that kind in the ruleset.",
        'rule a\n  ...\n  because "Core data may not leave."\n          zh-Hans "核心数据不得出境。"\n\nrule b\n  ...\n  because "Important data needs an assessment."',
        'rule a\n  ...\n  because "Core data may not leave."\n          zh-Hans "核心数据不得出境。"\n\nrule b\n  ...\n  because "Important data needs an assessment."\n          zh-Hans "重要数据出境须经安全评估。"',
    ),
    Code(
        "E214",
        "unknown-function",
        _E,
        "a call to a function the language does not have, or with the wrong arguments",
        "Functions: has(path), days_between(a, b), working_days_between(a, b), len(xs), year(d).",
        "deny when size(dataset.fields) > 3",
        "deny when len(dataset.fields) > 3",
    ),
    Code(
        "E215",
        "bad-interpolation",
        _E,
        "a `{...}` in a message names something unknown",
        "Interpolations name manifest paths, `let`s or variables bound by the rule's `any`/`all`.",
        'because "{f.nme} is sensitive"',
        'because "{f.name} is sensitive"',
    ),
    Code(
        "E216",
        "bad-rule-test",
        _E,
        "a rule test file (`*.test.yaml`) is malformed",
        "A test file holds a list of cases, or a mapping with `cases:` and the defaults `base:` and `as_of:`. "
        "Each case has a `name`, a `manifest` (a path, or a mapping merged over `base`) and a `decision` "
        "(allow, deny or error), and optionally `as_of`, `rules`, `not_rules` and `obligations`.",
        "cases:\n  - name: core data\n    manifest: {dataset: {core_data: true}}\n    decison: deny",
        "base: ../examples/manifests/small.yaml\ncases:\n  - name: core data\n"
        "    manifest: {dataset: {core_data: true}}\n    decision: deny",
    ),
    # --- E3xx: evaluation --------------------------------------------------------------------
    Code(
        "E301",
        "null-operand",
        _E,
        "a condition compared or computed with a field that has no value",
        "Guard optional fields with `has(path) and ...`. In a deny rule the error counts as holding (fail closed).",
        "deny when mechanisms.standard_contract.filed_on > transfer.date",
        "deny when has(mechanisms.standard_contract.filed_on) and mechanisms.standard_contract.filed_on > transfer.date",
    ),
    Code(
        "E302",
        "runtime-type-error",
        _E,
        "an operator met values of the wrong type at run time",
        "Static checks should prevent this for valid manifests; it counts as holding in a deny rule.",
        "",
        "",
    ),
    # --- E4xx / W4xx: manifests --------------------------------------------------------------
    Code(
        "E401",
        "unreadable-manifest",
        _E,
        "a manifest file cannot be read",
        "The file does not exist, is a directory, or cannot be opened.",
        "",
        "",
    ),
    Code(
        "E402",
        "manifest-too-large",
        _E,
        "a manifest file is larger than the size limit",
        "Manifests are small documents; anything over the limit (1 MiB by default) is refused before it is parsed.",
        "",
        "",
    ),
    Code(
        "E403",
        "not-utf8",
        _E,
        "a manifest is not valid UTF-8 text",
        "The error names the first byte that is not UTF-8, with its line and column. Save the file as UTF-8 "
        "(UTF-16 files from some Windows editors are refused too); a UTF-8 byte-order mark is accepted.",
        "",
        "",
    ),
    Code(
        "E404",
        "manifest-syntax",
        _E,
        "a manifest is not well-formed YAML or JSON",
        "The parser stopped at the line and column shown. `.json` files are read as strict JSON (no trailing "
        "commas, NaN or comments); YAML is indented with spaces, never tabs, and may only hold text, numbers, "
        "true/false, null, lists and mappings (no tags such as `!!binary`).",
        "transfer:\n\tpurpose: support",
        "transfer:\n  purpose: support",
    ),
    Code(
        "E405",
        "duplicate-key",
        _E,
        "a mapping repeats a key",
        "YAML and JSON silently keep the last of two equal keys; gba-dataflow refuses them.",
        "dataset:\n  core_data: false\n  core_data: true",
        "dataset:\n  core_data: true",
    ),
    Code(
        "E406",
        "alias-expansion",
        _E,
        "YAML aliases expand past the node budget",
        'Anchors and aliases that multiply the document ("billion laughs") are refused.',
        "",
        "",
    ),
    Code(
        "E407",
        "yaml11-ambiguity",
        _E,
        "a YAML 1.1 boolean-like word where a string is meant",
        "Words like yes/no/on/off are booleans in YAML 1.1 but strings in YAML 1.2; quote them.",
        "purpose: no",
        'purpose: "no"',
    ),
    Code(
        "E408",
        "not-a-mapping",
        _E,
        "a manifest document is not a mapping at the top",
        "A manifest file holds exactly one YAML document (or one JSON object) whose top level maps field names "
        "to values: `apiVersion: ...`, `kind: ...`. Empty files, lists and second `---` documents are refused.",
        "- apiVersion: gba-dataflow/v1",
        "apiVersion: gba-dataflow/v1",
    ),
    Code(
        "E410",
        "schema-violation",
        _E,
        "a manifest does not match schemas/manifest.schema.json",
        "The message names the JSON path of the offending value and what the schema expects.",
        "",
        "",
    ),
    Code(
        "E411",
        "inconsistent-manifest",
        _E,
        "manifest fields contradict each other",
        "For example more sensitive subjects than subjects, or a contract filed before it took effect.",
        "subjects: 10\nsensitive_subjects: 20",
        "subjects: 20\nsensitive_subjects: 10",
    ),
    Code(
        "W412",
        "suspicious-manifest",
        _W,
        "manifest fields that are unusual together",
        "For example a sensitive field with zero sensitive subjects, or an exemption without a justification.",
        "",
        "",
    ),
    Code(
        "W413",
        "volume-unknown",
        _W,
        "the cumulative volume this year is not declared",
        "volume.*_ytd were not given, so this transfer alone was counted; declare the year's totals.",
        "",
        "",
    ),
    # --- issue 19: limits and inputs no manifest may exceed or smuggle in (docs/security.md) -----
    Code(
        "E450",
        "too-many-nodes",
        _E,
        "a manifest holds more values than the node limit",
        "A manifest is a small document (the schema's fields, a few lists). One with more values (mappings, "
        "lists and scalars counted together) than the limit, 10,000 by default, is refused before it is "
        "built, so that a 1 MB file of tiny values cannot cost seconds and gigabytes. Raise the limit with "
        "GBA_DATAFLOW_MAX_NODES if a real manifest needs more.",
        "data_categories: [a, b, c, ... 20,000 more]",
        "data_categories: [contact, identity]",
    ),
    Code(
        "E451",
        "too-many-diagnostics",
        _E,
        "a manifest has more problems than are shown",
        "Only the first problems of a manifest are reported (100 by default, GBA_DATAFLOW_MAX_DIAGNOSTICS); "
        "this last diagnostic counts the others. Fix the first ones and check again.",
        "k1: 1\nk2: 1\n... 500 unknown keys",
        "apiVersion: gba-dataflow/v1\nkind: TransferManifest",
    ),
    Code(
        "E452",
        "invalid-unicode",
        _E,
        "a manifest string holds a lone surrogate (text that is not Unicode)",
        "JSON escapes such as \\ud800 that do not pair into one character cannot be written as UTF-8: "
        "every report would fail. The manifest is refused at load, at the string that holds it.",
        '{"kind": "T\\ud800itle"}',
        '{"kind": "TransferManifest"}',
    ),
    Code(
        "E453",
        "not-a-regular-file",
        _E,
        "a directory search found a manifest name that is not a regular file",
        "A FIFO, socket or device named like a manifest (`x.yaml`) inside a directory is reported, never "
        "opened: reading it could block forever. Name it on the command line to read it as a stream.",
        "mkfifo manifests/x.yaml",
        "check <(cat x.yaml)",
    ),
    # --- E5xx: usage -------------------------------------------------------------------------
    Code("E501", "bad-option", _E, "a command-line option has a bad value", "", "", ""),
    Code(
        "E502",
        "no-input",
        _E,
        "a path given on the command line does not exist or holds no manifest",
        "",
        "",
        "",
    ),
    Code("E503", "no-rules", _E, "no ruleset was found to evaluate with", "", "", ""),
    Code(
        "E550",
        "cannot-write-output",
        _E,
        "an output file (or stdout) cannot be written",
        "The message names the file and the system's reason (no space left, permission denied, a missing "
        "directory). A file given with --output or --report appears whole or not at all: it is written to "
        "a temporary file beside it and renamed; devices and FIFOs are written directly.",
        "gba-dataflow check m.yaml -o /dev/full",
        "gba-dataflow check m.yaml -o report.txt",
    ),
    # --- E9xx: internal ----------------------------------------------------------------------
    Code("E900", "internal-error", _E, "a bug in gba-dataflow; please report it", "", "", ""),
)

CODES: dict[str, Code] = {code.code: code for code in _CODES}


def lookup(code: str) -> Code | None:
    """Find a code by id (`E201`) or by name (`unknown-path`), case-insensitively."""
    wanted = code.strip()
    found = CODES.get(wanted.upper())
    if found:
        return found
    return next((c for c in _CODES if c.name == wanted.lower()), None)
