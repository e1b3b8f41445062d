"""Render the model with jinja2 and format with black: {relative path: text}.

Templates lay code out; the small pure filters below decide names, Python
types and defaults.  Nothing here reads Go or schema files.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import os
import re
from pathlib import Path
from typing import Any, Callable

import black
from black.mode import TargetVersion
import jinja2

from .errors import GeneratorError
from .model import (
    AnyType,
    BoolType,
    BytesType,
    EnumType,
    Field,
    IntType,
    ListType,
    MapType,
    Module,
    ObjectType,
    Spec,
    StrType,
    Struct,
    StructType,
    TimeType,
    TypeRef,
    walk,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PACKAGE = "oci_spec"
BLACK_MODE = black.Mode(
    target_versions={TargetVersion.PY310}, line_length=88, magic_trailing_comma=True
)

_KINDS: dict[type, str] = {
    StrType: "str", EnumType: "enum", IntType: "int", BoolType: "bool",
    BytesType: "bytes", TimeType: "time", AnyType: "any", ObjectType: "object",
    StructType: "struct", ListType: "list", MapType: "map",
}  # fmt: skip
_JSON_NAMES = {
    "str": "string", "enum": "string", "int": "integer", "bool": "boolean",
    "bytes": "string", "time": "string", "any": "value", "object": "object",
    "struct": "object", "list": "array", "map": "object",
}  # fmt: skip


def kind(t: TypeRef) -> str:
    return _KINDS[type(t)]


def converts(t: TypeRef) -> bool:
    """Does decoding build a new Python value (rather than keep the JSON one)?"""
    k = kind(t)
    if k in ("enum", "bytes", "time", "struct"):
        return True
    if isinstance(t, ListType):
        return converts(t.item) or t.item_nullable
    if isinstance(t, MapType):
        return converts(t.value) or t.value_nullable or any(converts(k) for _, k in t.keyed)
    return False


def plain_out(t: TypeRef) -> bool:
    """Is the Python value already what json should write?"""
    return kind(t) in ("str", "enum", "int", "bool", "object")


def annotation(t: TypeRef, *, required_enum: bool = True) -> str:
    k = kind(t)
    if isinstance(t, EnumType):
        return t.name if (required_enum and not t.open) else f"{t.name} | str"
    if isinstance(t, StructType):
        return t.name
    if isinstance(t, ListType):
        inner = annotation(t.item, required_enum=False)
        return f"list[{inner}{' | None' if t.item_nullable else ''}]"
    if isinstance(t, MapType):
        inner = annotation(t.value, required_enum=False)
        return f"dict[str, {inner}{' | None' if t.value_nullable else ''}]"
    return {
        "str": "str", "int": "int", "bool": "bool", "bytes": "bytes",
        "time": "datetime", "any": "Any", "object": "dict[str, Any]",
    }[k]  # fmt: skip


def py_type(f: Field) -> str:
    base = annotation(f.type, required_enum=f.required)
    if f.nullable and (not f.required or f.null_ok):
        return f"{base} | None"
    return base


def zero_value(f: Field) -> str:
    """Go's zero value of the field, as a Python expression."""
    if f.nullable:
        return "None"
    k = kind(f.type)
    if isinstance(f.type, StructType):
        return f"_zero_{f.type.name}()"
    # An enum's zero value is the empty string, which no member has (_EMPTY is
    # typed Any so that a Go-only decoder may store it in a closed-enum field).
    return {"str": '""', "enum": "_EMPTY", "int": "0", "bool": "False", "object": "{}"}[k]


def py_default(f: Field) -> str:
    if f.required:
        return ""
    if isinstance(f.type, StructType) and not f.nullable:
        return f" = field(default_factory=lambda: _zero_{f.type.name}())"
    if isinstance(f.type, ObjectType) and not f.nullable:
        return " = field(default_factory=dict)"
    if isinstance(f.type, EnumType) and not f.nullable:
        return ' = ""'
    return f" = {zero_value(f)}"


def omit_rule(f: Field) -> str:
    """When encoding/json leaves the member out: "always" written, or omitted when
    the value is falsy ("truthy") or None ("not_none")."""
    k = kind(f.type)
    if f.omit == "never":
        return "always"
    if f.omit == "empty":
        # isEmptyValue: nil pointers and interfaces; empty strings, slices, maps;
        # zero numbers; false.  A struct value is never empty.
        if f.nullable:
            return "truthy" if k in ("list", "map", "bytes") else "not_none"
        return "always" if k == "struct" else "truthy"
    # omitzero (Go 1.24): the zero value only; an empty non-nil slice is not zero.
    if f.nullable:
        return "not_none"
    if k == "struct":
        raise GeneratorError(f.origin.file, f.origin.line, "omitzero on a struct value is not supported")
    return "truthy"


