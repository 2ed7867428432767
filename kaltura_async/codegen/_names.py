"""Python names for schema names, with every clash detected and resolved the same way each run.

The rules, in one place:

- types and enums drop the ``Kaltura`` prefix (``KalturaMediaEntry`` -> ``MediaEntry``);
- attributes, parameters, services, actions and modules are snake_case
  (``entryId`` -> ``entry_id``, ``eSearch`` -> ``esearch``);
- a Python keyword gets a trailing underscore (``not`` -> ``not_``);
- when several schema names want one Python name, the first claimant keeps it (core before
  plugin, then schema order; inherited fields before own ones) and each later claimant is
  renamed: a plugin service gets its plugin's name in front (``bulk_upload_bulk_upload``), a
  service that would hide a client method gets ``_service`` (``upload_service``), anything
  else gets the first free numeric suffix (``stream_id_2``). Module names are compared
  case-insensitively so that the tree also works on case-insensitive file systems.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterable

import attrs

__all__ = [
    "CLIENT_MEMBERS",
    "Clash",
    "Claim",
    "NameSpace",
    "enum_member_name",
    "identifier",
    "pascal",
    "snake",
    "strip_prefix",
]

#: Members of ``KalturaClient`` (its public API) that a service attribute must not hide.
CLIENT_MEMBERS = frozenset(
    {
        "aclose",
        "call",
        "for_region",
        "gather",
        "ingest",
        "multirequest",
        "paginate",
        "upload",
        "with_options",
    }
)

_LEADING_LETTER = re.compile(r"^([a-z])([A-Z])(?=[a-z])")
_ACRONYM_END = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")
_WORD_START = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_IDENT = re.compile(r"[^0-9A-Za-z_]+")


def strip_prefix(wire_name: str) -> str:
    """``KalturaMediaEntry`` -> ``MediaEntry`` (names without the prefix are kept)."""
    rest = wire_name.removeprefix("Kaltura")
    return rest if rest and rest.isidentifier() else wire_name


def snake(name: str) -> str:
    """camelCase / PascalCase to snake_case; a lone leading lowercase letter is a prefix.

    ``entryId`` -> ``entry_id``, ``MediaEntry`` -> ``media_entry``, ``licenseURL`` ->
    ``license_url``, ``eSearch`` -> ``esearch``, ``xPath`` -> ``xpath``.
    """
    name = _LEADING_LETTER.sub(lambda m: m.group(1) + m.group(2).lower(), name)
    name = _ACRONYM_END.sub("_", name)
    name = _WORD_START.sub("_", name)
    return _NOT_IDENT.sub("_", name).strip("_").lower() or "_"


def pascal(name: str) -> str:
    """``captionAsset`` -> ``CaptionAsset``."""
    return name[:1].upper() + name[1:]


def identifier(name: str) -> str:
    """A valid Python identifier: keywords get a trailing underscore, digits a leading one."""
    if not name or name[0].isdigit():
        name = "_" + name
    if keyword.iskeyword(name) or name == "_":
        name += "_"
    return name


_ENUM_RESERVED = frozenset({"mro", "name", "value"})


def enum_member_name(const_name: str) -> str:
    """A schema constant name as an enum member name.

    Characters outside ``[A-Za-z0-9_]`` become ``_``; a leading digit gets a leading
    ``_``; names Python's ``enum`` reserves (``_sunder_``, ``__dunder__``, ``mro``) and
    keywords get a trailing ``_`` (``_sunder_`` names get a leading ``M``).
    """
    name = _NOT_IDENT.sub("_", const_name) or "_"
    if name[0].isdigit():
        name = "_" + name
    if len(name) > 2 and name.startswith("_") and name.endswith("_"):
        name = "M" + name
    if keyword.iskeyword(name) or name in _ENUM_RESERVED:
        name += "_"
    return name


@attrs.frozen
class Claim:
    """A schema name asking for a Python name in one namespace."""

    #: the schema name (``"streamId"``, ``"KalturaMediaEntry"``)
    schema_name: str
    #: the Python name it would get without clashes
    wanted: str
    #: the plugin the name comes from (services: decides the renaming rule)
    plugin: str | None = None


@attrs.frozen
class Clash:
    """Two or more schema names that wanted one Python name, and how each was resolved."""

    #: ``"enum/type class"``, ``"enum module"``, ``"type module"``, ``"service"``,
    #: ``"action"``, ``"parameter"``, ``"field"``, ``"enum member"``
    category: str
    #: where the clash happened (``"KalturaAkamaiUniversalProvisionJobData"``, ``"media.list"``)
    scope: str
    wanted: str
    #: ``(schema name, python name)`` for every claimant, the keeper first
    resolved: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        parts = ", ".join(f"{schema} -> {py}" for schema, py in self.resolved)
        where = f" in {self.scope}" if self.scope else ""
        return f"{self.category}{where}: {self.wanted!r} wanted by {parts}"


Renamer = Callable[[Claim, Callable[[str], bool]], str]


def _numbered(claim: Claim, taken: Callable[[str], bool]) -> str:
    sep = "" if claim.wanted[:1].isupper() else "_"
    n = 2
    while taken(f"{claim.wanted}{sep}{n}"):
        n += 1
    return f"{claim.wanted}{sep}{n}"


class NameSpace:
    """One Python namespace (a package, a class, a signature) handing out unique names."""

    def __init__(
        self,
        category: str,
        scope: str = "",
        *,
        reserved: dict[str, str] | None = None,
        fold_case: bool = False,
        inherited: Iterable[tuple[str, str]] = (),
    ) -> None:
        """``reserved`` maps names nobody may take to who holds them; ``inherited`` gives
        ``(schema name, python name)`` pairs already taken (fields of base classes)."""
        self.category = category
        self.scope = scope
        self._fold = fold_case
        self._owner: dict[str, str] = {}
        for name, holder in (reserved or {}).items():
            self._owner[self._key(name)] = holder
        for schema_name, py in inherited:
            self._owner[self._key(py)] = schema_name

    def _key(self, name: str) -> str:
        return name.lower() if self._fold else name

    def taken(self, name: str) -> bool:
        return self._key(name) in self._owner

    def assign(
        self, claims: Iterable[Claim], clashes: list[Clash], rename: Renamer = _numbered
    ) -> dict[str, str]:
        """Give each claim a Python name; claims arrive in priority order."""
        result: dict[str, str] = {}
        groups: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        for claim in claims:
            name = claim.wanted
            key = self._key(name)
            if key in self._owner:
                name = rename(claim, self.taken)
                if self.taken(name):
                    name = _numbered(attrs.evolve(claim, wanted=name), self.taken)
                if key not in groups:
                    groups[key] = (claim.wanted, [(self._owner[key], claim.wanted)])
                groups[key][1].append((claim.schema_name, name))
            self._owner[self._key(name)] = claim.schema_name
            result[claim.schema_name] = name
        for wanted, group in groups.values():
            clashes.append(Clash(self.category, self.scope, wanted, tuple(group)))
        return result
