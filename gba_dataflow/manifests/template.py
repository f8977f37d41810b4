"""`gba-dataflow new manifest`: a commented manifest template for one route, generated from the schema.

Every field the route's rules read is written out with a comment above it: what it means (the schema's
description), whether it is required, its type, its allowed values and its default. Fields the loader
derives from another field are shown commented out; blocks that the route's rules never read (`hong_kong`
outside Hong Kong, `macao` outside Macao, Mainland mechanisms for Hong Kong and Macao exports) are left out
with a note. The template does not pass `check` as written: every TODO placeholder is an input error (E420,
see placeholders.py) until the steward replaces it; once they are replaced it loads without errors or
warnings. Output is deterministic (no dates, no randomness).
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from unicodedata import east_asian_width

from gba_dataflow.core.errors import UsageError
from gba_dataflow.core.i18n import Listing, tr
from gba_dataflow.manifests.pointers import dotted
from gba_dataflow.manifests.schema import schema

DEFAULT_ROUTE = "CN-GD:HK"
GBA_ROUTES = ("CN-GD:HK", "CN-GD:MO", "HK:CN-GD", "MO:CN-GD", "HK:MO", "MO:HK")
WIDTH = 110
_REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_CITIES = {"CN-GD": "Shenzhen", "HK": "Hong Kong", "MO": "Macao"}
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ._()/-]*$")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})
_DEFAULT = re.compile(r"\s*Default: (.+?)\.?$")
_GD9 = "Guangzhou, Shenzhen, Zhuhai, Foshan, Huizhou, Dongguan, Zhongshan, Jiangmen or Zhaoqing"
_MAINLAND_FACTS = (
    "/transfer/exemption",
    "/transfer/exemption_justification",
    "/exporter/ciio",
    "/exporter/state_organ",
    "/exporter/ftz",
    "/dataset/important_data",
    "/dataset/core_data",
    "/dataset/foreign_origin_only",
    "/dataset/ftz_negative_list",
    "/transfer/method",
    "/dataset/human_genetic_resources",
)
_MAINLAND_MECHANISMS = (
    "security_assessment",
    "standard_contract",
    "certification",
    "international_agreement",
    "notice_given",
    "separate_consent",
)


@dataclass(frozen=True)
class Route:
    """An origin and a destination region (ISO 3166 codes)."""

    origin: str
    destination: str

    def __str__(self) -> str:
        return f"{self.origin} → {self.destination}"

    @property
    def mainland_origin(self) -> bool:
        return _mainland(self.origin)

    @property
    def gba_contract(self) -> bool:
        """A GBA Standard Contract exists for this route: Mainland ↔ Hong Kong or Mainland ↔ Macao."""
        ends = {self.origin, self.destination}
        return "CN-GD" in ends and bool(ends & {"HK", "MO"})

    @property
    def filed_with(self) -> str:
        return {"HK": "hk_dpo", "MO": "dspdp"}.get(self.origin, "guangdong_cac")


def _mainland(region: str) -> bool:
    return region == "CN" or (region.startswith("CN-") and region not in ("CN-HK", "CN-MO", "CN-TW"))


_REGION_ALIASES = {"gd": "CN-GD", "guangdong": "CN-GD", "hk": "HK", "mo": "MO", "macau": "MO", "macao": "MO"}
"""How a lower-case route's ends are suggested in capitals: Guangdong is CN-GD, not GD (Grenada)."""


