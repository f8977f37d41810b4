"""The rule language's operators and built-in functions, each declared once.

An entry says everything the rest of the package needs to know about one operator:

- its spelling, its kind and its binding strength (the parser's hints and the formatter read these);
- its type rule (the static checker calls it with the operands' types);
- its reference runtime behaviour with its errors (the evaluator calls it; it *is* the meaning);
- optionally an inline template for the generated fast path (else the generated code calls the reference
  function, so an operator without a template is still right, only a call slower).

`and`, `or` and `not`, and the quantifiers, are control flow: their entries say which value decides them
(`decides`) and the evaluator short-circuits on it. Adding an operator is one entry here plus the grammar
rule that spells it, and tests: `tests/dsl/test_operators.py` fails when any consumer lacks an entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from gba_dataflow.core import calendars
from gba_dataflow.core.blank import is_blank
from gba_dataflow.core.i18n import Phrase, tr, tr_join
from gba_dataflow.core.workdays import working_days_between
from gba_dataflow.dsl.types import ANY, BOOL, DATE, DURATION, NUMBER, Type, describe

Kind = Literal["logical", "compare", "arith", "function"]

NULL_HINT = tr("guard optional fields with `has(path) and ...`")


class OperandError(Exception):
    """A reference implementation's refusal of its operands: the evaluator turns it into a located
    `EvalError` (E301 for a missing value, E302 for a value of the wrong kind).

    `operand` is the index of the operand at fault (its span is used), or None for the whole expression;
    the message's `operand` argument (`OPERAND`) is replaced by the operand's source text.
    """

    def __init__(self, code: str, message: str, operand: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.operand = operand


OPERAND = "{operand}"
"""The `operand` argument of an `OperandError`'s message until the evaluator knows the operand's text."""


def _missing(index: int) -> OperandError:
    return OperandError("E301", tr("{operand} has no value", operand=OPERAND), index)


def _unevaluable(error: Exception) -> OperandError:
    """E302 for operands Python cannot combine, with Python's own words."""
    return OperandError("E302", tr("cannot evaluate this comparison: {error}", error=str(error)))


class TypeChecker(Protocol):
    """What a type rule may ask of the static checker: report a finding, and check enum literals."""

    def report(self, code: str, message: str, span: Any, hint: str | None = None) -> None: ...
    def check_enum_literals(self, field_side: Any, literal_side: Any, scope: Any) -> None: ...


TypeRule = Callable[[TypeChecker, Any, tuple[Type, ...], Any], Type]
"""`(checker, expression node, operand types, scope) -> result type`, reporting what is wrong."""
Inline = Callable[[Any, Any, tuple[str, ...]], str] | str
"""A Python expression template over the operands' code (`"({0} < {1})"`), or a function of the code
generator (for fresh local names), the node and the operands' code, for templates that depend on the
operands' literals."""


@dataclass(frozen=True, slots=True)
class Operator:
    """One operator or built-in function of the rule language."""

    name: str
    """As written in rules: `==`, `not in`, `and`, `days_between`."""
    kind: Kind
    precedence: int
    """Binding strength: higher binds tighter (`or` 1 < `and` 2 < `not` 3 < comparisons 4 < `+ -` 5 <
    calls 6, as tight as a name or a literal). The grammar spells the same order; the formatter
    parenthesises by it."""
    type_rule: TypeRule
    evaluate: Callable[..., Any] | None = None
    """The reference behaviour on evaluated operands; None for the logical operators, whose operands the
    evaluator evaluates lazily (see `decides`)."""
    decides: bool | None = None
    """For `and`/`or`: the operand value that decides the result at once (False for `and`)."""
    inline: Inline | None = None
    arity: int = 2
    """How many operands: 1, 2, or 0 for two or more (`and`, `or`)."""
    converse: str | None = None
    """The comparison that says the same with its sides swapped (`<` for `>`), for the static checks that
    reason about bounds; None where there is none (`in`, `contains`)."""
    summary: str = ""


# ---- reference behaviour -------------------------------------------------------------------------


def same_value(a: Any, b: Any) -> bool:
    """`==` of the rule language: a boolean never equals a number (Python says `True == 1`)."""
    if isinstance(a, bool) is not isinstance(b, bool):
        return False
    return bool(a == b)


def _not_equal(a: Any, b: Any) -> bool:
    return not same_value(a, b)


def _ordering(compare: Callable[[Any, Any], Any]) -> Callable[[Any, Any], bool]:
    def order(a: Any, b: Any) -> bool:
        try:
            return bool(compare(a, b))
        except TypeError as error:
            if a is None:
                raise _missing(0) from None
            if b is None:
                raise _missing(1) from None
            raise _unevaluable(error) from None

    return order


