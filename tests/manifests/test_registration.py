"""`exporter.registration_number`: checked by the format of the exporter's region (E414)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gba_dataflow.core.errors import ManifestError
from gba_dataflow.manifests import load_manifest
from gba_dataflow.manifests.registration import registration_problem, uscc_check_character

MANIFEST = """apiVersion: gba-dataflow/v1
kind: TransferManifest
id: registered
transfer:
  origin: {{region: {region}}}
  destination: {{region: {destination}}}
  purpose: service
exporter: {{name: Example Ltd., registration_number: '{number}'}}
recipient: {{name: Example Recipient}}
dataset: {{name: records, fields: [{{name: order_id, category: non_personal}}]}}
"""


def test_the_uscc_check_character_follows_gb_32100() -> None:
    assert uscc_check_character("91350100M000100Y4") == "3"  # the standard's published example
    assert uscc_check_character("91440300MA5DC8QY1") == "3"


@pytest.mark.parametrize(
    ("number", "region", "ok"),
    [
        ("91440300MA5DC8QY13", "CN-GD", True),
        ("91440300MA5DC8QY1X", "CN-GD", False),  # wrong check character
        ("91440300MA5DC8QY1", "CN-GD", False),  # 17 characters
        ("9144030OMA5DC8QY13", "CN-GD", False),  # the letter O is not used
        ("12345678", "HK", True),
        ("1234567", "HK", False),
        ("12345", "MO", True),
        ("12345(SO)", "MO", True),
        ("SO12345", "MO", False),
        ("ABC123", "SG", True),
    ],
)
def test_registration_numbers_by_region(number: str, region: str, ok: bool) -> None:
    assert (registration_problem(number, region) is None) is ok


def test_a_bad_number_is_e414_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        MANIFEST.format(region="CN-GD", destination="HK", number="91440300MA5DC8QY1X"), encoding="utf-8"
    )
    with pytest.raises(ManifestError) as error:
        load_manifest(path)
    [diagnostic] = error.value.diagnostics
    assert (diagnostic.code, diagnostic.json_path, diagnostic.line) == (
        "E414",
        "/exporter/registration_number",
        8,
    )
    assert "should be `3`" in diagnostic.message


def test_a_good_number_loads(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(MANIFEST.format(region="HK", destination="CN-GD", number="12345678"), encoding="utf-8")
    assert load_manifest(path).data["exporter"]["registration_number"] == "12345678"
