"""Constants: Go ``const`` declarations as Python constants and enumerations,
package-level composite literals as values, and the spec version.

Enumerations are the named string types that have constants (``type Arch
string`` with ``ArchX86_64 Arch = "SCMP_ARCH_X86_64"``); every other typed or
untyped constant with a known value becomes a module constant.
"""

from __future__ import annotations

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
    """Constants with a value that are not members of an enumeration."""
    return tuple(
        Constant(
            go_name=c.name,
            py_name=names.upper_snake(c.name),
            value=c.value,
            doc=c.doc or c.group_doc,
            deprecated=c.deprecated,
            origin=origin(c.pos),
        )
        for c in src.packages[pkg_dir].consts
        if c.value is not None and c.type_name not in enum_names
    )


def values(src: Sources, pkg_dir: str) -> tuple[StructValue, ...]:
    """Package variables initialised with a struct literal (``DescriptorEmptyJSON``)."""
    return tuple(
        struct_value(src, pkg_dir, v)
        for v in src.packages[pkg_dir].vars
        if isinstance(v.value, golang.GoComposite)
    )


def struct_value(src: Sources, pkg_dir: str, var: golang.GoVar) -> StructValue:
    lit = var.value
    assert isinstance(lit, golang.GoComposite)
    if lit.type is None or lit.type.kind != "ident":
        raise GeneratorError(var.pos.file, var.pos.line, "only struct literals are supported")
    struct = src.find_struct(pkg_dir, lit.type.name)
    if struct is None:
        raise GeneratorError(var.pos.file, var.pos.line, f"unknown struct {lit.type.name}")
    consts = {c.name: c.value for c in src.packages[pkg_dir].consts}
    by_go = {f.name: f for f in struct.fields}
    members: list[tuple[str, Value]] = []
    for key, expr in lit.elements:
        if key is None or key not in by_go:
            raise GeneratorError(expr.pos.file, expr.pos.line, f"unsupported element in {var.name}")
        members.append((names.snake(key), evaluate(expr, consts)))
    return StructValue(
        go_name=var.name,
        py_name=names.snake(var.name),  # a function returning a new value each call
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


def version(src: Sources) -> str:
    """``VersionMajor.VersionMinor.VersionPatch`` + ``VersionDev`` of the version package."""
    consts = {c.name: c.value for c in src.packages[src.cfg.version_package].consts}
    try:
        return "{}.{}.{}{}".format(
            consts["VersionMajor"], consts["VersionMinor"], consts["VersionPatch"], consts["VersionDev"]
        )
    except KeyError as e:
        raise GeneratorError(
            f"{src.display}/{src.cfg.version_package}", 0, f"version constant {e} not found"
        ) from None
