"""Checks across fields that the schema cannot express: E411 (contradiction), W412 (suspicious), W413.

They run on a document that the schema accepts and whose defaults are filled in and dates converted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.manifests.document import ParsedDocument, SourceText
from gba_dataflow.manifests.pointers import dotted
from gba_dataflow.manifests.registration import registration_problem

_PERSONAL = ("personal", "sensitive_personal")
_YTD = ("/volume/personal_subjects_ytd", "/volume/sensitive_subjects_ytd")
_SINCE_PREVIOUS_YEAR = (
    "/volume/personal_subjects_since_previous_year",
    "/volume/sensitive_subjects_since_previous_year",
)
# Before this day (2024 Provisions) volumes were counted since 1 January of the previous year.
_WINDOW_CHANGE = dt.date(2024, 3, 22)
_THIS_TRANSFER = "the cumulative volume includes this transfer"
_LONGER_WINDOW = "the window since 1 January of the previous year includes this year"
_WINDOWS = (  # (wider count, narrower count it includes, why)
    ("/volume/personal_subjects_ytd", "/dataset/subjects", _THIS_TRANSFER),
    ("/volume/sensitive_subjects_ytd", "/dataset/sensitive_subjects", _THIS_TRANSFER),
    ("/volume/personal_subjects_since_previous_year", "/volume/personal_subjects_ytd", _LONGER_WINDOW),
    ("/volume/sensitive_subjects_since_previous_year", "/volume/sensitive_subjects_ytd", _LONGER_WINDOW),
)


def cross_check(doc: ParsedDocument, source: SourceText) -> list[Diagnostic]:
    """Every cross-field error and warning of a valid, normalised manifest."""
    return list(_Checker(doc, source).run())


class _Checker:
    """One generator per family of checks, over the normalised data and the positions of the file."""

    def __init__(self, doc: ParsedDocument, source: SourceText) -> None:
        self.doc = doc
        self.source = source
        self.data: dict[str, Any] = doc.data

    def run(self) -> Iterator[Diagnostic]:
        yield from self.subjects()
        yield from self.volume()
        yield from self.fields()
        yield from self.exemption()
        yield from self.registration()
        mechanisms = self.data["mechanisms"]
        filed = "a contract is filed after it takes effect (within 10 working days)"
        for contract in ("standard_contract", "gba_standard_contract"):
            yield from self.ordered(mechanisms, contract, "effective_on", "filed_on", filed)
        approval = "an approval cannot expire before it is granted"
        yield from self.ordered(mechanisms, "security_assessment", "approved_on", "valid_until", approval)
        certificate = "a certificate cannot expire before it is issued"
        yield from self.ordered(mechanisms, "certification", "certified_on", "valid_until", certificate)

    def diagnostic(
        self, code: str, message: str, pointer: str, hint: str | None = None, *, at: str | None = None
    ) -> Diagnostic:
        """A finding about `pointer`, shown at its value (or at the key of `at` when given)."""
        severity = Severity.ERROR if code.startswith("E") else Severity.WARNING
        position = self.doc.value_position(pointer) if at is None else self.doc.key_position(at)
        return self.source.diagnostic(
            code, message, position, json_path=pointer, hint=hint, severity=severity
        )

    def subjects(self) -> Iterator[Diagnostic]:
        dataset = self.data["dataset"]
        subjects, sensitive = dataset["subjects"], dataset["sensitive_subjects"]
        if sensitive > subjects:
            yield self.diagnostic(
                "E411",
                f"`dataset.sensitive_subjects` ({sensitive:,}) is more than "
                f"`dataset.subjects` ({subjects:,})",
                "/dataset/sensitive_subjects",
                "the individuals with sensitive data are counted among all the individuals of the transfer",
            )

    def volume(self) -> Iterator[Diagnostic]:
        volume = self.data["volume"]
        for wider, narrower, why in _WINDOWS:
            if wider in self.doc.positions and self.value(wider) < self.value(narrower):
                yield self.diagnostic(
                    "E411",
                    f"`{dotted(wider)}` ({self.value(wider):,}) is less than `{dotted(narrower)}` "
                    f"({self.value(narrower):,})",
                    wider,
                    why,
                )
        declared = "/volume/processed_subjects_total" in self.doc.positions
        if declared and volume["processed_subjects_total"] < volume["personal_subjects_ytd"]:
            yield self.diagnostic(
                "W412",
                f"`volume.processed_subjects_total` ({volume['processed_subjects_total']:,}) is less than "
                f"`volume.personal_subjects_ytd` ({volume['personal_subjects_ytd']:,})",
                "/volume/processed_subjects_total",
                "count every individual whose personal information the exporter processes",
            )
        yield from self.volume_unknown()

    def volume_unknown(self) -> Iterator[Diagnostic]:
        """One W413 when the cumulative volumes were not declared (Mainland exports of personal data only:
        Hong Kong and Macao law count no volumes)."""
        region: str = self.data["transfer"]["origin"]["region"]
        if not (region == "CN" or region.startswith("CN-")) or not self.personal():
            return
        wanted = list(_YTD)
        date: dt.date | None = self.data["transfer"]["date"]
        if date is not None and date < _WINDOW_CHANGE:
            wanted.extend(_SINCE_PREVIOUS_YEAR)
        missing = [pointer for pointer in wanted if pointer not in self.doc.positions]
        if not missing:
            return
        names = ", ".join(f"`{dotted(pointer)}`" for pointer in missing)
        if missing[0] in _YTD:
            message = f"the cumulative volume this year is unknown ({names} not given): "
            message += "only this transfer was counted"
        else:
            message = (
                f"the cumulative volume since 1 January of the previous year is unknown ({names} not given): "
                "only this year's was counted"
            )
        yield self.diagnostic(
            "W413",
            message,
            missing[0],
            "declare under `volume` the individuals sent abroad in the window, this transfer included",
            at="/volume" if "/volume" in self.doc.positions else "/dataset/subjects",
        )

    def registration(self) -> Iterator[Diagnostic]:
        """E414 when `exporter.registration_number` does not have the format of the exporter's region."""
        exporter = self.data["exporter"]
        number = exporter.get("registration_number")
        if number is None:
            return
        problem = registration_problem(number, exporter["region"])
        if problem is not None:
            yield self.diagnostic(
                "E414",
                problem,
                "/exporter/registration_number",
                "copy the number from the business licence or registration certificate, or leave it out",
            )

    def value(self, pointer: str) -> Any:
        found: Any = self.data
        for token in pointer[1:].split("/"):
            found = found[token]
        return found

    def personal(self) -> bool:
        dataset = self.data["dataset"]
        return dataset["subjects"] > 0 or any(f["category"] in _PERSONAL for f in dataset["fields"])

    def fields(self) -> Iterator[Diagnostic]:
        dataset = self.data["dataset"]
        fields: list[dict[str, Any]] = dataset["fields"]
        personal = [i for i, f in enumerate(fields) if f["category"] in _PERSONAL]
        sensitive = [i for i, f in enumerate(fields) if f["category"] == "sensitive_personal"]
        if personal and dataset["subjects"] == 0:
            yield self.field_warning(personal[0], "personal information", "dataset.subjects")
        if sensitive and dataset["sensitive_subjects"] == 0:
            yield self.field_warning(
                sensitive[0], "sensitive personal information", "dataset.sensitive_subjects"
            )
        if dataset["subjects"] > 0 and not personal:
            yield self.diagnostic(
                "W412",
                f"`dataset.subjects` is {dataset['subjects']:,} but no field is personal",
                "/dataset/subjects",
                "mark the fields that hold personal information `personal` or `sensitive_personal`",
            )
        if dataset["sensitive_subjects"] > 0 and not sensitive:
            yield self.diagnostic(
                "W412",
                f"`dataset.sensitive_subjects` is {dataset['sensitive_subjects']:,} but no field is "
                "`sensitive_personal`",
                "/dataset/sensitive_subjects",
                "mark the fields that hold sensitive personal information `sensitive_personal`",
            )
        for index, field in enumerate(fields):
            if field["sensitive_type"] is not None and field["category"] != "sensitive_personal":
                yield self.diagnostic(
                    "W412",
                    f"`dataset.fields[{index}]` (`{field['name']}`) has a `sensitive_type` "
                    f"but its category is `{field['category']}`",
                    f"/dataset/fields/{index}/sensitive_type",
                    "set `category: sensitive_personal`, or remove `sensitive_type`",
                )

    def field_warning(self, index: int, what: str, count: str) -> Diagnostic:
        name = self.data["dataset"]["fields"][index]["name"]
        return self.diagnostic(
            "W412",
            f"`dataset.fields[{index}]` (`{name}`) is {what} but `{count}` is 0",
            f"/dataset/fields/{index}/category",
            f"set `{count}` to the number of individuals concerned",
        )

    def exemption(self) -> Iterator[Diagnostic]:
        transfer = self.data["transfer"]
        if transfer["exemption"] != "none" and not transfer["exemption_justification"].strip():
            yield self.diagnostic(
                "W412",
                f"the exemption `{transfer['exemption']}` is claimed without a justification",
                "/transfer/exemption",
                "explain in `transfer.exemption_justification` why the transfer is necessary",
            )

    def ordered(
        self, mechanisms: dict[str, Any], name: str, first: str, then: str, why: str
    ) -> Iterator[Diagnostic]:
        block = mechanisms[name]
        start: dt.date | None = block[first]
        end: dt.date | None = block[then]
        if start is not None and end is not None and end < start:
            base = f"mechanisms.{name}"
            yield self.diagnostic(
                "E411",
                f"`{base}.{then}` ({end.isoformat()}) is before `{base}.{first}` ({start.isoformat()})",
                f"/{base.replace('.', '/')}/{then}",
                f"{why}; check both dates",
            )
