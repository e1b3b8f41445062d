"""Field binding: Go structs at schema sites -> the model's structs, decoders
and modules.

Go decides the shape (fields, wire names, omit rules, Go types and their
bounds); the schema adds constraints per *site*: the same Go struct used at two
schema locations with different constraints gets two decoders.  Type mapping is
``types.py``, constants ``constants.py``; where Go and the schema disagree is
the lint pass's business (``lint.py``), run over the bound model afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from . import constants, golang, lint, names
from .errors import GeneratorError
from .model import (
    Decoder,
    EnumType,
    Field,
    ListType,
    Module,
    ObjectType,
    Omit,
    Spec,
    StrType,
    Struct,
    StructType,
    TimeType,
    TypeRef,
    walk,
)
from .schema import Node, Ref, translate_pattern
from .sources import Sources
from .types import Mapped, TypeMapper, null_ok


@dataclass(frozen=True)
class Flat:
    """A field as encoding/json sees it, after promoting embedded structs' fields."""

    field: golang.GoField
    pkg: str  # package dir the field was declared in
    depth: int  # embedding depth (0: declared in the struct itself)


def wire_name(f: golang.GoField) -> str:
    return f.json_name or f.name


def flatten(
    src: Sources, pkg_dir: str, struct: golang.GoStruct, depth: int = 0
) -> tuple[list[Flat], list[golang.GoField]]:
    """The fields encoding/json encodes for ``struct``, and the fields it drops
    because several embedded fields share their JSON name (Go's dominant-field
    rule: the shallowest wins; a tie between tagged and untagged goes to the
    tagged one; any other tie hides the name)."""
    out: list[Flat] = []
    for f in struct.fields:
        if f.json_skip:
            continue
        target = f.type.elem if f.type.kind == "pointer" and f.type.elem else f.type
        if f.embedded and f.json_name is None and target.kind in ("ident", "qualified"):
            key = src.resolve_name(pkg_dir, target, f.pos)
            inner = src.find_struct(*key) if isinstance(key, tuple) else None
            if inner is not None:
                if f.type.kind == "pointer":
                    raise GeneratorError(
                        f.pos.file, f.pos.line, "embedded pointer structs are not supported"
                    )
                assert isinstance(key, tuple)
                out.extend(flatten(src, key[0], inner, depth + 1)[0])
                continue
        if not f.exported:
            continue  # encoding/json ignores unexported fields
        out.append(Flat(f, pkg_dir, depth))
    by_name: dict[str, list[Flat]] = {}
    for flat in out:
        by_name.setdefault(wire_name(flat.field), []).append(flat)
    keep: list[Flat] = []
    hidden: list[golang.GoField] = []
    for flat in out:
        rivals = by_name[wire_name(flat.field)]
        best = min(r.depth for r in rivals)
        top = [r for r in rivals if r.depth == best]
        winners = [r for r in top if r.field.json_name is not None] or top
        if len(winners) == 1 and winners[0] is flat:
            keep.append(flat)
        elif len(winners) > 1 and flat is winners[0]:
            hidden.append(flat.field)
    return keep, hidden


def omit_rule(f: golang.GoField, mapped: Mapped) -> Omit:
    """The json tag's omit rule.  With both omitempty and omitzero Go omits a
    value that either rule omits: that is omitzero for a struct value and for
    a pointer to time.Time (omitempty never omits a struct; omitzero also
    omits a pointer to the zero time) and omitempty for every other kind (an
    empty value includes the zero one)."""
    empty, zero = "omitempty" in f.json_options, "omitzero" in f.json_options
    if empty and zero:
        t = mapped.type
        is_struct = isinstance(t, (StructType, ObjectType)) and not mapped.nilable
        return "zero" if is_struct or isinstance(t, TimeType) else "empty"
    return "empty" if empty else "zero" if zero else "never"


def zero_method(
    src: Sources, pkg_dir: str, gtype: golang.GoType, pos: golang.Pos, seen: frozenset[str] = frozenset()
) -> str | None:
    """Where the spec gives ``gtype`` (or its pointer) an ``IsZero`` method, its
    own or promoted from an embedded field: Go's omitzero calls it, and its
    body cannot be translated.  None when there is none.  An external type is
    taken to have none, except time.Time (the renderer knows its IsZero)."""
    t = gtype.elem if gtype.kind == "pointer" and gtype.elem is not None else gtype
    if t.kind not in ("ident", "qualified"):
        return None
    key = src.resolve_name(pkg_dir, t, pos)
    if isinstance(key, str):
        ext = src.external.get(key)
        return f"{t} (time.Time's IsZero)" if ext is not None and ext.kind == "time" else None
    t_pkg, name = key
    if f"{t_pkg}.{name}" in seen:
        return None
    for m in src.packages[t_pkg].methods:
        if m.receiver == name and m.name == "IsZero":
            return f"{name}.IsZero at {m.pos.file}:{m.pos.line}"
    struct = src.find_struct(t_pkg, name)
    for f in struct.fields if struct is not None else ():
        if f.embedded:  # methods are promoted whatever the json tag says
            found = zero_method(src, t_pkg, f.type, f.pos, seen | {f"{t_pkg}.{name}"})
            if found is not None:
                return f"{found}, promoted through {name}.{f.name}"
    return None


