"""Bad manifests: one test per class of input error, asserting code, line, column and JSON path."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
from manifest_samples import EXAMPLE, MINIMAL, edit, load, only, problems, where

from gba_dataflow.core.errors import ManifestError, Severity
from gba_dataflow.manifests import load_manifest

# MINIMAL, line by line:
#  4 transfer:
#  5   origin: {region: CN-GD, city: Shenzhen}
#  6   destination: {region: HK}
#  7   purpose: support
#  8 exporter:
#  9   name: Exporter Ltd.
# 12 dataset:
# 13   name: contacts
# 14   subjects: 10
# 15   fields:
# 16     - {name: phone, category: personal}


def with_transfer_line(line: str) -> str:
    return edit(MINIMAL, "  purpose: support\n", f"  purpose: support\n{line}\n")


# --- E401 / E402 / E403: reading ---------------------------------------------------------------------------


def test_missing_file_is_e401(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as caught:
        load_manifest(tmp_path / "absent.yaml")
    assert caught.value.code == "E401"
    assert caught.value.first.path == str(tmp_path / "absent.yaml")
    assert "no such file" in caught.value.first.message


def test_directory_is_e401(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as caught:
        load_manifest(tmp_path)
    assert caught.value.code == "E401"
    assert "directory" in caught.value.first.message


def test_oversized_manifest_is_e402(tmp_path: Path) -> None:
    assert only(MINIMAL, max_bytes=100).code == "E402"
    path = tmp_path / "big.yaml"
    path.write_text(MINIMAL + "#" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_manifest(path, max_bytes=1000)
    assert caught.value.code == "E402"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_manifest_read_from_a_pipe_loads_whole(tmp_path: Path) -> None:
    """A FIFO reports size 0 and may deliver its bytes in pieces: the reader must not stop early."""
    fifo = tmp_path / "manifest.yaml"
    os.mkfifo(fifo)
    text = MINIMAL + "#" * 100_000 + "\n"  # larger than a pipe's buffer

    def feed() -> None:
        with fifo.open("w", encoding="utf-8") as handle:
            handle.write(text)

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        loaded = load_manifest(fifo)
    finally:
        writer.join()
    assert loaded.data["dataset"]["name"] == "contacts"


def test_a_file_just_over_the_limit_is_e402_and_just_at_it_loads(tmp_path: Path) -> None:
    path = tmp_path / "edge.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    size = path.stat().st_size
    assert load_manifest(path, max_bytes=size).data["dataset"]["name"] == "contacts"
    with pytest.raises(ManifestError) as caught:
        load_manifest(path, max_bytes=size - 1)
    assert caught.value.code == "E402"


def test_non_utf8_bytes_are_e403_at_their_line_and_column() -> None:
    raw = edit(MINIMAL, "  name: Exporter Ltd.", "  name: Exporter@ Ltd.").encode().replace(b"@", b"\xff")
    diagnostic = only(raw)
    assert where(diagnostic)[:3] == ("E403", 9, 17)
    assert "0xff" in diagnostic.message
    assert diagnostic.excerpt is not None and "^" in diagnostic.excerpt


def test_utf16_is_e403_with_a_hint() -> None:
    diagnostic = only(MINIMAL.encode("utf-16"))
    assert diagnostic.code == "E403"
    assert diagnostic.hint is not None and "UTF-16" in diagnostic.hint


# --- E404: syntax ------------------------------------------------------------------------------------------


def test_yaml_syntax_error_is_e404_at_the_parser_position() -> None:
    diagnostic = only(edit(MINIMAL, "  destination: {region: HK}", "  destination: {region: HK"))
    assert diagnostic.code == "E404"
    assert diagnostic.line == 7
    assert "not well-formed YAML" in diagnostic.message


def test_tab_indentation_is_e404_with_a_hint() -> None:
    diagnostic = only(edit(MINIMAL, "  subjects: 10", "\tsubjects: 10"))
    assert where(diagnostic)[:3] == ("E404", 14, 1)
    assert diagnostic.hint == "indent with spaces, not tabs"


def test_json_syntax_errors_are_e404_at_the_character() -> None:
    assert where(only('{\n  "apiVersion": "x",\n  "kind" "y"\n}', "m.json")) == ("E404", 3, 10, None)
    trailing = only('{"a": 1,}', "m.json")
    assert where(trailing)[:3] == ("E404", 1, 9)
    assert trailing.hint == "remove the trailing comma"
    assert where(only('{"a": NaN}', "m.json"))[:3] == ("E404", 1, 7)
    assert where(only('{"a": "x\ny"}', "m.json"))[:2] == ("E404", 1)
    assert where(only('{"a": 1} x', "m.json"))[:3] == ("E404", 1, 10)


def test_unsupported_yaml_tags_are_e404() -> None:
    diagnostic = only(edit(MINIMAL, "  name: contacts", "  name: !!binary aGVsbG8="))
    assert where(diagnostic) == ("E404", 13, 9, "/dataset/name")


def test_numbers_too_long_to_read_are_e404() -> None:
    assert where(only(edit(MINIMAL, "subjects: 10", "subjects: " + "9" * 5000))) == (
        "E404",
        14,
        13,
        "/dataset/subjects",
    )
    assert where(only('{"a": ' + "9" * 5000 + "}", "m.json"))[:3] == ("E404", 1, 7)


def test_control_characters_are_e404_at_their_column() -> None:
    assert where(only(edit(MINIMAL, "name: contacts", "name: con\x07tacts")))[:3] == ("E404", 13, 12)


def test_complex_keys_are_e404() -> None:
    assert where(only(edit(MINIMAL, "  name: contacts", "  name: contacts\n  ? [a, b]\n  : 1")))[:3] == (
        "E404",
        14,
        5,
    )


def test_deep_nesting_is_e404() -> None:
    assert only("a: " + "[" * 200 + "]" * 200).code == "E404"
    assert only('{"a": ' + "[" * 200 + "]" * 200 + "}", "m.json").code == "E404"


# --- E405: duplicate keys ----------------------------------------------------------------------------------


def test_duplicate_yaml_key_is_e405_naming_the_first() -> None:
    diagnostic = only(edit(MINIMAL, "  subjects: 10\n", "  subjects: 10\n  subjects: 20\n"))
    assert where(diagnostic) == ("E405", 15, 3, "/dataset/subjects")
    assert "first at line 14" in diagnostic.message


def test_duplicate_json_key_is_e405_naming_the_first() -> None:
    text = '{\n  "id": "a",\n  "kind": "b",\n  "id": "c"\n}'
    found = problems(text, "m.json")
    duplicate = next(d for d in found if d.code == "E405")
    assert where(duplicate) == ("E405", 4, 3, "/id")
    assert "first at line 2" in duplicate.message


# --- E406: aliases -----------------------------------------------------------------------------------------


def test_billion_laughs_is_e406_and_fast() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for index, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[index]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    started = time.perf_counter()
    diagnostic = only("\n".join(lines) + "\n")
    assert diagnostic.code == "E406"
    assert diagnostic.line is not None and diagnostic.json_path is not None
    assert time.perf_counter() - started < 2


def test_alias_budget_is_a_parameter() -> None:
    text = "a: &a [x, x, x, x, x]\nb: [*a, *a, *a]\n"
    assert only(text, alias_budget=10).code == "E406"
    assert "E406" not in {d.code for d in problems(text, alias_budget=100)}  # expanded, then not a manifest


def test_recursive_alias_is_e406() -> None:
    assert where(only("a: &a [*a]\n"))[:2] == ("E406", 1)


# --- E407: YAML 1.1 surprises ------------------------------------------------------------------------------


def test_norway_is_e407() -> None:
    diagnostic = only(edit(MINIMAL, "destination: {region: HK}", "destination: {region: NO}"))
    assert where(diagnostic) == ("E407", 6, 25, "/transfer/destination/region")
    assert "`NO`" in diagnostic.message
    assert diagnostic.hint == "write true/false for a boolean, or quote it for a string"


def test_quoted_no_is_norway() -> None:
    manifest = load(edit(MINIMAL, "destination: {region: HK}", 'destination: {region: "NO"}'))
    assert manifest.data["recipient"]["region"] == "NO"


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "OFF", "y", "n", "Y", "N"])
def test_boolean_words_are_e407(word: str) -> None:
    text = edit(MINIMAL, "  name: Recipient Ltd.", f"  name: Recipient Ltd.\n  city: {word}")
    assert where(only(text)) == ("E407", 12, 9, "/recipient/city")


def test_boolean_words_in_boolean_fields_are_e407() -> None:
    text = edit(MINIMAL, "  name: Exporter Ltd.", "  name: Exporter Ltd.\n  ciio: yes")
    assert where(only(text)) == ("E407", 10, 9, "/exporter/ciio")


def test_boolean_word_keys_are_e407() -> None:
    found = problems(edit(MINIMAL, "  name: contacts", "  name: contacts\n  no: 1"))
    assert where(found[0]) == ("E407", 14, 3, "/dataset/no")


def test_true_and_false_are_fine() -> None:
    text = edit(MINIMAL, "  name: Exporter Ltd.", "  name: Exporter Ltd.\n  ciio: True\n  state_organ: FALSE")
    exporter = load(text).data["exporter"]
    assert (exporter["ciio"], exporter["state_organ"]) == (True, False)


def test_octal_and_base60_numbers_are_e407() -> None:
    assert where(only(edit(MINIMAL, "subjects: 10", "subjects: 010"))) == (
        "E407",
        14,
        13,
        "/dataset/subjects",
    )
    assert where(only(edit(MINIMAL, "subjects: 10", "subjects: 1:30"))) == (
        "E407",
        14,
        13,
        "/dataset/subjects",
    )


def test_merge_keys_are_e407() -> None:
    text = edit(MINIMAL, "  origin: {region: CN-GD, city: Shenzhen}", "  origin:\n    <<: {region: CN-GD}")
    assert ("E407", 6, 5, "/transfer/origin/<<") in [where(d) for d in problems(text)]


# --- E408: not a mapping -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("- a\n- b\n", "m.yaml"),
        ("just words\n", "m.yaml"),
        ("", "m.yaml"),
        ("# only a comment\n", "m.yaml"),
        ("~\n", "m.yaml"),
        ("[1, 2]", "m.json"),
        ("  \n", "m.json"),
        ('"text"', "m.json"),
    ],
)
def test_a_document_that_is_not_a_mapping_is_e408(text: str, name: str) -> None:
    diagnostic = only(text, name)
    assert where(diagnostic)[:3] == ("E408", 1, 1) or where(diagnostic)[:2] == ("E408", 1)


def test_multiple_documents_are_e408_at_the_second() -> None:
    diagnostic = only(MINIMAL + "---\nid: other\n")
    assert where(diagnostic)[:3] == ("E408", 17, 1)


# --- E410: schema ------------------------------------------------------------------------------------------


def test_missing_required_field_is_e410_at_its_parent() -> None:
    diagnostic = only(edit(MINIMAL, "origin: {region: CN-GD, city: Shenzhen}", "origin: {city: Shenzhen}"))
    assert where(diagnostic) == ("E410", 5, 3, "/transfer/origin/region")
    assert diagnostic.message == "`transfer.origin.region` is required"


def test_missing_top_level_section_is_e410() -> None:
    text = MINIMAL.split("dataset:")[0]
    assert where(only(text)) == ("E410", 1, 1, "/dataset")


def test_unknown_field_suggests_the_right_name() -> None:
    diagnostic = only(edit(MINIMAL, "transfer:", "transfr:"))
    assert where(diagnostic) == ("E410", 4, 1, "/transfr")
    assert diagnostic.message == "unknown field `transfr` (did you mean `transfer`?)"


def test_unknown_nested_field_is_e410_at_its_key() -> None:
    text = edit(MINIMAL, "  subjects: 10", "  subjects: 10\n  subject_count: 3")
    diagnostic = only(text)
    assert where(diagnostic) == ("E410", 15, 3, "/dataset/subject_count")
    assert diagnostic.hint is not None and "`subjects`" in diagnostic.hint


def test_wrong_type_is_e410_at_the_value() -> None:
    diagnostic = only(edit(MINIMAL, "subjects: 10", "subjects: many"))
    assert where(diagnostic) == ("E410", 14, 13, "/dataset/subjects")
    assert diagnostic.message == "`dataset.subjects` must be a whole number, not the text `many`"


def test_enum_violation_suggests_a_value() -> None:
    diagnostic = only(with_transfer_line("  exemption: contracts"))
    assert where(diagnostic) == ("E410", 8, 14, "/transfer/exemption")
    assert diagnostic.hint == "did you mean `contract`?"


def test_region_must_be_an_iso_code() -> None:
    diagnostic = only(edit(MINIMAL, "region: CN-GD", "region: Guangdong"))
    assert where(diagnostic) == ("E410", 5, 20, "/transfer/origin/region")
    assert "ISO 3166" in diagnostic.message


@pytest.mark.parametrize(
    "date", ["2026-02-30", "2026-13-01", "2026-12-01 10:00:00", "2026-12-01T10:00:00Z", "12/01/2026"]
)
def test_bad_dates_are_e410_at_the_value(date: str) -> None:
    assert where(only(with_transfer_line(f"  date: {date}"))) == ("E410", 8, 9, "/transfer/date")


@pytest.mark.parametrize(
    ("old", "new", "pointer"),
    [
        (
            "destination: {region: HK}",
            "destination:\n    region: |\n      HK",
            "/transfer/destination/region",
        ),
        ("id: minimal", 'id: "minimal\\n"', "/id"),
    ],
)
def test_a_final_newline_does_not_pass_a_pattern(old: str, new: str, pointer: str) -> None:
    diagnostic = only(edit(MINIMAL, old, new))
    assert (diagnostic.code, diagnostic.json_path) == ("E410", pointer)
    assert "\\n" in diagnostic.message


def test_keys_are_escaped_in_json_pointers() -> None:
    diagnostic = only(edit(MINIMAL, "  name: contacts", '  name: contacts\n  "a/b~c": 1'))
    assert where(diagnostic) == ("E410", 14, 3, "/dataset/a~1b~0c")


def test_bad_date_in_json_is_e410() -> None:
    text = json.dumps({"mechanisms": {"pipia": {"completed_on": "2026-02-29"}}})
    found = problems(text, "m.json")
    column = text.index('"2026-02-29"') + 1
    assert ("E410", 1, column, "/mechanisms/pipia/completed_on") in [where(d) for d in found]


def test_a_number_is_not_a_date() -> None:
    assert where(only(with_transfer_line("  date: 20261201"))) == ("E410", 8, 9, "/transfer/date")


def test_empty_fields_list_is_e410() -> None:
    text = edit(MINIMAL, "  fields:\n    - {name: phone, category: personal}\n", "  fields: []\n")
    assert where(only(text)) == ("E410", 15, 11, "/dataset/fields")


def test_null_required_value_is_e410() -> None:
    assert where(only(edit(MINIMAL, "purpose: support", "purpose:")))[::3] == ("E410", "/transfer/purpose")


def test_every_schema_error_is_reported_in_order() -> None:
    text = edit(MINIMAL, "id: minimal", "id: Not A Slug")
    text = edit(text, "subjects: 10", "subjects: -1")
    text = edit(text, "category: personal", "category: private")
    found = problems(text)
    assert [where(d) for d in found] == [
        ("E410", 3, 5, "/id"),
        ("E410", 14, 13, "/dataset/subjects"),
        ("E410", 16, 31, "/dataset/fields/0/category"),
    ]
    assert all(d.excerpt and "^" in d.excerpt for d in found)


def test_a_yaml_finding_is_not_repeated_as_a_schema_error() -> None:
    found = problems(edit(MINIMAL, "region: CN-GD", "region: off"))
    assert [d.code for d in found] == ["E407"]


def test_parse_and_schema_errors_come_together() -> None:
    text = edit(MINIMAL, "subjects: 10", "subjects: 010")
    text = edit(text, "kind: TransferManifest", "kind: Manifest")
    assert [d.code for d in problems(text)] == ["E410", "E407"]


# --- E411 / W412 / W413: across fields ---------------------------------------------------------------------


def test_more_sensitive_subjects_than_subjects_is_e411() -> None:
    text = edit(MINIMAL, "  subjects: 10", "  subjects: 10\n  sensitive_subjects: 20")
    diagnostic = only(text)
    assert where(diagnostic) == ("E411", 15, 23, "/dataset/sensitive_subjects")


@pytest.mark.parametrize("contract", ["standard_contract", "gba_standard_contract"])
def test_filed_before_effective_is_e411(contract: str) -> None:
    text = MINIMAL + f"mechanisms:\n  {contract}: {{effective_on: 2026-10-20, filed_on: 2026-10-01}}\n"
    diagnostic = only(text)
    column = len(f"  {contract}: {{effective_on: 2026-10-20, filed_on: ") + 1
    assert where(diagnostic) == ("E411", 18, column, f"/mechanisms/{contract}/filed_on")


def test_assessment_expiring_before_approval_is_e411() -> None:
    text = MINIMAL + (
        "mechanisms:\n  security_assessment:\n    status: approved\n"
        "    approved_on: 2026-05-01\n    valid_until: 2025-05-01\n"
    )
    assert where(only(text)) == ("E411", 21, 18, "/mechanisms/security_assessment/valid_until")


def test_year_to_date_below_this_transfer_is_e411() -> None:
    text = MINIMAL + "volume: {personal_subjects_ytd: 5, sensitive_subjects_ytd: 0}\n"
    assert where(only(text)) == ("E411", 17, 33, "/volume/personal_subjects_ytd")


def test_a_longer_window_counting_fewer_is_e411() -> None:
    text = MINIMAL + "volume: {personal_subjects_ytd: 50, personal_subjects_since_previous_year: 40}\n"
    diagnostic = only(text)
    assert where(diagnostic) == ("E411", 17, 76, "/volume/personal_subjects_since_previous_year")


def test_sensitive_field_without_sensitive_subjects_is_w412() -> None:
    manifest = load(EXAMPLE)
    assert [where(w) for w in manifest.warnings] == [("W412", 36, 41, "/dataset/fields/2/category")]
    assert manifest.warnings[0].severity is Severity.WARNING


def test_exemption_without_justification_is_w412() -> None:
    manifest = load(with_transfer_line("  exemption: hr"))
    assert ("W412", 8, 14, "/transfer/exemption") in [where(w) for w in manifest.warnings]
    justified = load(with_transfer_line("  exemption: hr\n  exemption_justification: payroll"))
    assert "W412" not in [w.code for w in justified.warnings]


def test_sensitive_type_on_a_plain_field_is_w412() -> None:
    text = edit(MINIMAL, "category: personal}", "category: personal, sensitive_type: biometric}")
    manifest = load(text)
    assert ("W412", 16, 57, "/dataset/fields/0/sensitive_type") in [where(w) for w in manifest.warnings]


def test_warnings_do_not_stop_loading_but_errors_do() -> None:
    text = edit(EXAMPLE, "  sensitive_subjects: 0 ", "  sensitive_subjects: 50000")
    assert {d.code for d in problems(text)} == {"E411"}


# --- the exception itself ----------------------------------------------------------------------------------


def test_the_error_renders_file_line_column_path_excerpt_and_hint() -> None:
    with pytest.raises(ManifestError) as caught:
        load(edit(MINIMAL, "destination: {region: HK}", "destination: {region: NO}"), "crm.yaml")
    rendered = str(caught.value)
    assert rendered.startswith("crm.yaml:6:25: error E407: ")
    assert "at /transfer/destination/region" in rendered
    assert "  destination: {region: NO}" in rendered
    assert "hint: write true/false" in rendered