def _member(item: Any, container: Any) -> bool:
    if container is None:
        raise OperandError("E301", tr("the collection after `in` has no value"), 1)
    try:
        return item in container
    except TypeError as error:
        raise _unevaluable(error) from None


def _not_member(item: Any, container: Any) -> bool:
    return not _member(item, container)


def _contains(container: Any, item: Any) -> bool:
    if container is None:
        raise OperandError("E301", tr("the collection before `contains` has no value"), 0)
    try:
        return item in container
    except TypeError as error:
        raise _unevaluable(error) from None


def _arith(subtract: bool) -> Callable[[Any, Any], Any]:
    def compute(a: Any, b: Any) -> Any:
        if a is None:
            raise _missing(0)
        if b is None:
            raise _missing(1)
        try:
            return a - b if subtract else a + b
        except (TypeError, OverflowError) as error:
            raise _unevaluable(error) from None

    return compute


_SET_SCALARS = frozenset((dt.date, dt.datetime, bool, int, float))
"""The types of values that are always set: no value of one equals an empty list or mapping."""
_EMPTY: tuple[Any, ...] = ([], {})


def has_value(value: Any) -> bool:
    """`has(path)`: false for null, blank text and empty lists or mappings."""
    if value is None:
        return False
    if type(value) in _SET_SCALARS:
        return True
    if isinstance(value, str):
        return not is_blank(
            value
        )  # a blank justification (spaces, zero-width or filler characters) documents nothing
    return value not in _EMPTY


def _between(name: str, count: Callable[[dt.date, dt.date], int]) -> Callable[[Any, Any], int]:
    def between(a: Any, b: Any) -> int:
        if a is None:
            raise _missing(0)
        if b is None:
            raise _missing(1)
        if not isinstance(a, dt.date) or not isinstance(b, dt.date):
            raise OperandError("E302", tr("`{name}` needs two dates", name=name))
        return count(a, b)

    return between


def _days(a: dt.date, b: dt.date) -> int:
    return (b - a).days


def _working_days_in(jurisdiction: calendars.Jurisdiction) -> Callable[[dt.date, dt.date], int]:
    """Working days of one side's official calendar (holidays off, make-up working days on)."""
    return lambda a, b: calendars.working_days_between(a, b, jurisdiction)


def _length(value: Any) -> int:
    if value is None:
        raise _missing(0)
    return len(value)


def _year(value: Any) -> int:
    if not isinstance(value, dt.date):
        raise _missing(0)
    return value.year


def _negate(value: Any) -> bool:
    """`not`: only a boolean can be negated (anything else is the evaluator's E301/E302)."""
    return not value


# ---- type rules ----------------------------------------------------------------------------------


def _logical(checker: TypeChecker, expr: Any, types: tuple[Type, ...], scope: Any) -> Type:
    what = (
        tr("the operand of `not`")
        if expr.__class__.__name__ == "Not"
        else tr("an operand of `{operator}`", operator=expr.op)
    )
    for operand, found in zip(expr.children(), types, strict=True):
        if not BOOL.accepts(found) or found.kind == "null":
            checker.report(
                "E202",
                tr("{what} must be true or false, but it is a {type}", what=what, type=describe(found)),
                operand.span,
                BOOL_HINT,
            )
    return BOOL


def _equality(checker: TypeChecker, expr: Any, types: tuple[Type, ...], scope: Any) -> Type:
    left, right = types
    if not left.accepts(right):
        checker.report(
            "E202",
            tr(
                "cannot compare a {left} with a {right} using `{operator}`",
                left=describe(left),
                right=describe(right),
                operator=expr.op,
            ),
            expr.span,
            compare_hint(left, right),
        )
        return BOOL
    return _with_enum_literals(checker, expr, scope)


def _with_enum_literals(checker: TypeChecker, expr: Any, scope: Any) -> Type:
    """A comparison's literal on either side checked against the other side's enum (E203)."""
    checker.check_enum_literals(expr.left, expr.right, scope)
    checker.check_enum_literals(expr.right, expr.left, scope)
    return BOOL


def _order_rule(checker: TypeChecker, expr: Any, types: tuple[Type, ...], scope: Any) -> Type:
    left, right = types
    if not left.accepts(right):
        return _equality(checker, expr, types, scope)
    if left.kind in ("bool", "set", "list", "object", "null") or right.kind == "null":
        ordered = describe(left if left.kind != "null" else right)
        checker.report(
            "E202", tr("`{operator}` does not order {type} values", operator=expr.op, type=ordered), expr.span
        )
    return _with_enum_literals(checker, expr, scope)


