"""Exporter registration numbers (the ledger's key for an exporter), checked by the format of the region
the exporter is registered in.

- Mainland (`CN`, `CN-*`): the Unified Social Credit Code of GB 32100-2015, 18 characters from
  `0-9 A-H J-N P-R T U W X Y` whose last is a check character (weights 3^i mod 31).
- Hong Kong (`HK`): the Business Registration number, its first 8 digits.
- Macao (`MO`): the commercial registration number of the Commercial and Movable Property Registry,
  1 to 6 digits, optionally followed by `(SO)` as printed on certificates.
Other regions: 1 to 18 letters, digits and parentheses (no format is known; nothing more is checked).
"""

from __future__ import annotations

import re

from gba_dataflow.core.i18n import tr

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_HK_BR = re.compile(r"[0-9]{8}")
_MO_CR = re.compile(r"[0-9]{1,6}(\(SO\))?")
_USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")


def uscc_check_character(first17: str) -> str:
    """The check character of a Unified Social Credit Code from its first 17 characters."""
    total = sum(
        USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def registration_kind(region: str) -> str:
    """`uscc`, `hk-br`, `mo-cr`, or `other`: which register a number of an exporter of `region` is from."""
    if region == "CN" or region.startswith("CN-"):
        return "uscc"
    if region == "HK":
        return "hk-br"
    if region == "MO":
        return "mo-cr"
    return "other"


def registration_problem(number: str, region: str) -> str | None:
    """Why `number` is not a registration number of an exporter registered in `region`, or None."""
    kind = registration_kind(region)
    if kind == "uscc":
        if not _USCC.fullmatch(number):
            return tr(
                "`{number}` is not a Unified Social Credit Code: 18 characters of 0-9 and the capitals "
                "other than I, O, S, V and Z",
                number=number,
            )
        expected = uscc_check_character(number[:17])
        if number[17] != expected:
            return tr(
                "`{number}` fails the Unified Social Credit Code check: "
                "its last character should be `{expected}`",
                number=number,
                expected=expected,
            )
        return None
    if kind == "hk-br":
        if not _HK_BR.fullmatch(number):
            return tr("`{number}` is not a Hong Kong Business Registration number: 8 digits", number=number)
        return None
    if kind == "mo-cr" and not _MO_CR.fullmatch(number):
        return tr(
            "`{number}` is not a Macao commercial registration number: 1 to 6 digits, optionally `(SO)`",
            number=number,
        )
    return None
