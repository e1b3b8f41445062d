"""Strict mode: the MUST rules of a spec's text that neither its JSON Schema nor
upstream's Go code checks, attached to the bound model as a pass.

``spec/<name>/strict.toml`` (one declarative, reviewable place per spec) holds
the rules and, for every other MUST / REQUIRED / SHALL of the vendored
markdown, why it is not one (strict_file.py reads it, strict_text.py checks it
against the vendored text).  This pass checks it against the bound model
(unknown type, field or kind, a field of the wrong type, a ``[[covered]]``
claim the schema does not make: GeneratorErrors with file and line) and
attaches the rules to ``model.Struct`` (``strict_rules``, ``strict_walk``,
``strict_document``); the templates turn them into straight-line
``_strict_<Type>`` functions.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Callable

from .model import (
    EnumType,
    Field,
    IntType,
    ListType,
    MapType,
    Module,
    Origin,
    Spec,
    StrictRule,
    StrictStep,
    StrType,
    Struct,
    StructType,
    TypeRef,
)
from .model import Kind as TypeKind
from .render import converts
from .strict_file import COMMON_KEYS, KINDS, RULE_ID, SECTION, Entry, StrictFile, load
from .strict_text import Catalogue, check_text, tables


def shape(t: TypeRef) -> str:
    """What a rule's member is, as strict.toml's kinds name it ("str", "list[str]")."""
    if isinstance(t, ListType):
        return f"list[{t.item.kind.value}]"
    return t.kind.value


def _is_int(t: TypeRef) -> bool:
    return t.kind == TypeKind.INT


def _is_str(t: TypeRef) -> bool:
    return isinstance(t, (StrType, EnumType))


def _is_plain_str(t: TypeRef) -> bool:
    return isinstance(t, StrType)


def _is_digest(t: TypeRef) -> bool:
    return isinstance(t, StrType) and t.format == "digest"


def _step(f: Field) -> StrictStep:
    return StrictStep(
        py_name=f.py_name,
        wire_name=f.wire_name,
        kind=f.type.kind,
        nullable=f.nullable,
        required=f.required,
    )


class _Binder:
    def __init__(self, sf: StrictFile, spec: Spec, cat: Catalogue | None) -> None:
        self.sf = sf
        self.spec = spec
        self.cat = cat
        self.by_go: dict[str, tuple[Module, Struct]] = {
            f"{m.go_package}.{s.go_name}": (m, s)
            for m in spec.modules
            for s in m.structs
        }
        self.by_py: dict[tuple[str, str], Struct] = {
            (m.name, s.py_name): s for m in spec.modules for s in m.structs
        }

    def member(self, struct: Struct, wire: str, entry: Entry, key: str) -> Field:
        for f in struct.fields:
            if f.wire_name == wire:
                return f
        names = ", ".join(f.wire_name for f in struct.fields)
        raise self.sf.error(
            entry.line_of(key),
            f"{key} {wire!r}: {struct.go_name} has no member {wire!r} ({names})",
        )

    def path(
        self, struct: Struct, path: str, entry: Entry, key: str
    ) -> tuple[Field, ...]:
        out: list[Field] = []
        current: Struct | None = struct
        for part in path.split("."):
            if current is None:
                raise self.sf.error(
                    entry.line_of(key),
                    f"{key} {path!r}: {out[-1].wire_name!r} is not a struct",
                )
            f = self.member(current, part, entry, key)
            out.append(f)
            t = f.type
            current = (
                self.by_py.get((t.module, t.name))
                if isinstance(t, StructType)
                else None
            )
        return tuple(out)

    def struct(self, type_name: str, entry: Entry, key: str) -> Struct:
        found = self.by_go.get(type_name)
        if found is None:
            raise self.sf.error(
                entry.line_of(key), f"no Go struct {type_name!r} in this spec"
            )
        return found[1]

    def text(self, entry: Entry, key: str) -> str:
        value = entry.values.get(key)
        if not isinstance(value, str) or not value:
            raise self.sf.error(entry.line_of(key), f"{key} must be a non-empty string")
        return value

    def strings(self, entry: Entry, key: str) -> tuple[str, ...]:
        value = entry.values.get(key)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) for v in value)
        ):
            raise self.sf.error(
                entry.line_of(key), f"{key} must be a non-empty list of strings"
            )
        return tuple(value)

    def flag(self, entry: Entry, key: str) -> bool:
        value = entry.values.get(key, False)
        if not isinstance(value, bool):
            raise self.sf.error(entry.line_of(key), f"{key} must be true or false")
        return value

    def claim(self, entry: Entry) -> None:
        """A [[covered]] entry's ``member`` has the constraint ``check`` names."""
        type_name, _, wire = self.text(entry, "member").rpartition(".")
        struct = self.struct(type_name, entry, "member")
        f = self.member(struct, wire, entry, "member")
        t = f.type.base if isinstance(f.type, EnumType) else f.type
        check = entry.val("check")
        holds = {
            "required": f.required,
            "enum": (isinstance(t, StrType) and t.enum is not None)
            or (isinstance(f.type, EnumType) and not f.type.open),
            "min-items": isinstance(t, ListType) and (t.min_items or 0) >= 1,
            # A bound of the schema's own, above the Go type's.
            "minimum": isinstance(t, IntType)
            and t.minimum is not None
            and t.minimum > (-(1 << (t.bits - 1)) if t.signed else 0),
            "pattern": isinstance(t, StrType) and bool(t.patterns),
            "format": isinstance(t, StrType) and t.format is not None,
        }[check]
        if not holds:
            raise self.sf.error(
                entry.line_of("check"),
                f"{struct.go_name}.{wire}: the bound schema does not make it {check} "
                f"(bound at {f.schema_path})",
            )

    def rule(self, entry: Entry) -> tuple[str, StrictRule]:
        sf = self.sf
        rule_id = self.text(entry, "id")
        if not RULE_ID.match(rule_id):
            raise sf.error(
                entry.line_of("id"), f"id {rule_id!r} is not lower-case-kebab"
            )
        kind_name = self.text(entry, "kind")
        spec_kind = KINDS.get(kind_name)
        if spec_kind is None:
            raise sf.error(
                entry.line_of("kind"),
                f"rule {rule_id}: unknown kind {kind_name!r} (one of {', '.join(KINDS)})",
            )
        fields = () if spec_kind.scope else ("field",)
        allowed = set(COMMON_KEYS) | set(fields) | {"note", "also"}
        allowed |= set(spec_kind.required) | set(spec_kind.optional)
        for key in entry.values:
            if key not in allowed:
                raise sf.error(
                    entry.line_of(key), f"rule {rule_id}: {kind_name} takes no {key!r}"
                )
        for key in spec_kind.required + fields:
            if key not in entry.values:
                raise sf.error(entry.line, f"rule {rule_id}: {kind_name} needs {key!r}")
        type_name = self.text(entry, "type")
        found = self.by_go.get(type_name)
        if found is None:
            raise sf.error(
                entry.line_of("type"),
                f"rule {rule_id}: no Go struct {type_name!r} in this spec",
            )
        _module, struct = found
        base = StrictRule(
            id=rule_id,
            kind=kind_name,
            member=None,
            message=self.text(entry, "message"),
            section=self.text(entry, "section"),
            origin=Origin(sf.file, entry.line),
        )
        if spec_kind.scope:
            return type_name, base
        field_path = self.text(entry, "field")
        if "." in field_path and kind_name not in ("required-if", "forbidden-if"):
            raise sf.error(
                entry.line_of("field"),
                f"rule {rule_id}: only required-if and forbidden-if take a path",
            )
        chain = self.path(struct, field_path, entry, "field")
        f = chain[-1]
        if spec_kind.shapes and shape(f.type) not in spec_kind.shapes:
            raise sf.error(
                entry.line_of("field"),
                f"rule {rule_id}: {kind_name} needs a {' or '.join(spec_kind.shapes)} member; "
                f"{f.wire_name} is {shape(f.type)}",
            )
        rule = replace(
            base, member=_step(f), parents=tuple(_step(p) for p in chain[:-1])
        )
        return type_name, self.specific(entry, rule, struct, f)

    def typed(
        self,
        struct: Struct,
        entry: Entry,
        key: str,
        ok: Callable[[TypeRef], bool],
        what: str,
    ) -> Field:
        """The member of struct that entry[key] names, whose type must be ``what``."""
        f = self.member(struct, self.text(entry, key), entry, key)
        if not ok(f.type):
            raise self.sf.error(
                entry.line_of(key), f"rule {entry.val('id')}: {key} must be {what}"
            )
        return f

    def specific(
        self, entry: Entry, rule: StrictRule, struct: Struct, f: Field
    ) -> StrictRule:
        """The keys of the rule's own kind."""
        sf, rule_id, kind_name = self.sf, rule.id, rule.kind
        if kind_name == "equals-if-present":
            return replace(rule, values=self.strings(entry, "values"))
        if kind_name == "one-of":
            return replace(rule, values=self.one_of(entry, rule_id))
        if kind_name == "pattern":
            regex = self.text(entry, "regex")
            try:
                re.compile(regex, re.ASCII)
            except re.error as e:
                raise sf.error(
                    entry.line_of("regex"), f"rule {rule_id}: bad regex: {e}"
                ) from None
            return replace(rule, values=(regex,))
        if kind_name == "required":
            if not (f.nullable or f.type.kind in (TypeKind.STR, TypeKind.ENUM)):
                raise sf.error(
                    entry.line_of("field"),
                    f"rule {rule_id}: {f.wire_name} ({f.go_type}) decodes an absent member "
                    "to a valid value: required cannot tell",
                )
            return rule
        if kind_name in ("required-if", "forbidden-if"):
            when = self.path(struct, self.text(entry, "when"), entry, "when")
            unset = self.flag(entry, "unset")
            rule = replace(rule, when=tuple(_step(w) for w in when), when_unset=unset)
            if "in" in entry.values:
                if unset:
                    raise sf.error(
                        entry.line_of("unset"),
                        f"rule {rule_id}: `in` or `unset`, not both",
                    )
                if not _is_str(when[-1].type):
                    raise sf.error(
                        entry.line_of("in"),
                        f"rule {rule_id}: `in` needs a string member",
                    )
                rule = replace(rule, when_in=self.strings(entry, "in"))
            return rule
        if kind_name == "not-lower-semver":
            other = self.typed(struct, entry, "than", _is_plain_str, "a string member")
            return replace(rule, other=_step(other))
        if kind_name == "not-less-than":
            other = self.typed(struct, entry, "than", _is_int, "an integer member")
            positive_only = self.flag(entry, "positive_only")
            return replace(rule, other=_step(other), positive_only=positive_only)
        if kind_name == "unique-items-by":
            assert isinstance(f.type, ListType) and isinstance(f.type.item, StructType)
            item = self.by_py[(f.type.item.module, f.type.item.name)]
            key = self.typed(item, entry, "key", _is_str, "a string member")
            return replace(rule, key=_step(key))
        if kind_name == "unique-keys":
            # The check finds the parsed dict by identity: the decoder must keep it.
            if converts(f.type):
                raise sf.error(
                    entry.line_of("field"),
                    f"rule {rule_id}: {f.wire_name} is decoded into a new dict; unique-keys "
                    "needs a map whose values are kept as parsed",
                )
            return rule
        if kind_name == "map-value-format":
            assert isinstance(f.type, MapType)
            if f.type.value.kind != TypeKind.STR:
                raise sf.error(
                    entry.line_of("field"),
                    f"rule {rule_id}: the map's values must be strings",
                )
            if self.text(entry, "format") != "date-time":
                raise sf.error(
                    entry.line_of("format"), f"rule {rule_id}: format must be date-time"
                )
            return replace(rule, map_key=self.text(entry, "key"), format="date-time")
        if kind_name == "data-matches-size-and-digest":
            size = self.typed(struct, entry, "size", _is_int, "an integer member")
            digest = self.typed(struct, entry, "digest", _is_digest, "a digest member")
            return replace(rule, other=_step(size), digest=_step(digest))
        if kind_name == "absolute-path":
            return replace(rule, windows=self.flag(entry, "windows"))
        return rule

    def one_of(self, entry: Entry, rule_id: str) -> tuple[str, ...]:
        """``values`` and the cells of the tables the rule names."""
        values = list(self.strings(entry, "values")) if "values" in entry.values else []
        if "enum" in entry.values:
            name = self.text(entry, "enum")
            enums = {
                f"{m.go_package}.{e.go_name}": e
                for m in self.spec.modules
                for e in m.enums
            }
            if name not in enums:
                raise self.sf.error(
                    entry.line_of("enum"), f"rule {rule_id}: no Go string type {name!r}"
                )
            values += [member.value for member in enums[name].members]
        if ("tables" in entry.values) != ("column" in entry.values):
            raise self.sf.error(
                entry.line, f"rule {rule_id}: tables and column go together"
            )
        if "tables" in entry.values:
            column = self.text(entry, "column")
            for section in self.strings(entry, "tables"):
                m = SECTION.match(section)
                if m is None:
                    raise self.sf.error(
                        entry.line_of("tables"), f"{section!r} is not file.md#anchor"
                    )
                text = self.cat.texts.get(m.group(1)) if self.cat else None
                if text is None:
                    raise self.sf.error(
                        entry.line_of("tables"),
                        f"rule {rule_id}: {m.group(1)} is not vendored",
                    )
                cells = tables(text, m.group(2), column)
                if not cells:
                    raise self.sf.error(
                        entry.line_of("tables"),
                        f"rule {rule_id}: {section} has no table with a column {column!r}",
                    )
                values += cells
        if not values:
            raise self.sf.error(
                entry.line, f"rule {rule_id}: one-of needs values or tables"
            )
        return tuple(dict.fromkeys(values))