def _membership_rule(checker: TypeChecker, expr: Any, types: tuple[Type, ...], scope: Any) -> Type:
    left, right = types
    if right.kind not in ("set", "list", "any", "string"):
        checker.report(
            "E202",
            tr(
                "`{operator}` needs a set or list on its right, but this is a {type}",
                operator=expr.op,
                type=describe(right),
            ),
            expr.right.span,
            tr("write e.g. {example}", example='`x in {"HK", "MO"}`'),
        )
    elif right.element is not None and not right.element.accepts(left):
        checker.report(
            "E202",
            tr("cannot look for a {item} in a {collection}", item=describe(left), collection=describe(right)),
            expr.span,
        )
    checker.check_enum_literals(expr.left, expr.right, scope)
    return BOOL


def _contains_rule(checker: TypeChecker, expr: Any, types: tuple[Type, ...], scope: Any) -> Type:
    left, right = types
    if left.kind not in ("set", "list", "any", "string"):
        checker.report(
            "E202",
            tr(
                "`contains` needs a list, set or string on its left, but this is a {type}",
                type=describe(left),
            ),
            expr.left.span,
        )
    elif left.element is not None and not left.element.accepts(right):
        checker.report(
            "E202",
            tr("a {collection} cannot contain a {item}", collection=describe(left), item=describe(right)),
            expr.span,
        )
    return BOOL


def _arith_rule(checker: TypeChecker, expr: Any, types: tuple[Type, ...], scope: Any) -> Type:
    left, right = types
    pair = (left.kind, right.kind)
    if pair == ("date", "duration") or (expr.op == "+" and pair == ("duration", "date")):
        return DATE
    if pair == ("number", "number"):
        return NUMBER
    if pair == ("duration", "duration"):
        return DURATION
    if "any" in pair:
        return ANY
    checker.report(
        "E202",
        tr(
            "cannot compute {left} {operator} {right}",
            left=describe(left),
            operator=expr.op,
            right=describe(right),
        ),
        expr.span,
        tr("add days to a date with `d + 10 days`; count days with `days_between(a, b)`"),
    )
    return ANY


def _signature(params: tuple[Type, ...], result: Type) -> TypeRule:
    """The type rule of a function with fixed parameter types (ANY: a list, set or string)."""

    def rule(checker: TypeChecker, expr: Any, types: tuple[Type, ...], scope: Any) -> Type:
        if len(params) != len(expr.args):
            checker.report(
                "E214",
                tr(
                    "`{name}` takes {expected} argument(s), not {given}",
                    name=expr.name,
                    expected=len(params),
                    given=len(expr.args),
                ),
                expr.span,
            )
        for param, arg, found in zip(params, expr.args, types, strict=False):
            if param is ANY:
                if found.kind not in ("list", "set", "string", "any"):
                    checker.report(
                        "E202",
                        tr(
                            "`{name}` needs a list, set or string, not a {type}",
                            name=expr.name,
                            type=describe(found),
                        ),
                        arg.span,
                    )
            elif not param.accepts(found):
                checker.report(
                    "E202",
                    tr(
                        "`{name}` needs a {expected}, not a {type}",
                        name=expr.name,
                        expected=describe(param),
                        type=describe(found),
                    ),
                    arg.span,
                )
        return result

    return rule


def _has_rule(checker: TypeChecker, expr: Any, types: tuple[Type, ...], scope: Any) -> Type:
    if len(expr.args) != 1 or expr.args[0].__class__.__name__ != "Path":
        checker.report(
            "E214", tr("`has` takes one manifest path, e.g. `has(mechanisms.pipia.completed_on)`"), expr.span
        )
    return BOOL


def compare_hint(left: Type, right: Type) -> Phrase | None:
    """What to write instead when two types cannot be compared."""
    kinds = {left.kind, right.kind}
    if kinds == {"number", "string"}:
        return tr("write numbers without quotes, e.g. `dataset.subjects >= 100_000`")
    if kinds == {"date", "string"}:
        return tr("write dates without quotes, e.g. `transfer.date >= 2024-03-22`")
    if kinds == {"bool", "string"}:
        return tr("write true or false without quotes")
    return None


BOOL_HINT = tr('compare it, e.g. `... > 0` or `... == "value"`')
"""The hint for a condition (or an operand of `and`, `or`, `not`) that is not true or false."""


# ---- inline templates for the generated fast path ------------------------------------------------


def _same_inline(gen: Any, expr: Any, code: tuple[str, ...]) -> str:
    """`==` inline: Python's `==` of the manifest's values, with a boolean never equal to a number."""
    left, right = code
    literals = [side.value for side in (expr.left, expr.right) if side.__class__.__name__ == "Literal"]
    left_is_literal = expr.left.__class__.__name__ == "Literal"
    if literals and isinstance(literals[0], str | dt.date):
        return f"({left} == {right})"  # text or a date never equals a bool
    if literals and isinstance(literals[0], bool):
        other = right if left_is_literal else left
        return f"({other} is {literals[0]})"  # only the same boolean equals a boolean
    if literals:
        other, literal = (right, left) if left_is_literal else (left, right)
        value = gen.temp()
        return f"(({value} := {other}).__class__ is not bool and {value} == {literal})"
    a, b = gen.temp(), gen.temp()
    same_kind = f"(({a} := {left}).__class__ is bool) is (({b} := {right}).__class__ is bool)"
    return f"(({same_kind}) and {a} == {b})"


