"""W213 for citations: a citation without a language that other citations of its ruleset have.

The same finding as for `because`, `require` and `remedy` texts (`checks_advanced.check_translations`), for
the strings of `cite` and `default cite`: a Chinese report would print that one citation in English among
Chinese ones. `rules check --strict` fails on it.
"""

from __future__ import annotations

from collections.abc import Iterator

from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.core.i18n import Phrase, tr, tr_join
from gba_dataflow.core.source import SourceFile, Span
from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.check_context import CheckContext
from gba_dataflow.dsl.operators import code


def check_cite_translations(ctx: CheckContext) -> Iterator[Diagnostic]:
    """W213: a citation without a translation into a language other citations of the ruleset have."""
    ruleset = ctx.ruleset
    clauses: list[tuple[nodes.Rule | None, tuple[str, ...], tuple[nodes.CiteTranslation, ...]]] = [
        (None, ruleset.default_cites, ruleset.default_cite_translations),
        *((rule, rule.cites, rule.cite_translations) for rule in ruleset.rules),
    ]
    wanted = sorted({each.lang for _, _, translations in clauses for each in translations})
    if not wanted:
        return
    source = SourceFile(ruleset.path, ruleset.source)
    for rule, cites, translations in clauses:
        have: dict[int, set[str]] = {}
        for each in translations:
            have.setdefault(each.cite, set()).add(each.lang)
        searched_from = rule.span.start if rule is not None else 0
        for index, cite in enumerate(cites):
            missing = [lang for lang in wanted if lang not in have.get(index, set())]
            span, searched_from = _cite_span(source, cite, searched_from, rule, ruleset.span)
            if not missing:
                continue
            what: Phrase
            if rule is None:
                what = tr("the citation {cite} of the ruleset's `default cite`", cite=_quoted(cite))
                hint = tr(
                    'add `{lang} "..."` under `default cite`, one translated string per citation, in order',
                    lang=missing[0],
                )
            else:
                what = tr("the citation {cite} of rule `{rule}`", cite=_quoted(cite), rule=rule.name)
                hint = tr('add `{lang} "..."` on the line under the citation', lang=missing[0])
            yield ctx.diagnostic(
                "W213",
                tr(
                    "{what} has no {languages} translation, which other citations of ruleset "
                    "`{ruleset}` have",
                    what=what,
                    languages=tr_join([code(lang) for lang in missing], "and"),
                    ruleset=ruleset.name,
                ),
                span,
                hint,
                Severity.WARNING,
            )


def _quoted(text: str) -> str:
    """A citation as it is written in a rule file (the formatter's escapes)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _cite_span(
    source: SourceFile, cite: str, start: int, rule: nodes.Rule | None, header: Span
) -> tuple[Span, int]:
    """Where a citation is written: the first time its string stands at or after `start` (the citations of
    a clause come in order) and inside its rule, and where to look for the next one. Not found (a citation
    written with other escapes than the formatter's, a tree built without a source): the rule, or the
    ruleset's name for `default cite`."""
    literal = _quoted(cite)
    end = rule.span.end if rule is not None and rule.span.end > 0 else len(source.text)
    found = source.text.find(literal, max(start, 0), end) if source.text else -1
    if found < 0:
        return (rule.span if rule is not None else header), start
    return source.span(found, found + len(literal)), found + len(literal)
