"""Lint: where the Go types and the JSON Schemas disagree, and where the Go
types and the spec text do as the mapping file declares ([[text_differences]]).

A pass over the bound model.  It walks the schema sites in the order the
binder bound them (the mapping file's roots depth first, then every struct no
root reaches, without a schema) and compares, at each, what the model took
from Go with what the schema says.  Every finding says what the generated code
does about the disagreement.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import spectext
from .config import Config
from .errors import GeneratorError
from .model import (
    Decoder,
    EnumType,
    Field,
    Finding,
    IntType,
    ListType,
    MapType,
    Spec,
    Struct,
    StructType,
    TypeRef,
)
from .schema import Node, Ref, Schemas
from .types import go_int_range, map_value


class _Linter:
    def __init__(self, spec: Spec, schemas: Schemas) -> None:
        self.schemas = schemas
        self.findings: list[Finding] = []
        self.structs = {(m.name, s.py_name): s for m in spec.modules for s in m.structs}
        self.decoders = {(m.name, d.name): d for m in spec.modules for d in m.decoders}
        self.enum_values = {
            (m.name, e.py_name): tuple(member.value for member in e.members)
            for m in spec.modules
            for e in m.enums
        }
        self.visited: set[tuple[str, str, str | None]] = set()  # module, struct, site
        self.visited_structs: set[tuple[str, str]] = set()

    def add(self, code: str, where: str, message: str, origin: str) -> None:
        finding = Finding(code, where, message, origin)
        if finding not in self.findings:
            self.findings.append(finding)

    def decoder_at(self, module: str, struct: str, path: str | None) -> Decoder:
        for (mod, _), d in self.decoders.items():
            if mod == module and d.struct == struct and path in d.sites:
                return d
        raise KeyError((module, struct, path))

    def resolve(self, ref: Ref | None) -> Node | None:
        return self.schemas.resolve(ref) if ref is not None else None

    # -- a struct at a schema site ----------------------------------------------

    def site(self, module: str, decoder: Decoder, node: Node | None) -> None:
        struct = self.structs[(module, decoder.struct)]
        if node is not None and node.types is not None and "object" not in node.types:
            self.add(
                "type-mismatch",
                struct.go_name,
                f"Go struct bound to a schema of type {'/'.join(node.types)}",
                node.path,
            )
        key = (module, decoder.struct, node.path if node is not None else None)
        if key in self.visited:
            return
        self.visited.add(key)
        self.visited_structs.add((module, decoder.struct))
        for go_name, origin in struct.hidden:
            self.add(
                "go-ambiguous-field",
                f"{struct.go_name}.{go_name}",
                "several embedded fields share this JSON name; encoding/json drops all",
                origin.file,
            )
        for f in decoder.fields:
            self.field(module, struct, f, node)
        if node is not None:
            wires = {f.wire_name.upper() for f in decoder.fields}
            for wire, _ref in node.properties:
                if wire.upper() not in wires:
                    self.add(
                        "schema-only-property",
                        f"{struct.go_name}.{wire}",
                        f"schema property {wire!r} has no Go field; it is kept as an unknown field",
                        f"{node.path}/properties/{wire}",
                    )

    def field(self, module: str, struct: Struct, f: Field, node: Node | None) -> None:
        where = f"{struct.go_name}.{f.wire_name}"
        member = node.member(f.wire_name) if node is not None else None
        prop = member[1] if member is not None else None
        prop_node = self.resolve(prop)
        if member is not None and member[0] != f.wire_name:
            self.add(
                "case-only-name",
                where,
                f"schema spells the member {member[0]!r}, Go's tag {f.wire_name!r}; Go decodes "
                "either spelling (case-insensitive match), the schema's constraints apply, "
                "and it is written as Go spells it",
                prop_node.path if prop_node is not None else node.path if node else "",
            )
        if node is not None and prop is None and node.properties:
            self.add(
                "go-only-field",
                where,
                f"Go field {f.go_name} ({f.origin}) has no schema property here; only Go's type applies",
                node.path,
            )
        self.type(module, f.type, prop_node, where)
        if prop_node is not None and prop_node.types is not None:
            expected = f.type.kind.json_type
            if expected and expected not in prop_node.types and not (
                expected == "integer" and "number" in prop_node.types
            ):
                self.add(
                    "type-mismatch",
                    where,
                    f"Go {f.go_type} but schema type {'/'.join(prop_node.types)}",
                    prop_node.path,
                )
        if f.corrected is not None:
            self.add(
                "schema-corrected",
                where,
                f"the mapping file makes it {'required' if f.required else 'optional'} against "
                f"the schema: {f.corrected}",
                str(f.origin),
            )
        if f.required and f.omit != "never" and f.nullable:
            self.add(
                "required-omitted-when-nil",
                where,
                f"schema requires {f.wire_name!r} but Go omits it when nil ({f.go_type} "
                "with omitempty); a value Go writes from nil fails the schema",
                str(f.origin),
            )
        if f.required and f.omit != "never" and not f.nullable:
            self.add(
                "required-omitempty",
                where,
                f"schema requires {f.wire_name!r} but Go omits its zero value "
                f"({'omitzero' if f.omit == 'zero' else 'omitempty'})",
                str(f.origin),
            )
        if isinstance(f.type, ListType) and f.type.min_items and f.omit == "never" and f.nullable:
            self.add(
                "min-items",
                where,
                f"schema requires at least {f.type.min_items} item(s); Go accepts and "
                "writes an empty or null list",
                prop_node.path if prop_node else str(f.origin),
            )
        # omitzero (Go 1.24) leaves a zero struct value out, as an optional member.
        if node is not None and not f.required and isinstance(f.type, StructType) and not f.nullable and f.omit != "zero":
            self.add(
                "value-struct-optional",
                where,
                "schema makes it optional but Go always writes this struct value",
                str(f.origin),
            )

    # -- types, in the order the type mapping visits them ---------------------------

    def type(self, module: str, t: TypeRef, node: Node | None, where: str) -> None:
        if isinstance(t, ListType):
            self.type(module, t.item, self.resolve(node.items if node else None), where + "[]")
        elif isinstance(t, MapType):
            value_ref, key_pattern = map_value(node, self.schemas.error)
            self.type(module, t.value, self.resolve(value_ref), where + "{}")
            if key_pattern is not None:
                self.type(module, t.value, None, where + "{}")  # the keys the pattern misses
            props = node.properties if node is not None else ()
            for (name, keyed), (_, ref) in zip(t.keyed, props):
                self.type(module, keyed, self.resolve(ref), f"{where}.{name}")
            if t.keyed:
                assert node is not None
                self.add(
                    "map-fixed-keys",
                    where,
                    f"Go {t.go_type} but the schema lists keys {', '.join(k for k, _ in t.keyed)}; "
                    "those keys get the schema's constraints, other keys Go's type only",
                    node.path,
                )
        elif isinstance(t, StructType):
            self.site(t.module, self.decoders[(t.module, t.decoder)], node)
        elif isinstance(t, EnumType):
            self.enum(t, node, where)
        elif isinstance(t, IntType) and node is not None:
            self.bounds(t, node, where)

    def enum(self, t: EnumType, node: Node | None, where: str) -> None:
        if node is None:
            return
        values = self.enum_values[(t.module, t.name)]
        if t.base.enum is not None:
            extra = [v for v in t.base.enum if v not in values]
            missing = [v for v in values if v not in t.base.enum]
            if extra:
                self.add(
                    "enum-schema-only",
                    where,
                    f"schema accepts {', '.join(extra)} which {t.name} has no constant for",
                    node.path,
                )
            if missing:
                self.add(
                    "enum-go-only",
                    where,
                    f"{t.name} constants {', '.join(missing)} are not in the schema enum; "
                    "the schema applies",
                    node.path,
                )
        elif not t.base.patterns:
            self.add(
                "enum-open",
                where,
                f"schema has no enum for {t.name}; values beyond its "
                f"{len(values)} constants are accepted",
                node.path,
            )

    def bounds(self, t: IntType, node: Node, where: str) -> None:
        lo, hi = go_int_range(t.bits, t.signed)
        go = "int" if t.signed else "uint"
        for name, bound in (("minimum", node.minimum), ("maximum", node.maximum)):
            if bound is None:
                continue
            if isinstance(bound, float) or not lo <= bound <= hi:
                self.add(
                    "bound-beyond-go",
                    where,
                    f"schema {name} {bound} lies outside {go}{t.bits} "
                    f"[{lo}, {hi}]; the Go bound applies",
                    node.path,
                )
            elif name == "minimum":
                lo = max(lo, bound)
            else:
                hi = min(hi, bound)


def run(spec: Spec, schemas: Schemas, roots: Iterable[tuple[str, str]]) -> tuple[Finding, ...]:
    """The findings for a bound spec; ``roots`` are the mapping file's
    (schema file, "pkgdir.Type") pairs, in binding order."""
    linter = _Linter(spec, schemas)
    module_of = {m.go_package: m.name for m in spec.modules}
    for schema_file, type_ref in roots:
        pkg_dir, _, name = type_ref.rpartition(".")
        node = schemas.resolve(schemas.root(schema_file))
        module = module_of[pkg_dir]
        linter.site(module, linter.decoder_at(module, name, node.path), node)
    for m in spec.modules:
        for s in m.structs:
            if (m.name, s.py_name) not in linter.visited_structs:
                linter.site(m.name, linter.decoder_at(m.name, s.py_name, None), None)
    for code, where, message in schemas.defects():
        effect = {
            "schema-dangling-ref": "where a Go type meets it, only the Go type applies",
            "schema-tuple-items": "where a Go slice meets it, every item is checked against it",
        }[code]
        linter.add(code, where, f"{message}; {effect}", where)
    return tuple(linter.findings)


def text_differences(spec: Spec, cfg: Config, spec_dir: Path) -> tuple[Finding, ...]:
    """The mapping file's [[text_differences]] as findings, each checked: its
    type and member exist, and its quote stands in the cited section of the
    vendored markdown (so a spec update that changes the text stops generate)."""
    structs = {
        f"{m.go_package}.{s.go_name}": s for m in spec.modules for s in m.structs
    }
    texts: dict[str, spectext.Text] = {}
    out: list[Finding] = []
    for d in cfg.text_differences:

        def error(message: str) -> GeneratorError:
            return GeneratorError(cfg.file, d.line, f"text difference: {message}")

        struct = structs.get(d.type)
        if struct is None:
            raise error(f"no Go struct {d.type!r} in this spec")
        go = f"Go {struct.go_name}"
        where = struct.go_name
        if d.member is not None:
            field = next((f for f in struct.fields if f.wire_name == d.member), None)
            if field is None:
                raise error(f"{struct.go_name} has no member {d.member!r}")
            go = f"Go {field.go_name} {field.go_type}"
            where = f"{struct.go_name}.{d.member}"
        name, _, anchor = d.section.partition("#")
        if name not in texts:
            path = spec_dir / name
            if not path.is_file():
                raise error(f"section {d.section}: no file {name} in the spec folder")
            texts[name] = spectext.read(path, name)
        sections = texts[name].section(anchor)
        if sections is None:
            raise error(f"section {d.section}: no such heading in {name}")
        if not spectext.find(sections, d.quote):
            raise error(f"the quote is not in {d.section}: {d.quote!r}")
        out.append(
            Finding(
                "go-text-difference",
                where,
                f'{go}; {d.section} says "{spectext.shown(d.quote)}"; {d.decision}',
                f"{cfg.file}:{d.line}",
            )
        )
    return tuple(out)


def text_findings(spec: Spec) -> tuple[Finding, ...]:
    """Where the spec text says more than the schema: members its strict rules
    make REQUIRED that the schema leaves optional (strict mode checks them).
    A pass over the model once strict.py has attached the rules."""
    out: list[Finding] = []
    for m in spec.modules:
        for s in m.structs:
            for r in s.strict_rules:
                if r.kind == "required" and r.member is not None and not r.member.required:
                    wire = r.member.wire_name
                    field = next((f for f in s.fields if f.wire_name == wire), None)
                    # A spec without schemas (or a Go-only member): Go's decoding alone.
                    schemaless = field is not None and field.schema_path is None
                    schema = "no schema describes it" if schemaless else "the schema does not"
                    out.append(
                        Finding(
                            "text-required",
                            f"{s.go_name}.{wire}",
                            f"the text makes it REQUIRED, {schema}; strict mode "
                            f"checks it (rule {r.id})",
                            r.section,
                        )
                    )
    return tuple(out)
