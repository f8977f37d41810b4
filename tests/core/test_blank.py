"""Blank text (core/blank.py): whitespace, invisible format characters and fillers show nothing."""

from __future__ import annotations

import pytest

from gba_dataflow.core.blank import is_blank


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\t\n",
        "\u200b",
        "\u2800",
        "\u3164",
        "\ufeff",
        "\u200b \u200c\u200d",
        "\u115f\u1160",
        "\u3000",
    ],
)
def test_text_that_shows_nothing_is_blank(text: str) -> None:
    assert is_blank(text)


@pytest.mark.parametrize("text", ["x", " payroll ", "\u200bpayroll", "工资", "0"])
def test_text_with_something_to_read_is_not_blank(text: str) -> None:
    assert not is_blank(text)
