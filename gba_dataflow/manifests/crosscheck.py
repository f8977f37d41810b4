"""Checks across fields that the schema cannot express: E411 (contradiction), W412 (suspicious), W413.

They run on a document that the schema accepts and whose defaults are filled in and dates converted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from gba_dataflow.core.blank import is_blank
from gba_dataflow.core.calendars import Jurisdiction, unknown_years
from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.core.i18n import Listing, tr
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
_THIS_TRANSFER = tr("the cumulative volume includes this transfer")
_LONGER_WINDOW = tr("the window since 1 January of the previous year includes this year")
_FILING_SIDE = {
    "guangdong_cac": Jurisdiction.MAINLAND,
    "hk_dpo": Jurisdiction.HONG_KONG,
    "dspdp": Jurisdiction.MACAO,
    "HK": Jurisdiction.HONG_KONG,
    "MO": Jurisdiction.MACAO,
}
"""Whose working days a GBA Standard Contract's filing counts: the authority it is filed with, else the
exporter's side (the origin region); the national standard contract always counts Mainland days."""
_CALENDAR_NAMES = {
    Jurisdiction.MAINLAND: tr("Mainland (State Council holiday)"),
    Jurisdiction.HONG_KONG: tr("Hong Kong general-holiday"),
    Jurisdiction.MACAO: tr("Macao public-holiday"),
}
_DEADLINE_SPAN = dt.timedelta(days=31)
"""Unfiled: the 10 working days after the effective day end within a month even across Spring Festival."""
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
        yield from self.calendars()
        mechanisms = self.data["mechanisms"]
        filed = tr("a contract is filed after it takes effect (within 10 working days)")
        for contract in ("standard_contract", "gba_standard_contract"):
            yield from self.ordered(mechanisms, contract, "effective_on", "filed_on", filed)
        approval = tr("an approval cannot expire before it is granted")
        yield from self.ordered(mechanisms, "security_assessment", "approved_on", "valid_until", approval)
        certificate = tr("a certificate cannot expire before it is issued")
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
                tr(
                    "`dataset.sensitive_subjects` ({sensitive:,}) is more than "
                    "`dataset.subjects` ({subjects:,})",
                    sensitive=sensitive,
                    subjects=subjects,
                ),
                "/dataset/sensitive_subjects",
                tr(
                    "the individuals with sensitive data are counted among all the individuals "
                    "of the transfer"
                ),
            )

    def volume(self) -> Iterator[Diagnostic]:
        volume = self.data["volume"]
        for wider, narrower, why in _WINDOWS:
            if wider in self.doc.positions and self.value(wider) < self.value(narrower):
                yield self.diagnostic(
                    "E411",
                    tr(
                        "`{wider}` ({wider_count:,}) is less than `{narrower}` ({narrower_count:,})",
                        wider=dotted(wider),
                        wider_count=self.value(wider),
                        narrower=dotted(narrower),
                        narrower_count=self.value(narrower),
                    ),
                    wider,
                    why,
                )
        declared = "/volume/processed_subjects_total" in self.doc.positions
        if declared and volume["processed_subjects_total"] < volume["personal_subjects_ytd"]:
            yield self.diagnostic(
                "W412",
                tr(
                    "`volume.processed_subjects_total` ({total:,}) is less than "
                    "`volume.personal_subjects_ytd` ({ytd:,})",
                    total=volume["processed_subjects_total"],
                    ytd=volume["personal_subjects_ytd"],
                ),
                "/volume/processed_subjects_total",
                tr("count every individual whose personal information the exporter processes"),
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
        names = Listing([f"`{dotted(pointer)}`" for pointer in missing])
        if missing[0] in _YTD:
            message = tr(
                "the cumulative volume this year is unknown ({names} not given): "
                "only this transfer was counted",
                names=names,
            )
        else:
            message = tr(
                "the cumulative volume since 1 January of the previous year is unknown ({names} not given): "
                "only this year's was counted",
                names=names,
            )
        yield self.diagnostic(
            "W413",
            message,
            missing[0],
            tr("declare under `volume` the individuals sent abroad in the window, this transfer included"),
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
                tr("copy the number from the business licence or registration certificate, or leave it out"),
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
            yield self.field_warning(personal[0], tr("personal information"), "dataset.subjects")
        if sensitive and dataset["sensitive_subjects"] == 0:
            yield self.field_warning(
                sensitive[0], tr("sensitive personal information"), "dataset.sensitive_subjects"
            )
        if dataset["subjects"] > 0 and not personal:
            yield self.diagnostic(
                "W412",
                tr("`dataset.subjects` is {count:,} but no field is personal", count=dataset["subjects"]),
                "/dataset/subjects",
                tr("mark the fields that hold personal information `personal` or `sensitive_personal`"),
            )
        if dataset["sensitive_subjects"] > 0 and not sensitive:
            yield self.diagnostic(
                "W412",
                tr(
                    "`dataset.sensitive_subjects` is {count:,} but no field is `sensitive_personal`",
                    count=dataset["sensitive_subjects"],
                ),
                "/dataset/sensitive_subjects",
                tr("mark the fields that hold sensitive personal information `sensitive_personal`"),
            )
        for index, field in enumerate(fields):
            if field["sensitive_type"] is not None and field["category"] != "sensitive_personal":
                yield self.diagnostic(
                    "W412",
                    tr(
                        "`dataset.fields[{index}]` (`{name}`) has a `sensitive_type` "
                        "but its category is `{category}`",
                        index=index,
                        name=field["name"],
                        category=field["category"],
                    ),
                    f"/dataset/fields/{index}/sensitive_type",
                    tr("set `category: sensitive_personal`, or remove `sensitive_type`"),
                )

    def field_warning(self, index: int, what: str, count: str) -> Diagnostic:
        name = self.data["dataset"]["fields"][index]["name"]
        return self.diagnostic(
            "W412",
            tr(
                "`dataset.fields[{index}]` (`{name}`) is {what} but `{count}` is 0",
                index=index,
                name=name,
                what=what,
                count=count,
            ),
            f"/dataset/fields/{index}/category",
            tr("set `{count}` to the number of individuals concerned", count=count),
        )

    def exemption(self) -> Iterator[Diagnostic]:
        transfer = self.data["transfer"]
        if transfer["exemption"] != "none" and is_blank(transfer["exemption_justification"]):
            yield self.diagnostic(
                "W412",
                tr(
                    "the exemption `{exemption}` is claimed without a justification",
                    exemption=transfer["exemption"],
                ),
                "/transfer/exemption",
                tr("explain in `transfer.exemption_justification` why the transfer is necessary"),
            )

    def calendars(self) -> Iterator[Diagnostic]:
        """W421 for a filing deadline counted in a year whose official calendar is not known yet."""
        mechanisms = self.data["mechanisms"]
        national = mechanisms["standard_contract"]
        yield from self.deadline("standard_contract", national, Jurisdiction.MAINLAND)
        gba = mechanisms["gba_standard_contract"]
        side = _FILING_SIDE.get(gba["filed_with"]) or _FILING_SIDE.get(
            self.data["transfer"]["origin"]["region"], Jurisdiction.MAINLAND
        )
        yield from self.deadline("gba_standard_contract", gba, side)

    def deadline(self, name: str, block: dict[str, Any], side: Jurisdiction) -> Iterator[Diagnostic]:
        start: dt.date | None = block["effective_on"]
        if start is None:
            return
        filed: dt.date | None = block["filed_on"]
        if filed is not None and filed >= start:
            end = filed
        else:  # the deadline's window, ending at the last representable day
            end = start + _DEADLINE_SPAN if start <= dt.date.max - _DEADLINE_SPAN else dt.date.max
        years = unknown_years(start, end, side)
        if not years:
            return
        listed = Listing([str(year) for year in years])
        field = "filed_on" if filed is not None else "effective_on"
        yield self.diagnostic(
            "W421",
            tr(
                "the {calendar} calendar of {years} is not known yet: the filing deadline of "
                "`mechanisms.{name}` counts working days in {years} Monday to Friday, "
                "without public holidays or make-up working days",
                calendar=_CALENDAR_NAMES[side],
                years=listed,
                name=name,
            ),
            f"/mechanisms/{name}/{field}",
            tr(
                "check the deadline against the official holiday list of {years} once it is published, "
                "and update gba-dataflow's calendars (`pip install -U chinese-calendar holidays`)",
                years=listed,
            ),
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
                tr(
                    "`{later}` ({end}) is before `{earlier}` ({start})",
                    later=f"{base}.{then}",
                    end=end.isoformat(),
                    earlier=f"{base}.{first}",
                    start=start.isoformat(),
                ),
                f"/{base.replace('.', '/')}/{then}",
                tr("{why}; check both dates", why=why),
            )