def parse_route(text: str) -> Route:
    """`CN-GD:HK` -> Route("CN-GD", "HK"); any two different ISO 3166 codes. Raises UsageError (E501).

    Codes are written as ISO 3166 writes them, in capitals: a lower-case route is refused with the
    capitalised one as a hint, never silently capitalised, since `gd:hk` would read as Grenada (GD) to
    Hong Kong where Guangdong (CN-GD) was surely meant."""
    stripped = text.strip()
    if stripped != stripped.upper():
        ends = [_REGION_ALIASES.get(part.lower(), part.upper()) for part in stripped.split(":")]
        if len(ends) == 2 and all(_REGION.match(end) for end in ends) and ends[0] != ends[1]:
            route = ":".join(ends)
            raise UsageError(
                tr(
                    "--route `{text}` is not ORIGIN:DESTINATION in ISO 3166 region codes, which are capitals",
                    text=text,
                ),
                code="E501",
                hint=tr("write --route {route}; Guangdong is CN-GD (GD is Grenada)", route=route)
                if "gd" in stripped.lower().split(":")
                else tr("write --route {route}", route=route),
            )
    origin, colon, destination = stripped.partition(":")
    if not colon or not _REGION.match(origin) or not _REGION.match(destination) or origin == destination:
        raise UsageError(
            tr(
                "--route `{text}` is not ORIGIN:DESTINATION with two different ISO 3166 region codes",
                text=text,
            ),
            code="E501",
            hint=tr(
                "e.g. --route {route}; the GBA routes are {routes}",
                route=DEFAULT_ROUTE,
                routes=Listing(list(GBA_ROUTES)),
            ),
        )
    return Route(origin, destination)


def manifest_template(route: str | Route = DEFAULT_ROUTE, lang: str = "en") -> str:
    """The commented YAML template of a manifest for `route` (`ORIGIN:DESTINATION`), its comments in `lang`
    (`en`, `zh-Hans` or `zh-Hant`; field names, codes and values stay as the schema spells them)."""
    chosen = route if isinstance(route, Route) else parse_route(route)
    words = _Words(lang)
    writer = _Writer(chosen, words)
    lines = [*_header(chosen, words), ""]
    lines += writer.properties(schema(), "", 0)
    return "\n".join(lines).rstrip("\n") + "\n"