def attach(spec: Spec, spec_dir: Path, display: str) -> Spec:
    """The spec with the rules of its strict.toml attached to its structs."""
    sf = load(spec_dir, display)
    if sf is None:
        return spec
    cat = check_text(sf)
    binder = _Binder(sf, spec, cat)
    for entry in sf.covered:
        if "member" in entry.values:
            binder.claim(entry)
    by_type: dict[str, list[StrictRule]] = {}
    seen: dict[str, int] = {}
    for entry in sf.rules:
        type_name, rule = binder.rule(entry)
        if rule.id in seen:
            raise sf.error(
                entry.line_of("id"), f"rule id {rule.id!r} also at line {seen[rule.id]}"
            )
        seen[rule.id] = entry.line
        by_type.setdefault(type_name, []).append(rule)
    structs = {
        f"{m.go_package}.{s.go_name}": (m, s) for m in spec.modules for s in m.structs
    }
    key_of = {(m.name, s.py_name): name for name, (m, s) in structs.items()}
    member_rules: dict[str, list[StrictRule]] = {}
    document: dict[str, list[StrictRule]] = {}
    for type_name, rules in by_type.items():
        for rule in rules:
            scope = KINDS[rule.kind].scope
            if scope == "document":
                document.setdefault(type_name, []).append(rule)
            elif scope == "struct":
                closed = _closure(spec, structs[type_name][1])
                _check_closed(sf, spec, rule, structs[type_name][1], closed)
                for key in closed:
                    member_rules.setdefault(key_of[key], []).append(rule)
            else:
                member_rules.setdefault(type_name, []).append(rule)
    ruled = {key for key, name in key_of.items() if name in member_rules}
    # Structs that lead to ruled structs, to a fixed point.
    walks: dict[tuple[str, str], tuple[str, ...]] = {}
    changed = True
    while changed:
        changed = False
        active = ruled | {k for k, v in walks.items() if v}
        for m in spec.modules:
            for s in m.structs:
                fields = tuple(
                    f.py_name
                    for f in s.fields
                    if (leaf := _leaf(f.type)) is not None
                    and (leaf.module, leaf.name) in active
                )
                if walks.get((m.name, s.py_name)) != fields:
                    walks[(m.name, s.py_name)] = fields
                    changed = True
    modules = []
    for m in spec.modules:
        new = tuple(
            replace(
                s,
                strict_rules=tuple(member_rules.get(f"{m.go_package}.{s.go_name}", ())),
                strict_walk=walks[(m.name, s.py_name)],
                strict_document=tuple(document.get(f"{m.go_package}.{s.go_name}", ())),
            )
            for s in m.structs
        )
        modules.append(replace(m, structs=new))
    return replace(spec, modules=tuple(modules))


