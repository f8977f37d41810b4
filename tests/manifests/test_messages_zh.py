"""Every diagnostic of the manifest layer can be read in Chinese, and its English is unchanged.

Bad manifests of every kind the loader refuses (unreadable, malformed YAML and JSON, each kind of schema
violation, cross-field contradictions, limits, placeholders, places, registration numbers, dates) go
through the real loader; each diagnostic is rendered in zh-Hans and zh-Hant as a report shows it
(`render_diagnostic`) and must hold no English word outside code: backticks, placeholders' values, options
and names of standards (`english_words` of the catalog test). The location (file:line:col, JSON path and
the excerpt of the manifest's own line) is left out of that check: it is the manifest's text, not ours.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from language_checks import english_words  # tests/ is on sys.path
from manifest_samples import EXAMPLE, MINIMAL, edit, load, problems

from gba_dataflow.core.errors import Diagnostic, ManifestError, UsageError
from gba_dataflow.core.i18n import Phrase, localize
from gba_dataflow.manifests import iter_manifest_files, load_manifest, loader
from gba_dataflow.manifests.limits import MAX_TEXT
from gba_dataflow.manifests.schema import read_organisation_schema
from gba_dataflow.manifests.template import parse_route
from gba_dataflow.reports.labels import render_diagnostic

LANGS = ("zh-Hans", "zh-Hant")


def _transfer(line: str) -> str:
    return edit(MINIMAL, "  purpose: support\n", f"  purpose: support\n{line}\n")


def _dataset(line: str) -> str:
    return edit(MINIMAL, "  subjects: 10\n", f"  subjects: 10\n{line}\n")


def _mechanisms(block: str) -> str:
    return MINIMAL + "mechanisms:\n" + block + "\n"


# (case name, manifest text, file name): each must fail to load
BAD: list[tuple[str, str | bytes, str]] = [
    # E402, E403: reading
    ("not utf-8", MINIMAL.encode("utf-8") + b"\xff\n", "m.yaml"),
    ("utf-16", MINIMAL.encode("utf-16"), "m.yaml"),
    # E404: YAML syntax and values
    (
        "unclosed flow mapping",
        edit(MINIMAL, "  destination: {region: HK}", "  destination: {region: HK"),
        "m.yaml",
    ),
    ("tab indentation", edit(MINIMAL, "  subjects: 10", "\tsubjects: 10"), "m.yaml"),
    ("mapping value in a plain scalar", edit(MINIMAL, "  purpose: support", "  purpose: a: b: c"), "m.yaml"),
    ("control character", edit(MINIMAL, "  purpose: support", "  purpose: sup\x07port"), "m.yaml"),
    ("bad indentation", edit(MINIMAL, "  purpose: support", " purpose: support"), "m.yaml"),
    ("list item in a mapping", edit(MINIMAL, "  purpose: support", "  purpose: support\n  - x"), "m.yaml"),
    ("unterminated quote", MINIMAL + "title: 'open\n", "m.yaml"),
    ("reserved character", edit(MINIMAL, "  purpose: support", "  purpose: @support"), "m.yaml"),
    ("unknown escape", edit(MINIMAL, "  purpose: support", '  purpose: "\\q"'), "m.yaml"),
    ("undefined alias", edit(MINIMAL, "  purpose: support", "  purpose: *nowhere"), "m.yaml"),
    ("duplicate anchor", MINIMAL + "title: &a x\nextra: &a y\n", "m.yaml"),
    ("unclosed flow sequence", edit(MINIMAL, "  destination: {region: HK}", "  destination: [HK"), "m.yaml"),
    ("unsupported tag", edit(MINIMAL, "  name: contacts", "  name: !!binary aGVsbG8="), "m.yaml"),
    ("number too long", _dataset("  extra: 1" + "0" * 5000), "m.yaml"),
    ("complex key", MINIMAL + "? [a, b]\n: c\n", "m.yaml"),
    ("deep nesting", "a: " + "[" * 70 + "]" * 70 + "\n", "m.yaml"),
    ("float for a whole number", edit(MINIMAL, "  subjects: 10", "  subjects: 1e400x"), "m.yaml"),
    # E404: JSON syntax
    ("json missing colon", '{\n  "apiVersion": "x",\n  "kind" "y"\n}', "m.json"),
    ("json trailing comma", '{"a": 1,}', "m.json"),
    ("json NaN", '{"a": NaN}', "m.json"),
    ("json unterminated string", '{"a": "x', "m.json"),
    ("json control character", '{"a": "x\ny"}', "m.json"),
    ("json bad escape", '{"a": "\\q"}', "m.json"),
    ("json bad unicode escape", '{"a": "\\u12"}', "m.json"),
    ("json text after the document", '{"a": 1} x', "m.json"),
    ("json key not quoted", "{a: 1}", "m.json"),
    ("json missing comma", '{"a": 1 "b": 2}', "m.json"),
    ("json ends early", '{"a": [1, 2', "m.json"),
    ("json ends where a value is expected", '{"a": ', "m.json"),
    ("json too many digits", '{"a": 1' + "0" * 5000 + "}", "m.json"),
    ("json too deep", "[" * 70 + "]" * 70, "m.json"),
    # E452: a lone surrogate
    ("json lone surrogate", '{"a": "\\ud800"}', "m.json"),
    # E405, E406, E407: YAML surprises
    (
        "duplicate yaml key",
        edit(MINIMAL, "  purpose: support", "  purpose: support\n  purpose: again"),
        "m.yaml",
    ),
    ("duplicate json key", '{"a": 1, "a": 2}', "m.json"),
    ("recursive alias", "a: &x [*x]\n", "m.yaml"),
    (
        "billion laughs",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(5)
        ),
        "m.yaml",
    ),
    ("norway", edit(MINIMAL, "destination: {region: HK}", "destination: {region: NO}"), "m.yaml"),
    ("boolean word", edit(MINIMAL, "  purpose: support", "  purpose: yes"), "m.yaml"),
    ("boolean key", _transfer("  on: 1"), "m.yaml"),
    ("octal", edit(MINIMAL, "  subjects: 10", "  subjects: 010"), "m.yaml"),
    ("base 60", edit(MINIMAL, "  subjects: 10", "  subjects: 1:30"), "m.yaml"),
    ("merge key", MINIMAL + "extra: &e {a: 1}\nother:\n  <<: *e\n", "m.yaml"),
    ("merge value", _transfer("  note: <<"), "m.yaml"),
    # E408: not one manifest
    ("empty yaml", "", "m.yaml"),
    ("empty json", "  ", "m.json"),
    ("a list", "- a\n- b\n", "m.yaml"),
    ("a text", "just text\n", "m.yaml"),
    ("null document", "null\n", "m.yaml"),
    ("two documents", MINIMAL + "---\n" + MINIMAL, "m.yaml"),
    # E410: schema, each kind of keyword
    ("missing field", edit(MINIMAL, "  purpose: support\n", ""), "m.yaml"),
    ("missing section", edit(MINIMAL, "recipient:\n  name: Recipient Ltd.\n", ""), "m.yaml"),
    (
        "missing list item field",
        edit(MINIMAL, "{name: phone, category: personal}", "{category: personal}"),
        "m.yaml",
    ),
    ("unknown field", edit(MINIMAL, "  purpose: support", "  purpose: support\n  purpse: x"), "m.yaml"),
    ("misspelt section", edit(MINIMAL, "transfer:", "transfr:"), "m.yaml"),
    ("unknown top-level field", MINIMAL + "colour: blue\n", "m.yaml"),
    ("wrong type: text for a number", edit(MINIMAL, "  subjects: 10", '  subjects: "10"'), "m.yaml"),
    ("wrong type: float", edit(MINIMAL, "  subjects: 10", "  subjects: 10.5"), "m.yaml"),
    ("wrong type: boolean for text", edit(MINIMAL, "  purpose: support", "  purpose: true"), "m.yaml"),
    ("wrong type: text for a boolean", _dataset('  core_data: "true"'), "m.yaml"),
    (
        "wrong type: mapping for a list",
        edit(MINIMAL, "    - {name: phone, category: personal}", "    a: b"),
        "m.yaml",
    ),
    (
        "wrong type: null section",
        edit(MINIMAL, "recipient:\n  name: Recipient Ltd.\n", "recipient:\n"),
        "m.yaml",
    ),
    (
        "wrong type: list for a mapping",
        edit(MINIMAL, "  origin: {region: CN-GD, city: Shenzhen}", "  origin: [a]"),
        "m.yaml",
    ),
    ("enum", edit(MINIMAL, "category: personal}", "category: personel}"), "m.yaml"),
    ("enum, far", edit(MINIMAL, "category: personal}", "category: zzzzzz}"), "m.yaml"),
    ("const", edit(MINIMAL, "kind: TransferManifest", "kind: Manifest"), "m.yaml"),
    ("pattern: region", edit(MINIMAL, "region: CN-GD", "region: Guangdong"), "m.yaml"),
    ("pattern: slug", edit(MINIMAL, "id: minimal", "id: Not A Slug"), "m.yaml"),
    ("empty text", edit(MINIMAL, "  purpose: support", '  purpose: ""'), "m.yaml"),
    ("minimum", edit(MINIMAL, "  subjects: 10", "  subjects: -1"), "m.yaml"),
    (
        "min items",
        edit(MINIMAL, "    - {name: phone, category: personal}\n", "").replace("fields:", "fields: []"),
        "m.yaml",
    ),
    ("not a date", _transfer("  date: soon"), "m.yaml"),
    ("not a calendar date", _transfer("  date: 2026-02-30"), "m.yaml"),
    ("a date with a time", _transfer('  date: "2026-02-03T10:00"'), "m.yaml"),
    ("a number for a date", _transfer("  date: 20260203"), "m.yaml"),
    ("a number for an optional date", _mechanisms("  standard_contract: {effective_on: 5}"), "m.yaml"),
    ("a long text value", edit(MINIMAL, "kind: TransferManifest", "kind: " + "x" * 100), "m.yaml"),
    ("null required value", edit(MINIMAL, "  purpose: support", "  purpose: null"), "m.yaml"),
    (
        "json bad date",
        '{"apiVersion": "gba-dataflow/v1", "kind": "TransferManifest", "id": "x", "transfer": '
        '{"origin": {"region": "CN-GD"}, "destination": {"region": "HK"}, "purpose": "p", '
        '"date": "2026-13-01"}, '
        '"exporter": {"name": "e"}, "recipient": {"name": "r"}, "dataset": {"name": "d", "fields": '
        '[{"name": "f", "category": "personal"}]}}',
        "m.json",
    ),
    # E420: a template's placeholder
    ("placeholder", edit(MINIMAL, "  purpose: support", "  purpose: TODO explain"), "m.yaml"),
    # E411: contradictions
    ("more sensitive than all", _dataset("  sensitive_subjects: 20"), "m.yaml"),
    ("ytd less than this transfer", MINIMAL + "volume:\n  personal_subjects_ytd: 5\n", "m.yaml"),
    (
        "since previous year less than this year",
        MINIMAL + "volume:\n  personal_subjects_ytd: 50\n  personal_subjects_since_previous_year: 20\n",
        "m.yaml",
    ),
    (
        "filed before effective",
        _mechanisms("  standard_contract: {effective_on: 2026-05-01, filed_on: 2026-04-01}"),
        "m.yaml",
    ),
    (
        "approval expires before granted",
        _mechanisms(
            "  security_assessment: {status: approved, approved_on: 2026-05-01, valid_until: 2026-04-01}"
        ),
        "m.yaml",
    ),
    (
        "certificate expires before issued",
        _mechanisms("  certification: {certified_on: 2026-05-01, valid_until: 2026-04-01}"),
        "m.yaml",
    ),
    # E414: registration numbers
    (
        "uscc format",
        edit(MINIMAL, "  name: Exporter Ltd.", "  name: Exporter Ltd.\n  registration_number: ABC"),
        "m.yaml",
    ),
    (
        "uscc check",
        edit(
            MINIMAL,
            "  name: Exporter Ltd.",
            "  name: Exporter Ltd.\n  registration_number: 91440300MA5FABCDE2",
        ),
        "m.yaml",
    ),
    (
        "hong kong br",
        edit(
            MINIMAL,
            "  name: Exporter Ltd.",
            "  name: Exporter Ltd.\n  region: HK\n  registration_number: 123",
        ),
        "m.yaml",
    ),
    (
        "macao cr",
        edit(
            MINIMAL,
            "  name: Exporter Ltd.",
            "  name: Exporter Ltd.\n  region: MO\n  registration_number: 1234567",
        ),
        "m.yaml",
    ),
]

# (case name, manifest text): each loads, with warnings
WARNED: list[tuple[str, str]] = [
    ("volume unknown", MINIMAL),
    ("volume since the previous year unknown", _transfer("  date: 2023-06-01")),
    (
        "fewer processed than sent",
        MINIMAL + "volume:\n  personal_subjects_ytd: 10\n  processed_subjects_total: 5\n",
    ),
    ("personal field without subjects", edit(MINIMAL, "  subjects: 10", "  subjects: 0")),
    (
        "sensitive field without sensitive subjects",
        edit(MINIMAL, "category: personal}", "category: sensitive_personal, sensitive_type: medical_health}"),
    ),
    ("subjects without personal fields", edit(MINIMAL, "category: personal}", "category: non_personal}")),
    ("sensitive subjects without sensitive fields", _dataset("  sensitive_subjects: 5")),
    (
        "sensitive type on a personal field",
        edit(MINIMAL, "category: personal}", "category: personal, sensitive_type: medical_health}"),
    ),
    ("exemption without justification", _transfer("  exemption: contract")),
    ("unknown calendar year, mainland", _mechanisms("  standard_contract: {effective_on: 2040-01-10}")),
    (
        "unknown calendar year, hong kong",
        _mechanisms("  gba_standard_contract: {effective_on: 2040-01-10, filed_with: hk_dpo}"),
    ),
    (
        "unknown calendar year, macao",
        _mechanisms("  gba_standard_contract: {effective_on: 2040-01-10, filed_with: dspdp}"),
    ),
    ("unknown city", edit(MINIMAL, "city: Shenzhen", "city: Shenzen")),
    ("city far from any", edit(MINIMAL, "city: Shenzhen", "city: Qqqqqqq")),
    ("city of another region", edit(MINIMAL, "city: Shenzhen", "city: Macao")),
]


def _failures(text: str | bytes, name: str) -> list[Diagnostic]:
    return problems(text, name)


def _all_bad() -> Iterator[tuple[str, Diagnostic]]:
    for case, text, name in BAD:
        for diagnostic in _failures(text, name):
            yield case, diagnostic


def _chinese_leaks(diagnostic: Diagnostic) -> dict[str, list[str]]:
    """The English words of each Chinese rendering (the location, the manifest's own text, left out)."""
    bare = dataclasses.replace(diagnostic, span=None, excerpt=None, json_path=None)
    leaks = {lang: english_words(render_diagnostic(bare, lang)) for lang in LANGS}
    return {lang: words for lang, words in leaks.items() if words}


def _assert_bilingual(case: str, diagnostic: Diagnostic) -> None:
    assert render_diagnostic(diagnostic, "en") == diagnostic.render()
    assert isinstance(diagnostic.message, Phrase), (case, diagnostic.message)
    assert diagnostic.hint is None or isinstance(diagnostic.hint, Phrase), (case, diagnostic.hint)
    leaks = _chinese_leaks(diagnostic)
    assert not leaks, (
        case,
        diagnostic.render(),
        {lang: render_diagnostic(diagnostic, lang) for lang in leaks},
    )
    for lang in LANGS:  # the Chinese is a translation, not the English again
        assert localize(diagnostic.message, lang) != diagnostic.message, (case, lang, diagnostic.message)


@pytest.mark.parametrize(("case", "text", "name"), BAD, ids=[case for case, _, _ in BAD])
def test_every_refusal_reads_in_chinese(case: str, text: str | bytes, name: str) -> None:
    found = _failures(text, name)
    assert found
    for diagnostic in found:
        _assert_bilingual(case, diagnostic)


@pytest.mark.parametrize(("case", "text"), WARNED, ids=[case for case, _ in WARNED])
def test_every_warning_reads_in_chinese(case: str, text: str) -> None:
    warnings = load(text).warnings
    assert warnings, case
    for diagnostic in warnings:
        _assert_bilingual(case, diagnostic)


def test_the_cases_cover_every_code_of_the_manifest_layer(tmp_path: Path) -> None:
    codes = {diagnostic.code for _, diagnostic in _all_bad()}
    codes |= {diagnostic.code for _, text in WARNED for diagnostic in load(text).warnings}
    codes |= {diagnostic.code for diagnostic in _file_diagnostics(tmp_path)}
    codes |= {diagnostic.code for diagnostic in _limit_diagnostics()}
    expected = {
        *("E401", "E402", "E403", "E404", "E405", "E406", "E407", "E408", "E410", "E411", "E414", "E420"),
        *("E424", "E450", "E451", "E452", "E453", "W412", "W413", "W421", "W422"),
    }
    assert expected <= codes, sorted(expected - codes)


def test_the_english_is_the_english_of_before() -> None:
    """Messages assembled from parts (value descriptions, lists of types and options, joined sentences)
    read exactly as the f-strings they replace."""
    enum = problems(edit(MINIMAL, "category: personal}", "category: personel}"))[0]
    assert enum.message == (
        "`dataset.fields[0].category` must be one of `non_personal`, `personal`, `sensitive_personal`, "
        "not the text `personel`"
    )
    assert enum.hint == "did you mean `personal`?"
    typed = problems(edit(MINIMAL, "  subjects: 10", '  subjects: "10"'))[0]
    assert typed.message == "`dataset.subjects` must be a whole number, not the text `10`"
    assert typed.hint == "write the number without quotes"
    date = problems(_transfer("  date: soon"))[0]
    assert date.message == "`transfer.date` must be a date written YYYY-MM-DD, not the text `soon`"
    optional_date = problems(_mechanisms("  standard_contract: {effective_on: 5}"))[0]
    assert optional_date.message == (
        "`mechanisms.standard_contract.effective_on` must be a date written YYYY-MM-DD or null, not `5`"
    )
    unknown = problems(edit(MINIMAL, "transfer:", "transfr:"))[0]
    assert unknown.message == "unknown field `transfr` (did you mean `transfer`?)"
    assert unknown.hint is not None and unknown.hint.startswith(
        "fields allowed at the top level: `apiVersion`, "
    )
    missing = problems(edit(MINIMAL, "  purpose: support\n", ""))[0]
    assert missing.message == "`transfer.purpose` is required"
    assert missing.hint == "add `purpose`: Why the data is transferred, in plain words (free text)"
    unknown_volume = load(MINIMAL).warnings[0]
    assert unknown_volume.message == (
        "the cumulative volume this year is unknown (`volume.personal_subjects_ytd`, "
        "`volume.sensitive_subjects_ytd` not given): "
        "only this transfer was counted"
    )


def test_the_yaml_parser_is_translated_or_quoted() -> None:
    """libyaml's common words are translated; others stay as libyaml wrote them, quoted."""
    unclosed = problems(edit(MINIMAL, "  destination: {region: HK}", "  destination: {region: HK"))[0]
    assert unclosed.message == (
        "not well-formed YAML: did not find expected ',' or '}' while parsing a flow mapping"
    )
    assert (
        localize(unclosed.message, "zh-Hans")
        == "YAML 格式不正确：解析行内映射（`{ }`）时未找到应有的 `,` 或 `}`"
    )
    assert (
        localize(unclosed.message, "zh-Hant")
        == "YAML 格式不正確：解析行內映射（`{ }`）時找不到應有的 `,` 或 `}`"
    )
    anchor = problems(MINIMAL + "title: &a x\nextra: &a y\n")[0]
    assert (
        anchor.message == "not well-formed YAML: second occurrence found duplicate anchor; first occurrence"
    )
    assert localize(anchor.message, "zh-Hans") == (
        "YAML 格式不正确：`second occurrence found duplicate anchor; first occurrence`"
    )


def test_a_required_field_is_described_in_chinese() -> None:
    missing = problems(edit(MINIMAL, "  purpose: support\n", ""))[0]
    assert missing.hint is not None
    assert localize(missing.hint, "zh-Hans") == "请添加 `purpose`：传输数据的原因，用平实的话写（自由文本）"
    assert localize(missing.hint, "zh-Hant").startswith("請加入 `purpose`：")


def test_lists_and_choices_are_joined_in_chinese() -> None:
    enum = problems(edit(MINIMAL, "category: personal}", "category: personel}"))[0]
    assert localize(enum.message, "zh-Hans") == (
        "`dataset.fields[0].category` 应为 `non_personal`、`personal`、`sensitive_personal` 之一，"
        "而不是文本 `personel`"
    )
    assert localize(enum.hint, "zh-Hant") == "是否想寫 `personal`？"
    city = load(edit(MINIMAL, "city: Shenzhen", "city: Qqqqqqq")).warnings[0]
    assert city.hint is not None
    assert "广州、深圳、珠海" in localize(city.hint, "zh-Hans")
    assert "廣州、深圳、珠海" in localize(city.hint, "zh-Hant")


def test_a_place_is_described_in_chinese() -> None:
    loaded = load(edit(MINIMAL, "city: Shenzhen", "city: 前海"))
    note = loaded.provenance_of("/transfer/origin/city").note
    assert note == 'written "前海": Qianhai, a zone of Shenzhen (CN-GD), in the Greater Bay Area'
    assert localize(note, "zh-Hans") == "写作“前海”：前海，深圳（CN-GD）的功能区，位于大湾区内"
    assert localize(note, "zh-Hant") == "寫作「前海」：前海，深圳（CN-GD）的功能區，位於大灣區內"


def _file_diagnostics(tmp_path: Path) -> list[Diagnostic]:
    """E401 (missing file, directory, missing input), E453 (a FIFO in a directory), E424 (organisation
    schema), E900 (a bug while loading, which still fails closed)."""
    found: list[Diagnostic] = []

    def caught(action: Callable[[], object]) -> None:
        with pytest.raises((ManifestError, UsageError)) as error:
            action()
        found.extend(error.value.diagnostics)

    caught(lambda: load_manifest(tmp_path / "absent.yaml"))
    caught(lambda: load_manifest(tmp_path))
    caught(lambda: iter_manifest_files([str(tmp_path / "absent")]))
    if hasattr(os, "mkfifo"):
        folder = tmp_path / "walk"
        folder.mkdir()
        os.mkfifo(folder / "pipe.yaml")
        found.extend(iter_manifest_files([str(folder)]).problems)
    for text in (
        "[]",
        '{"type": "object", "properties": {}, "additionalProperties": true}',
        '{"type": "object", "properties": {"ticket": {"type": "string"}}}',
        '{"type": "object", "properties": {"ticket": {"type": 5, "description": "d"}}}',
        '{"type": "object", "properties": {"a": 1, "a": 2}}',
        '{"type": "object",',
    ):
        path = tmp_path / "organisation.schema.json"
        path.write_text(text, encoding="utf-8")
        caught(functools.partial(read_organisation_schema, str(path)))
    (tmp_path / "latin1.json").write_bytes(b'{"a": "\xe9"}')
    caught(lambda: read_organisation_schema(str(tmp_path / "latin1.json")))
    caught(lambda: read_organisation_schema(str(tmp_path / "absent.json")))
    caught(lambda: parse_route("gd:hk"))
    caught(lambda: parse_route("nowhere"))
    return found


def test_files_and_organisation_schemas_read_in_chinese(tmp_path: Path) -> None:
    found = _file_diagnostics(tmp_path)
    assert {"E401", "E424", "E501"} <= {diagnostic.code for diagnostic in found}
    for diagnostic in found:
        _assert_bilingual(diagnostic.code, diagnostic)


def test_an_unreadable_directory_reads_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(path: str) -> object:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(os, "scandir", refused)  # (chmod 0 would not stop root)
    found = iter_manifest_files([str(tmp_path)]).problems
    monkeypatch.undo()
    assert [diagnostic.code for diagnostic in found] == ["E401"]
    assert found[0].message == f"cannot read the directory `{tmp_path}`: Permission denied"
    assert localize(found[0].message, "zh-Hans") == f"无法读取目录 `{tmp_path}`：权限不足"
    _assert_bilingual("unreadable directory", found[0])


def test_a_bug_while_loading_reads_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> list[Diagnostic]:
        raise RuntimeError("boom")

    monkeypatch.setattr(loader, "cross_check", broken)
    diagnostic = problems(MINIMAL)[0]
    assert diagnostic.code == "E900"
    assert diagnostic.message == "internal error while loading the manifest: RuntimeError: boom"
    _assert_bilingual("E900", diagnostic)


def _limit_diagnostics() -> list[Diagnostic]:
    """E402 (size), E450 (values) and E451 (diagnostics not shown), with their limits made small."""
    found = problems(MINIMAL, max_bytes=100)
    saved = {
        name: os.environ.get(name) for name in ("GBA_DATAFLOW_MAX_NODES", "GBA_DATAFLOW_MAX_DIAGNOSTICS")
    }
    try:
        os.environ["GBA_DATAFLOW_MAX_NODES"] = "20"
        found += problems(EXAMPLE)
        found += problems(EXAMPLE.replace("{", "{ ").replace(": ", ":  "), "m.yaml")
        del os.environ["GBA_DATAFLOW_MAX_NODES"]
        os.environ["GBA_DATAFLOW_MAX_DIAGNOSTICS"] = "2"
        many = MINIMAL + "".join(f"extra{index}: 1\n" for index in range(5))
        found += problems(many)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return found


def test_limits_read_in_chinese() -> None:
    found = _limit_diagnostics()
    assert {"E402", "E450", "E451"} <= {diagnostic.code for diagnostic in found}
    for diagnostic in found:
        _assert_bilingual(diagnostic.code, diagnostic)


def test_a_message_cut_to_the_limit_stays_translatable() -> None:
    diagnostic = problems(MINIMAL + "k" * 900 + ": 1\n")[0]
    assert len(diagnostic.message) == MAX_TEXT
    assert diagnostic.message.startswith("unknown field `kkk") and diagnostic.message.endswith("k...`")
    _assert_bilingual("long key", diagnostic)
    assert localize(diagnostic.message, "zh-Hans").startswith("未知字段 `kkk")


def test_words_of_the_system_no_catalog_knows_are_quoted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stale(path: str) -> object:
        raise OSError(116, "Stale file handle", path)

    monkeypatch.setattr(os, "scandir", stale)
    found = iter_manifest_files([str(tmp_path)]).problems
    monkeypatch.undo()
    assert found[0].message == f"cannot read the directory `{tmp_path}`: Stale file handle"
    assert localize(found[0].message, "zh-Hant") == f"無法讀取目錄 `{tmp_path}`：`Stale file handle`"
    _assert_bilingual("stale directory", found[0])
