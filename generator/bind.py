"""Bind Go declarations and schema nodes into the model, and report where they
disagree.

Go decides the shape (fields, wire names, omit rules, Go types and their
bounds); the schema adds constraints per *site*: the same Go struct used at two
schema locations with different constraints gets two decoders.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, replace
from pathlib import Path

from . import config as config_mod
from . import golang
from .errors import GeneratorError
from .model import (
    AnyType,
    BoolType,
    BytesType,
    Constant,
    Decoder,
    Enum,
    EnumMember,
    EnumType,
    Field,
    Finding,
    IntType,
    ListType,
    MapType,
    Module,
    ObjectType,
    Omit,
    Origin,
    Spec,
    StrType,
    Struct,
    StructType,
    StructValue,
    TimeType,
    TypeRef,
    walk,
)
from .schema import Node, Ref, Schemas, translate_pattern

RESERVED = frozenset(
    {"from_json", "from_dict", "to_json", "to_dict", "validate", "unknown_fields"}
)

_INT_KINDS = {
    "int8": (8, True), "int16": (16, True), "int32": (32, True), "int64": (64, True),
    "uint8": (8, False), "uint16": (16, False), "uint32": (32, False),
    "uint64": (64, False), "byte": (8, False), "rune": (32, True),
}  # fmt: skip
_JSON_TYPE = {
    StrType: "string", EnumType: "string", IntType: "integer", BoolType: "boolean",
    BytesType: "string", TimeType: "string", ListType: "array", MapType: "object",
    StructType: "object", ObjectType: "object",
}  # fmt: skip

_WORD = re.compile(r"[A-Z]{2,}s(?=[A-Z]|$)|[A-Z]+\d*(?=[A-Z][a-z]|$)|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+")


def snake(name: str) -> str:
    """Go MixedCaps to snake_case, keeping initialisms whole (DiffIDs -> diff_ids)."""
    words = [w for part in name.split("_") for w in _WORD.findall(part)]
    if "".join(words) != name.replace("_", ""):
        raise ValueError(f"cannot split Go name {name!r}")
    out = "_".join(w.lower() for w in words)
    return out + "_" if keyword.iskeyword(out) or out in RESERVED else out


def upper_snake(name: str) -> str:
    return snake(name).rstrip("_").upper()


def _origin(pos: golang.Pos) -> Origin:
    return Origin(pos.file, pos.line)


@dataclass(frozen=True)
class _Flat:
    field: golang.GoField
    pkg: str  # package dir the field was declared in
    depth: int
    via: str | None  # embedded struct it was promoted from


class Binder:
    def __init__(self, spec_dir: Path, display: str) -> None:
        self.cfg = config_mod.load(spec_dir, display)
        self.spec_dir = spec_dir
        self.display = display
        self.packages: dict[str, golang.GoPackage] = {}
        for pkg_dir, _module in self.cfg.packages:
            directory = spec_dir / pkg_dir
            if not directory.is_dir():
                raise GeneratorError(
                    self.cfg.file,
                    config_mod.line_of(spec_dir, f'"{pkg_dir}"'),
                    f"Go package directory {pkg_dir!r} does not exist",
                )
            self.packages[pkg_dir] = golang.read_package(directory, f"{display}/{pkg_dir}")
        self.module_of = dict(self.cfg.packages)
        self.external = dict(self.cfg.external)
        self.schemas = Schemas(spec_dir / "schema", f"{display}/schema")
        self.findings: list[Finding] = []
        self.decoders: dict[str, list[Decoder]] = {}  # "pkg.Type" -> decoders
        self.decoder_sites: dict[tuple[str, str | None], str] = {}
        self.in_progress: set[tuple[str, str | None]] = set()
        self.rules = {(r.type, r.field): r for r in self.cfg.rules}
        self.used_rules: set[tuple[str, str]] = set()
        self.known_strings = tuple(
            c.value
            for pkg in self.packages.values()
            for c in pkg.consts
            if isinstance(c.value, str) and c.value
        )

    # -- lookups --------------------------------------------------------------

    def lint(self, code: str, where: str, message: str, origin: str) -> None:
        finding = Finding(code, where, message, origin)
        if finding not in self.findings:
            self.findings.append(finding)

    def resolve_name(
        self, pkg_dir: str, gtype: golang.GoType, pos: golang.Pos
    ) -> tuple[str, str] | str:
        """(package dir, name) of a spec-declared type, or an external key."""
        if gtype.kind == "ident":
            return pkg_dir, gtype.name
        pkg = self.packages[pkg_dir]
        path = dict(pkg.imports).get(gtype.package)
        if path is None:
            raise GeneratorError(pos.file, pos.line, f"unknown package {gtype.package!r}")
        prefix = self.cfg.module + "/"
        if path.startswith(prefix) and path[len(prefix) :] in self.packages:
            return path[len(prefix) :], gtype.name
        return f"{path}.{gtype.name}"

    def find_struct(self, pkg_dir: str, name: str) -> golang.GoStruct | None:
        for s in self.packages[pkg_dir].structs:
            if s.name == name:
                return s
        return None

    def find_named(self, pkg_dir: str, name: str) -> golang.GoNamedType | None:
        for t in self.packages[pkg_dir].named_types:
            if t.name == name:
                return t
        return None

    def type_key(self, ref: str) -> tuple[str, str]:
        pkg_dir, _, name = ref.rpartition(".")
        if pkg_dir not in self.packages:
            raise GeneratorError(
                self.cfg.file,
                config_mod.line_of(self.spec_dir, ref),
                f"{ref!r}: no Go package {pkg_dir!r} in [packages]",
            )
        if self.find_struct(pkg_dir, name) is None:
            raise GeneratorError(
                self.cfg.file,
                config_mod.line_of(self.spec_dir, ref),
                f"{ref!r}: no struct {name!r} in {pkg_dir}",
            )
        return pkg_dir, name

    # -- struct flattening (encoding/json's embedded-field rules) -------------

    def flatten(self, pkg_dir: str, struct: golang.GoStruct, depth: int = 0) -> list[_Flat]:
        out: list[_Flat] = []
        for f in struct.fields:
            if f.json_skip:
                continue
            target = f.type.elem if f.type.kind == "pointer" and f.type.elem else f.type
            if f.embedded and f.json_name is None and target.kind in ("ident", "qualified"):
                key = self.resolve_name(pkg_dir, target, f.pos)
                inner = self.find_struct(*key) if isinstance(key, tuple) else None
                if inner is not None:
                    if f.type.kind == "pointer":
                        raise GeneratorError(
                            f.pos.file, f.pos.line, "embedded pointer structs are not supported"
                        )
                    assert isinstance(key, tuple)
                    for sub in self.flatten(key[0], inner, depth + 1):
                        out.append(replace(sub, via=sub.via or f.name))
                    continue
            if not f.name[:1].isupper():
                continue  # unexported: encoding/json ignores it
            out.append(_Flat(f, pkg_dir, depth, None))
        # Go's dominant-field rule: the shallowest wins; a tie between tagged and
        # untagged goes to the tagged one; any other tie hides the name.
        by_name: dict[str, list[_Flat]] = {}
        for flat in out:
            by_name.setdefault(flat.field.json_name or flat.field.name, []).append(flat)
        keep: list[_Flat] = []
        for flat in out:
            rivals = by_name[flat.field.json_name or flat.field.name]
            best = min(r.depth for r in rivals)
            top = [r for r in rivals if r.depth == best]
            tagged = [r for r in top if r.field.json_name is not None]
            winners = tagged if tagged else top
            if len(winners) == 1 and winners[0] is flat:
                keep.append(flat)
            elif depth == 0 and len(winners) > 1 and flat is winners[0]:
                self.lint(
                    "go-ambiguous-field",
                    f"{struct.name}.{flat.field.name}",
                    "several embedded fields share this JSON name; encoding/json drops all",
                    str(flat.field.pos.file),
                )
        return keep

    # -- types ----------------------------------------------------------------

    def str_type(self, node: Node | None, where: str, fmt: str | None = None) -> StrType:
        patterns: tuple[str, ...] = ()
        enum = None
        if node is not None:
            if node.pattern is not None:
                try:
                    patterns = (translate_pattern(node.pattern),)
                except re.error as e:
                    raise self.schemas.error(node.path, f"bad pattern: {e}") from None
            if node.enum is not None:
                enum = tuple(str(v) for v in node.enum)
            fmt = fmt or node.format
        known: tuple[str, ...] = ()
        if patterns:
            rx = [re.compile(p, re.ASCII) for p in patterns]
            known = tuple(
                dict.fromkeys(
                    v for v in self.known_strings if all(r.search(v) for r in rx)
                )
            )
        return StrType(patterns=patterns, enum=enum, format=fmt, known=known)

    def int_type(self, bits: int, signed: bool, node: Node | None, where: str, origin: str) -> IntType:
        lo = -(1 << (bits - 1)) if signed else 0
        hi = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
        go = "int" if signed else "uint"
        if node is not None:
            for name, bound in (("minimum", node.minimum), ("maximum", node.maximum)):
                if bound is None:
                    continue
                if isinstance(bound, float) or not lo <= bound <= hi:
                    self.lint(
                        "bound-beyond-go",
                        where,
                        f"schema {name} {bound} lies outside {go}{bits} "
                        f"[{lo}, {hi}]; the Go bound applies",
                        node.path,
                    )
                    continue
                if name == "minimum" and bound > lo:
                    lo = int(bound)
                if name == "maximum" and bound < hi:
                    hi = int(bound)
        return IntType(bits=bits, signed=signed, minimum=lo, maximum=hi)

    def go_type(
        self,
        pkg_dir: str,
        gtype: golang.GoType,
        ref: Ref | None,
        where: str,
        pos: golang.Pos,
    ) -> tuple[TypeRef, bool]:
        """The model type of a Go type at a schema site, and whether Go can hold nil."""
        node = self.schemas.resolve(ref) if ref is not None else None
        kind = gtype.kind
        if kind == "pointer":
            assert gtype.elem is not None
            inner, _ = self.go_type(pkg_dir, gtype.elem, ref, where, pos)
            return inner, True
        if kind == "interface":
            return AnyType(node.types if node is not None else None), True
        if kind == "struct":
            if gtype.fields:
                raise GeneratorError(pos.file, pos.line, "inline struct types are not supported")
            return ObjectType(), False
        if kind == "slice":
            assert gtype.elem is not None
            if gtype.elem.kind == "ident" and gtype.elem.name in ("byte", "uint8"):
                return BytesType(), True
            items = node.items if node is not None else None
            item, item_nil = self.go_type(pkg_dir, gtype.elem, items, where + "[]", pos)
            item_node = self.schemas.resolve(items) if items is not None else None
            return (
                ListType(
                    item=item,
                    min_items=node.min_items if node is not None else None,
                    item_nullable=item_nil and _null_ok(item_node),
                ),
                True,
            )
        if kind == "map":
            assert gtype.key is not None and gtype.elem is not None
            if not (gtype.key.kind == "ident" and gtype.key.name == "string"):
                raise GeneratorError(pos.file, pos.line, f"map key {gtype.key} is not supported")
            value_ref: Ref | None = None
            key_pattern = None
            if node is not None:
                if node.additional_properties is not None:
                    value_ref = node.additional_properties
                if node.pattern_properties:
                    if len(node.pattern_properties) > 1 or value_ref is not None:
                        raise self.schemas.error(node.path, "several property patterns are not supported")
                    key_pattern, value_ref = node.pattern_properties[0]
            value, value_nil = self.go_type(pkg_dir, gtype.elem, value_ref, where + "{}", pos)
            if key_pattern is not None:
                plain, _ = self.go_type(pkg_dir, gtype.elem, None, where + "{}", pos)
                if plain != value:
                    raise self.schemas.error(
                        node.path if node else "", "constrained patternProperties values are not supported"
                    )
            value_node = self.schemas.resolve(value_ref) if value_ref is not None else None
            keyed: list[tuple[str, TypeRef]] = []
            if node is not None and node.properties:
                for prop_name, prop_ref in node.properties:
                    keyed_type, _ = self.go_type(pkg_dir, gtype.elem, prop_ref, f"{where}.{prop_name}", pos)
                    keyed.append((prop_name, keyed_type))
                self.lint(
                    "map-fixed-keys",
                    where,
                    f"Go {gtype} but the schema lists keys {', '.join(k for k, _ in keyed)}; "
                    "those keys get the schema's constraints, other keys Go's type only",
                    node.path,
                )
            return (
                MapType(
                    value=value,
                    key_pattern=translate_pattern(key_pattern) if key_pattern else None,
                    value_nullable=value_nil and _null_ok(value_node),
                    keyed=tuple(keyed),
                ),
                True,
            )
        if kind == "array":
            raise GeneratorError(pos.file, pos.line, "Go arrays are not supported")
        # ident or qualified
        if kind == "ident":
            name = gtype.name
            if name == "string":
                return self.str_type(node, where), False
            if name == "bool":
                return BoolType(), False
            if name in ("int", "uint"):
                return self.int_type(self.cfg.int_bits, name == "int", node, where, str(pos)), False
            if name in _INT_KINDS:
                bits, signed = _INT_KINDS[name]
                return self.int_type(bits, signed, node, where, str(pos)), False
            if name in ("float32", "float64", "complex64", "complex128", "uintptr"):
                raise GeneratorError(pos.file, pos.line, f"Go type {name} is not supported")
        key = self.resolve_name(pkg_dir, gtype, pos)
        if isinstance(key, str):
            ext = self.external.get(key)
            if ext is None:
                raise GeneratorError(
                    pos.file,
                    pos.line,
                    f"unknown external type {gtype} ({key}): map it under [external] in "
                    f"{self.cfg.file}",
                )
            if ext.kind == "time":
                return TimeType(), False
            if ext.kind == "int":
                return self.int_type(ext.bits, ext.signed, node, where, str(pos)), False
            return self.str_type(node, where, ext.format), False
        t_pkg, t_name = key
        struct = self.find_struct(t_pkg, t_name)
        if struct is not None:
            decoder = self.bind_struct(t_pkg, struct, ref)
            return StructType(t_name, self.module_of[t_pkg], decoder), False
        named = self.find_named(t_pkg, t_name)
        if named is None:
            raise GeneratorError(pos.file, pos.line, f"unknown type {gtype}")
        members = [c for c in self.packages[t_pkg].consts if c.type_name == t_name]
        if members and named.underlying.kind == "ident" and named.underlying.name == "string":
            return self.enum_type(t_pkg, named, members, node, where), False
        return self.go_type(t_pkg, named.underlying, ref, where, named.pos)

    def enum_type(
        self,
        pkg_dir: str,
        named: golang.GoNamedType,
        members: list[golang.GoConst],
        node: Node | None,
        where: str,
    ) -> EnumType:
        base = self.str_type(node, where)
        values = [str(c.value) for c in members]
        open_ = True
        narrowed = False
        if base.enum is not None:
            extra = [v for v in base.enum if v not in values]
            missing = [v for v in values if v not in base.enum]
            open_ = bool(extra)
            narrowed = bool(missing)
            if extra:
                self.lint(
                    "enum-schema-only",
                    where,
                    f"schema accepts {', '.join(extra)} which {named.name} has no constant for",
                    node.path if node else "",
                )
            if missing:
                self.lint(
                    "enum-go-only",
                    where,
                    f"{named.name} constants {', '.join(missing)} are not in the schema enum; "
                    "the schema applies",
                    node.path if node else "",
                )
        elif not base.patterns and node is not None:
            # No schema enum: the schema accepts any string, so the enum stays open.
            self.lint(
                "enum-open",
                where,
                f"schema has no enum for {named.name}; values beyond its "
                f"{len(values)} constants are accepted",
                node.path if node else str(named.pos.file),
            )
        return EnumType(
            name=named.name,
            module=self.module_of[pkg_dir],
            base=base,
            open=open_,
            narrowed=narrowed,
        )

    # -- structs ---------------------------------------------------------------

    def bind_struct(self, pkg_dir: str, struct: golang.GoStruct, ref: Ref | None) -> str:
        node = self.schemas.resolve(ref) if ref is not None else None
        if node is not None and node.types is not None and "object" not in node.types:
            self.lint(
                "type-mismatch",
                struct.name,
                f"Go struct bound to a schema of type {'/'.join(node.types)}",
                node.path,
            )
        site = (f"{pkg_dir}.{struct.name}", node.path if node is not None else None)
        if site in self.decoder_sites:
            return self.decoder_sites[site]
        if site in self.in_progress:
            raise GeneratorError(struct.pos.file, struct.pos.line, f"recursive type {struct.name}")
        self.in_progress.add(site)
        fields = self.bind_fields(pkg_dir, struct, node)
        self.in_progress.discard(site)
        existing = self.decoders.setdefault(site[0], [])
        for dec in existing:
            if dec.fields == fields:
                self.decoder_sites[site] = dec.name
                return dec.name
        name = f"_dec_{struct.name}" + (f"_{len(existing) + 1}" if existing else "")
        existing.append(
            Decoder(name=name, struct=struct.name, fields=fields, schema_path=site[1])
        )
        self.decoder_sites[site] = name
        return name

    def bind_fields(
        self, pkg_dir: str, struct: golang.GoStruct, node: Node | None
    ) -> tuple[Field, ...]:
        flats = self.flatten(pkg_dir, struct)
        fields: list[Field] = []
        seen_py: dict[str, str] = {}
        wire_names = set()
        for flat in flats:
            f = flat.field
            wire = f.json_name or f.name
            wire_names.add(wire)
            where = f"{struct.name}.{wire}"
            prop = node.prop(wire) if node is not None else None
            prop_node = self.schemas.resolve(prop) if prop is not None else None
            if node is not None and prop is None and node.properties:
                self.lint(
                    "go-only-field",
                    where,
                    f"Go field {f.name} ({f.pos}) has no schema property here; only Go's type applies",
                    node.path,
                )
            mtype, nullable = self.go_type(flat.pkg, f.type, prop, where, f.pos)
            rule = self.rules.get((f"{flat.pkg}.{struct.name}", f.name))
            if rule is not None:
                self.used_rules.add((rule.type, rule.field))
                if not isinstance(mtype, ListType) or not isinstance(mtype.item, StrType):
                    raise GeneratorError(self.cfg.file, 0, f"rule for {where}: not a list of strings")
                item = replace(mtype.item, patterns=mtype.item.patterns + (translate_pattern(rule.items_pattern),))
                mtype = replace(mtype, item=item)
            if prop_node is not None and prop_node.types is not None:
                expected = _JSON_TYPE.get(type(mtype))
                if expected and expected not in prop_node.types and not (
                    expected == "integer" and "number" in prop_node.types
                ):
                    self.lint(
                        "type-mismatch",
                        where,
                        f"Go {f.type} but schema type {'/'.join(prop_node.types)}",
                        prop_node.path,
                    )
            omit: Omit = "never"
            if "omitempty" in f.json_options:
                omit = "empty"
            elif "omitzero" in f.json_options:
                omit = "zero"
            if "string" in f.json_options:
                raise GeneratorError(f.pos.file, f.pos.line, "json ,string option is not supported")
            required = node is not None and wire in node.required
            if required and omit != "never" and not nullable:
                self.lint(
                    "required-omitempty",
                    where,
                    f"schema requires {wire!r} but Go omits its zero value (omitempty)",
                    str(f.pos),
                )
            if isinstance(mtype, ListType) and mtype.min_items and omit == "never" and nullable:
                self.lint(
                    "min-items",
                    where,
                    f"schema requires at least {mtype.min_items} item(s); Go accepts and "
                    "writes an empty or null list",
                    prop_node.path if prop_node else str(f.pos),
                )
            if (
                node is not None
                and not required
                and isinstance(mtype, StructType)
                and not nullable
            ):
                self.lint(
                    "value-struct-optional",
                    where,
                    "schema makes it optional but Go always writes this struct value",
                    str(f.pos),
                )
            if isinstance(mtype, TimeType) and not nullable:
                raise GeneratorError(f.pos.file, f.pos.line, "time.Time values (not pointers) are not supported")
            py = snake(f.name)
            if py in seen_py:
                raise GeneratorError(
                    f.pos.file, f.pos.line, f"Python name {py!r} also used by {seen_py[py]}"
                )
            seen_py[py] = f.name
            fields.append(
                Field(
                    go_name=f.name,
                    py_name=py,
                    wire_name=wire,
                    type=mtype,
                    omit=omit,
                    nullable=nullable,
                    required=required,
                    null_ok=_null_ok(prop_node) if node is not None else True,
                    doc=f.doc,
                    deprecated=f.deprecated,
                    platforms=f.platforms,
                    origin=_origin(f.pos),
                    go_type=str(f.type),
                    schema_path=prop_node.path if prop_node else None,
                )
            )
        if node is not None:
            for wire, _ref in node.properties:
                if wire not in wire_names:
                    self.lint(
                        "schema-only-property",
                        f"{struct.name}.{wire}",
                        f"schema property {wire!r} has no Go field; it is kept as an unknown field",
                        f"{node.path}/properties/{wire}",
                    )
            for wire in node.required:
                if wire not in wire_names:
                    raise self.schemas.error(
                        node.path, f"required property {wire!r} has no Go field in {struct.name}"
                    )
        return tuple(fields)

    # -- the whole spec ----------------------------------------------------------

    def version(self) -> str:
        consts = {c.name: c.value for c in self.packages[self.cfg.version_package].consts}
        try:
            return "{}.{}.{}{}".format(
                consts["VersionMajor"], consts["VersionMinor"], consts["VersionPatch"], consts["VersionDev"]
            )
        except KeyError as e:
            raise GeneratorError(
                f"{self.display}/{self.cfg.version_package}", 0, f"version constant {e} not found"
            ) from None

    def run(self) -> Spec:
        roots: dict[tuple[str, str], str] = {}
        for schema_file, type_ref in self.cfg.roots:
            pkg_dir, name = self.type_key(type_ref)
            struct = self.find_struct(pkg_dir, name)
            assert struct is not None
            self.bind_struct(pkg_dir, struct, self.schemas.root(schema_file))
            roots[(pkg_dir, name)] = schema_file
        # Every struct gets a class, reachable from a schema or not.
        for pkg_dir, pkg in self.packages.items():
            for struct in pkg.structs:
                if f"{pkg_dir}.{struct.name}" not in self.decoders:
                    self.bind_struct(pkg_dir, struct, None)
        for key in self.rules:
            if key not in self.used_rules:
                raise GeneratorError(self.cfg.file, 0, f"rule for {key[0]}.{key[1]} matches no field")
        modules = [self.module(pkg_dir, roots) for pkg_dir, _ in self.cfg.packages]
        return Spec(
            name=self.cfg.name,
            version=self.version(),
            package=self.cfg.python,
            modules=tuple(modules),
            findings=tuple(self.findings),
        )

    def canonical(self, key: str, root: bool) -> Decoder:
        decs = self.decoders[key]
        if root:
            return decs[0]
        with_schema = [d for d in decs if d.schema_path is not None]
        return (with_schema or decs)[0]

    def module(self, pkg_dir: str, roots: dict[tuple[str, str], str]) -> Module:
        pkg = self.packages[pkg_dir]
        name = self.module_of[pkg_dir]
        structs: list[Struct] = []
        decoders: list[Decoder] = []
        for s in pkg.structs:
            key = f"{pkg_dir}.{s.name}"
            canon = self.canonical(key, (pkg_dir, s.name) in roots)
            structs.append(
                Struct(
                    go_name=s.name,
                    py_name=s.name,
                    module=name,
                    doc=s.doc,
                    deprecated=s.deprecated,
                    origin=_origin(s.pos),
                    fields=canon.fields,
                    decoder=canon.name,
                    root_schema=roots.get((pkg_dir, s.name)),
                )
            )
            decoders.append(canon)
            decoders.extend(d for d in self.decoders[key] if d is not canon)
        enums: list[Enum] = []
        for t in pkg.named_types:
            members = [c for c in pkg.consts if c.type_name == t.name]
            if not members or not (t.underlying.kind == "ident" and t.underlying.name == "string"):
                continue
            enums.append(
                Enum(
                    go_name=t.name,
                    py_name=t.name,
                    module=name,
                    doc=t.doc,
                    origin=_origin(t.pos),
                    members=tuple(
                        EnumMember(
                            py_name=_member_name(t.name, c.name),
                            go_name=c.name,
                            value=str(c.value),
                            doc=c.doc,
                            deprecated=c.deprecated,
                        )
                        for c in members
                    ),
                )
            )
        enum_names = {e.go_name for e in enums}
        constants = tuple(
            Constant(
                go_name=c.name,
                py_name=upper_snake(c.name),
                value=c.value,
                doc=c.doc or c.group_doc,
                deprecated=c.deprecated,
                origin=_origin(c.pos),
            )
            for c in pkg.consts
            if c.value is not None and c.type_name not in enum_names
        )
        values = tuple(self.struct_value(pkg_dir, v) for v in pkg.vars if isinstance(v.value, golang.GoComposite))
        imports = sorted(
            {
                t.module
                for d in decoders
                for f in d.fields
                for t in walk(f.type)
                if isinstance(t, (StructType, EnumType)) and t.module != name
            }
        )
        return Module(
            name=name,
            go_package=pkg_dir,
            doc=pkg.doc,
            structs=tuple(structs),
            decoders=tuple(decoders),
            enums=tuple(enums),
            constants=constants,
            values=values,
            imports=tuple(imports),
        )

    def struct_value(self, pkg_dir: str, var: golang.GoVar) -> StructValue:
        lit = var.value
        assert isinstance(lit, golang.GoComposite)
        if lit.type is None or lit.type.kind != "ident":
            raise GeneratorError(var.pos.file, var.pos.line, "only struct literals are supported")
        struct = self.find_struct(pkg_dir, lit.type.name)
        if struct is None:
            raise GeneratorError(var.pos.file, var.pos.line, f"unknown struct {lit.type.name}")
        consts = {c.name: c.value for c in self.packages[pkg_dir].consts}
        by_go = {f.name: f for f in struct.fields}
        values: list[tuple[str, str | int | bool | bytes]] = []
        for key, expr in lit.elements:
            if key is None or key not in by_go:
                raise GeneratorError(expr.pos.file, expr.pos.line, f"unsupported element in {var.name}")
            values.append((snake(key), _eval(expr, consts)))
        return StructValue(
            go_name=var.name,
            py_name=upper_snake(var.name),
            struct=struct.name,
            values=tuple(values),
            doc=var.doc,
            origin=_origin(var.pos),
        )


def _eval(expr: golang.GoExpr, consts: dict[str, str | int | bool | None]) -> str | int | bool | bytes:
    if isinstance(expr, golang.GoLit):
        return expr.value
    if isinstance(expr, golang.GoIdent) and not expr.package:
        value = consts.get(expr.name)
        if value is not None:
            return value
    if isinstance(expr, golang.GoConversion) and str(expr.type) == "[]byte":
        inner = _eval(expr.arg, consts)
        if isinstance(inner, str):
            return inner.encode("utf-8")
    raise GeneratorError(expr.pos.file, expr.pos.line, "cannot evaluate expression")


def _member_name(type_name: str, const: str) -> str:
    name = upper_snake(const)
    prefix = upper_snake(type_name) + "_"
    if name.startswith(prefix) and name[len(prefix) :][:1].isalpha():
        return name[len(prefix) :]
    return name


def _null_ok(node: Node | None) -> bool:
    # Go decodes null into anything (nil, or a no-op for values); the schema
    # allows it when it has no type restriction or lists null.
    return node is None or node.nullable or node.types is None or "null" in node.types


def build(spec_dir: Path, display: str) -> Spec:
    return Binder(spec_dir, display).run()
