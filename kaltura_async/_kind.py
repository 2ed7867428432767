"""Kind: what a field, an action parameter or an action result holds on the wire.

Every generated field spec, parameter and result names its kind, and the codec, the
multirequest refs and the paginator read it::

    Kind.STR, Kind.INT, Kind.BIGINT, Kind.BOOL, Kind.FLOAT   # scalars
    Kind.enum("KalturaMediaType")                # an enum, by its wire name
    Kind.obj("KalturaMediaEntry")                # an object; any subclass may arrive
    Kind.list_of("KalturaStreamContainer")       # an array of objects
    Kind.map_of("KalturaString")                 # a string-keyed map of objects
    Kind.ANY                                     # KalturaObjectBase: by objectType alone
    Kind.FILE                                    # a multipart file parameter
    Kind.VOID, Kind.SERVE                        # results: nothing / a download URL
    Kind.UNTYPED                                 # ``client.call``: inferred from the value

Kinds are interned (one instance per tag and name), immutable and hashable, so they are
compared with ``==`` (or ``is``) and used as cache keys. ``str(kind)`` is a compact text
form (``"obj:KalturaMediaEntry"``) used in messages; :meth:`Kind.parse` reads it back.
Object and enum classes are named, not referenced, so that a kind never imports a class
before the codec meets it on the wire.
"""

from __future__ import annotations

from typing import ClassVar, Final, Literal

__all__ = ["Kind", "KindTag"]

KindTag = Literal[
    "str", "int", "bigint", "bool", "float", "enum", "obj", "list", "map", "any", "file", "void",
    "serve", "untyped",
]  # fmt: skip

_NAMED: Final = frozenset({"enum", "obj", "list", "map"})
_BARE: Final = frozenset(
    {"str", "int", "bigint", "bool", "float", "any", "file", "void", "serve", "untyped"}
)
_SCALARS: Final = frozenset({"str", "int", "bigint", "bool", "float"})
_ANY_NAME: Final = "any"


class Kind:
    """One wire kind: a ``tag`` and, for enums, objects, lists and maps, a wire ``name``.

    For ``list`` and ``map`` the name is the element class (``"any"`` for
    ``KalturaObjectBase``); :attr:`item` gives the element's kind.
    """

    __slots__ = ("name", "tag")

    tag: KindTag
    name: str

    _interned: ClassVar[dict[tuple[str, str], Kind]] = {}

    STR: ClassVar[Kind]
    INT: ClassVar[Kind]
    BIGINT: ClassVar[Kind]
    BOOL: ClassVar[Kind]
    FLOAT: ClassVar[Kind]
    ANY: ClassVar[Kind]
    FILE: ClassVar[Kind]
    VOID: ClassVar[Kind]
    SERVE: ClassVar[Kind]
    UNTYPED: ClassVar[Kind]

    def __new__(cls, tag: KindTag, name: str = "") -> Kind:
        try:
            return cls._interned[tag, name]
        except KeyError:
            pass
        if tag in _NAMED:
            if not name:
                raise ValueError(f"a {tag} kind needs a wire name")
        elif tag not in _BARE or name:
            raise ValueError(f"no kind {tag!r} with name {name!r}")
        self = object.__new__(cls)
        object.__setattr__(self, "tag", tag)
        object.__setattr__(self, "name", name)
        cls._interned[tag, name] = self
        return self

    # -- constructors (what generated code calls) --------------------------------------

    @classmethod
    def enum(cls, wire_name: str) -> Kind:
        """An enum, by its wire name (``"KalturaMediaType"``)."""
        return cls("enum", wire_name)

    @classmethod
    def obj(cls, wire_name: str) -> Kind:
        """An object of the class ``objectType`` names, or of any subclass."""
        return cls("obj", wire_name)

    @classmethod
    def list_of(cls, item: str) -> Kind:
        """An array of objects of the class ``item`` (``"any"``: any object)."""
        return cls("list", item)

    @classmethod
    def map_of(cls, item: str) -> Kind:
        """A string-keyed map of objects of the class ``item`` (``"any"``: any object)."""
        return cls("map", item)

    @classmethod
    def parse(cls, text: str) -> Kind:
        """The kind whose ``str()`` is ``text``; ValueError if there is none."""
        tag, _, name = text.partition(":")
        return cls(tag, name)  # type: ignore[arg-type]

    # -- questions ------------------------------------------------------------------------

    @property
    def item(self) -> Kind:
        """The element kind of a list or map: an object kind, or :data:`Kind.ANY`."""
        if self.tag not in ("list", "map"):
            raise ValueError(f"{self} has no elements")
        return Kind.ANY if self.name == _ANY_NAME else Kind("obj", self.name)

    @property
    def is_scalar(self) -> bool:
        """Whether a value of this kind is one wire scalar (str, int, bool, float, enum)."""
        return self.tag in _SCALARS or self.tag == "enum"

    @property
    def type_name(self) -> str:
        """A short name for messages: the wire name without ``Kaltura``, else the tag."""
        return self.name.removeprefix("Kaltura") if self.name else self.tag

    # -- value object -----------------------------------------------------------------

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Kind is immutable")

    def __reduce__(self) -> tuple[type[Kind], tuple[str, str]]:
        return (Kind, (self.tag, self.name))

    def __copy__(self) -> Kind:
        return self

    def __deepcopy__(self, memo: object) -> Kind:
        return self

    def __str__(self) -> str:
        return f"{self.tag}:{self.name}" if self.name else self.tag

    def __repr__(self) -> str:
        if not self.name:
            return f"Kind.{self.tag.upper()}"
        ctor = {"list": "list_of", "map": "map_of"}.get(self.tag, self.tag)
        return f"Kind.{ctor}({self.name!r})"


Kind.STR = Kind("str")
Kind.INT = Kind("int")
Kind.BIGINT = Kind("bigint")
Kind.BOOL = Kind("bool")
Kind.FLOAT = Kind("float")
Kind.ANY = Kind("any")
Kind.FILE = Kind("file")
Kind.VOID = Kind("void")
Kind.SERVE = Kind("serve")
Kind.UNTYPED = Kind("untyped")
