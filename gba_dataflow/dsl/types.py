"""Static types of rule expressions."""

from __future__ import annotations

from dataclasses import dataclass


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
