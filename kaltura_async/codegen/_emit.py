"""Render the Python source of kaltura_async.enums, .types and .services from a name plan."""

from __future__ import annotations

from collections.abc import Iterable

from .._call import is_safe_action
from .._kind import Kind
from .._logging import SECRET_KEYS
from ._emit_packages import (
    accessors_module,
    file_data_module,
    file_head as _file_head,
    lazy_package_init,
    literal as _lit,
    registry_module,
)
from ._plan import NamePlan
from ._schema import Action, ClassDef, EnumDef, Param, Schema, ServiceDef

__all__ = [
    "Emitter",
    "accessors_module",
    "file_data_module",
    "is_safe_action",
    "lazy_package_init",
    "registry_module",
]

_SCALARS = {"int": "int", "bigint": "bigint", "string": "str", "bool": "bool", "float": "float"}
_ANY_OBJECT = "KalturaObjectBase"
_BUILTIN_NAMES = frozenset({"bool", "dict", "float", "int", "list", "str", "tuple"})


def _names(names: Iterable[str]) -> str:
    """Imported names in isort's order: constants, then classes, then the rest."""
    return ", ".join(
        sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[:1].isupper() else 2, n))
    )


_KIND_CONSTRUCTORS = {"enum": "enum", "obj": "obj", "list": "list_of", "map": "map_of"}


def _kind_src(kind: Kind) -> str:
    """The Python expression that builds ``kind`` (``Kind.STR``, ``Kind.obj("...")``)."""
    if not kind.name:
        return f"Kind.{kind.tag.upper()}"
    return f"Kind.{_KIND_CONSTRUCTORS[kind.tag]}({_lit(kind.name)})"


class _Module:
    """One generated module: its imports and the names its class body shadows."""

    def __init__(self, emitter: Emitter, package: str, own: str = "", shadowed: Iterable[str] = ()):
        self.em = emitter
        self.package = package
        self.own = own
        self.runtime: dict[str, set[str]] = {}
        self.checking: dict[str, set[str]] = {}
        self.shadowed = frozenset(shadowed) & _BUILTIN_NAMES
        self.needs_builtins = False

    def runtime_import(self, module: str, name: str) -> None:
        self.runtime.setdefault(module, set()).add(name)

    def _type_ref(self, package: str, module: str, name: str) -> str:
        if name == self.own or any(name in names for names in self.runtime.values()):
            return name
        prefix = "." if package == self.package else f"..{package}."
        self.checking.setdefault(f"{prefix}{module}", set()).add(name)
        return name

    def cls(self, wire: str) -> str:
        module, name = self.em.plan.classes[wire]
        return self._type_ref("types", module, name)

    def enum(self, wire: str) -> str:
        module, name = self.em.plan.enums[wire]
        return self._type_ref("enums", module, name)

    def builtin(self, name: str) -> str:
        if name in self.shadowed:
            self.needs_builtins = True
            return f"builtins.{name}"
        return name

    def annotation(self, kind: Kind) -> str:
        """The Python type for a field/param/result kind."""
        head, rest = kind.tag, kind.name
        if head in ("int", "str", "bool", "float"):
            return self.builtin(head)
        if head == "bigint":
            return self.builtin("int")
        if head == "enum":
            return self.enum(rest)
        if head == "obj":
            return self.cls(rest)
        if head == "any":
            self.runtime_import(".._model", "KalturaObject")
            return "KalturaObject"
        if head == "list":
            return f"{self.builtin('list')}[{self.annotation(self.em.element_kind(rest))}]"
        if head == "map":
            inner = self.annotation(self.em.element_kind(rest))
            return f"{self.builtin('dict')}[{self.builtin('str')}, {inner}]"
        if head == "file":
            self.checking.setdefault("._file_data", set()).add("FileData")
            return "FileData"
        if head == "void":
            return "None"
        if head == "serve":
            return self.builtin("str")
        raise ValueError(f"no Python type for kind {kind}")

    def header(self, stamp: str, docstring: str) -> list[str]:
        if self.checking:
            self.runtime_import("typing", "TYPE_CHECKING")
        lines = _file_head(stamp, docstring)
        stdlib = ["import builtins"] if self.needs_builtins else []
        third: list[str] = []
        for module in sorted(m for m in self.runtime if not m.startswith(".")):
            names = self.runtime[module]
            line = f"import {module}" if names == {""} else f"from {module} import {_names(names)}"
            (third if module == "attrs" else stdlib).append(line)
        for group in (stdlib, third):
            if group:
                lines += [*group, ""]
        parents = sorted(m for m in self.runtime if m.startswith(".."))
        siblings = sorted(m for m in self.runtime if m.startswith(".") and m not in parents)
        for module in parents + siblings:
            lines.append(f"from {module} import {_names(self.runtime[module])}")
        if self.checking:
            lines += ["", "if TYPE_CHECKING:"]
            for module in sorted(self.checking, key=lambda m: (not m.startswith(".."), m)):
                lines.append(f"    from {module} import {_names(self.checking[module])}")
        return lines


