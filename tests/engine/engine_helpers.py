"""Small builders for engine tests: rules from text, manifests from dicts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gba_dataflow.core.errors import Diagnostic
from gba_dataflow.dsl.parser import parse_text
from gba_dataflow.engine.evaluate import evaluate_manifest
from gba_dataflow.engine.model import ManifestResult
from gba_dataflow.engine.rulebook import Rulebook, compile_rulebook


@dataclass
class FakeManifest:
    data: dict[str, Any]
    path: str = "m.yaml"
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    digest: str = "sha256:0"
    warnings: tuple[Diagnostic, ...] = ()


def manifest(**overrides: Any) -> FakeManifest:
    data: dict[str, Any] = {
        "id": "m",
        "transfer": {
            "origin": {"region": "CN-GD", "city": "Shenzhen"},
            "destination": {"region": "HK", "city": "Hong Kong"},
            "date": dt.date(2026, 1, 5),
            "exemption": "none",
        },
        "exporter": {"ciio": False, "state_organ": False, "sector": "retail"},
        "dataset": {
            "core_data": False,
            "important_data": False,
            "subjects": 10,
            "sensitive_subjects": 0,
            "fields": [{"name": "full_name", "category": "personal", "sensitive_type": None}],
        },
        "volume": {"personal_subjects_ytd": 10, "sensitive_subjects_ytd": 0},
        "mechanisms": {"standard_contract": {"effective_on": None, "filed_on": None}, "notice_given": True},
    }
    for dotted, value in overrides.items():
        target = data
        *parents, last = dotted.split("__")
        for key in parents:
            target = target[key]
        target[last] = value
    return FakeManifest(data)


def rulebook(*texts: str) -> Rulebook:
    rulesets = [parse_text(text, f"r{index}.rules") for index, text in enumerate(texts)]
    return compile_rulebook(rulesets, [Path(f"r{index}.rules") for index in range(len(texts))])


def decide(book: Rulebook, item: FakeManifest, **kwargs: Any) -> ManifestResult:
    return evaluate_manifest(book, item, **kwargs)
