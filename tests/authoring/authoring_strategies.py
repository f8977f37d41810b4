"""Hypothesis strategies that build rule ASTs directly (no text), for the formatter's round-trip property."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.limits import MAX_DURATION_DAYS, MAX_FLOAT, MAX_NUMBER_DIGITS

_KEYWORD_TEXT = """ruleset title applies when default because cite remedy let rule effective from until
deny allow warn require and or not any all in contains true false null count days day waivable met"""
KEYWORDS = frozenset(_KEYWORD_TEXT.split())

names = st.from_regex(r"[a-z_][a-z0-9_]{0,7}", fullmatch=True).filter(lambda name: name not in KEYWORDS)
paths = st.lists(names, min_size=1, max_size=3).map(lambda parts: nodes.Path(parts=tuple(parts)))
# Text as a rule author might write it: any printable character, including quotes, braces, CJK, \n and \t.
texts = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r")
    | st.sampled_from('\n\t"\\{}#'),
    max_size=30,
)
dates = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31))
_fractions = st.tuples(st.integers(0, MAX_FLOAT - 1), st.integers(1, MAX_NUMBER_DIGITS)).flatmap(
    lambda whole_and_places: st.integers(0, 10 ** whole_and_places[1] - 1).map(
        lambda digits: float(f"{whole_and_places[0]}.{digits:0{whole_and_places[1]}d}")
    )
)
# Numbers as the parser accepts them, those at its limits included (dsl/limits.py).
numbers = (
    st.integers(min_value=0, max_value=10**12)
    | st.integers(0, 10**6).map(lambda n: n / 100)
    | st.integers(0, 10**MAX_NUMBER_DIGITS - 1)
    | st.sampled_from(
        [10**MAX_NUMBER_DIGITS - 1, MAX_FLOAT - 0.5, float("0." + "0" * (MAX_NUMBER_DIGITS - 1) + "1")]
    )
    | _fractions
)
scalars = numbers | texts | dates | st.booleans() | st.none()

leaves = st.one_of(
    scalars.map(lambda value: nodes.Literal(value=value)),
    st.integers(0, MAX_DURATION_DAYS).map(lambda days: nodes.Duration(days=days)),
    paths,
)


def _branches(children: st.SearchStrategy[nodes.Expr]) -> st.SearchStrategy[nodes.Expr]:
    two_or_more = st.lists(children, min_size=2, max_size=4).map(tuple)
    return st.one_of(
        children.map(lambda operand: nodes.Not(operand=operand)),
        st.builds(
            lambda op, operands: nodes.BoolOp(op=op, operands=operands),
            st.sampled_from(["and", "or"]),
            two_or_more,
        ),
        st.builds(
            lambda op, left, right: nodes.Compare(op=op, left=left, right=right),
            st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains"]),
            children,
            children,
        ),
        st.builds(
            lambda op, left, right: nodes.Arith(op=op, left=left, right=right),
            st.sampled_from(["+", "-"]),
            children,
            children,
        ),
        st.builds(
            lambda kind, var, collection, body: nodes.Quantifier(
                kind=kind, var=var, collection=collection, body=body
            ),
            st.sampled_from(["any", "all"]),
            names,
            children,
            children,
        ),
        st.builds(
            lambda var, collection, body: nodes.Count(var=var, collection=collection, body=body),
            names,
            children,
            children,
        ),
        st.builds(
            lambda name, args: nodes.Call(name=name, args=tuple(args)), names, st.lists(children, max_size=3)
        ),
        st.lists(children, max_size=4).map(lambda items: nodes.SetLiteral(items=tuple(items))),
    )


exprs: st.SearchStrategy[nodes.Expr] = st.recursive(leaves, _branches, max_leaves=12)


def _template(parts: list[str | nodes.Path]) -> nodes.Template:
    """A template as the parser builds it: no empty text, never two texts in a row."""
    merged: list[str | nodes.Path] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += part
                continue
        merged.append(part)
    return nodes.Template(parts=tuple(merged))


templates = st.lists(texts | paths, max_size=4).map(_template)
messages = st.builds(
    lambda text, translations: nodes.Message(text=text, translations=tuple(translations)),
    templates,
    st.lists(
        st.tuples(st.sampled_from(nodes.LANGUAGES), templates), max_size=2, unique_by=lambda pair: pair[0]
    ),
)
citations = st.lists(texts, max_size=3).map(tuple)
_cite_languages = st.lists(st.sampled_from(nodes.LANGUAGES), max_size=2, unique=True)


def _rule_cites(
    cites: tuple[str, ...], languages: list[list[str]], translated: list[list[str]]
) -> tuple[tuple[str, ...], tuple[nodes.CiteTranslation, ...]]:
    """Citations with some translations each, in the order the parser gives them (by citation)."""
    found = [
        nodes.CiteTranslation(cite=index, lang=lang, text=text)
        for index, (langs, texts_) in enumerate(zip(languages, translated, strict=False))
        for lang, text in zip(langs, texts_, strict=False)
        if index < len(cites)
    ]
    return cites, tuple(found)


# A rule's citations, each with translations in none, one or both languages (`cite "A" zh-Hans "甲"`).
rule_citations = st.builds(
    _rule_cites,
    citations,
    st.lists(_cite_languages, max_size=3),
    st.lists(st.lists(texts, min_size=2, max_size=2), max_size=3),
)


def _default_cites(
    cites: tuple[str, ...], languages: list[str], translated: list[list[str]]
) -> tuple[tuple[str, ...], tuple[nodes.CiteTranslation, ...]]:
    """`default cite` citations: one clause, so a language translates every citation (E109 otherwise)."""
    if not cites:
        return cites, ()
    found = [
        nodes.CiteTranslation(cite=index, lang=lang, text=texts_[index % len(texts_)])
        for lang, texts_ in zip(languages, translated, strict=False)
        for index in range(len(cites))
    ]
    found.sort(key=lambda translation: translation.cite)
    return cites, tuple(found)


default_citations = st.builds(
    _default_cites, citations, _cite_languages, st.lists(st.lists(texts, min_size=1, max_size=3), max_size=2)
)

rules = st.builds(
    lambda name, effect, condition, because, cites, requires, remedy, start, until, mets: nodes.Rule(
        name=name,
        effect=effect,
        condition=condition,
        because=because,
        cites=cites[0],
        cite_translations=cites[1],
        requires=tuple(requires),
        remedy=remedy,
        effective_from=start,
        effective_until=until,
        mets=tuple(mets),
    ),
    names,
    st.sampled_from(["deny", "allow", "warn"]),
    exprs,
    st.none() | messages,
    rule_citations,
    st.lists(messages, max_size=2),
    st.none() | messages,
    st.none() | dates,
    st.none() | dates,
    st.lists(messages, max_size=2),
)
lets = st.builds(lambda name, expr: nodes.Let(name=name, expr=expr), names, exprs)

rulesets = st.builds(
    lambda name, title, applies, because, cites, remedy, let_list, rule_list: nodes.Ruleset(
        name=name,
        title=title,
        applies=applies,
        default_because=because,
        default_cites=cites[0],
        default_cite_translations=cites[1],
        default_remedy=remedy,
        lets=tuple(let_list),
        rules=tuple(rule_list),
    ),
    names,
    st.none() | messages,
    st.none() | exprs,
    st.none() | messages,
    default_citations,
    st.none() | messages,
    st.lists(lets, max_size=3),
    st.lists(rules, max_size=3),
)