_TYPE_TESTS = {
    "object": "type({v}) is dict",
    "array": "type({v}) is list",
    "string": "type({v}) is str",
    "integer": "type({v}) is int",
    "number": "type({v}) in (int, float)",
    "boolean": "type({v}) is bool",
    "null": "{v} is None",
}


def json_type_test(types: tuple[str, ...], v: str) -> str:
    """A Python condition that is true when ``v`` has none of the JSON types."""
    return "not (" + " or ".join(_TYPE_TESTS[t].format(v=v) for t in types) + ")"


def leading_always(fields: tuple[Field, ...]) -> list[Field]:
    """The first fields that are always written and never None: the encoder
    starts its dict with them as one literal."""
    out = []
    for f in fields:
        if omit_rule(f) != "always" or f.nullable:
            break
        out.append(f)
    return out


def escape_doc(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return text[:-1] + '\\"' if text.endswith('"') else text


def doc_text(text: str, name: str) -> str:
    text = text.strip()
    return escape_doc(text) if text else f"{name}."


def field_doc(f: Field) -> str:
    parts = [f"``{f.wire_name}`` (Go ``{f.go_type}``)"]
    if f.doc.strip():
        parts.append(": " + f.doc.strip())
    else:
        parts.append(".")
    text = "".join(parts)
    if f.platforms:
        text += f"\n\nPlatforms: {', '.join(f.platforms)}."
    return escape_doc(text)  # a Deprecated: paragraph is part of the Go doc already


def pyrepr(value: Any) -> str:
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()  # StrictUndefined does not trap repr()
    if isinstance(value, tuple):
        return "(" + "".join(pyrepr(v) + ", " for v in value) + ")"
    if isinstance(value, list):
        return "[" + ", ".join(pyrepr(v) for v in value) + "]"
    return repr(value)


def relative(target: str, current: str) -> str:
    """Relative import of module ``target`` from package module ``current``
    (every generated module is a package ``__init__``)."""
    cur, tgt = current.split("."), target.split(".")
    common = 0
    while common < min(len(cur), len(tgt)) and cur[common] == tgt[common]:
        common += 1
    return "." * (len(cur) - common + 1) + ".".join(tgt[common:])


class ModuleContext:
    """Per-module names for the templates: compiled patterns and value sets
    (named by first use), enum values, and what other modules provide."""

    def __init__(self, module: Module, modules: dict[str, Module]) -> None:
        self.module = module
        self.modules = modules
        self.patterns: dict[str, str] = {}
        self.sets: dict[tuple[str, ...], str] = {}
        for d in module.decoders:
            for f in d.fields:
                for t in walk(f.type):
                    if isinstance(t, StrType):
                        for p in t.patterns:
                            self.patterns.setdefault(p, f"_P{len(self.patterns)}")
                        for values in (t.enum, t.known or None):
                            if values:
                                self.sets.setdefault(values, f"_S{len(self.sets)}")

    def struct(self, name: str) -> Struct:
        for s in self.module.structs:
            if s.py_name == name:
                return s
        raise KeyError(name)

    def pattern(self, p: str) -> str:
        return self.patterns[p]

    def set(self, values: tuple[str, ...]) -> str:
        return self.sets[values]

    def enum_values(self, t: EnumType) -> tuple[str, ...]:
        for e in self.modules[t.module].enums:
            if e.py_name == t.name:
                return tuple(m.value for m in e.members)
        raise KeyError(t.name)

    def exports(self) -> list[str]:
        m = self.module
        return (
            [c.py_name for c in m.constants]
            + [e.py_name for e in m.enums]
            + [s.py_name for s in m.structs]
            + [v.py_name for v in m.values]
        )

    def import_names(self, target: str) -> list[str]:
        mod = self.modules[target]
        names = [s.py_name for s in mod.structs] + [e.py_name for e in mod.enums]
        names += [f"_enc_{s.py_name}" for s in mod.structs]
        names += [f"_zero_{s.py_name}" for s in mod.structs]
        names += [d.name for d in mod.decoders]
        names += [f"_M_{e.py_name}" for e in mod.enums]
        return names


def module_path(name: str) -> str:
    return name.replace(".", "/") + "/__init__.py"


class Renderer:
    def __init__(self, templates: Path = TEMPLATES) -> None:
        self.templates = templates
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
        )
        filters: dict[str, Callable[..., Any]] = {
            "kind": kind,
            "converts": converts,
            "plain_out": plain_out,
            "trivial": lambda t: isinstance(t, AnyType),
            "py_type": py_type,
            "py_default": py_default,
            "zero_value": zero_value,
            "null_value": zero_value,
            "omit_rule": omit_rule,
            "leading_always": leading_always,
            "json_type_test": json_type_test,
            "escape_doc": escape_doc,
            "doc_text": doc_text,
            "field_doc": field_doc,
            "pyrepr": pyrepr,
            "relative": relative,
            "members_name": lambda name: f"_M_{name}",
            "expected": lambda t: repr(_JSON_NAMES[kind(t)]),
        }
        self.env.filters.update(filters)

    def _where(self, filename: str | None, fallback: str) -> str:
        """A template's path for messages: relative to the repo when it is ours."""
        if not filename:
            return f"{self.templates.name}/{fallback}"
        path = Path(filename)
        try:
            return path.resolve().relative_to(TEMPLATES.parent).as_posix()
        except ValueError:
            return str(path)

    def _template(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateSyntaxError as e:
            where = self._where(e.filename, e.name or name)
            raise GeneratorError(where, e.lineno, e.message or "syntax error") from None
        except jinja2.TemplateNotFound as e:
            raise GeneratorError(self._where(None, name), 0, f"template not found: {e}") from None

    def _render(self, name: str, out_path: str, **context: Any) -> str:
        template = self._template(name)
        try:
            text = template.render(**context)
        except jinja2.TemplateSyntaxError as e:  # an imported partial
            raise GeneratorError(
                self._where(e.filename, e.name or name), e.lineno, e.message or "syntax error"
            ) from None
        except Exception as e:
            # jinja2 rewrites tracebacks so template frames carry the template's
            # file and line: report the innermost one.
            file, line = self._where(None, name), 0
            tb = e.__traceback__
            while tb is not None:
                code = tb.tb_frame.f_code
                if code.co_filename.endswith(".j2"):
                    file, line = self._where(code.co_filename, name), tb.tb_lineno
                tb = tb.tb_next
            raise GeneratorError(file, line, f"{type(e).__name__}: {e}") from None
        return format_python(text, out_path)

    def render(self, specs: list[Spec]) -> dict[str, str]:
        files: dict[str, str] = {}
        modules = {m.name: m for spec in specs for m in spec.modules}
        sources = ", ".join(f"{s.name} {s.version}" for s in specs)
        files[f"{PACKAGE}/__init__.py"] = self._render(
            "package.py.j2", f"{PACKAGE}/__init__.py", specs=specs, source=sources
        )
        files[f"{PACKAGE}/_runtime.py"] = self._render(
            "_runtime.py.j2", f"{PACKAGE}/_runtime.py", source="ocigen's runtime template"
        )
        files[f"{PACKAGE}/_strict.py"] = self._render(
            "_strict_runtime.py.j2", f"{PACKAGE}/_strict.py", source="ocigen's strict-mode template"
        )
        files[f"{PACKAGE}/py.typed"] = ""
        for spec in specs:
            for module in spec.modules:
                is_root = module.name == spec.package
                path = module_path(module.name)
                files[path] = self._render(
                    "module.py.j2",
                    path,
                    module=module,
                    spec=spec,
                    spec_title=spec.name,
                    module_title=f"Types of {spec.name} {spec.version} ({module.go_package})",
                    is_spec_root=is_root,
                    reg=ModuleContext(module, modules),
                    source=f"{spec.name} {spec.version} {module.go_package}",
                )
            # Packages between the top package and the spec modules.
            parts = spec.package.split(".")
            for i in range(2, len(parts)):
                pkg = ".".join(parts[:i])
                files.setdefault(module_path(pkg), f'"""The {pkg} package."""\n')
        return dict(sorted(files.items()))


# black costs ~90% of a generation; its output depends only on its input, its
# version and the mode, so outputs are cached by content (git-ignored).
CACHE = Path(os.environ.get("OCIGEN_CACHE", TEMPLATES.parent / ".cache")) / "black"
_CACHE_SALT = f"black {importlib.metadata.version('black')} {BLACK_MODE!r}\n".encode()


def format_python(text: str, path: str) -> str:
    key = hashlib.sha256(_CACHE_SALT + text.encode("utf-8")).hexdigest()
    cached = CACHE / key[:2] / f"{key}.py"
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    try:
        out = black.format_str(text, mode=BLACK_MODE)
        ast.parse(out)
    except Exception as e:  # black.InvalidInput, SyntaxError
        lines = text.splitlines()
        lineno = getattr(e, "lineno", 0) or 0
        if not lineno:
            found = re.search(r"(\d+):\d+", str(e))
            lineno = int(found.group(1)) if found else 0
        shown = lines[lineno - 1].strip()[:80] if 0 < lineno <= len(lines) else ""
        message = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise GeneratorError(
            f"{path} (rendered)", lineno, f"rendered code is not valid Python: {message}: {shown!r}"
        ) from None
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(out, encoding="utf-8")
        os.replace(partial, cached)
    except OSError:
        pass  # a read-only checkout still generates, just without the cache
    return out
