"""`gba-dataflow new manifest`: a commented template that loads against the schema for every GBA route."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from ci_helpers import assert_golden, run_cli

from gba_dataflow.core.errors import ManifestError, UsageError
from gba_dataflow.manifests import load_manifest_bytes, schema
from gba_dataflow.manifests.template import GBA_ROUTES, manifest_template, parse_route


def _leaf_paths(node: dict[str, Any], prefix: str = "") -> list[str]:
    paths = []
    for key, child in node.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        if child.get("type") == "object" and "properties" in child:
            paths += _leaf_paths(child, path)
        elif child.get("type") == "array":
            paths += _leaf_paths(child["items"], path + "[]")
        else:
            paths.append(path)
    return paths


_TODO = re.compile(r'"TODO: [^"]*"|TODO_field_name|(?<=category: )TODO')


def _filled(template: str) -> str:
    """The template with every TODO placeholder replaced by a real value, as a steward would."""
    filled = {"TODO_field_name": "sku", "TODO": "non_personal"}
    return _TODO.sub(lambda match: filled.get(match.group(0), '"Example"'), template)


@pytest.mark.parametrize("route", GBA_ROUTES)
def test_the_template_of_every_gba_route_is_refused_until_its_placeholders_are_replaced(route: str) -> None:
    code, out, err = run_cli("new", "manifest", "--route", route)
    assert code == 0 and err == ""
    with pytest.raises(ManifestError) as caught:
        load_manifest_bytes(out.encode("utf-8"), f"template-{route}.yaml")
    found = caught.value.diagnostics
    assert {d.code for d in found} == {"E420"}
    pointers = [d.json_path for d in found]
    assert "/transfer/purpose" in pointers and "/dataset/fields/0/name" in pointers
    assert "/dataset/fields/0/category" in pointers  # the steward must classify the field
    lines = out.splitlines()
    for diagnostic in found:  # each is located at its placeholder, file:line:col
        assert diagnostic.span is not None
        assert lines[diagnostic.span.line - 1][diagnostic.span.column - 1 :].lstrip('"').startswith("TODO")
        assert diagnostic.hint and "TODO" in diagnostic.hint
    manifest = load_manifest_bytes(_filled(out).encode("utf-8"), f"template-{route}.yaml")
    assert manifest.warnings == ()
    origin, destination = route.split(":")
    transfer = manifest.data["transfer"]
    assert (transfer["origin"]["region"], transfer["destination"]["region"]) == (origin, destination)


@pytest.mark.parametrize("route", [*GBA_ROUTES, "CN-BJ:SG"])
def test_new_manifest_piped_into_check_is_an_input_error_never_an_allow(route: str) -> None:
    code, template, _ = run_cli("new", "manifest", "--route", route)
    assert code == 0
    code, out, _ = run_cli("check", "-", "--format", "json", input=template)
    assert code == 2
    (result,) = json.loads(out)["results"]
    assert result["decision"] == "error"
    assert {error["code"] for error in result["errors"]} == {"E420"}


def test_a_placeholder_anywhere_in_a_value_is_refused_with_its_path() -> None:
    text = _filled(manifest_template("CN-GD:HK")).replace('name: "Example"', 'name: "Example Bank TODO"', 1)
    with pytest.raises(ManifestError) as caught:
        load_manifest_bytes(text.encode("utf-8"), "t.yaml")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E420" and diagnostic.json_path == "/exporter/name"
    assert "exporter.name" in diagnostic.message


@pytest.mark.parametrize("route", GBA_ROUTES)
def test_local_law_blocks_follow_the_origin(route: str) -> None:
    text = manifest_template(route)
    data = yaml.safe_load(text)
    origin = route.split(":", maxsplit=1)[0]
    assert ("hong_kong" in data) is (origin == "HK")
    assert ("macao" in data) is (origin == "MO")
    assert ("volume" in data) is (origin == "CN-GD")
    assert ("mechanisms" in data) is (route not in ("HK:MO", "MO:HK"))
    if origin == "HK":
        assert set(data["hong_kong"]) == {
            "dpp1_notice",
            "purpose",
            "prescribed_consent",
            "processor_contract",
        }
        assert "Hong Kong's PDPO applies" in text
        if route == "HK:CN-GD":
            assert "# security_assessment: left out: a Mainland export mechanism" in text
            assert set(data["mechanisms"]) == {"gba_standard_contract", "pipia"}
    if origin == "MO":
        assert set(data["macao"]) >= {"adequacy_decision", "article20_ground", "notified", "authorisation"}
        assert "Macao's PDPA applies" in text
    if origin != "HK":
        assert "# hong_kong: left out: Hong Kong PDPO facts, read only when the origin is HK" in text


def test_every_field_of_the_schema_is_in_the_mainland_template_with_its_comment() -> None:
    text = manifest_template("CN-GD:HK")
    lines = text.splitlines()
    for path in _leaf_paths(schema()):
        if path.startswith(("hong_kong.", "macao.")):
            continue
        key = path.rsplit(".", 1)[-1].removesuffix("[]")
        entry = re.compile(rf'^\s*(?:- )?(?:# )?{key}: (?:"[^"]*"|[^\s"]+)$')  # set, or commented out
        found = [n for n, line in enumerate(lines) if entry.match(line)]
        assert found, path
        above = found[0] - 1
        comments = []
        while above >= 0 and lines[above].lstrip().startswith("#"):
            comments.append(lines[above].strip())
            above -= 1
        assert any(line.startswith(("# (required", "# (optional")) for line in comments), path
        assert len(comments) >= 2, path  # the description and the spec


def test_comments_give_type_allowed_values_and_default() -> None:
    text = manifest_template("CN-GD:HK")
    assert (
        "# (optional · text · one of: none | contract | hr | emergency | statutory_duty · default: none)"
        in text
    )
    assert "# (required · list of at least 1)" in text
    assert "# (optional · whole number >= 0 · default: 0)" in text
    assert "# (optional · text or null · default: transfer.origin.city)" in text
    assert "For CN-GD → HK: the CN-GD party files with `guangdong_cac`." in text


def test_template_golden_and_deterministic() -> None:
    assert manifest_template() == manifest_template("CN-GD:HK")
    assert_golden("template-CN-GD-HK.yaml", manifest_template("CN-GD:HK"))
    assert_golden("template-HK-CN-GD.yaml", manifest_template("HK:CN-GD"))


def test_any_other_pair_is_generic() -> None:
    assert parse_route("CN-GD:MO").destination == "MO"
    text = manifest_template("SG:HK")
    assert "No shipped ruleset may cover this route" in text
    load_manifest_bytes(_filled(text).encode("utf-8"), "sg.yaml")


@pytest.mark.parametrize("route", ["HK", "HK:HK", "CN-GD:", "Guangdong:HK", "CN-GD:HK:MO", "cn_gd:hk"])
def test_a_bad_route_exits_2(route: str) -> None:
    code, out, err = run_cli("new", "manifest", "--route", route)
    assert code == 2 and out == ""
    assert "is not ORIGIN:DESTINATION" in err and "Traceback" not in err
    with pytest.raises(UsageError):
        parse_route(route)


@pytest.mark.parametrize(
    ("route", "hint"),
    [
        ("gd:hk", "write --route CN-GD:HK; Guangdong is CN-GD (GD is Grenada)"),
        ("cn-gd:mo", "write --route CN-GD:MO"),
        ("Guangdong:HK", "write --route CN-GD:HK"),
        ("hk:Macao", "write --route HK:MO"),
    ],
)
def test_a_lower_case_route_is_refused_with_the_codes_in_capitals(route: str, hint: str) -> None:
    """Never silently capitalised: `gd:hk` would be Grenada to Hong Kong (issue 22)."""
    code, out, err = run_cli("new", "manifest", "--route", route)
    assert (code, out) == (2, "")
    assert f"error E501: --route `{route}` is not ORIGIN:DESTINATION" in err
    assert f"hint: {hint}\n" in err


def test_grenada_is_written_as_asked_with_a_note_that_guangdong_is_cn_gd() -> None:
    code, out, err = run_cli("new", "manifest", "--route", "GD:HK")
    assert code == 0 and out.startswith("# gba-dataflow transfer manifest: GD → HK\n")
    assert err == "note: GD is Grenada; Guangdong is CN-GD (e.g. --route CN-GD:HK)\n"


def test_output_writes_a_file_and_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "transfer.yaml"
    assert run_cli("new", "manifest", "--route", "MO:CN-GD", "--output", str(target))[0] == 0
    filled = _filled(target.read_text(encoding="utf-8")).encode("utf-8")
    assert load_manifest_bytes(filled, str(target)).data["macao"]["notified"] is False
    code, _, err = run_cli("new", "manifest", "--output", str(target))
    assert code == 2 and "already exists" in err
    assert "MO → CN-GD" in target.read_text(encoding="utf-8")
    assert run_cli("new", "manifest", "--output", str(target), "--force")[0] == 0
    assert "CN-GD → HK" in target.read_text(encoding="utf-8")


def test_the_filled_template_is_checked_by_check_without_errors(tmp_path: Path) -> None:
    target = tmp_path / "transfer.yaml"
    target.write_text(_filled(manifest_template("CN-GD:HK")), encoding="utf-8")
    code, out, _ = run_cli("check", str(target), "--format", "json")
    assert code in (0, 1)
    (result,) = json.loads(out)["results"]
    assert result["errors"] == [] and result["decision"] in ("allow", "deny")


def test_new_without_a_subcommand_shows_help() -> None:
    code, out, err = run_cli("new")
    assert "manifest" in out + err
    assert code in (0, 2)


# ---- --lang --------------------------------------------------------------------------------------

ZH = ("zh-Hans", "zh-Hant")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", ZH)
@pytest.mark.parametrize("route", GBA_ROUTES)
def test_a_chinese_template_holds_the_same_manifest_as_the_english_one(route: str, lang: str) -> None:
    code, out, err = run_cli("new", "manifest", "--route", route, "--lang", lang)
    assert code == 0 and err == ""
    with pytest.raises(ManifestError) as caught:  # valid but for its placeholders, as the English one
        load_manifest_bytes(out.encode("utf-8"), f"template-{route}.yaml")
    assert {d.code for d in caught.value.diagnostics} == {"E420"}
    with pytest.raises(ManifestError) as english_caught:
        load_manifest_bytes(manifest_template(route).encode("utf-8"), f"template-{route}.yaml")
    assert [d.json_path for d in caught.value.diagnostics] == [
        d.json_path for d in english_caught.value.diagnostics
    ]
    english = yaml.safe_load(manifest_template(route))
    chinese = yaml.safe_load(out)
    assert set(chinese) == set(english)
    assert chinese["transfer"]["origin"] == english["transfer"]["origin"]
    assert chinese["transfer"]["destination"] == english["transfer"]["destination"]
    comments = [line for line in out.splitlines() if line.lstrip().startswith("#") and line.strip() != "#"]
    assert comments and all(CJK.search(line) or _code_only(line) for line in comments), [
        line for line in comments if not CJK.search(line) and not _code_only(line)
    ]


def _code_only(line: str) -> bool:
    """A comment line with no English prose: a command, a commented-out field, names or codes."""
    text = line.strip().lstrip("#").strip()
    return text.startswith("gba-dataflow ") or not re.search(r"[A-Za-z]{3,} [a-z]{3,}", text)


@pytest.mark.parametrize("lang", ZH)
def test_every_description_of_the_schema_has_a_chinese_text(lang: str) -> None:
    from gba_dataflow.manifests.template_zh import TEXTS

    def pointers(node: dict[str, Any], pointer: str) -> list[str]:
        found = [pointer] if "description" in node else []
        for key, child in node.get("properties", {}).items():
            found += pointers(child, f"{pointer}/{key}")
        if "items" in node:
            found += pointers(node["items"], f"{pointer}/0")
        return found

    assert set(pointers(schema(), "")) <= set(TEXTS[lang]["descriptions"])
    assert set(TEXTS[lang]["words"]) == set(TEXTS["zh-Hans"]["words"])


def test_the_english_template_is_unchanged_by_lang() -> None:
    assert manifest_template("CN-GD:HK") == manifest_template("CN-GD:HK", "en")
    assert run_cli("new", "manifest", "--lang", "fr")[0] == 2