class _Words:
    """The template's words in one language: English as written in this module, else `template_zh`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.texts: Mapping[str, Any] | None = None
        if lang != "en":
            from gba_dataflow.manifests.template_zh import TEXTS

            self.texts = TEXTS.get(lang)

    def get(self, name: str, english: str, **values: object) -> str:
        """The word `name` in this language (`english` when English), with `values` filled in."""
        if self.texts is None:
            return english
        return str(self.texts["words"][name]).format(**values)

    def description(self, pointer: str, english: str) -> str:
        if self.texts is None:
            return english
        return str(self.texts["descriptions"].get(pointer, english))

    def default(self, english: str) -> str:
        """A default as `_split_default` reads it (code spans unquoted), in this language."""
        if self.texts is None:
            return english
        defaults = {key.replace("`", ""): text for key, text in self.texts["defaults"].items()}
        return str(defaults.get(english, english)).replace("`", "")

    def comment(self, text: str, indent: int, *, bullet: bool = False) -> list[str]:
        return _comment(text, indent, bullet=bullet) if self.texts is None else _comment_cjk(text, indent)


# ---- the header ------------------------------------------------------------------------------------


def _header(route: Route, words: _Words) -> list[str]:
    if words.texts is not None:
        lines = ["# " + words.get("title", "", route=route), "#"]
        lines += [f"# {line}" for line in words.texts["words"]["intro"]]
        lines += ["#", "# " + words.get("for_route", "", route=route)]
        lines += [line for hint in _route_hints(route, words) for line in words.comment("- " + hint, 0)]
        return lines
    lines = [
        f"# gba-dataflow transfer manifest: {route}",
        "#",
        "# Replace every TODO, correct every value that does not fit the transfer, then check it:",
        "#     gba-dataflow check THIS-FILE.yaml",
        "# Above each field: what it means, then (required or optional · type · allowed values · default).",
        "# Optional fields may be deleted: the default then applies. A line `# key: value` shows a field",
        "# whose default is another field's value; delete the `#` to set it. Dates are written YYYY-MM-DD.",
        "# The whole schema: `gba-dataflow schema manifest`.",
        "#",
        f"# For this route ({route}):",
    ]
    lines += [line for hint in _route_hints(route, words) for line in _comment(hint, 0, bullet=True)]
    return lines


def _route_hints(route: Route, words: _Words) -> list[str]:
    hints: list[str] = []
    w = words.get
    if route.mainland_origin:
        hints.append(
            w(
                "route_mainland",
                "The Mainland export rules apply (PIPL and the 2024 Provisions): the transfer needs an "
                "exemption, a GBA Standard Contract, a filed national standard contract, certification or a "
                "security assessment. Fill in `volume` and `mechanisms`.",
            )
        )
    if route.origin == "CN-GD" and route.gba_contract:
        hk = route.destination == "HK"
        other = w("hk" if hk else "mo", "Hong Kong" if hk else "Macao")
        since = w("since_hk" if hk else "since_mo", "13 December 2023" if hk else "10 September 2024")
        hints.append(
            w(
                "route_gba",
                f"GBA Standard Contract (Mainland–{other}, from {since}): exporter and recipient must be in "
                f"the nine Mainland GBA cities (exporter.city) or {other}; file it with the Guangdong CAC "
                "(filed_with: guangdong_cac) within 10 working days after it takes effect.",
                other=other,
                since=since,
            )
        )
    if route.origin == "HK":
        hints.append(
            w(
                "route_hk",
                "Hong Kong's PDPO applies: fill in the `hong_kong` block (notice of the transferee class, "
                "purpose, prescribed consent for a new purpose, processor contract).",
            )
        )
    if route.origin == "MO":
        hints.append(
            w(
                "route_mo",
                "Macao's PDPA applies: fill in the `macao` block (an Art. 20(1) ground notified to the "
                "DSPDP, or a DSPDP authorisation; a basis for sensitive data).",
            )
        )
    if route.origin in ("HK", "MO") and route.destination == "CN-GD":
        hints.append(
            w(
                "route_to_gd",
                "The GBA Standard Contract (mechanisms.gba_standard_contract, "
                f"filed_with: {route.filed_with}) is open to recipients in the nine Mainland GBA cities "
                "(recipient.city).",
                filed_with=route.filed_with,
            )
        )
    if {route.origin, route.destination} == {"HK", "MO"}:
        hints.append(
            w(
                "route_hk_mo",
                "No GBA Standard Contract exists between Hong Kong and Macao, so `mechanisms` is left out.",
            )
        )
    if not route.mainland_origin and route.origin not in ("HK", "MO"):
        hints.append(
            w(
                "route_other",
                "No shipped ruleset may cover this route: a transfer no ruleset covers is denied "
                "(fail closed).",
            )
        )
    return hints


# ---- fields ----------------------------------------------------------------------------------------


class _Writer:
    """Writes the fields of the schema as commented YAML, choosing values and sections for a route."""

    def __init__(self, route: Route, words: _Words) -> None:
        self.route = route
        self.words = words

    def properties(self, node: Mapping[str, Any], pointer: str, indent: int) -> list[str]:
        required = set(node.get("required", ()))
        lines: list[str] = []
        for key, child in node.get("properties", {}).items():
            lines += self.field(key, child, f"{pointer}/{key}", indent, key in required)
        return lines

    def field(
        self, key: str, node: Mapping[str, Any], pointer: str, indent: int, required: bool
    ) -> list[str]:
        pad = " " * indent
        words = self.words
        skipped = self.skipped(pointer)
        if skipped:
            return [f"{pad}# " + words.get("left_out", f"{key}: left out: {skipped}", key=key, why=skipped)]
        description, default = _split_default(node.get("description", ""))
        lines = words.comment(words.description(pointer, description), indent)
        spec = _spec(node, required, None if default is None else words.default(default), words)
        lines += words.comment(f"({spec})" if words.texts is None else f"（{spec}）", indent)
        hint = self.hint(pointer)
        if hint:
            lines += words.comment(
                words.get("for_field", f"For {self.route}: {hint}", route=self.route, hint=hint), indent
            )
        if node.get("type") == "object" and "properties" in node:
            return [*lines, f"{pad}{key}:", *self.properties(node, pointer, indent + 2)]
        if node.get("type") == "array":
            return [*lines, f"{pad}{key}:", *self.items(node["items"], pointer, indent + 2)]
        if "x-gba-default-from" in node and pointer not in _DECLARED:
            return [*lines, f"{pad}# {key}: {_scalar(self.value(pointer, node))}"]
        return [*lines, f"{pad}{key}: {_scalar(self.value(pointer, node))}"]

    def items(self, node: Mapping[str, Any], pointer: str, indent: int) -> list[str]:
        pad = " " * indent
        words = self.words
        lines = words.comment(words.description(pointer + "/0", node.get("description", "")), indent)
        more = (
            "More entries look like: `- {name: full_name, category: personal}` or "
            "`- {name: account_balance, category: sensitive_personal, sensitive_type: financial_account}`; "
            "count their individuals in dataset.subjects and dataset.sensitive_subjects."
        )
        more = more if words.texts is None else str(words.texts["words"]["more_entries"])
        lines += words.comment(more, indent)
        body = self.properties(node, f"{pointer}/0", indent + 2)
        first = next(index for index, line in enumerate(body) if not line.lstrip().startswith("#"))
        body[first] = f"{pad}- {body[first].lstrip()}"
        return [*lines, *body]

    def skipped(self, pointer: str) -> str | None:
        """Why a block is left out for this route, or None to write it."""
        route = self.route
        if pointer == "/hong_kong" and route.origin != "HK":
            return self.words.get("skip_hk", "Hong Kong PDPO facts, read only when the origin is HK")
        if pointer == "/macao" and route.origin != "MO":
            return self.words.get("skip_mo", "Macao PDPA facts, read only when the origin is MO")
        if pointer == "/volume" and not route.mainland_origin:
            return self.words.get("skip_volume", "cumulative volumes count only for Mainland exports")
        if pointer == "/mechanisms" and not (route.mainland_origin or route.gba_contract):
            return self.words.get("skip_mechanisms", "no transfer mechanism is read for this route")
        if pointer in _MAINLAND_FACTS and not route.mainland_origin:
            return self.words.get("skip_mainland_fact", "a Mainland export fact, not read for this route")
        mechanism = pointer.removeprefix("/mechanisms/")
        if mechanism in _MAINLAND_MECHANISMS and not route.mainland_origin:
            return self.words.get(
                "skip_mainland_mechanism", "a Mainland export mechanism, not read for this route"
            )
        return None

    def hint(self, pointer: str) -> str | None:
        """A route-specific note for one field."""
        route = self.route
        gd_end = {"CN-GD": "/transfer/origin/city"}.get(route.origin) or (
            "/transfer/destination/city" if route.destination == "CN-GD" else None
        )
        if route.gba_contract and pointer == gd_end:
            return self.words.get(
                "hint_gd9",
                f"the GBA Standard Contract needs one of the nine Mainland GBA cities: {_GD9}.",
                cities=_GD9,
            )
        if route.gba_contract and pointer == "/mechanisms/gba_standard_contract/filed_with":
            return self.words.get(
                "hint_filed_with",
                f"the {route.origin} party files with `{route.filed_with}`.",
                origin=route.origin,
                filed_with=route.filed_with,
            )
        if route.origin == "CN-GD" and route.destination == "HK" and pointer == "/exporter/sector":
            return self.words.get(
                "hint_pilot",
                "until 31 October 2024 the GBA Standard Contract was open only to the pilot sectors.",
            )
        return None

    def value(self, pointer: str, node: Mapping[str, Any]) -> Any:
        route = self.route
        w = self.words.get
        values: dict[str, Any] = {
            "/id": f"{route.origin}-to-{route.destination}-transfer".lower(),
            "/title": w("todo_title", "TODO: what is transferred, to whom"),
            "/transfer/origin/region": route.origin,
            "/transfer/origin/city": _CITIES.get(route.origin),
            "/transfer/destination/region": route.destination,
            "/transfer/destination/city": _CITIES.get(route.destination),
            "/transfer/purpose": w("todo_purpose", "TODO: why the data is transferred, in plain words"),
            "/exporter/name": w("todo_exporter", "TODO: legal name of the exporter"),
            "/exporter/region": route.origin,
            "/exporter/city": _CITIES.get(route.origin),
            "/recipient/name": w("todo_recipient", "TODO: legal name of the recipient"),
            "/recipient/region": route.destination,
            "/recipient/city": _CITIES.get(route.destination),
            "/dataset/name": w("todo_dataset", "TODO: name of the dataset"),
            "/dataset/fields/0/name": "TODO_field_name",
            "/dataset/fields/0/category": "TODO",
            "/volume/personal_subjects_ytd": 0,
            "/volume/sensitive_subjects_ytd": 0,
            "/volume/personal_subjects_since_previous_year": 0,
            "/volume/sensitive_subjects_since_previous_year": 0,
            "/volume/processed_subjects_total": 0,
        }
        if pointer in values:
            return values[pointer]
        if "const" in node:
            return node["const"]
        return node.get("default")


_DECLARED = frozenset({"/volume/personal_subjects_ytd", "/volume/sensitive_subjects_ytd"})
"""Derived fields written out anyway: declaring this year's volumes is what the rules need."""


