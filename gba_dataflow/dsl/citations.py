"""Translated citations: pairing a `cite` clause's citations with the translations written under it.

    cite "PIPL (Personal Information Protection Law), Art. 38" "DSL (Data Security Law), Art. 31"
         zh-Hans "《中华人民共和国个人信息保护法》第三十八条" "《中华人民共和国数据安全法》第三十一条"

Each string of a `cite` (or `default cite`) clause is one citation, so a translation lists as many strings as
the English, in the same order: the n-th translated string is the n-th citation in that language. A
translation that lists another number is E109 (which citation it meant cannot be known); one language given
twice in a clause is E106, as for the other texts. The parser calls `pair_citations` as it reduces a clause.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gba_dataflow.core.i18n import Phrase, tr
from gba_dataflow.core.source import Span
from gba_dataflow.dsl import nodes


@dataclass(frozen=True, slots=True)
class CiteClause:
    """One parsed `cite` clause: its citations, and their translations indexed from 0 within the clause."""

    texts: tuple[str, ...]
    translations: tuple[nodes.CiteTranslation, ...] = ()

    def translations_after(self, earlier: int) -> tuple[nodes.CiteTranslation, ...]:
        """The translations indexed among a rule's citations, `earlier` of which come before this clause."""
        if not earlier:
            return self.translations
        return tuple(
            nodes.CiteTranslation(cite=each.cite + earlier, lang=each.lang, text=each.text, span=each.span)
            for each in self.translations
        )


@dataclass(frozen=True, slots=True)
class CiteProblem:
    """A mistake in a clause's translations, for the parser to report with an excerpt of the line."""

    code: str
    message: Phrase
    span: Span
    hint: Phrase


@dataclass(frozen=True, slots=True)
class WrittenString:
    """A string as written in a clause: its value (escapes resolved) and where it stands."""

    text: str
    span: Span


def pair_citations(
    keyword: str,
    english: Sequence[WrittenString],
    translations: Sequence[tuple[str, Sequence[WrittenString]]],
) -> tuple[CiteClause, list[CiteProblem]]:
    """The clause `keyword` (`cite` or `default cite`) with its `(language tag, strings)` translations paired
    to its citations, and what is wrong with them (E106 a language twice, E109 a count that differs)."""
    problems: list[CiteProblem] = []
    seen: set[str] = set()
    paired: list[nodes.CiteTranslation] = []
    for lang, strings in translations:
        where = strings[0].span
        if lang in seen:
            problems.append(
                CiteProblem(
                    "E106",
                    tr("two `{lang}` translations of one `{keyword}` clause", lang=lang, keyword=keyword),
                    where,
                    tr(
                        "give each language once, listing the clause's citations in the same order",
                    ),
                )
            )
            continue
        seen.add(lang)
        if len(strings) != len(english):
            problems.append(
                CiteProblem(
                    "E109",
                    tr(
                        "the `{keyword}` clause lists {wanted} citations in English and {given} in its "
                        "`{lang}` translation",
                        keyword=keyword,
                        wanted=len(english),
                        given=len(strings),
                        lang=lang,
                    ),
                    where,
                    tr(
                        "translate every citation of the clause, one string each, in the same order; or "
                        "write each citation in a `cite` clause of its own with its translations under it",
                    ),
                )
            )
            continue
        paired.extend(
            nodes.CiteTranslation(cite=index, lang=lang, text=each.text, span=each.span)
            for index, each in enumerate(strings)
        )
    # By citation, then as written: the tree of `cite "A" "B" zh-Hans "甲" "乙"` equals that of the
    # one-citation-per-clause layout `rules fmt` writes.
    paired.sort(key=lambda translation: translation.cite)
    return CiteClause(texts=tuple(each.text for each in english), translations=tuple(paired)), problems
