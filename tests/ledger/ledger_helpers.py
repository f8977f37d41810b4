"""Manifests made for ledger tests: one exporter, a chosen number of individuals, unique ids."""

from __future__ import annotations

from pathlib import Path

from gba_dataflow.manifests import LoadedManifest, load_manifest

USCC = "91440300MA5DC8QY13"
TEMPLATE = """apiVersion: gba-dataflow/v1
kind: TransferManifest
id: {id}
transfer:
  origin: {{region: CN-GD, city: Dongguan}}
  destination: {{region: HK, city: Hong Kong}}
  date: {date}
  purpose: cross-border loyalty programme
exporter: {{name: 'Example Retail (Dongguan) Co., Ltd.'{registration}}}
recipient: {{name: Example Retail (Hong Kong) Ltd.}}
dataset:
  name: loyalty_members
  subjects: {subjects}
  fields:
  - {{name: member_name, category: personal}}
  - {{name: mobile, category: personal}}
{volume}mechanisms:
  notice_given: true
  separate_consent: true
  pipia: {{completed_on: 2026-01-05}}
"""


def manifest_text(
    ident: str,
    subjects: int,
    *,
    date: str = "2026-06-08",
    registration: str | None = USCC,
    declared: int | None = None,
) -> str:
    """A Dongguan -> Hong Kong transfer of `subjects` individuals' personal (not sensitive) information."""
    return TEMPLATE.format(
        id=ident,
        date=date,
        subjects=subjects,
        registration=f", registration_number: '{registration}'" if registration else "",
        volume=f"volume: {{personal_subjects_ytd: {declared}}}\n" if declared is not None else "",
    )


def write_manifest(directory: Path, ident: str, subjects: int, **options: object) -> Path:
    path = directory / f"{ident}.yaml"
    path.write_text(manifest_text(ident, subjects, **options), encoding="utf-8")  # type: ignore[arg-type]
    return path


def make_manifest(directory: Path, ident: str, subjects: int, **options: object) -> LoadedManifest:
    return load_manifest(write_manifest(directory, ident, subjects, **options))


def import_rows(directory: Path, rows: list[tuple[str, int]], name: str = "earlier.csv") -> Path:
    """An import file of (date, personal) rows of the test exporter."""
    path = directory / name
    lines = ["exporter_name,registration_number,region,date,personal,sensitive,reference"]
    for number, (date, personal) in enumerate(rows, start=1):
        lines.append(f'"Example Retail (Dongguan) Co., Ltd.",{USCC},CN-GD,{date},{personal},0,row-{number}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
