"""Seeded generator of transfer manifests for the benchmarks.

`generate(n, seed)` returns n manifests (dicts, dates as `datetime.date`) over the routes and facts that the
benchmark core ruleset (core/mainland_core.rules) branches on: Guangdong to Hong Kong or Macao (most of
them), Hong Kong and Macao origins, and routes outside the ruleset's scope. Every fact is drawn independently
with probabilities chosen so that each rule of the core ruleset holds, and is determining, on some of the
manifests at n = 10,000 (bench_engines.py checks it and stops if not). The manifests are valid against the
manifest schema and the cross-field checks, so the shipped rules decide them too (bench_batch.py).

    python benchmarks/generate.py --out DIR [--n 10000] [--seed 6]     # write DIR/m000000.yaml, ...
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DEFAULT_N = 10_000
DEFAULT_SEED = 6

GD9 = (
    "Guangzhou",
    "Shenzhen",
    "Zhuhai",
    "Foshan",
    "Huizhou",
    "Dongguan",
    "Zhongshan",
    "Jiangmen",
    "Zhaoqing",
)
OTHER_GD = ("Shantou", "Shaoguan", "Zhanjiang", "Qingyuan")
SECTORS = ("banking", "credit_referencing", "healthcare", "retail", "logistics", "manufacturing", "insurance")
SENSITIVE_TYPES = ("financial_account", "medical_health", "biometric", "location_tracking", "minor_under_14")
AR20_GROUNDS = (
    "explicit_consent",
    "contract_with_subject",
    "contract_in_subject_interest",
    "public_interest_or_legal_claims",
    "vital_interests",
    "public_register",
)
FIRST_DAY = dt.date(2024, 6, 1)
LAST_DAY = dt.date(2027, 12, 31)


def generate(n: int = DEFAULT_N, seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """n manifests, the same for the same (n, seed); manifest i is the same whatever n is."""
    return [manifest(i, seed) for i in range(n)]


def manifest(index: int, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Manifest number `index` of the sequence for `seed`."""
    rng = random.Random(f"{seed}:{index}")
    return _Draw(rng).manifest(f"bench-{index:06d}")


