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

from gba_dataflow.core.errors import UsageError
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
            grenada = "; Guangdong is CN-GD (GD is Grenada)" if "gd" in stripped.lower().split(":") else ""
            raise UsageError(
                f"--route `{text}` is not ORIGIN:DESTINATION in ISO 3166 region codes, which are capitals",
                code="E501",
                hint=f"write --route {':'.join(ends)}{grenada}",
            )
    origin, colon, destination = stripped.partition(":")
    if not colon or not _REGION.match(origin) or not _REGION.match(destination) or origin == destination:
        raise UsageError(
            f"--route `{text}` is not ORIGIN:DESTINATION with two different ISO 3166 region codes",
            code="E501",
            hint=f"e.g. --route {DEFAULT_ROUTE}; the GBA routes are {', '.join(GBA_ROUTES)}",
        )
    return Route(origin, destination)


def manifest_template(route: str | Route = DEFAULT_ROUTE) -> str:
    """The commented YAML template of a manifest for `route` (`ORIGIN:DESTINATION`)."""
    chosen = route if isinstance(route, Route) else parse_route(route)
    writer = _Writer(chosen)
    lines = [*_header(chosen), ""]
    lines += writer.properties(schema(), "", 0)
    return "\n".join(lines).rstrip("\n") + "\n"


# ---- the header ------------------------------------------------------------------------------------


def _header(route: Route) -> list[str]:
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
    lines += [line for hint in _route_hints(route) for line in _comment(hint, 0, bullet=True)]
    return lines


def _route_hints(route: Route) -> list[str]:
    hints: list[str] = []
    if route.mainland_origin:
        hints.append(
            "The Mainland export rules apply (PIPL and the 2024 Provisions): the transfer needs an "
            "exemption, a GBA Standard Contract, a filed national standard contract, certification or a "
            "security assessment. Fill in `volume` and `mechanisms`."
        )
    if route.origin == "CN-GD" and route.gba_contract:
        other = "Hong Kong" if route.destination == "HK" else "Macao"
        since = "13 December 2023" if route.destination == "HK" else "10 September 2024"
        hints.append(
            f"GBA Standard Contract (Mainland–{other}, from {since}): exporter and recipient must be in the "
            f"nine Mainland GBA cities (exporter.city) or {other}; file it with the Guangdong CAC "
            "(filed_with: guangdong_cac) within 10 working days after it takes effect."
        )
    if route.origin == "HK":
        hints.append(
            "Hong Kong's PDPO applies: fill in the `hong_kong` block (notice of the transferee class, "
            "purpose, prescribed consent for a new purpose, processor contract)."
        )
    if route.origin == "MO":
        hints.append(
            "Macao's PDPA applies: fill in the `macao` block (an Art. 20(1) ground notified to the DSPDP, or "
            "a DSPDP authorisation; a basis for sensitive data)."
        )
    if route.origin in ("HK", "MO") and route.destination == "CN-GD":
        hints.append(
            "The GBA Standard Contract (mechanisms.gba_standard_contract, "
            f"filed_with: {route.filed_with}) is open to recipients in the nine Mainland GBA cities "
            "(recipient.city)."
        )
    if {route.origin, route.destination} == {"HK", "MO"}:
        hints.append(
            "No GBA Standard Contract exists between Hong Kong and Macao, so `mechanisms` is left out."
        )
    if not route.mainland_origin and route.origin not in ("HK", "MO"):
        hints.append(
            "No shipped ruleset may cover this route: a transfer no ruleset covers is denied (fail closed)."
        )
    return hints


# ---- fields ----------------------------------------------------------------------------------------


