"""Decide every Python name of the generated tree from a schema, collecting the clashes."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from ._names import (
    CLIENT_MEMBERS,
    Claim,
    Clash,
    NameSpace,
    enum_member_name,
    identifier,
    snake,
    strip_prefix,
)
from ._schema import ClassDef, EnumDef, Schema, ServiceDef

__all__ = ["NamePlan", "plan_names"]


@attrs.frozen
class NamePlan:
    """Python names for every schema name, and the clashes met on the way."""

    #: wire enum name -> (module, class)
    enums: dict[str, tuple[str, str]]
    #: wire enum name -> {constant name: member name}
    enum_members: dict[str, dict[str, str]]
    #: wire class name -> (module, class)
    classes: dict[str, tuple[str, str]]
    #: wire class name -> {own property name: attribute name}
    fields: dict[str, dict[str, str]]
    #: service wire id -> (attribute = module, class)
    services: dict[str, tuple[str, str]]
    #: service wire id -> {action name: method name}
    methods: dict[str, dict[str, str]]
    #: (service wire id, action name) -> {param name: argument name}
    args: dict[tuple[str, str], dict[str, str]]
    clashes: tuple[Clash, ...]


def _priority(items: Iterable[EnumDef | ClassDef | ServiceDef]) -> list[int]:
    """Indices in claim order: core before plugin, then schema order."""
    seq = list(items)
    return sorted(range(len(seq)), key=lambda i: (seq[i].plugin is not None, i))


def _class_words(python_name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in python_name.split("_"))


def _plan_classes(
    schema: Schema, clashes: list[Clash]
) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """Class names of types and enums share one namespace: a types module imports both."""
    names = NameSpace("enum/type class", "kaltura_async.types + kaltura_async.enums")
    # claims are labelled "class X" / "enum X": nothing stops a schema from reusing a wire
    # name across the two kinds
    claims = [
        Claim(f"class {schema.classes[i].name}", identifier(strip_prefix(schema.classes[i].name)))
        for i in _priority(schema.classes)
    ] + [
        Claim(f"enum {schema.enums[i].name}", identifier(strip_prefix(schema.enums[i].name)))
        for i in _priority(schema.enums)
    ]
    py_names = names.assign(claims, clashes)

    def modules(package: str, kind: str, wires: list[str]) -> dict[str, tuple[str, str]]:
        space = NameSpace(f"{package} module", f"kaltura_async.{package}", fold_case=True)
        wanted = {w: py_names[f"{kind} {w}"] for w in wires}
        mods = space.assign([Claim(w, identifier(snake(wanted[w]))) for w in wires], clashes)
        return {w: (mods[w], wanted[w]) for w in wires}

    class_wires = [schema.classes[i].name for i in _priority(schema.classes)]
    enum_wires = [schema.enums[i].name for i in _priority(schema.enums)]
    return modules("types", "class", class_wires), modules("enums", "enum", enum_wires)


def _plan_fields(schema: Schema, clashes: list[Clash]) -> dict[str, dict[str, str]]:
    by_name = {c.name: c for c in schema.classes}
    done: dict[str, dict[str, str]] = {}
    # every attribute a class can see, own and inherited: (schema name, attribute)
    visible: dict[str, list[tuple[str, str]]] = {}

    def resolve(cls: ClassDef, depth: int = 0) -> None:
        if cls.name in done:
            return
        if depth > len(by_name):
            raise ValueError(f"inheritance cycle through {cls.name}")
        inherited: list[tuple[str, str]] = []
        if cls.base is not None and cls.base in by_name:
            resolve(by_name[cls.base], depth + 1)
            inherited = visible[cls.base]
        space = NameSpace(
            "field",
            cls.name,
            reserved={"unknown_fields": "KalturaObject.unknown_fields"},
            inherited=inherited,
        )
        own = space.assign(
            [Claim(p.name, identifier(snake(p.name))) for p in cls.properties], clashes
        )
        done[cls.name] = own
        visible[cls.name] = inherited + [(f"{cls.name}.{k}", v) for k, v in own.items()]

    for cls in schema.classes:
        resolve(cls)
    return done


def _service_class(attribute: str) -> str:
    """``upload_token`` -> ``UploadTokenService``; ``upload_service`` -> ``UploadService``."""
    words = _class_words(attribute)
    return words if attribute.endswith("_service") else words + "Service"


def _service_renamer(
    plugin_of: dict[str, str | None],
) -> Callable[[Claim, Callable[[str], bool]], str]:
    def rename(claim: Claim, taken: Callable[[str], bool]) -> str:
        if claim.wanted in CLIENT_MEMBERS:
            return f"{claim.wanted}_service"
        plugin = plugin_of.get(claim.schema_name)
        if plugin is not None:
            return f"{snake(plugin)}_{claim.wanted}"
        return f"{claim.wanted}_2"

    return rename


def _plan_services(
    schema: Schema, clashes: list[Clash]
) -> tuple[
    dict[str, tuple[str, str]], dict[str, dict[str, str]], dict[tuple[str, str], dict[str, str]]
]:
    space = NameSpace(
        "service",
        "KalturaClient",
        reserved={m: f"KalturaClient.{m}" for m in CLIENT_MEMBERS},
    )
    order = _priority(schema.services)
    attrs_ = space.assign(
        [Claim(schema.services[i].id, identifier(snake(schema.services[i].name))) for i in order],
        clashes,
        _service_renamer({s.id: s.plugin for s in schema.services}),
    )
    services = {s.id: (attrs_[s.id], _service_class(attrs_[s.id])) for s in schema.services}
    methods: dict[str, dict[str, str]] = {}
    args: dict[tuple[str, str], dict[str, str]] = {}
    for service in schema.services:
        scope = schema_service_label(service)
        methods[service.id] = NameSpace("action", scope).assign(
            [Claim(a.name, identifier(snake(a.name))) for a in service.actions], clashes
        )
        for action in service.actions:
            params = NameSpace(
                "parameter", f"{scope}.{action.name}", reserved={"self": "the method's self"}
            )
            args[(service.id, action.name)] = params.assign(
                [Claim(p.name, identifier(snake(p.name))) for p in action.params], clashes
            )
    return services, methods, args


def schema_service_label(service: ServiceDef) -> str:
    return service.name if service.plugin is None else f"{service.plugin}.{service.name}"


def _plan_members(schema: Schema, clashes: list[Clash]) -> dict[str, dict[str, str]]:
    members: dict[str, dict[str, str]] = {}
    for enum in schema.enums:
        names = [c.name for c in enum.consts]
        if len(set(names)) != len(names):
            raise ValueError(f"{enum.name} declares a constant name twice")
        members[enum.name] = NameSpace("enum member", enum.name).assign(
            [Claim(n, enum_member_name(n)) for n in names], clashes
        )
    return members


def plan_names(schema: Schema) -> NamePlan:
    clashes: list[Clash] = []
    classes, enums = _plan_classes(schema, clashes)
    fields = _plan_fields(schema, clashes)
    members = _plan_members(schema, clashes)
    services, methods, args = _plan_services(schema, clashes)
    return NamePlan(
        enums=enums,
        enum_members=members,
        classes=classes,
        fields=fields,
        services=services,
        methods=methods,
        args=args,
        clashes=tuple(clashes),
    )