def _leaf(t: TypeRef) -> StructType | None:
    while isinstance(t, (ListType, MapType)):
        t = t.item if isinstance(t, ListType) else t.value
    return t if isinstance(t, StructType) else None


def _closure(spec: Spec, root: Struct) -> list[tuple[str, str]]:
    """The struct and every struct below it, (module, class) in walk order."""
    by_py = {(m.name, s.py_name): s for m in spec.modules for s in m.structs}
    out = [(root.module, root.py_name)]
    for key in out:
        for f in by_py[key].fields:
            leaf = _leaf(f.type)
            if leaf is not None and (leaf.module, leaf.name) not in out:
                out.append((leaf.module, leaf.name))
    return out


def _check_closed(
    sf: StrictFile,
    spec: Spec,
    rule: StrictRule,
    root: Struct,
    closed: list[tuple[str, str]],
) -> None:
    """A rule on every struct below a type holds only if no other document uses them."""
    inside = set(closed)
    for m in spec.modules:
        for s in m.structs:
            if (m.name, s.py_name) in inside:
                continue
            for f in s.fields:
                leaf = _leaf(f.type)
                if leaf is not None and (leaf.module, leaf.name) in inside:
                    raise sf.error(
                        rule.origin.line,
                        f"rule {rule.id}: {leaf.name} is below {root.go_name} and also used by "
                        f"{s.go_name}.{f.wire_name}; the rule would reach that document too",
                    )


def walked(s: Struct) -> bool:
    """Does strict mode have anything to check in values of this struct?"""
    return bool(s.strict_rules or s.strict_walk)