def _split_default(description: str) -> tuple[str, str | None]:
    """A description without its closing `Default: ...` sentence, and that sentence's text."""
    match = _DEFAULT.search(description)
    if match is None:
        return description, None
    return description[: match.start()], match.group(1).replace("`", "")


def _spec(
    node: Mapping[str, Any], required: bool, default: str | None = None, words: _Words | None = None
) -> str:
    w = (words or _Words("en")).get
    parts = [w("required", "required") if required else w("optional", "optional"), _type(node, words)]
    if "enum" in node:
        parts.append(w("one_of", "one of: ") + " | ".join(_scalar(item) for item in node["enum"]))
    elif "const" in node:
        parts.append(w("exactly", "exactly ") + str(node["const"]))
    elif "examples" in node:
        parts.append(w("eg", "e.g. ") + ", ".join(str(item) for item in node["examples"]))
    if "pattern" in node:
        parts.append(w("matching", "matching ") + node["pattern"])
    if default is not None:
        parts.append(w("default", "default: ") + default)
    elif "x-gba-default-from" in node:
        parts.append(w("default", "default: ") + dotted(node["x-gba-default-from"]))
    elif "default" in node and not isinstance(node["default"], dict):
        parts.append(w("default", "default: ") + _scalar(node["default"]))
    return " · ".join(parts)


