"""The registry of stable diagnostic codes.

Ranges: E1xx rule syntax, E2xx/W2xx static checks of rules, E3xx evaluation, E4xx/W4xx manifests,
E5xx usage (E52x: requests to the decision service), E6xx ledger and decision log, E9xx internal. A code is never reused for another meaning; a retired code stays here.
"""

from __future__ import annotations

from dataclasses import dataclass

from gba_dataflow.core.errors import Severity


@dataclass(frozen=True, slots=True)
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
    Code(
        "E109",
        "cite-translation-count",
        _E,
        "a translation of a `cite` clause lists another number of citations than the English",
        "Each string of a `cite` or `default cite` clause is one citation, and a translation under it "
        "(`zh-Hans`, `zh-Hant`) lists the same citations in that language: as many strings, in the same "
        "order, since the n-th translated string says the n-th citation. With one string fewer or more, "
        "which citation it translates cannot be known. Write each citation in a `cite` clause of its own "
        "to translate them one by one.",
        'rule r\n  deny when dataset.core_data\n  because "x"\n  cite "DSL, Art. 21" "PIPL, Art. 38"\n'
        '       zh-Hans "《中华人民共和国数据安全法》第二十一条"',
        'rule r\n  deny when dataset.core_data\n  because "x"\n  cite "DSL, Art. 21"\n'
        '       zh-Hans "《中华人民共和国数据安全法》第二十一条"\n  cite "PIPL, Art. 38"\n'
        '       zh-Hans "《中华人民共和国个人信息保护法》第三十八条"',
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
        "Give every `because` (and every `require`, every `remedy`, every `met`, every citation of a `cite`) the same translations (`zh-Hans`, `zh-Hant`) as the other texts of that kind in the ruleset.",
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
        "(allow, deny or error), and optionally `as_of`, `rules`, `not_rules`, `obligations` (still to do) and "
        "`met` (already met).",
        "cases:\n  - name: core data\n    manifest: {dataset: {core_data: true}}\n    decison: deny",
        "base: ../examples/manifests/small.yaml\ncases:\n  - name: core data\n"
        "    manifest: {dataset: {core_data: true}}\n    decision: deny",
    ),
    Code(
        "E217",
        "literal-cannot-match",
        _E,
        "a literal that the field's schema pattern can never produce",
        "The manifest schema constrains this field with a `pattern` (regions are ISO 3166 codes such as "
        "`CN-GD`, ids are lower-case slugs); a literal that does not match it never equals the field, so the "
        "condition never holds and the rule or ruleset silently never applies.",
        'applies when transfer.origin.region == "Guangdong"',
        'applies when transfer.origin.region == "CN-GD"',
    ),
    Code(
        "W220",
        "waivable-not-deny",
        _W,
        "a rule marked `waivable` does not deny",
        "`waivable` lets a governed waiver (a waivers file entry with owner, approver and expiry) turn the "
        "rule's deny into an allow for the manifests it covers. Only an organisation's own deny rules may "
        "carry it; an allow or warn rule has no deny to waive.",
        'rule r\n  warn when dataset.subjects > 10\n  because "x"\n  cite "ACME policy 4.2"\n  waivable',
        'rule r\n  deny when dataset.subjects > 10\n  because "x"\n  cite "ACME policy 4.2"\n  waivable',
    ),
    Code(
        "E225",
        "met-not-allow",
        _E,
        "a `met` text on a rule that does not allow",
        '`met "..."` names an obligation that an allow rule finds already met when it holds (a duty-met '
        "rule: `met` texts and no `because`); reports show it as a met obligation of the allowed transfer "
        "next to the `require`s still to do. A deny or warn rule carries no obligations.",
        'rule notice_given\n  warn when mechanisms.notice_given\n  met "The individuals were told."\n'
        '  cite "PIPL Art. 39"',
        'rule notice_given\n  allow when mechanisms.notice_given\n  met "The individuals were told."\n'
        '  cite "PIPL Art. 39"',
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
    Code(
        "E414",
        "bad-registration-number",
        _E,
        "`exporter.registration_number` does not have the format of the exporter's region",
        "The ledger keys an exporter's transfers by its registration number, so a mistyped number would start "
        "a second, empty count. Mainland: the 18-character Unified Social Credit Code, whose last character is "
        "a check character; Hong Kong: the 8-digit Business Registration number; Macao: the commercial "
        "registration number (digits, optionally `(SO)`).",
        "exporter:\n  name: Shenzhen Example Bank\n  region: CN-GD\n  registration_number: 91440300MA5DC8QY1X",
        "exporter:\n  name: Shenzhen Example Bank\n  region: CN-GD\n  registration_number: 91440300MA5DC8QY13",
    ),
    Code(
        "W415",
        "exporter-keyed-by-name",
        _W,
        "the ledger keys this exporter by its legal name: no registration number was given",
        "Without `exporter.registration_number` the ledger counts the exporter's transfers under its legal "
        "name (case and spacing ignored); two spellings of one name would count apart. Give the number.",
        "exporter:\n  name: Shenzhen Example Bank",
        "exporter:\n  name: Shenzhen Example Bank\n  registration_number: 91440300MA5DC8QY13",
    ),
    Code(
        "W416",
        "declared-volume-differs-from-ledger",
        _W,
        "the manifest declares a cumulative volume that differs from the ledger's: the larger is used",
        "With a ledger, the year's volumes are the ledger's recorded transfers plus this one. When the manifest "
        "also declares `volume.*_ytd`, the larger figure decides (the conservative reading) and this warning "
        "names both; fix whichever is wrong (record the missing transfers, or correct the declaration).",
        "volume:\n  personal_subjects_ytd: 5000   # the ledger holds 120,000 this year",
        "# leave volume.*_ytd out and let the ledger count, or declare the true total",
    ),
    Code(
        "E420",
        "template-placeholder",
        _E,
        "a manifest value still holds the template's TODO placeholder",
        "`gba-dataflow new manifest` writes TODO where only the steward knows the value. A manifest that still "
        "holds one describes no real transfer and is never decided (design §3 point 10).",
        'dataset:\n  name: "TODO: name of the dataset"',
        "dataset:\n  name: crm_customers",
    ),
    Code(
        "W421",
        "calendar-year-unknown",
        _W,
        "a filing deadline falls in a year whose official holiday calendar is not known yet",
        "Filing deadlines count the working days of the side that files (Mainland: public holidays off and "
        "make-up working days on, per the State Council's annual notice; Hong Kong and Macao: general "
        "holidays off). For a year not yet announced the days are counted Monday to Friday, which can be "
        "wrong around holidays; the warning names the year.",
        "gba_standard_contract:\n  effective_on: 2027-01-25\n  filed_on: 2027-02-05",
        "gba_standard_contract:\n  effective_on: 2026-01-26\n  filed_on: 2026-02-06",
    ),
    Code(
        "W422",
        "unknown-place",
        _W,
        "a city in Guangdong that the gazetteer does not know",
        "City fields are matched against the shipped gazetteer (the nine Mainland GBA cities, the other "
        "Guangdong cities, Hong Kong, Macao and the districts and zones people name), ignoring case, spaces "
        "and suffixes such as City or 市. An unknown name is kept as written and does not count as one of the "
        "nine GBA cities, so a GBA Standard Contract does not qualify; the hint suggests the closest name.",
        "exporter:\n  region: CN-GD\n  city: Shenzen",
        "exporter:\n  region: CN-GD\n  city: 深圳市",
    ),
    Code(
        "W423",
        "decisive-default",
        _W,
        "an allow rests on the schema's default for a decisive fact",
        "The schema marks facts whose default alone can let a transfer through (`x-gba-decisive`: CIIO, state "
        "organ, important data, core data, sensitive subjects, onward transfer, the Hong Kong purpose). When an "
        "allowed manifest does not state one that the applicable rules read, the allow rests on an assumption; "
        "`--fail-on-warn` refuses it. State the fact, even when it is the default.",
        "exporter:\n  name: Example Ltd.",
        "exporter:\n  name: Example Ltd.\n  ciio: false\n  state_organ: false",
    ),
    Code(
        "E424",
        "bad-organisation-schema",
        _E,
        "a rules directory's organisation.schema.json cannot be used",
        "An organisation may describe facts of its own, which the shipped schema lacks, in "
        "`organisation.schema.json` beside its rules: a JSON Schema of the manifest's `organisation:` "
        "section, an object whose every property has a description; unknown properties stay errors. One "
        "such file per run.",
        '{"type": "object", "properties": {"ticket": {"type": "string"}}}',
        '{"type": "object", "properties": {"ticket": {"type": "string", "description": "DPO ticket"}}}',
    ),
    Code(
        "W425",
        "duplicate-manifest-id",
        _W,
        "two manifests of one run have the same id",
        "The first manifest with an id owns it; each later one is flagged at its `id:` line. Anything that "
        "keys decisions by id (a ledger, an audit log, a dashboard) would mix them up.",
        "# a.yaml\nid: crm-to-hk\n# b.yaml\nid: crm-to-hk",
        "# a.yaml\nid: crm-to-hk\n# b.yaml\nid: crm-to-hk-archive",
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
    # --- E52x: the decision service (`gba-dataflow serve`), requests over HTTP ----------------
    Code(
        "E520",
        "bad-request",
        _E,
        "an HTTP request to the decision service is not in the shape the endpoint takes",
        "`POST /v1/check` takes one manifest as YAML or JSON; `POST /v1/check/batch` takes a JSON object "
        '`{"manifests": [{"name": "a.yaml", "content": "<YAML or JSON text>"}, ...]}` (or `"manifest": {...}` '
        "instead of `content`). The response names what is wrong, with the JSON path of the batch entry.",
        'POST /v1/check/batch\n["apiVersion: gba-dataflow/v1"]',
        'POST /v1/check/batch\n{"manifests": [{"name": "a.yaml", "content": "apiVersion: gba-dataflow/v1\\n..."}]}',
    ),
    Code(
        "E521",
        "request-too-large",
        _E,
        "an HTTP request body is larger than the decision service accepts",
        "The service refuses a body over its limit before reading it all (`serve --max-body`, default 16 MiB "
        "for a batch; one manifest is held to the manifest limit, E402), and a batch of more manifests than "
        "`serve --max-batch` (default 1,000). Split the batch.",
        "POST /v1/check/batch with 5,000 manifests",
        "five POST /v1/check/batch requests of 1,000 manifests each",
    ),
    Code(
        "E522",
        "unauthorized",
        _E,
        "a request that records in the ledger has no valid bearer token",
        "Recording (`POST /v1/check?record=true`) changes the ledger, so it needs the header "
        "`Authorization: Bearer <token>` with the token the service was started with (`serve --token-file`, "
        "or the environment variable GBA_DATAFLOW_TOKEN). A service started without a token records nothing.",
        "POST /v1/check?record=true",
        "POST /v1/check?record=true\nAuthorization: Bearer <token>",
    ),
    Code(
        "E523",
        "request-timeout",
        _E,
        "an HTTP request took longer than the decision service allows",
        "Reading the body and deciding must finish within the service's time limit (`serve --timeout`, "
        "default 10 s). Nothing was decided or recorded for a request that timed out; send it again, or "
        "send a large batch as several smaller ones.",
        "POST /v1/check/batch with 1,000 manifests over a slow link",
        "POST /v1/check/batch with 100 manifests",
    ),
    Code(
        "E524",
        "unknown-endpoint",
        _E,
        "no endpoint of the decision service has this path and method",
        "The endpoints are listed in the OpenAPI document at `/openapi.json`.",
        "GET /v1/check",
        "POST /v1/check",
    ),
    Code(
        "E525",
        "no-ledger",
        _E,
        "a request asks to record, but the decision service runs without a ledger",
        "`?record=true` records the transfer in the ledger; start the service with `--ledger URL` (or set "
        "GBA_DATAFLOW_LEDGER) to record, or leave `record` out to only decide.",
        "gba-dataflow serve\nPOST /v1/check?record=true",
        "gba-dataflow serve --ledger postgresql://ledger.example/gba\nPOST /v1/check?record=true",
    ),
    Code(
        "E526",
        "service-not-installed",
        _E,
        "`gba-dataflow serve` needs the optional extra that holds the web server",
        "The decision service runs on starlette and uvicorn, which the command line alone does not need; they "
        "come with the extra `serve`.",
        "pip install gba-dataflow\ngba-dataflow serve",
        "pip install 'gba-dataflow[serve]'\ngba-dataflow serve",
    ),
    # --- E6xx: ledger and decision log -------------------------------------------------------
    Code(
        "E601",
        "ledger-unreachable",
        _E,
        "the ledger cannot be opened or reached",
        "The SQLite file cannot be created or opened, or the PostgreSQL server does not answer or refuses the "
        "login. Nothing was decided: without its ledger a check fails closed (exit 2), never allows.",
        "--ledger sqlite:///no/such/dir/ledger.db",
        "--ledger sqlite:///var/lib/gba-dataflow/ledger.db",
    ),
    Code(
        "E602",
        "ledger-busy",
        _E,
        "the ledger stayed locked by other writers past the timeout",
        "Check-and-record is one transaction that holds the ledger's lock; when other writers hold it "
        "longer than the timeout (`?timeout=SECONDS` in the URL, default 10) the check fails closed (exit 2).",
        "--ledger 'sqlite:///ledger.db?timeout=0.01'",
        "--ledger 'sqlite:///ledger.db?timeout=30'",
    ),
    Code(
        "E603",
        "bad-ledger-url",
        _E,
        "a ledger URL is not `sqlite:///PATH`, `sqlite:PATH` or `postgresql://...`",
        "`sqlite:///var/ledger.db` is an absolute path, `sqlite:ledger.db` a relative one; "
        "`postgresql://user:password@host:5432/database` a PostgreSQL server (psycopg installed: "
        "`pip install 'gba-dataflow[postgres]'`). The one query parameter of gba-dataflow is `timeout`.",
        "--ledger ledger.db",
        "--ledger sqlite:ledger.db",
    ),
    Code(
        "E604",
        "ledger-schema",
        _E,
        "the ledger's schema is newer than this gba-dataflow, or a migration failed",
        "Migrations run in one transaction, so a failed one leaves the ledger as it was. A ledger migrated by a "
        "newer gba-dataflow is refused rather than misread: upgrade gba-dataflow.",
        "",
        "",
    ),
    Code(
        "E605",
        "subjects-key-missing",
        _E,
        "`--subjects` was given without the organisation key that hashes the identifiers",
        "Subject identifiers are stored only as HMAC-SHA-256 keyed hashes; the key (at least 16 bytes) comes "
        "from `--subjects-key-file FILE` or the environment variable GBA_DATAFLOW_SUBJECTS_KEY. Without it "
        "nothing is hashed, stored or logged.",
        "gba-dataflow check m.yaml --ledger sqlite:l.db --subjects ids.txt",
        "GBA_DATAFLOW_SUBJECTS_KEY_FILE=/etc/gba/key gba-dataflow check m.yaml --ledger sqlite:l.db --subjects ids.txt",
    ),
    Code(
        "E606",
        "bad-subjects-file",
        _E,
        "a subjects file cannot be read, or a line of it holds no identifier",
        "One identifier per line (blank lines are refused: they are usually a mistake), or a CSV file "
        "(`.csv`) whose header names the column `subject_id` (else the first column is used).",
        "alice@example.com\n\nbob@example.com",
        "alice@example.com\nbob@example.com",
    ),
    Code(
        "E607",
        "bad-ledger-import",
        _E,
        "a row of a `ledger import` CSV file is invalid",
        "Every row is checked before any is stored (one transaction): the header must name `exporter_name`, "
        "`date`, `personal` and `sensitive` (optionally `registration_number`, `region`, `reference`); dates "
        "are YYYY-MM-DD, counts whole numbers with sensitive <= personal. The error gives the line number.",
        "exporter_name,date,personal,sensitive\nExample Bank,2026-02-30,100,0",
        "exporter_name,date,personal,sensitive\nExample Bank,2026-02-28,100,0",
    ),
    Code(
        "E608",
        "ledger-record-conflict",
        _E,
        "a ledger record cannot be voided or recorded as asked",
        "`ledger void ID` needs an existing transfer record that is not voided yet (records are never updated "
        "or deleted: a void is a new, correcting record); a manifest voided once cannot be recorded again "
        "under the same digest (change the manifest, e.g. its id).",
        "gba-dataflow ledger void 7 --reason 'sent twice'   # 7 already voided",
        "gba-dataflow ledger show   # find the record to void",
    ),
    Code(
        "E609",
        "decision-log-broken",
        _E,
        "the decision log's hash chain is broken: an entry was edited, dropped, inserted or reordered",
        "Each entry holds the SHA-256 of the one before and of its own content; `audit verify` names the first "
        "entry where the chain breaks (exit 1). Restore the log from a backup and find out who changed it.",
    ),
    Code(
        "E540",
        "config-syntax",
        _E,
        "the configuration file cannot be read or is not valid TOML",
        "gba-dataflow reads the nearest gba-dataflow.toml, or pyproject.toml with a [tool.gba-dataflow] table, "
        "from the current directory up. The error gives the line and column where TOML parsing stopped.",
        "lang = zh-Hans",
        'lang = "zh-Hans"',
    ),
    Code(
        "E541",
        "unknown-config-key",
        _E,
        "the configuration file has a setting gba-dataflow does not know",
        "A misspelt setting would otherwise be a setting silently not applied. `gba-dataflow config` lists "
        "the settings: rules, include, exclude, lang, format, fail-on-warn, max-manifest-bytes, ledger, waivers.",
        'fail_on_warn = true\nlanguage = "zh-Hant"',
        'fail-on-warn = true\nlang = "zh-Hant"',
    ),
    Code(
        "E542",
        "bad-config-value",
        _E,
        "a setting of the configuration file has a value of the wrong kind",
        "Each setting takes one kind of value: a string from a list (lang, format), true or false "
        "(fail-on-warn), a positive whole number (max-manifest-bytes), or a list of strings (rules, "
        "include, exclude).",
        'format = "xml"\nmax-manifest-bytes = "2MB"',
        'format = "sarif"\nmax-manifest-bytes = 2097152',
    ),
    # --- E56x / W56x: governed waivers (app/waivers.py, docs/waivers.md) ----------------------------
    Code(
        "E560",
        "bad-waivers-file",
        _E,
        "the waivers file cannot be read or an entry is malformed",
        "A waivers file holds `waivers:`, a list of entries with id, rule, manifests (ids, paths or globs), "
        "owner, approver, reason, created and expires (dates). Ids are unique.",
        "waivers:\n  - id: WVR-1\n    rule: acme/cap\n    manifests: [crm-*]\n    owner: dpo@acme.example",
        "waivers:\n  - id: WVR-1\n    rule: acme/cap\n    manifests: [crm-*]\n    owner: dpo@acme.example\n"
        "    approver: ciso@acme.example\n    reason: legacy export until the label ships\n"
        "    created: 2026-11-02\n    expires: 2027-03-31",
    ),
    Code(
        "E561",
        "waiver-expired",
        _E,
        "a waiver's expiry date has passed",
        "An expired waiver is an error, not a silent no-op, so that the file stays current: renew it "
        "(a new `expires`, approved again) or delete it.",
        "    expires: 2025-01-31",
        "    expires: 2027-03-31",
    ),
    Code(
        "E562",
        "waiver-unapproved",
        _E,
        "a waiver has no approver, or is approved by its own owner",
        "A waiver accepts a risk on the organisation's behalf; a second person approves it.",
        "    owner: dpo@acme.example\n    approver: dpo@acme.example",
        "    owner: dpo@acme.example\n    approver: ciso@acme.example",
    ),
    Code(
        "E563",
        "waiver-unknown-rule",
        _E,
        "a waiver names a rule that the loaded rules do not have",
        "Rules are named `ruleset/rule`, as `rules list` shows them; the waiver is checked against the rules "
        "of the same run (--rules).",
        "    rule: acme/cpa",
        "    rule: acme/cap",
    ),
    Code(
        "E564",
        "waiver-of-law",
        _E,
        "a waiver names a statutory rule, or a rule not marked `waivable`",
        "Law cannot be waived: the rulesets shipped with gba-dataflow are never waivable, and an "
        "organisation's rule can be waived only when its rule file marks it `waivable`.",
        "    rule: mainland_export/m1_core_data",
        "    rule: acme/cap",
    ),
    Code(
        "W565",
        "waiver-expires-soon",
        _W,
        "a waiver expires within 30 days",
        "Listed by `check` and `rules check --waivers` so that its owner renews or retires it in time.",
        "",
        "",
    ),
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
