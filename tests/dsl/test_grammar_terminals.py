"""Terminals written for speed mean exactly what their plain forms say."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from gba_dataflow.dsl.parser import _parser

PLAIN = {
    "STRING": r'"(\\.|[^"\\\n])*"',  # a quote, then escapes or plain characters, then a quote
    "NUMBER": r"\d[\d_]*(\.\d+)?",
}
texts = st.text(alphabet=st.sampled_from(list('ab"\\\n x中0_.9')), max_size=16)


@settings(max_examples=2000, deadline=None)
@given(text=texts, name=st.sampled_from(sorted(PLAIN)))
def test_terminal_matches_what_its_plain_form_matches(text: str, name: str) -> None:
    fast = re.compile(_parser().get_terminal(name).pattern.to_regexp())
    plain = re.compile(PLAIN[name])
    for position in range(len(text) + 1):
        found, expected = fast.match(text, position), plain.match(text, position)
        assert (found and found.group(0)) == (expected and expected.group(0)), (text, position)
