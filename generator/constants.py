"""Constants: Go ``const`` declarations as Python constants and enumerations,
package-level composite literals as values, and the spec version.

Enumerations are the named string types that have constants (``type Arch
string`` with ``ArchX86_64 Arch = "SCMP_ARCH_X86_64"``); every other typed or
untyped constant with a known value becomes a module constant.
"""

from __future__ import annotations

import re

from . import golang, names
from .errors import GeneratorError
from .model import Constant, Enum, EnumMember, Origin, StructValue
from .sources import Sources

Value = str | int | bool | bytes


def origin(pos: golang.Pos) -> Origin:
    return Origin(pos.file, pos.line)


def enums(src: Sources, pkg_dir: str) -> tuple[Enum, ...]:
    out = []
    for t in src.packages[pkg_dir].named_types:
        consts = src.enum_consts(pkg_dir, t)
        if not consts:
            continue
        out.append(
            Enum(
                go_name=t.name,
                py_name=t.name,
                module=src.module_of[pkg_dir],
                doc=t.doc,
                origin=origin(t.pos),
                members=tuple(
                    EnumMember(
                        py_name=names.enum_member(t.name, c.name),
                        go_name=c.name,
                        value=str(c.value),
                        doc=c.doc,
                        deprecated=c.deprecated,
                    )
                    for c in consts
                ),
            )
        )
    return tuple(out)


def constants(src: Sources, pkg_dir: str, enum_names: set[str]) -> tuple[Constant, ...]:
    """Constants with a value that are not members of an enumeration, package
    variables initialised with a literal (``var ErrRegistry = "..."``), and the
    constants the mapping file declares from the spec text."""
    pkg = src.packages[pkg_dir]
    out = [
        Constant(
            go_name=c.name,
            py_name=names.upper_snake(c.name),
            value=c.value,
            doc=c.doc or c.group_doc,
            deprecated=c.deprecated,
            origin=origin(c.pos),
        )
        for c in pkg.consts
        if c.value is not None and c.type_name not in enum_names
    ]
    out += [
        Constant(
            go_name=v.name,
            py_name=names.upper_snake(v.name),
            value=v.value.value,
            doc=v.doc,
            deprecated=v.deprecated,
            origin=origin(v.pos),
        )
        for v in pkg.vars
        if isinstance(v.value, golang.GoLit) and v.name[:1].isupper()
    ]
    out += [
        Constant(
            go_name=t.name,
            py_name=names.upper_snake(t.name),
            value=t.value,
            doc=f"{t.doc}\n\nFrom the spec text: {t.section}." if t.doc else f"From the spec text: {t.section}.",
            deprecated=None,
            origin=Origin(src.cfg.file, t.line),
        )
        for t in src.cfg.text_constants
        if t.package == pkg_dir
    ]
    return tuple(out)


def values(
    src: Sources, pkg_dir: str, attributes: dict[str, dict[str, str]]
) -> tuple[StructValue, ...]:
    """Package variables initialised with a struct literal (``DescriptorEmptyJSON``);
    ``attributes`` gives each struct's Python attribute per Go field."""
    return tuple(
        struct_value(src, pkg_dir, v, attributes)
        for v in src.packages[pkg_dir].vars
        if isinstance(v.value, golang.GoComposite)
    )


def struct_value(
    src: Sources, pkg_dir: str, var: golang.GoVar, attributes: dict[str, dict[str, str]]
) -> StructValue:
    lit = var.value
    assert isinstance(lit, golang.GoComposite)
    if lit.type is None or lit.type.kind != "ident":
        raise GeneratorError(var.pos.file, var.pos.line, "only struct literals are supported")
    struct = src.find_struct(pkg_dir, lit.type.name)
    if struct is None:
        raise GeneratorError(var.pos.file, var.pos.line, f"unknown struct {lit.type.name}")
    consts = {c.name: c.value for c in src.packages[pkg_dir].consts}
    by_go = attributes.get(struct.name, {})
    members: list[tuple[str, Value]] = []
    for key, expr in lit.elements:
        if key is None or key not in by_go:
            raise GeneratorError(expr.pos.file, expr.pos.line, f"unsupported element in {var.name}")
        members.append((by_go[key], evaluate(expr, consts)))
    return StructValue(
        go_name=var.name,
        py_name=names.upper_snake(var.name),
        struct=struct.name,
        values=tuple(members),
        doc=var.doc,
        origin=origin(var.pos),
    )


def evaluate(expr: golang.GoExpr, consts: dict[str, str | int | bool | None]) -> Value:
    """A literal, a constant of the package, or ``[]byte("...")``."""
    if isinstance(expr, golang.GoLit):
        return expr.value
    if isinstance(expr, golang.GoIdent) and not expr.package:
        value = consts.get(expr.name)
        if value is not None:
            return value
    if isinstance(expr, golang.GoConversion) and str(expr.type) == "[]byte":
        inner = evaluate(expr.arg, consts)
        if isinstance(inner, str):
            return inner.encode("utf-8")
    raise GeneratorError(expr.pos.file, expr.pos.line, "cannot evaluate expression")


VERSION_FIELD = re.compile(r"\{(\w+)\}")


def version_constants(src: Sources) -> tuple[str, ...]:
    """The Go constants the mapping file's version format names."""
    return tuple(VERSION_FIELD.findall(src.cfg.version_format))


def version(src: Sources) -> str:
    """The spec version: the mapping file's format with each ``{Name}`` replaced
    by that Go constant of the version package."""
    consts = {c.name: c.value for c in src.packages[src.cfg.version_package].consts}
    for name in version_constants(src):
        if consts.get(name) is None:
            raise src.config_error(
                "version =", f"version constant {name} not found in {src.cfg.version_package}"
            )
    return VERSION_FIELD.sub(lambda m: str(consts[m.group(1)]), src.cfg.version_format)