class _Writer:
    """Writes the fields of the schema as commented YAML, choosing values and sections for a route."""

    def __init__(self, route: Route) -> None:
        self.route = route

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
        skipped = self.skipped(pointer)
        if skipped:
            return [f"{pad}# {key}: left out: {skipped}"]
        description, default = _split_default(node.get("description", ""))
        lines = _comment(description, indent)
        lines += _comment(f"({_spec(node, required, default)})", indent)
        hint = self.hint(pointer)
        if hint:
            lines += _comment(f"For {self.route}: {hint}", indent)
        if node.get("type") == "object" and "properties" in node:
            return [*lines, f"{pad}{key}:", *self.properties(node, pointer, indent + 2)]
        if node.get("type") == "array":
            return [*lines, f"{pad}{key}:", *self.items(node["items"], pointer, indent + 2)]
        if "x-gba-default-from" in node and pointer not in _DECLARED:
            return [*lines, f"{pad}# {key}: {_scalar(self.value(pointer, node))}"]
        return [*lines, f"{pad}{key}: {_scalar(self.value(pointer, node))}"]

    def items(self, node: Mapping[str, Any], pointer: str, indent: int) -> list[str]:
        pad = " " * indent
        lines = _comment(node.get("description", ""), indent)
        lines += _comment(
            "More entries look like: `- {name: full_name, category: personal}` or "
            "`- {name: account_balance, category: sensitive_personal, sensitive_type: financial_account}`; "
            "count their individuals in dataset.subjects and dataset.sensitive_subjects.",
            indent,
        )
        body = self.properties(node, f"{pointer}/0", indent + 2)
        first = next(index for index, line in enumerate(body) if not line.lstrip().startswith("#"))
        body[first] = f"{pad}- {body[first].lstrip()}"
        return [*lines, *body]

    def skipped(self, pointer: str) -> str | None:
        """Why a block is left out for this route, or None to write it."""
        route = self.route
        if pointer == "/hong_kong" and route.origin != "HK":
            return "Hong Kong PDPO facts, read only when the origin is HK"
        if pointer == "/macao" and route.origin != "MO":
            return "Macao PDPA facts, read only when the origin is MO"
        if pointer == "/volume" and not route.mainland_origin:
            return "cumulative volumes count only for Mainland exports"
        if pointer == "/mechanisms" and not (route.mainland_origin or route.gba_contract):
            return "no transfer mechanism is read for this route"
        if pointer in _MAINLAND_FACTS and not route.mainland_origin:
            return "a Mainland export fact, not read for this route"
        mechanism = pointer.removeprefix("/mechanisms/")
        if mechanism in _MAINLAND_MECHANISMS and not route.mainland_origin:
            return "a Mainland export mechanism, not read for this route"
        return None

    def hint(self, pointer: str) -> str | None:
        """A route-specific note for one field."""
        route = self.route
        gd_end = {"CN-GD": "/transfer/origin/city"}.get(route.origin) or (
            "/transfer/destination/city" if route.destination == "CN-GD" else None
        )
        if route.gba_contract and pointer == gd_end:
            return f"the GBA Standard Contract needs one of the nine Mainland GBA cities: {_GD9}."
        if route.gba_contract and pointer == "/mechanisms/gba_standard_contract/filed_with":
            return f"the {route.origin} party files with `{route.filed_with}`."
        if route.origin == "CN-GD" and route.destination == "HK" and pointer == "/exporter/sector":
            return "until 31 October 2024 the GBA Standard Contract was open only to the pilot sectors."
        return None

    def value(self, pointer: str, node: Mapping[str, Any]) -> Any:
        route = self.route
        values: dict[str, Any] = {
            "/id": f"{route.origin}-to-{route.destination}-transfer".lower(),
            "/title": "TODO: what is transferred, to whom",
            "/transfer/origin/region": route.origin,
            "/transfer/origin/city": _CITIES.get(route.origin),
            "/transfer/destination/region": route.destination,
            "/transfer/destination/city": _CITIES.get(route.destination),
            "/transfer/purpose": "TODO: why the data is transferred, in plain words",
            "/exporter/name": "TODO: legal name of the exporter",
            "/exporter/region": route.origin,
            "/exporter/city": _CITIES.get(route.origin),
            "/recipient/name": "TODO: legal name of the recipient",
            "/recipient/region": route.destination,
            "/recipient/city": _CITIES.get(route.destination),
            "/dataset/name": "TODO: name of the dataset",
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


def _spec(node: Mapping[str, Any], required: bool, default: str | None = None) -> str:
    parts = ["required" if required else "optional", _type(node)]
    if "enum" in node:
        parts.append("one of: " + " | ".join(_scalar(item) for item in node["enum"]))
    elif "const" in node:
        parts.append(f"exactly {node['const']}")
    elif "examples" in node:
        parts.append("e.g. " + ", ".join(str(item) for item in node["examples"]))
    if "pattern" in node:
        parts.append(f"matching {node['pattern']}")
    if default is not None:
        parts.append(f"default: {default}")
    elif "x-gba-default-from" in node:
        parts.append(f"default: {dotted(node['x-gba-default-from'])}")
    elif "default" in node and not isinstance(node["default"], dict):
        parts.append(f"default: {_scalar(node['default'])}")
    return " · ".join(parts)


def _type(node: Mapping[str, Any]) -> str:
    kinds = node.get("type", "any")
    names = [kinds] if isinstance(kinds, str) else list(kinds)
    words = {
        "string": "date YYYY-MM-DD" if node.get("format") == "date" else "text",
        "integer": "whole number" + (f" >= {node['minimum']}" if "minimum" in node else ""),
        "number": "number",
        "boolean": "true or false",
        "object": "mapping",
        "array": "list" + (f" of at least {node['minItems']}" if "minItems" in node else ""),
        "null": "null",
    }
    return " or ".join(words.get(name, name) for name in names)


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


def template_routes() -> Iterator[Route]:
    """The six GBA routes, for tests and documentation."""
    return (parse_route(route) for route in GBA_ROUTES)