class Binder:
    """Binds every struct reachable from the mapping file's root schemas (and
    every other struct, without a schema) into decoders, then assembles modules."""

    def __init__(self, src: Sources) -> None:
        self.src = src
        self.schemas = src.schemas
        self.types = TypeMapper(src, self.bind_struct)
        self.decoders: dict[str, list[Decoder]] = {}  # "pkg.Type" -> decoders
        self.decoder_sites: dict[tuple[str, str | None], str] = {}
        self.in_progress: set[tuple[str, str | None]] = set()
        self.rules = {(r.type, r.field): r for r in src.cfg.rules}
        self.used_rules: set[tuple[str, str]] = set()
        self.corrections = {(c.type, c.member): c for c in src.cfg.corrections}
        self.used_corrections: set[tuple[str, str]] = set()

    def bind_struct(self, pkg_dir: str, struct: golang.GoStruct, ref: Ref | None) -> str:
        """The name of the decoder for ``struct`` at schema site ``ref``."""
        node = self.schemas.resolve(ref) if ref is not None else None
        key = f"{pkg_dir}.{struct.name}"
        site = (key, node.path if node is not None else None)
        if site in self.decoder_sites:
            return self.decoder_sites[site]
        if site in self.in_progress:
            raise GeneratorError(struct.pos.file, struct.pos.line, f"recursive type {struct.name}")
        self.in_progress.add(site)
        fields = self.bind_fields(pkg_dir, struct, node)
        self.in_progress.discard(site)
        existing = self.decoders.setdefault(key, [])
        for i, dec in enumerate(existing):
            if dec.fields == fields:
                existing[i] = replace(dec, sites=dec.sites + (site[1],))
                self.decoder_sites[site] = dec.name
                return dec.name
        name = names.decoder(struct.name, len(existing) + 1)
        existing.append(
            Decoder(name=name, struct=struct.name, fields=fields, schema_path=site[1], sites=(site[1],))
        )
        self.decoder_sites[site] = name
        return name

    def bind_fields(
        self, pkg_dir: str, struct: golang.GoStruct, node: Node | None
    ) -> tuple[Field, ...]:
        fields: list[Field] = []
        seen_py: dict[str, str] = {}
        flats = flatten(self.src, pkg_dir, struct)[0]
        for flat in flats:
            f = flat.field
            wire = wire_name(f)
            member = node.member(wire) if node is not None else None
            spelled, prop = member if member is not None else (wire, None)
            prop_node = self.schemas.resolve(prop) if prop is not None else None
            mapped = self.types.map(flat.pkg, f.type, prop, f.pos)
            mtype = self.apply_rule(f"{flat.pkg}.{struct.name}", f, mapped.type)
            omit = omit_rule(f, mapped)
            if omit == "zero" and not isinstance(mtype, TimeType):
                method = zero_method(self.src, flat.pkg, f.type, f.pos)
                if method is not None:
                    raise GeneratorError(
                        f.pos.file,
                        f.pos.line,
                        f"omitzero on {f.type}: encoding/json asks its IsZero method ({method}),"
                        " whose body ocigen cannot translate",
                    )
            if "string" in f.json_options:
                raise GeneratorError(f.pos.file, f.pos.line, "json ,string option is not supported")
            if isinstance(mtype, TimeType) and not mapped.nilable:
                raise GeneratorError(f.pos.file, f.pos.line, "time.Time values (not pointers) are not supported")
            try:
                py = names.attribute(wire)
            except ValueError as e:
                raise GeneratorError(f.pos.file, f.pos.line, str(e)) from None
            if py in seen_py:
                raise GeneratorError(
                    f.pos.file,
                    f.pos.line,
                    f"Python attribute {py!r} of member {wire!r} is also that of {seen_py[py]!r}",
                )
            seen_py[py] = wire
            required = node is not None and spelled in node.required
            correction = self.corrections.get((f"{pkg_dir}.{struct.name}", wire))
            if correction is not None and node is not None:
                self.used_corrections.add((correction.type, correction.member))
                required = correction.required
            fields.append(
                Field(
                    go_name=f.name,
                    py_name=py,
                    wire_name=wire,
                    type=mtype,
                    omit=omit,
                    nullable=mapped.nilable,
                    required=required,
                    null_ok=null_ok(prop_node) if node is not None else True,
                    doc=f.doc,
                    deprecated=f.deprecated,
                    platforms=f.platforms,
                    origin=constants.origin(f.pos),
                    go_type=str(f.type),
                    schema_path=prop_node.path if prop_node else None,
                    corrected=correction.reason if correction is not None and node is not None else None,
                )
            )
        if node is not None:
            wires = {wire_name(flat.field).upper() for flat in flats}
            for wire in node.required:
                if wire.upper() not in wires:
                    raise self.schemas.error(
                        node.path, f"required property {wire!r} has no Go field in {struct.name}"
                    )
        return tuple(fields)

    def apply_rule(self, type_key: str, f: golang.GoField, mtype: TypeRef) -> TypeRef:
        """A Go-side check of the mapping file's [[rules]] (upstream's validator)
        added to the items of a list of strings."""
        rule = self.rules.get((type_key, f.name))
        if rule is None:
            return mtype
        self.used_rules.add((rule.type, rule.field))
        if not isinstance(mtype, ListType) or not isinstance(mtype.item, StrType):
            where = f"{type_key.rpartition('.')[2]}.{wire_name(f)}"
            raise self.src.config_error(rule.type, f"rule for {where}: not a list of strings")
        pattern = translate_pattern(rule.items_pattern)
        return replace(mtype, item=replace(mtype.item, patterns=mtype.item.patterns + (pattern,)))

    # -- the whole spec ----------------------------------------------------------

    def run(self) -> Spec:
        roots: dict[tuple[str, str], str] = {}
        for schema_file, type_ref in self.src.cfg.roots:
            pkg_dir, name = self.src.type_key(type_ref)
            struct = self.src.find_struct(pkg_dir, name)
            assert struct is not None
            self.bind_struct(pkg_dir, struct, self.schemas.root(schema_file))
            roots[(pkg_dir, name)] = schema_file
        # Every struct gets a class, reachable from a schema or not.
        for pkg_dir, pkg in self.src.packages.items():
            for struct in pkg.structs:
                if f"{pkg_dir}.{struct.name}" not in self.decoders:
                    self.bind_struct(pkg_dir, struct, None)
        for c in self.src.cfg.corrections:
            if (c.type, c.member) not in self.used_corrections:
                raise GeneratorError(
                    self.src.cfg.file, c.line, f"correction for {c.type}.{c.member} matches no field at a schema site"
                )
        for type_key, field_name in self.rules:
            if (type_key, field_name) not in self.used_rules:
                raise self.src.config_error(
                    type_key, f"rule for {type_key}.{field_name} matches no field"
                )
        return Spec(
            name=self.src.cfg.name,
            version=constants.version(self.src),
            package=self.src.cfg.python,
            modules=tuple(self.module(pkg_dir, roots) for pkg_dir, _ in self.src.cfg.packages),
            version_constants=constants.version_constants(self.src),
        )

    def canonical(self, key: str, root: bool) -> Decoder:
        """The decoder a class's from_json uses: its root schema's, else the
        first with a schema, else the only one."""
        decs = self.decoders[key]
        if root:
            return decs[0]
        with_schema = [d for d in decs if d.schema_path is not None]
        return (with_schema or decs)[0]

    def module(self, pkg_dir: str, roots: dict[tuple[str, str], str]) -> Module:
        pkg = self.src.packages[pkg_dir]
        name = self.src.module_of[pkg_dir]
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
                    origin=constants.origin(s.pos),
                    fields=canon.fields,
                    decoder=canon.name,
                    root_schema=roots.get((pkg_dir, s.name)),
                    hidden=tuple(
                        (f.name, constants.origin(f.pos))
                        for f in flatten(self.src, pkg_dir, s)[1]
                    ),
                )
            )
            decoders.append(canon)
            decoders.extend(d for d in self.decoders[key] if d is not canon)
        enums = constants.enums(self.src, pkg_dir)
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
            enums=enums,
            constants=constants.constants(self.src, pkg_dir, {e.go_name for e in enums}),
            values=constants.values(
                self.src, pkg_dir, {s.py_name: {f.go_name: f.py_name for f in s.fields} for s in structs}
            ),
            imports=tuple(imports),
        )


def build(spec_dir: Path, display: str) -> Spec:
    """Load, bind and lint one vendored spec."""
    src = Sources(spec_dir, display)
    spec = Binder(src).run()
    findings = lint.run(spec, src.schemas, src.cfg.roots)
    findings += lint.text_differences(spec, src.cfg, spec_dir)
    return replace(spec, findings=findings)
