"""Static types of rule expressions."""

from __future__ import annotations

from dataclasses import dataclass

from gba_dataflow.core.i18n import Phrase, tr


@dataclass(frozen=True, slots=True)
class Type:
    """A static type. `object` and `list` types remember which catalog path they describe."""

    kind: str  # bool | number | string | date | duration | null | set | list | object | any
    element: Type | None = None
    at: str | None = None

    def __str__(self) -> str:
        if self.kind in ("set", "list") and self.element is not None:
            return f"{self.kind} of {self.element}"
        if self.kind == "object" and self.at:
            return f"object `{self.at}`"
        return self.kind

    def accepts(self, other: Type) -> bool:
        """Whether values of `other` may stand where this type is expected."""
        if ANY in (self, other) or self.kind == "any" or other.kind == "any":
            return True
        if other.kind == "null" or self.kind == "null":
            return True
        if self.kind != other.kind:
            return False
        if self.element is None or other.element is None:
            return True
        return self.element.accepts(other.element)


BOOL = Type("bool")
NUMBER = Type("number")
STRING = Type("string")
DATE = Type("date")
DURATION = Type("duration")
NULL = Type("null")
ANY = Type("any")


def set_of(element: Type) -> Type:
    return Type("set", element)


def list_of(element: Type) -> Type:
    return Type("list", element)


def object_at(path: str) -> Type:
    return Type("object", at=path)


def describe(kind: Type) -> Phrase:
    """`str(kind)` as a phrase, so that a message naming a type can be said in every language."""
    if kind.kind == "set" and kind.element is not None:
        return tr("set of {element}", element=describe(kind.element))
    if kind.kind == "list" and kind.element is not None:
        return tr("list of {element}", element=describe(kind.element))
    if kind.kind == "object" and kind.at:
        return tr("object `{path}`", path=kind.at)
    return _KIND_WORDS.get(kind.kind) or tr("{only}", only=kind.kind)


_KIND_WORDS = {
    "bool": tr("bool"),
    "number": tr("number"),
    "string": tr("string"),
    "date": tr("date"),
    "duration": tr("duration"),
    "null": tr("null"),
    "set": tr("set"),
    "list": tr("list"),
    "object": tr("object"),
    "any": tr("any"),
}
"""The word of each kind of type (`Type.kind`)."""