def _type(node: Mapping[str, Any], words: _Words | None = None) -> str:
    w = (words or _Words("en")).get
    kinds = node.get("type", "any")
    names = [kinds] if isinstance(kinds, str) else list(kinds)
    minimum = f" >= {node['minimum']}" if "minimum" in node else ""
    at_least = w("at_least", f" of at least {node.get('minItems')}", count=node.get("minItems"))
    names_in = {
        "string": w("date", "date YYYY-MM-DD") if node.get("format") == "date" else w("text", "text"),
        "integer": w("integer", "whole number") + minimum,
        "number": w("number", "number"),
        "boolean": w("boolean", "true or false"),
        "object": w("object", "mapping"),
        "array": w("array", "list") + (at_least if "minItems" in node else ""),
        "null": "null",
    }
    return w("or", " or ").join(names_in.get(name, name) for name in names)


def _scalar(value: Any) -> str:
    """A value as YAML text: plain where unambiguous, else a JSON (double-quoted YAML) string."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML11_WORDS and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str, indent: int, *, bullet: bool = False) -> list[str]:
    if not text:
        return []
    pad = " " * indent + "# "
    first, rest = (pad + "- ", pad + "  ") if bullet else (pad, pad)
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


_CJK_TOKEN = re.compile(r"`[^`]*`|[A-Za-z0-9_.@/:<>=|{}\[\],+-]+|\s+|.")


def _comment_cjk(text: str, indent: int) -> list[str]:
    """A comment in Chinese wrapped by display width (ideographs take two cells), never inside a code span
    or a word in Latin letters; a `- ` bullet's next lines are indented under its text."""
    if not text:
        return []
    first = " " * indent + "# "
    rest = first + ("  " if text.startswith("- ") else "")
    lines: list[str] = []
    line, cells = first, len(first)
    for token in _CJK_TOKEN.findall(text):
        width = sum(2 if east_asian_width(char) in "WF" else 1 for char in token)
        if cells + width > WIDTH and line not in (first, rest):
            lines.append(line.rstrip())
            line, cells = rest, len(rest)
            if token.isspace():
                continue
        line += token
        cells += width
    lines.append(line.rstrip())
    return lines


def template_routes() -> Iterator[Route]:
    """The six GBA routes, for tests and documentation."""
    return (parse_route(route) for route in GBA_ROUTES)
