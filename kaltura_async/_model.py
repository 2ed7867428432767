"""Model bases: the UNSET sentinel, KalturaObject, open int/str enums, and field specs.

Every generated class in ``kaltura_async.types`` derives from :class:`KalturaObject` and
declares, besides its attrs fields, three class variables the codec reads:

``__kaltura_object_type__``
    the wire class name (``"KalturaMediaEntry"``), sent as ``objectType``;
``__kaltura_abstract__``
    whether the server refuses this class as a concrete ``objectType``;
``__kaltura_fields__``
    the class's *own* fields as ``(attribute, wire name, kind, flags)`` tuples, in schema
    order. ``flags`` is a bit set of :data:`READ_ONLY` and :data:`INSERT_ONLY`; ``kind`` is
    a :class:`~kaltura_async._kind.Kind` (``Kind.STR``, ``Kind.enum("KalturaMediaType")``,
    ``Kind.obj("KalturaMediaEntry")``, ``Kind.list_of("KalturaStreamContainer")``...).

Field types are kinds naming their classes rather than resolved annotations so that the
codec never has to import a class before it meets it on the wire.
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar, Final, Literal, TypeVar

import attrs

from ._errors import KalturaProtocolError, KalturaValidationError
from ._kind import Kind

__all__ = [
    "INSERT_ONLY",
    "READ_ONLY",
    "UNSET",
    "FieldSpec",
    "KalturaIntEnum",
    "KalturaObject",
    "KalturaStrEnum",
    "UnsetType",
    "required",
    "secret_field",
]

READ_ONLY: Final = 1
INSERT_ONLY: Final = 2

#: ``(attribute name, wire name, kind, flags)``
FieldSpec = tuple[str, str, Kind, int]


class UnsetType(enum.Enum):
    """The type of :data:`UNSET`: a field that was never given (one-member enum, so that
    ``value is UNSET`` and ``value is not UNSET`` narrow a field's type for mypy)."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        # Literal[False]: ``entry.tags or ""`` narrows away UNSET for mypy too.
        return False


#: A field that was never set: left off the wire. ``None`` instead means "set to null".
#:
#: The rule, checked by mypy: a model field that may be unset is typed so, e.g.
#: ``name: str | None | UnsetType``. A decoded response holds ``UNSET`` for every field the
#: server did not send (a response profile may leave fields out), and ``None`` for one it
#: sent as null; narrow before use (``if entry.name is not UNSET and entry.name is not
#: None``, or ``isinstance(entry.name, str)``). Sending a fetched object back (``update``)
#: sends only the fields that are set, so fields the server left out are never cleared.
UNSET: Final = UnsetType.UNSET


_T = TypeVar("_T")


def required(value: _T | UnsetType | None, field: str) -> _T:
    """Narrow a field the server always fills (an ``id``, an upload token's ``id``, an app
    token's ``token``) from ``T | None | UnsetType`` to ``T``.

    ``required(entry.id, "MediaEntry.id")`` returns ``entry.id`` typed ``str``. ``field``
    names the field in the error, nothing else.

    Raises:
        KalturaProtocolError: ``value`` is ``UNSET`` (the answer left the field out) or
            ``None`` (the answer said null): the server broke its promise to fill it.
            The message names ``field`` and which of the two it was, never a value.
    """
    if value is UNSET:
        raise KalturaProtocolError(f"{field} is missing from the answer (UNSET)")
    if value is None:
        raise KalturaProtocolError(f"{field} is null in the answer")
    return value


def _redacted_repr(value: object) -> str:
    return "UNSET" if value is UNSET else "<redacted>"


def secret_field() -> Any:
    """A model field holding a secret (KS, app token, partner secret): hidden in reprs."""
    return attrs.field(default=UNSET, repr=_redacted_repr)


class _ModelMeta(type):
    """Turns a wrong keyword in a model constructor into a KalturaValidationError."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except TypeError:
            known = {a.alias for a in attrs.fields(cls)}  # type: ignore[arg-type]
            unknown = sorted(k for k in kwargs if k not in known)
            if unknown:
                raise KalturaValidationError(
                    f"{cls.__name__} has no field {unknown[0]!r}", field=unknown[0]
                ) from None
            if args:
                raise KalturaValidationError(
                    f"{cls.__name__} takes keyword arguments only", field=cls.__name__
                ) from None
            raise


@attrs.define(kw_only=True, slots=True)
class KalturaObject(metaclass=_ModelMeta):
    """Base of every Kaltura object (``KalturaObjectBase`` on the wire)."""

    __kaltura_object_type__: ClassVar[str] = "KalturaObjectBase"
    __kaltura_abstract__: ClassVar[bool] = True
    __kaltura_fields__: ClassVar[tuple[FieldSpec, ...]] = ()

    #: Properties the server sent that this class does not declare (newer server, or an
    #: unknown subclass decoded as its declared base; then ``"objectType"`` is kept here
    #: too). Never sent back.
    unknown_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


def _missing_int(cls: type[enum.IntEnum], value: object) -> Any:
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            return None
        if value in cls._value2member_map_:
            return cls._value2member_map_[value]
    if not isinstance(value, int):
        return None
    member = int.__new__(cls, value)
    member._name_ = f"UNKNOWN_{value}".replace("-", "MINUS_")
    member._value_ = value
    return member


def _missing_str(cls: type[enum.StrEnum], value: object) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value)
    if text in cls._value2member_map_:
        return cls._value2member_map_[text]
    member = str.__new__(cls, text)
    member._name_ = f"UNKNOWN_{text}"
    member._value_ = text
    return member


class KalturaIntEnum(enum.IntEnum):
    """An int enum that compares equal to raw ints and keeps unknown server values.

    ``MediaType(999)`` gives a pseudo-member named ``UNKNOWN_999`` instead of raising,
    so a newer server never breaks decoding. Digit strings are accepted too.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return _missing_int(cls, value)


def _canonical_int(text: str) -> int | None:
    """``int(text)`` when ``text`` is an int written the way Kaltura writes one ("2", "-1")."""
    digits = text[1:] if text[:1] == "-" else text
    if not (digits.isascii() and digits.isdigit()):
        return None
    number = int(text)
    return number if str(number) == text else None


class KalturaStrEnum(enum.StrEnum):
    """A str enum that compares equal to raw strings and keeps unknown values.

    Plugin values such as ``"virusScan.Infected"`` and values the server added after the
    schema was generated decode to pseudo-members instead of raising.

    Many of the schema's string enums hold numbers (``KalturaEntryStatus``: READY is
    ``"2"``), while Kaltura's JSON sends them as ints and its guides compare with ints. A
    member whose value is an int written in decimal (``"2"``, ``"-1"``) therefore also
    compares equal to that int: ``EntryStatus.READY == 2``, ``== "2"`` and
    ``entry.status in (2, 7)`` are all true. Other enums' members are not ints for this
    (``EntryStatus.READY != MediaType.IMAGE``), nor are bools.

    Hashing stays the string's: in a set or as a dict key a member is ``"2"``, so
    ``EntryStatus.READY in {"2", "7"}`` is true and ``EntryStatus.READY in {2, 7}`` is false
    (equal objects must hash alike, and no value can hash like both ``2`` and ``"2"``). Use a
    tuple, a list, or a set of members for membership tests.
    """

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int) and not isinstance(other, (bool, enum.Enum)):
            number = _canonical_int(str.__str__(self))
            return number is not None and number == other
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return _missing_str(cls, value)