class Emitter:
    """Renders the generated packages for one schema and its name plan."""

    def __init__(self, schema: Schema, plan: NamePlan, stamp: str) -> None:
        self.schema = schema
        self.plan = plan
        self.stamp = stamp
        self.class_names = {c.name for c in schema.classes}
        # An enum with no constants cannot be instantiated in Python (Enum refuses every
        # value with a TypeError); its values come from plugins at run time, so items typed
        # with it are typed with the enum's raw type instead.
        self.enum_names = {e.name for e in schema.enums if e.consts}
        #: type names the schema references but does not declare (read as "any")
        self.unresolved: set[str] = set()

    # -- kinds --------------------------------------------------------------------------

    def element_kind(self, wire: str) -> Kind:
        """Kind of an array/map element given by its ``arrayType`` (``any`` when absent)."""
        if wire == "any" or wire == _ANY_OBJECT:
            return Kind.ANY
        if wire in self.class_names:
            return Kind.obj(wire)
        if wire in self.enum_names:
            return Kind.enum(wire)
        self.unresolved.add(wire)
        return Kind.ANY

    def kind(self, type_: str, enum_type: str | None, array_type: str | None) -> Kind:
        if enum_type is not None and enum_type in self.enum_names:
            return Kind.enum(enum_type)  # empty enums fall through to their raw type
        if type_ in _SCALARS:
            return Kind(_SCALARS[type_])  # type: ignore[arg-type]
        if type_ == "array":
            return Kind.list_of(self._element_tag(array_type))
        if type_ == "map":
            return Kind.map_of(self._element_tag(array_type))
        if type_ == "file":
            return Kind.FILE
        return self.element_kind(type_)

    def _element_tag(self, array_type: str | None) -> str:
        kind = self.element_kind(array_type or "any")
        return "any" if kind is Kind.ANY else kind.name

    def result_kind(self, action: Action) -> Kind:
        result = action.result
        if result.type is None:
            return Kind.VOID
        if result.type == "file":
            return Kind.SERVE
        return self.kind(result.type, None, result.array_type)

    # -- enums --------------------------------------------------------------------------

    def enum_module(self, enum: EnumDef) -> str:
        _, name = self.plan.enums[enum.name]
        is_int = enum.type == "int"
        base = "KalturaIntEnum" if is_int else "KalturaStrEnum"
        members = self.plan.enum_members[enum.name]
        doc = f"The ``{enum.name}`` enum."
        lines = [
            self.stamp,
            f'"""{doc}"""',
            "",
            "from __future__ import annotations",
            "",
            f"from .._model import {base}",
            "",
            f"__all__ = [{_lit(name)}]",
            "",
            "",
            f"class {name}({base}):",
            f'    """``{enum.name}``: {"int" if is_int else "string"} values'
            f'{_plugin_note(enum.plugin)}."""',
        ]
        if members:
            lines.append("")
        for const in enum.consts:
            value = str(int(const.value)) if is_int else _lit(const.value)
            lines.append(f"    {members[const.name]} = {value}")
        return "\n".join(lines) + "\n"

    # -- types --------------------------------------------------------------------------

    def type_module(self, cls: ClassDef) -> str:
        _, name = self.plan.classes[cls.name]
        attrs_ = self.plan.fields[cls.name]
        mod = _Module(self, "types", own=name, shadowed=attrs_.values())
        mod.runtime_import("attrs", "")
        mod.runtime_import("typing", "ClassVar")
        mod.runtime_import(".._model", "FieldSpec")
        if cls.base is not None and cls.base in self.plan.classes:
            base_module, base = self.plan.classes[cls.base]
            mod.runtime_import(f".{base_module}", base)
        else:
            base = "KalturaObject"
            mod.runtime_import(".._model", "KalturaObject")
        specs: list[str] = []
        body: list[str] = []
        for prop in cls.properties:
            kind = self.kind(prop.type, prop.enum_type, prop.array_type)
            flags = [
                f
                for f, on in (("READ_ONLY", prop.read_only), ("INSERT_ONLY", prop.insert_only))
                if on
            ]
            for flag in flags:
                mod.runtime_import(".._model", flag)
            attr = attrs_[prop.name]
            mod.runtime_import(".._kind", "Kind")
            specs.append(
                f"        ({_lit(attr)}, {_lit(prop.name)}, {_kind_src(kind)}, "
                f"{' | '.join(flags) or '0'}),"
            )
            if prop.name.lower() in SECRET_KEYS:
                # A secret (a KS, an app token, a partner's secret) never shows in a repr.
                mod.runtime_import(".._model", "secret_field")
                body.append(
                    f"    {attr}: {mod.annotation(kind)} | None | UnsetType = secret_field()"
                )
                mod.runtime_import(".._model", "UnsetType")
            else:
                body.append(f"    {attr}: {mod.annotation(kind)} | None | UnsetType = UNSET")
                mod.runtime_import(".._model", "UnsetType")
        if body:
            mod.runtime_import(".._model", "UNSET")
        notes = _plugin_note(cls.plugin)
        if cls.abstract:
            notes += "; abstract: the server needs a concrete subclass as ``objectType``"
        str_t, bool_t, tuple_t = mod.builtin("str"), mod.builtin("bool"), mod.builtin("tuple")
        lines = [
            "",
            f"__all__ = [{_lit(name)}]",
            "",
            "",
            "@attrs.define(kw_only=True, slots=True)",
            f"class {name}({base}):",
            f'    """``{cls.name}``{notes}."""',
            "",
            f"    __kaltura_object_type__: ClassVar[{str_t}] = {_lit(cls.name)}",
            f"    __kaltura_abstract__: ClassVar[{bool_t}] = {cls.abstract}",
        ]
        if specs:
            lines.append(f"    __kaltura_fields__: ClassVar[{tuple_t}[FieldSpec, ...]] = (")
            lines += specs
            lines.append("    )")
        else:
            lines.append(f"    __kaltura_fields__: ClassVar[{tuple_t}[FieldSpec, ...]] = ()")
        if body:
            lines.append("")
            lines += body
        head = mod.header(self.stamp, f"The ``{cls.name}`` model.")
        return "\n".join(head + lines) + "\n"

    # -- services -----------------------------------------------------------------------

    def service_module(self, service: ServiceDef) -> str:
        attribute, name = self.plan.services[service.id]
        methods = self.plan.methods[service.id]
        mod = _Module(self, "services", shadowed=methods.values())
        mod.runtime_import(".._call", "ActionSpec")
        mod.runtime_import(".._call", "Call")
        mod.runtime_import(".._call", "Service")
        mod.runtime_import(".._kind", "Kind")
        specs: list[str] = []
        body: list[str] = []
        for action in service.actions:
            spec_name = f"_SPEC_{methods[action.name].rstrip('_').upper()}"
            specs += self._action_spec(service, action, spec_name)
            body += self._method(mod, service, action, methods[action.name], spec_name)
        lines = [
            "",
            f"__all__ = [{_lit(name)}]",
            "",
            *specs,
            "",
            "",
            f"class {name}(Service):",
            f'    """The ``{service.name}`` service (wire id ``{service.id}``'
            f"{_plugin_note(service.plugin)}): one method per action, each returning a"
            ' :class:`~kaltura_async.Call`."""',
            "",
            "    __slots__ = ()",
            *body,
        ]
        doc = f"Calls of the ``{service.name}`` service, as ``client.{attribute}``."
        return "\n".join(mod.header(self.stamp, doc) + lines) + "\n"

    @staticmethod
    def _required(action: Action) -> list[str]:
        names = [_lit(p.name) for p in action.params if not p.optional]
        if not names:
            return []
        return [f"    required=({', '.join(names)}{',' if len(names) == 1 else ''}),"]

    def _action_spec(self, service: ServiceDef, action: Action, spec_name: str) -> list[str]:
        pairs = [f"({_lit(p.name)}, {_kind_src(self.param_kind(p))})" for p in action.params]
        params = ", ".join(pairs) + ("," if len(pairs) == 1 else "")
        return [
            f"{spec_name} = ActionSpec(",
            f"    {_lit(service.id)},",
            f"    {_lit(action.name)},",
            f"    params=({params}),",
            f"    result={_kind_src(self.result_kind(action))},",
            f"    safe={is_safe_action(action.name, serves_file=action.result.type == 'file')},",
            f"    multirequest={action.multirequest},",
            f"    update={action.name.startswith('update')},",
            *self._required(action),
            ")",
        ]

    def param_kind(self, param: Param) -> Kind:
        return self.kind(param.type, param.enum_type, param.array_type)

    def _method(
        self, mod: _Module, service: ServiceDef, action: Action, method: str, spec_name: str
    ) -> list[str]:
        args = self.plan.args[(service.id, action.name)]
        sig = ["self"]
        for i, p in enumerate(action.params):
            if i == 0 and _positional(p):
                pass
            elif i == 0 or (i == 1 and _positional(action.params[0])):
                sig.append("*")
            ann = mod.annotation(self.param_kind(p))
            sig.append(
                f"{args[p.name]}: {ann} | None = None" if p.optional else f"{args[p.name]}: {ann}"
            )
        result_kind = self.result_kind(action)
        result = mod.annotation(result_kind)
        doc = [f"``{service.name}.{action.name}``"]
        if result_kind is Kind.SERVE:
            doc[0] += ": the URL of this serve action, built without any I/O."
            doc.append("The URL carries the KS in its query string: treat it as a secret.")
        elif result_kind is Kind.VOID:
            doc[0] += ": returns nothing."
        else:
            doc[0] += f": returns ``{result}``."
        files = [args[p.name] for p in action.params if p.type == "file"]
        if files:
            doc.append(
                "Sent as multipart; file parameters: " + ", ".join(f"``{f}``" for f in files) + "."
            )
        defaults = [
            f"``{args[p.name]}={p.default}``"
            for p in action.params
            if p.optional and p.default not in (None, "null")
        ]
        if defaults:
            doc.append("Server defaults when omitted: " + ", ".join(defaults) + ".")
        if not action.multirequest:
            doc.append("Not allowed inside a multirequest.")
        mapping = ", ".join(f"{_lit(p.name)}: {args[p.name]}" for p in action.params)
        call_type = f"Call[{result}]"
        lines = [
            "",
            f"    def {method}(",
            *[f"        {s}," for s in sig],
            f"    ) -> {call_type}:",
        ]
        if len(doc) == 1:
            lines.append(f'        """{doc[0]}"""')
        else:
            lines.append(f'        """{doc[0]}')
            lines.append("")
            lines += [f"        {d}" for d in doc[1:]]
            lines.append('        """')
        lines.append(f"        return Call(self._client, {spec_name}, {{{mapping}}})")
        return lines


def _positional(param: Param) -> bool:
    """Only a leading required id may be passed by position (``client.media.get(eid)``):
    every other argument is keyword-only, so a schema release that adds or reorders
    parameters can never shift a positional call onto the wrong one."""
    return not param.optional and (param.name == "id" or param.name.endswith("Id"))


def _plugin_note(plugin: str | None) -> str:
    return "" if plugin is None else f" (plugin ``{plugin}``)"
