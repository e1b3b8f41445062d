"""Type mapping: a Go type at a schema site -> a model type with the site's
constraints.

Go decides the kind and its bounds (an ``int32`` stays within int32 whatever
the schema says); the schema narrows them.  Where the two disagree this stage
keeps Go's side and says nothing: the lint pass (``lint.py``) reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from . import golang
from .errors import GeneratorError
from .model import (
    AnyType,
    BoolType,
    BytesType,
    EnumType,
    IntType,
    Kind,
    ListType,
    MapType,
    ObjectType,
    StrType,
    StructType,
    TimeType,
    TypeRef,
)
from .schema import Node, Ref, translate_pattern
from .sources import Sources

# Go's sized integer types: (bits, signed).
INT_KINDS = {
    "int8": (8, True), "int16": (16, True), "int32": (32, True), "int64": (64, True),
    "uint8": (8, False), "uint16": (16, False), "uint32": (32, False),
    "uint64": (64, False), "byte": (8, False), "rune": (32, True),
}  # fmt: skip


def go_int_range(bits: int, signed: bool) -> tuple[int, int]:
    if signed:
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


# Kinds whose JSON null, as a list item or map value with no schema, Go decodes
# to the zero value (encoding/json ignores null for a non-pointer value).
NULL_ZERO_KINDS = (Kind.STR, Kind.INT, Kind.BOOL)


@dataclass(frozen=True)
class Mapped:
    """A Go type as the model sees it."""

    type: TypeRef
    # Go can hold nil here (pointer, slice, map, interface): the Python value
    # may be None, and Go's omitempty/omitzero test it against nil.
    nilable: bool


# Binds a struct at a schema site and returns the name of its decoder; the
# field-binding stage provides it (structs and their fields recurse).
BindStruct = Callable[[str, golang.GoStruct, Ref | None], str]


def null_ok(node: Node | None) -> bool:
    """Is JSON null accepted here?  Go decodes null into anything (nil, or a
    no-op for values); the schema allows it when it has no type restriction or
    lists null."""
    return node is None or node.nullable or node.types is None or "null" in node.types


class TypeMapper:
    def __init__(self, sources: Sources, bind_struct: BindStruct) -> None:
        self.src = sources
        self.schemas = sources.schemas
        self.bind_struct = bind_struct

    def str_type(self, node: Node | None, fmt: str | None = None) -> StrType:
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
                    v for v in self.src.known_strings if all(r.search(v) for r in rx)
                )
            )
        return StrType(patterns=patterns, enum=enum, format=fmt, known=known)

    @staticmethod
    def int_type(bits: int, signed: bool, node: Node | None) -> IntType:
        """The Go range narrowed by the schema's bounds that lie inside it."""
        lo, hi = go_int_range(bits, signed)
        if node is not None:
            low, high = node.minimum, node.maximum
            if isinstance(low, int) and lo < low <= hi:
                lo = low
            if isinstance(high, int) and lo <= high < hi:
                hi = high
        return IntType(bits=bits, signed=signed, minimum=lo, maximum=hi)

    def map(
        self, pkg_dir: str, gtype: golang.GoType, ref: Ref | None, pos: golang.Pos
    ) -> Mapped:
        """The model type of Go type ``gtype`` (declared in ``pkg_dir`` at ``pos``)
        bound at schema location ``ref``."""
        node = self.schemas.resolve(ref) if ref is not None else None
        kind = gtype.kind
        if kind == "pointer":
            assert gtype.elem is not None
            return Mapped(self.map(pkg_dir, gtype.elem, ref, pos).type, True)
        if kind == "interface":
            return Mapped(AnyType(node.types if node is not None else None), True)
        if kind == "struct":
            if gtype.fields:
                raise GeneratorError(pos.file, pos.line, "inline struct types are not supported")
            return Mapped(ObjectType(), False)
        if kind == "slice":
            assert gtype.elem is not None
            if gtype.elem.kind == "ident" and gtype.elem.name in ("byte", "uint8"):
                return Mapped(BytesType(), True)
            return Mapped(self.list_type(pkg_dir, gtype.elem, node, pos), True)
        if kind == "map":
            return Mapped(self.map_type(pkg_dir, gtype, node, pos), True)
        if kind == "array":
            raise GeneratorError(pos.file, pos.line, "Go arrays are not supported")
        if kind == "ident":
            name = gtype.name
            if name == "string":
                return Mapped(self.str_type(node), False)
            if name == "bool":
                return Mapped(BoolType(), False)
            if name in ("int", "uint"):
                return Mapped(self.int_type(self.src.cfg.int_bits, name == "int", node), False)
            if name in INT_KINDS:
                return Mapped(self.int_type(*INT_KINDS[name], node), False)
            if name in ("float32", "float64", "complex64", "complex128", "uintptr"):
                raise GeneratorError(pos.file, pos.line, f"Go type {name} is not supported")
        return self.named(pkg_dir, gtype, ref, node, pos)

    def list_type(
        self, pkg_dir: str, elem: golang.GoType, node: Node | None, pos: golang.Pos
    ) -> ListType:
        items = node.items if node is not None else None
        item = self.map(pkg_dir, elem, items, pos)
        item_node = self.schemas.resolve(items) if items is not None else None
        return ListType(
            item=item.type,
            min_items=node.min_items if node is not None else None,
            item_nullable=item.nilable and null_ok(item_node),
            item_null_zero=item_node is None and item.type.kind in NULL_ZERO_KINDS,
        )

    def map_type(
        self, pkg_dir: str, gtype: golang.GoType, node: Node | None, pos: golang.Pos
    ) -> MapType:
        assert gtype.key is not None and gtype.elem is not None
        if not (gtype.key.kind == "ident" and gtype.key.name == "string"):
            raise GeneratorError(pos.file, pos.line, f"map key {gtype.key} is not supported")
        value_ref, key_pattern = map_value(node, self.schemas.error)
        value = self.map(pkg_dir, gtype.elem, value_ref, pos)
        if key_pattern is not None:
            plain = self.map(pkg_dir, gtype.elem, None, pos)
            if plain.type != value.type:
                raise self.schemas.error(
                    node.path if node else "", "constrained patternProperties values are not supported"
                )
        value_node = self.schemas.resolve(value_ref) if value_ref is not None else None
        keyed = tuple(
            (prop_name, self.map(pkg_dir, gtype.elem, prop_ref, pos).type)
            for prop_name, prop_ref in (node.properties if node is not None else ())
        )
        return MapType(
            value=value.type,
            key_pattern=translate_pattern(key_pattern) if key_pattern else None,
            value_nullable=value.nilable and null_ok(value_node),
            value_null_zero=value_ref is None and value.type.kind in NULL_ZERO_KINDS,
            keyed=keyed,
            go_type=str(gtype),
        )

    def named(
        self,
        pkg_dir: str,
        gtype: golang.GoType,
        ref: Ref | None,
        node: Node | None,
        pos: golang.Pos,
    ) -> Mapped:
        """A declared type: external (mapping file), struct, enumeration, or a
        named type standing for its underlying type."""
        key = self.src.resolve_name(pkg_dir, gtype, pos)
        if isinstance(key, str):
            ext = self.src.external.get(key)
            if ext is None:
                raise GeneratorError(
                    pos.file,
                    pos.line,
                    f"unknown external type {gtype} ({key}): map it under [external] in "
                    f"{self.src.cfg.file}",
                )
            if ext.kind == "time":
                return Mapped(TimeType(), False)
            if ext.kind == "int":
                return Mapped(self.int_type(ext.bits, ext.signed, node), False)
            return Mapped(self.str_type(node, ext.format), False)
        t_pkg, t_name = key
        struct = self.src.find_struct(t_pkg, t_name)
        if struct is not None:
            decoder = self.bind_struct(t_pkg, struct, ref)
            return Mapped(StructType(t_name, self.src.module_of[t_pkg], decoder), False)
        named = self.src.find_named(t_pkg, t_name)
        if named is None:
            raise GeneratorError(pos.file, pos.line, f"unknown type {gtype}")
        consts = self.src.enum_consts(t_pkg, named)
        if consts:
            return Mapped(self.enum_type(t_pkg, named, consts, node), False)
        return self.map(t_pkg, named.underlying, ref, named.pos)

    def enum_type(
        self,
        pkg_dir: str,
        named: golang.GoNamedType,
        consts: list[golang.GoConst],
        node: Node | None,
    ) -> EnumType:
        base = self.str_type(node)
        values = [str(c.value) for c in consts]
        if base.enum is None:
            # No schema enum: the schema accepts any string.
            open_, narrowed = True, False
        else:
            open_ = any(v not in values for v in base.enum)
            narrowed = any(v not in base.enum for v in values)
        return EnumType(
            name=named.name,
            module=self.src.module_of[pkg_dir],
            base=base,
            open=open_,
            narrowed=narrowed,
        )


def map_value(
    node: Node | None, error: Callable[[str, str], GeneratorError]
) -> tuple[Ref | None, str | None]:
    """The schema of a map's values and, for patternProperties, the key pattern
    the schema applies it to."""
    if node is None:
        return None, None
    value_ref = node.additional_properties
    if node.pattern_properties:
        if len(node.pattern_properties) > 1 or value_ref is not None:
            raise error(node.path, "several property patterns are not supported")
        key_pattern, value_ref = node.pattern_properties[0]
        return value_ref, key_pattern
    return value_ref, None