def _not_same_inline(gen: Any, expr: Any, code: tuple[str, ...]) -> str:
    return f"(not {_same_inline(gen, expr, code)})"


def _has_inline(gen: Any, expr: Any, code: tuple[str, ...]) -> str:
    """`has` inline: null is no, a date (the common case) is yes, else `has_value`."""
    value = gen.temp()
    return f"(({value} := {code[0]}) is not None and ({value}.__class__ is _date or _has({value})))"


def _day_count(name: str, count: Callable[[dt.date, dt.date], int], summary: str) -> Operator:
    """A function counting the days from its first date argument to its second."""
    return Operator(
        name, "function", 6, _signature((DATE, DATE), NUMBER), _between(name, count), summary=summary
    )


def _entries(*operators: Operator) -> dict[str, Operator]:
    return {operator.name: operator for operator in operators}


OPERATORS: Mapping[str, Operator] = _entries(
    Operator("and", "logical", 2, _logical, decides=False, arity=0, summary="every operand holds"),
    Operator("or", "logical", 1, _logical, decides=True, arity=0, summary="any operand holds"),
    Operator("not", "logical", 3, _logical, _negate, arity=1, summary="the operand does not hold"),
    Operator("==", "compare", 4, _equality, same_value, inline=_same_inline, summary="equal", converse="=="),
    Operator(
        "!=", "compare", 4, _equality, _not_equal, inline=_not_same_inline, summary="not equal", converse="!="
    ),
    Operator(
        "<", "compare", 4, _order_rule, _ordering(lambda a, b: a < b), inline="({0} < {1})", converse=">"
    ),
    Operator(
        "<=", "compare", 4, _order_rule, _ordering(lambda a, b: a <= b), inline="({0} <= {1})", converse=">="
    ),
    Operator(
        ">", "compare", 4, _order_rule, _ordering(lambda a, b: a > b), inline="({0} > {1})", converse="<"
    ),
    Operator(
        ">=", "compare", 4, _order_rule, _ordering(lambda a, b: a >= b), inline="({0} >= {1})", converse="<="
    ),
    Operator("in", "compare", 4, _membership_rule, _member, inline="({0} in {1})"),
    Operator("not in", "compare", 4, _membership_rule, _not_member, inline="({0} not in {1})"),
    Operator("contains", "compare", 4, _contains_rule, _contains, inline="({1} in {0})"),
    Operator("+", "arith", 5, _arith_rule, _arith(False), inline="({0} + {1})"),
    Operator("-", "arith", 5, _arith_rule, _arith(True), inline="({0} - {1})"),
)
"""The operators, by spelling."""

FUNCTIONS: Mapping[str, Operator] = _entries(
    Operator("has", "function", 6, _has_rule, has_value, inline=_has_inline, arity=1, summary="it is set"),
    _day_count("days_between", _days, "calendar days from a to b"),
    _day_count("working_days_between", working_days_between, "working days (Monday-Friday) after a up to b"),
    _day_count(
        "mainland_working_days",
        _working_days_in(calendars.Jurisdiction.MAINLAND),
        "Mainland working days after a up to and including b (public holidays off, make-up days on)",
    ),
    _day_count(
        "hong_kong_working_days",
        _working_days_in(calendars.Jurisdiction.HONG_KONG),
        "Hong Kong working days after a up to and including b (general holidays off)",
    ),
    _day_count(
        "macao_working_days",
        _working_days_in(calendars.Jurisdiction.MACAO),
        "Macao working days after a up to and including b (public and government holidays off)",
    ),
    Operator("len", "function", 6, _signature((ANY,), NUMBER), _length, arity=1, summary="number of items"),
    Operator("year", "function", 6, _signature((DATE,), NUMBER), _year, arity=1, summary="a date's year"),
)
"""The built-in functions, by name."""


def spelled_operators() -> Phrase:
    """The operators as a person reads them in a hint: `and, or, not, ==, ..., + and -` (`not in` is
    `not` and `in`); each one is code, set off as such in a language whose words are not English."""
    return tr_join([code(name) for name in OPERATORS if " " not in name], "and")


def code(text: str) -> Phrase:
    """`text`, a keyword, operator or name of the rule language listed in prose: as it is in English, set off
    as code (in backticks) in a language whose words are not English."""
    return tr("{code}", code=text)