class _Draw:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def near(self, day: dt.date, before: int, after: int) -> dt.date:
        """A day within `before` days before to `after` days after `day`."""
        return day + dt.timedelta(days=self.rng.randint(-before, after))

    def route(self) -> tuple[str, str | None, str, str | None]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.74:  # Guangdong to Hong Kong or Macao
            city = rng.choice(GD9) if self.chance(0.85) else rng.choice(OTHER_GD)
            if self.chance(0.65):
                return "CN-GD", city, "HK", "Hong Kong"
            return "CN-GD", city, "MO", "Macao"
        if roll < 0.85:
            destination = ("CN-GD", rng.choice(GD9)) if self.chance(0.8) else ("MO", "Macao")
            return "HK", "Hong Kong", *destination
        if roll < 0.96:
            destination = ("CN-GD", rng.choice(GD9)) if self.chance(0.8) else ("HK", "Hong Kong")
            return "MO", "Macao", *destination
        return rng.choice(
            [
                ("CN-GD", "Guangzhou", "CN-GD", "Shenzhen"),
                ("CN-BJ", "Beijing", "HK", "Hong Kong"),
                ("HK", "Hong Kong", "SG", "Singapore"),
                ("SG", "Singapore", "MO", "Macao"),
            ]
        )

    def manifest(self, manifest_id: str) -> dict[str, Any]:
        rng = self.rng
        origin, origin_city, destination, destination_city = self.route()
        date = self.day(FIRST_DAY, LAST_DAY)
        transfer: dict[str, Any] = {
            "origin": {"region": origin, "city": origin_city},
            "destination": {"region": destination, "city": destination_city},
            "date": date,
            "purpose": rng.choice(["customer service", "payroll", "claims handling", "analytics"]),
            "onward_transfer_outside_gba": self.chance(0.08),
        }
        exporter: dict[str, Any] = {
            "name": f"Exporter {rng.randint(1, 500)} Ltd.",
            "ciio": self.chance(0.08),
            "sector": rng.choice(SECTORS),
        }
        if origin == "CN-GD" and self.chance(0.05):  # exporter registered elsewhere than the origin
            exporter["region"] = "CN-BJ"
            exporter["city"] = "Beijing"
        recipient: dict[str, Any] = {"name": f"Recipient {rng.randint(1, 500)} Ltd."}
        if self.chance(0.04):  # the recipient sits elsewhere than the destination
            recipient["region"] = "SG"
        dataset, volume = self.data()
        doc: dict[str, Any] = {
            "apiVersion": "gba-dataflow/v1",
            "kind": "TransferManifest",
            "id": manifest_id,
            "transfer": transfer,
            "exporter": exporter,
            "recipient": recipient,
            "dataset": dataset,
            "volume": volume,
            "mechanisms": self.mechanisms(date),
        }
        if origin == "HK":
            doc["hong_kong"] = {
                "dpp1_notice": self.chance(0.8),
                "purpose": rng.choice(["same", "directly_related", "new", "new"]),
                "prescribed_consent": self.chance(0.4),
            }
        if origin == "MO":
            macao: dict[str, Any] = {
                "adequacy_decision": self.chance(0.1),
                "article20_ground": rng.choice(AR20_GROUNDS) if self.chance(0.5) else "none",
                "notified": self.chance(0.5),
            }
            if self.chance(0.15):
                macao["authorisation"] = {"granted_on": self.near(date, 400, -10), "reference": "DSPDP-1"}
            doc["macao"] = macao
        return doc

    def data(self) -> tuple[dict[str, Any], dict[str, Any]]:
        rng = self.rng
        kind = rng.random()
        fields: list[dict[str, Any]] = [{"name": "record_id", "category": "non_personal"}]
        if kind < 0.12:  # no personal information
            subjects = sensitive = 0
            if self.chance(0.1):  # a count with no personal field (a W412 warning, still valid)
                subjects = rng.randint(1, 50)
        else:
            fields.append({"name": "full_name", "category": "personal"})
            subjects = rng.choice([rng.randint(1, 99_999), rng.randint(100_000, 900_000)])
            if self.chance(0.03):
                subjects = 0  # personal fields, no count (W412)
            sensitive = 0
            if kind > 0.55:  # sensitive personal information
                fields.append(
                    {
                        "name": "sensitive_value",
                        "category": "sensitive_personal",
                        "sensitive_type": rng.choice(SENSITIVE_TYPES),
                    }
                )
                sensitive = min(subjects, rng.choice([rng.randint(1, 9_999), rng.randint(10_000, 60_000)]))
            elif subjects and self.chance(0.03):
                sensitive = rng.randint(1, min(subjects, 500))  # counted, no sensitive field (W412)
        dataset = {
            "name": f"dataset_{rng.randint(1, 9999)}",
            "important_data": self.chance(0.08),
            "subjects": subjects,
            "sensitive_subjects": sensitive,
            "fields": fields,
        }
        personal_ytd = subjects + rng.choice([0, rng.randint(0, 50_000), rng.randint(0, 1_500_000)])
        sensitive_ytd = sensitive + (rng.choice([0, rng.randint(1, 12_000)]) if sensitive else 0)
        volume = {
            "personal_subjects_ytd": personal_ytd,
            "sensitive_subjects_ytd": sensitive_ytd,
            "processed_subjects_total": personal_ytd + rng.randint(0, 2_000_000),
        }
        return dataset, volume

    def mechanisms(self, date: dt.date) -> dict[str, Any]:
        rng = self.rng
        out: dict[str, Any] = {
            "notice_given": self.chance(0.85),
            "separate_consent": self.chance(0.8),
        }
        roll = rng.random()
        if roll < 0.25:
            approved = self.near(date, 1300, 30)  # sometimes after the date, sometimes expired
            out["security_assessment"] = {"status": "approved", "approved_on": approved, "reference": "SA-1"}
        elif roll < 0.32:
            out["security_assessment"] = {"status": rng.choice(["pending", "rejected"])}
        if self.chance(0.3):
            effective = self.near(date, 300, 20)
            contract: dict[str, Any] = {"effective_on": effective, "reference": "SCC-1"}
            if self.chance(0.85):
                contract["filed_on"] = effective + dt.timedelta(days=rng.choice([0, 5, 12, 14, 15, 30]))
            out["standard_contract"] = contract
        if self.chance(0.45):
            effective = self.near(date, 300, 20)
            gba: dict[str, Any] = {"effective_on": effective, "reference": "GBA-1"}
            if self.chance(0.9):
                gba["filed_on"] = effective + dt.timedelta(days=rng.choice([0, 3, 9, 14, 15, 25]))
                gba["filed_with"] = rng.choice(["guangdong_cac"] * 6 + ["hk_dpo", "dspdp"])
            out["gba_standard_contract"] = gba
        if self.chance(0.85):
            out["pipia"] = {"completed_on": self.near(date, 200, 10)}
        return out


# ---- YAML --------------------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)  # a double-quoted YAML scalar


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return _scalar(value)


def to_yaml(doc: dict[str, Any]) -> str:
    """Block style for the top two levels, flow style below: fast, and as a person would write it."""
    lines: list[str] = []
    for key, value in doc.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {inner}: {_flow(item)}" for inner, item in value.items())
        else:
            lines.append(f"{key}: {_flow(value)}")
    return "\n".join(lines) + "\n"


def write_manifests(
    out: Path, n: int, seed: int = DEFAULT_SEED, *, distinct: int | None = None
) -> list[Path]:
    """Write n YAML manifests to `out` as m000000.yaml, ... With `distinct`, manifest i has the facts of
    manifest i % distinct and its own id: a large corpus in the time a small one takes to generate."""
    out.mkdir(parents=True, exist_ok=True)
    pool = distinct or n
    texts: dict[int, str] = {}
    paths: list[Path] = []
    for i in range(n):
        base = i % pool
        text = texts.get(base)
        if text is None:
            text = to_yaml(manifest(base, seed))
            if distinct:
                texts[base] = text
        if base != i:
            text = text.replace(f'id: "bench-{base:06d}"', f'id: "bench-{i:06d}"', 1)
        path = out / f"m{i:06d}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def iter_yaml(n: int, seed: int = DEFAULT_SEED) -> Iterator[tuple[str, bytes]]:
    """(display path, YAML bytes) of the first n manifests."""
    for i in range(n):
        yield f"m{i:06d}.yaml", to_yaml(manifest(i, seed)).encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True, help="directory to write the manifests to")
    parser.add_argument("--n", type=int, default=DEFAULT_N, help=f"how many (default {DEFAULT_N})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    paths = write_manifests(args.out, args.n, args.seed)
    print(f"wrote {len(paths)} manifests to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
