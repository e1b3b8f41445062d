"""Render the model with jinja2 and format with black: {relative path: text}.

Templates lay code out; the small pure filters below decide names, Python
types and defaults.  Nothing here reads Go or schema files.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, NoReturn

import black
import jinja2
from black.mode import TargetVersion

from . import names, render_roles
from .errors import GeneratorError
from .model import (
    AnyType,
    EnumType,
    Field,
    Kind,
    ListType,
    MapType,
    Module,
    ObjectType,
    Spec,
    StrType,
    Struct,
    StructType,
    TypeRef,
    walk,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
BLACK_MODE = black.Mode(
    target_versions={TargetVersion.PY310}, line_length=88, magic_trailing_comma=True
)


def converts(t: TypeRef) -> bool:
    """Does decoding build a new Python value (rather than keep the JSON one)?"""
    if t.kind in (Kind.ENUM, Kind.BYTES, Kind.TIME, Kind.STRUCT):
        return True
    if isinstance(t, ListType):
        return converts(t.item) or t.item_nullable or t.item_null_zero
    if isinstance(t, MapType):
        return (
            converts(t.value)
            or t.value_nullable
            or t.value_null_zero
            or any(converts(v) for _, v in t.keyed)
        )
    return False


def plain_out(t: TypeRef) -> bool:
    """Is the Python value already what json should write?"""
    return t.kind in (Kind.STR, Kind.ENUM, Kind.INT, Kind.BOOL, Kind.OBJECT)


_ANNOTATIONS = {
    Kind.STR: "str", Kind.INT: "int", Kind.BOOL: "bool", Kind.BYTES: "bytes",
    Kind.TIME: "datetime", Kind.ANY: "Any", Kind.OBJECT: "dict[str, Any]",
}  # fmt: skip


def annotation(t: TypeRef, *, required_enum: bool = True) -> str:
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
    return _ANNOTATIONS[t.kind]


def py_type(f: Field) -> str:
    base = annotation(f.type, required_enum=f.required)
    if f.nullable and (not f.required or f.null_ok):
        return f"{base} | None"
    return base


def defined_first(structs: Iterable[Struct]) -> list[Struct]:
    """Declaration order, except that a struct another one holds by value (a
    bare class annotation, as ``user: User``) is defined before it.  CPython
    keeps annotations as text (``from __future__ import annotations``); mypyc
    evaluates this kind when it creates the class, and a class not yet defined
    is a crash at import.  Go structs cannot hold themselves by value: no cycles."""
    listed = list(structs)
    by_name = {s.py_name: s for s in listed}
    out: list[Struct] = []
    placed: set[str] = set()

    def place(s: Struct) -> None:
        if s.py_name in placed:
            return
        placed.add(s.py_name)
        for f in s.fields:
            t = f.type
            if isinstance(t, StructType) and t.name in by_name and py_type(f) == t.name:
                place(by_name[t.name])
        out.append(s)

    for s in listed:
        place(s)
    return out


def zero_value(f: Field) -> str:
    """Go's zero value of the field, as a Python expression."""
    if f.nullable:
        return "None"
    if isinstance(f.type, StructType):
        return f"{names.zero(f.type.name)}()"
    # An enum's zero value is the empty string, which no member has (_EMPTY is
    # typed Any so that a Go-only decoder may store it in a closed-enum field).
    return _ZEROS[f.type.kind]


_ZEROS = {Kind.STR: '""', Kind.ENUM: "_EMPTY", Kind.INT: "0", Kind.BOOL: "False", Kind.OBJECT: "{}"}


def null_zero(t: TypeRef) -> str:
    """Go's zero value of a list item or map value that decodes null to it."""
    return _ZEROS[t.kind]


def py_default(f: Field) -> str:
    if f.required:
        return ""
    if isinstance(f.type, StructType) and not f.nullable:
        return f" = field(default_factory=lambda: {names.zero(f.type.name)}())"
    if isinstance(f.type, ObjectType) and not f.nullable:
        return " = field(default_factory=dict)"
    if isinstance(f.type, EnumType) and not f.nullable:
        return ' = ""'
    return f" = {zero_value(f)}"


def omit_rule(f: Field) -> str:
    """When encoding/json leaves the member out: "always" written; omitted when
    the value is falsy ("truthy"), None ("not_none"), or Go's zero value
    ("not_zero": a struct value every member of which is zero, a pointer to
    time.Time that is nil or points to the zero time)."""
    k = f.type.kind
    if f.omit == "never":
        return "always"
    if f.omit == "empty":
        # isEmptyValue: nil pointers and interfaces; empty strings, slices, maps;
        # zero numbers; false.  A struct value (struct{} too) is never empty.
        if f.nullable:
            return "truthy" if k in (Kind.LIST, Kind.MAP, Kind.BYTES) else "not_none"
        return "always" if k in (Kind.STRUCT, Kind.OBJECT) else "truthy"
    # omitzero (Go 1.24): the zero value (reflect.Value.IsZero) unless the type
    # has an IsZero method: nil pointers, interfaces, slices and maps (an empty,
    # non-nil slice is written); "", 0, false.  *time.Time implements IsZero
    # (the method set of *T has T's methods): nil or the zero instant.  The
    # binder refused the spec's own IsZero methods.
    if k == Kind.TIME:
        return "not_zero"
    if f.nullable:
        return "not_none"
    # A struct{} is a dict here: empty is zero; members are unknown ones (below).
    return "not_zero" if k == Kind.STRUCT else "truthy"


def written_when(f: Field, v: str) -> str:
    """The condition under which the member holding ``v`` is written ("" if always)."""
    rule = omit_rule(f)
    if rule == "always":
        return ""
    if rule == "truthy":
        return v
    if rule == "not_none":
        return f"{v} is not None"
    if isinstance(f.type, StructType):
        return f"not {names.is_zero(f.type.name)}({v})"
    return f"{v} is not None and not _time_is_zero({v})"


def zero_test(f: Field, v: str) -> str:
    """A condition true when ``v`` is the field's zero value as reflect.Value.IsZero
    sees it inside a struct: structural, no IsZero method asked (a *time.Time
    is zero only when nil)."""
    if f.nullable:
        return f"{v} is None"
    if isinstance(f.type, StructType):
        return f"{names.is_zero(f.type.name)}({v})"
    if f.type.kind == Kind.TIME:  # the binder accepts only pointers to time.Time
        raise GeneratorError(f.origin.file, f.origin.line, "time.Time values are not supported")
    return f"not {v}"  # "", 0, False; a struct{}: no (unknown) members


def zero_tested(modules: Iterable[Module]) -> frozenset[tuple[str, str]]:
    """(module, struct) of every struct whose zero test some encoder calls: the
    types of omitzero struct values, and the struct values inside those."""
    structs = {(s.module, s.py_name): s for m in modules for s in m.structs}
    todo = [
        (f.type.module, f.type.name)
        for s in structs.values()
        for f in s.fields
        if isinstance(f.type, StructType) and omit_rule(f) == "not_zero"
    ]
    out: set[tuple[str, str]] = set()
    while todo:
        key = todo.pop()
        if key not in out:
            out.add(key)
            todo += [
                (f.type.module, f.type.name)
                for f in structs[key].fields
                if isinstance(f.type, StructType) and not f.nullable
            ]
    return frozenset(out)


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


def _building_levels(t: TypeRef, level: int = 1) -> set[int]:
    """Nesting levels at which decoding ``t`` builds a new list or dict (the
    ``l<n>``/``m<n>``/``y<n>`` variables of templates/_codec.py.j2)."""
    if isinstance(t, ListType):
        inner = _building_levels(t.item, level + 1)
        return inner | {level} if converts(t) else inner
    if isinstance(t, MapType):
        inner = _building_levels(t.value, level + 1)
        for _, keyed in t.keyed:
            inner |= _building_levels(keyed, level + 1)
        return inner | {level} if converts(t) else inner
    return set()


def shared_levels(fields: tuple[Field, ...]) -> list[int]:
    """Levels whose loop variables two fields of one decoder reuse: declared
    ``Any`` once, or a type checker pins them to the first field's types."""
    seen: dict[int, int] = {}
    for f in fields:
        for level in _building_levels(f.type):
            seen[level] = seen.get(level, 0) + 1
    return sorted(level for level, count in seen.items() if count > 1)


def leading_always(fields: tuple[Field, ...]) -> list[Field]:
    """The first fields that are always written and never None: the encoder
    starts its dict with them as one literal."""
    out = []
    for f in fields:
        if omit_rule(f) != "always" or f.nullable:
            break
        out.append(f)
    return out


def go_fold(name: str) -> str:
    """encoding/json's foldName for an ASCII name: ASCII letters upper-cased."""
    if not name.isascii():
        raise ValueError(f"non-ASCII JSON member {name!r}")
    return name.upper()


def fold_table(fields: tuple[Field, ...]) -> dict[str, tuple[str, bool]]:
    """Folded name -> (member, null is a no-op), for Go's case-insensitive
    matching; when two members fold alike the first field wins, as
    encoding/json's byFoldedName.  Go decodes null into a value (not a pointer,
    slice, map or interface) as a no-op."""
    table: dict[str, tuple[str, bool]] = {}
    for f in fields:
        table.setdefault(go_fold(f.wire_name), (f.wire_name, not f.nullable))
    return table


def escape_doc(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return text[:-1] + '\\"' if text.endswith('"') else text


def doc_text(text: str, name: str) -> str:
    text = text.strip()
    return escape_doc(text) if text else f"{name}."


def field_doc(f: Field) -> str:
    parts = [f"``{f.wire_name}`` (Go ``{f.go_name} {f.go_type}``)"]
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


class ModuleContext:
    """Per-module names for the templates: compiled patterns and value sets
    (named by first use), enum values, and what other modules provide."""

    def __init__(self, module: Module, modules: dict[str, Module]) -> None:
        self.module = module
        self.modules = modules
        tested = zero_tested(modules.values())
        # Structs of this module that get a zero test, in declaration order.
        self.zero_tested = [s for s in module.structs if (module.name, s.py_name) in tested]
        self.patterns: dict[str, str] = {}
        self.sets: dict[tuple[str, ...], str] = {}
        for d in module.decoders:
            for f in d.fields:
                for t in walk(f.type):
                    if isinstance(t, StrType):
                        for p in t.patterns:
                            self.patterns.setdefault(p, names.pattern(len(self.patterns)))
                        for values in (t.enum, t.known or None):
                            if values:
                                self.sets.setdefault(values, names.value_set(len(self.sets)))

    def struct(self, name: str) -> Struct:
        for s in self.module.structs:
            if s.py_name == name:
                return s
        raise KeyError(name)

    def holds_any(self, s: Struct) -> bool:
        """Can a value of ``s`` hold an ``interface{}`` value, directly or in a
        struct below it?  Its encoding may then carry Go-spelled numbers."""
        seen: set[tuple[str, str]] = set()
        todo = [(s.module, s.py_name)]
        while todo:
            key = todo.pop()
            if key in seen:
                continue
            seen.add(key)
            struct = next(x for x in self.modules[key[0]].structs if x.py_name == key[1])
            for f in struct.fields:
                for t in walk(f.type):
                    if isinstance(t, AnyType):
                        return True
                    if isinstance(t, StructType):
                        todo.append((t.module, t.name))
        return False

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


FILTERS: dict[str, Callable[..., Any]] = {
    "converts": converts,
    "plain_out": plain_out,
    "py_type": py_type,
    "defined_first": defined_first,
    "py_default": py_default,
    "zero_value": zero_value,
    "null_zero": null_zero,
    "omit_rule": omit_rule,
    "written_when": written_when,
    "zero_test": zero_test,
    "leading_always": leading_always,
    "shared_levels": shared_levels,
    "json_type_test": json_type_test,
    "escape_doc": escape_doc,
    "doc_text": doc_text,
    "field_doc": field_doc,
    "pyrepr": pyrepr,
    "relative": names.relative,
    "encoder": names.encoder,
    "zero": names.zero,
    "is_zero": names.is_zero,
    "members": names.members,
    "keys": names.keys,
    "folds": names.folds,
    "fold_table": lambda fields: fold_table(fields),
    "strict_walker": names.strict_walker,
    "strict_document": names.strict_document,
    "expected": lambda t: repr(t.kind.noun),
}


def environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    """The jinja2 environment of every template: strict (an undefined name
    fails), whitespace as written, the filters above and ``Kind``."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(FILTERS)
    env.globals["Kind"] = Kind
    return env


# --- imports: what each module uses, from where -----------------------------------

@dataclass(frozen=True)
class Import:
    module: str  # as written after ``from`` / ``import``
    names: tuple[str, ...] = ()  # empty: ``import module``


# Standard-library names the templates may use, and how each is imported.
STDLIB = {
    "enum": Import("enum"),
    "re": Import("re"),
    "dataclass": Import("dataclasses", ("dataclass",)),
    "field": Import("dataclasses", ("field",)),
    "datetime": Import("datetime", ("datetime",)),
    "Any": Import("typing", ("Any",)),
    "ClassVar": Import("typing", ("ClassVar",)),
    "Mapping": Import("typing", ("Mapping",)),
    "Callable": Import("typing", ("Callable",)),
    "MappingProxyType": Import("types", ("MappingProxyType",)),
}


@dataclass(frozen=True)
class ModuleNames:
    """What a rendered module defines at its top level (not what it imports)
    and every name it uses."""

    defined: frozenset[str]
    used: frozenset[str]


def module_names(text: str, path: str) -> ModuleNames:
    """The names of rendered code (a GeneratorError if it does not parse);
    cached by content like black's output, so a warm run parses nothing."""
    key = hashlib.sha256(b"names 1\n" + text.encode("utf-8")).hexdigest()
    cached = NAMES_CACHE / key[:2] / f"{key}.json"
    try:
        data = json.loads(cached.read_text(encoding="utf-8"))
        return ModuleNames(frozenset(data["defined"]), frozenset(data["used"]))
    except (OSError, ValueError, KeyError):
        pass
    try:
        tree = ast.parse(text)
    except SyntaxError as e:
        _invalid(text, path, e)
    defined: set[str] = set()
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.If, ast.Try)):  # module-level branches define too
            todo += node.body + node.orelse
            if isinstance(node, ast.Try):
                todo += node.finalbody + [s for h in node.handlers for s in h.body]
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    found = ModuleNames(frozenset(defined), frozenset(used))
    _store(cached, json.dumps({"defined": sorted(defined), "used": sorted(used)}))
    return found


def imports_for(
    found: ModuleNames, module: str, providers: list[tuple[str, frozenset[str]]]
) -> list[list[Import]]:
    """The imports a module needs: every name it uses but does not define,
    from the standard library, or from the first provider (dotted module,
    names it defines) that has it.  Two groups, standard library first, as
    isort writes them."""
    used = set(found.used - found.defined)
    # Plain imports first, then from-imports by module (isort's order).
    stdlib = sorted((STDLIB[n] for n in used & STDLIB.keys()), key=lambda i: (bool(i.names), i.module))
    out: list[Import] = []
    for imp in stdlib:
        if out and imp.names and out[-1].module == imp.module:
            out[-1] = Import(imp.module, tuple(sorted(out[-1].names + imp.names, key=_import_order)))
        else:
            out.append(imp)
    local: list[Import] = []
    for source, provided in providers:
        picked = tuple(sorted(used & provided, key=_import_order))
        if picked and source != module:
            local.append(Import(names.relative(source, module), picked))
            used -= set(picked)
    return [out, local]


def _import_order(name: str) -> tuple[int, str]:
    # isort's order_by_type: CONSTANTS, then Classes, then functions.
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, name)


def top_package(specs: list[Spec]) -> str:
    """The one top-level package every spec's modules live in."""
    tops = sorted({s.package.split(".")[0] for s in specs})
    if len(tops) != 1:
        raise GeneratorError("spec", 0, f"specs map to several top packages: {', '.join(tops)}")
    return tops[0]


class Renderer:
    def __init__(self, templates: Path = TEMPLATES) -> None:
        self.templates = templates
        self.env = environment(templates)

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

    def _text(self, name: str, out_path: str, **context: Any) -> str:
        """A template rendered, not yet formatted."""
        template = self._template(name)
        try:
            text = template.render(**context)
        except GeneratorError:
            raise  # a filter's error names the spec's line, not the template's
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
        return text

    def render(self, specs: list[Spec]) -> dict[str, str]:
        files: dict[str, str] = {}
        top = top_package(specs)
        runtime, strict_runtime = f"{top}._runtime", f"{top}._strict"
        modules = {m.name: m for spec in specs for m in spec.modules}
        shared = render_roles.context(top, specs)  # the digest format, the package name
        texts = {
            runtime: self._text(
                "_runtime.py.j2",
                names.module_file(runtime),
                source="ocigen's runtime template",
                # time.Time.IsZero's helper, only for output that calls it
                time_zero=any(
                    f.type.kind == Kind.TIME and omit_rule(f) == "not_zero"
                    for m in modules.values()
                    for s in m.structs
                    for f in s.fields
                ),
                **shared,
            ),
            strict_runtime: self._text(
                "_strict_runtime.py.j2", names.module_file(strict_runtime), source="ocigen's strict-mode template",
                **shared,
            ),
        }
        extra = render_roles.runtime_modules(top, specs)  # _content, _pydantic
        for name, template in extra.items():
            texts[name] = self._text(template, names.module_file(name), source="ocigen's roles templates", **shared)
        contexts: dict[str, dict[str, Any]] = {}
        for spec in specs:
            for module in spec.modules:
                contexts[module.name] = dict(
                    module=module,
                    spec=spec,
                    spec_title=spec.name,
                    module_title=f"Types of {spec.name} {spec.version} ({module.go_package})",
                    is_spec_root=module.name == spec.package,
                    reg=ModuleContext(module, modules),
                    source=f"{spec.name} {spec.version} {module.go_package}",
                    digest=shared["digest"],
                    **render_roles.module_context(spec, module.name),
                )
                # First without imports, to see which names it uses.
                texts[module.name] = self._text(
                    "module.py.j2", names.module_path(module.name), imports=[], **contexts[module.name]
                )
        paths = {
            name: names.module_path(name) if name in contexts else names.module_file(name)
            for name in texts
        }
        found = {name: module_names(text, paths[name]) for name, text in texts.items()}
        pending: dict[str, str] = {}
        for name, text in texts.items():
            path = paths[name]
            if name in contexts:
                providers = [(p, found[p].defined) for p in (runtime, strict_runtime, *extra)]
                providers += [(m, found[m].defined) for m in modules[name].imports]
                text = self._text(
                    "module.py.j2", path, imports=imports_for(found[name], name, providers), **contexts[name]
                )
            pending[path] = text
        files.update(format_all(pending))
        sources = ", ".join(f"{s.name} {s.version}" for s in specs)
        path = names.module_path(top)
        package = self._text(
            "package.py.j2",
            path,
            specs=specs,
            source=sources,
            imports=[
                [STDLIB["MappingProxyType"]],
                [Import(names.relative(runtime, top), ("Timestamp", "ValidationError"))],
            ],
        )
        files[path] = format_python(package, path)
        files[f"{top}/py.typed"] = ""
        files.update(render_roles.package_files(self._text, format_python, specs, top))
        for spec in specs:
            # Packages between the top package and the spec modules.
            parts = spec.package.split(".")
            for i in range(2, len(parts)):
                pkg = ".".join(parts[:i])
                files.setdefault(names.module_path(pkg), f'"""The {pkg} package."""\n')
        return dict(sorted(files.items()))


# black costs ~90% of a generation; its output depends only on its input, its
# version and the mode, so outputs are cached by content (git-ignored).
CACHE = Path(os.environ.get("OCIGEN_CACHE", TEMPLATES.parent / ".cache")) / "black"
NAMES_CACHE = CACHE.parent / "names"
_CACHE_SALT = f"black {importlib.metadata.version('black')} {BLACK_MODE!r}\n".encode()


def _cache_path(text: str) -> Path:
    key = hashlib.sha256(_CACHE_SALT + text.encode("utf-8")).hexdigest()
    return CACHE / key[:2] / f"{key}.py"


def format_python(text: str, path: str) -> str:
    cached = _cache_path(text)
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    try:
        out = black.format_str(text, mode=BLACK_MODE)
        ast.parse(out)
    except Exception as e:  # black.InvalidInput, SyntaxError
        _invalid(text, path, e)
    _store(cached, out)
    return out


# A module longer than this many lines is formatted in parts (so that two
# processes share the largest module too): cut before a top-level def, class
# or decorator that follows an indented line, where black always writes
# exactly two blank lines, so joining the parts with two blank lines gives
# black's output for the whole module (tests/generator/test_stages.py checks).
PART_LINES = 1500


def split_parts(text: str, part_lines: int = PART_LINES) -> list[str]:
    lines = text.splitlines(keepends=True)
    parts: list[str] = []
    start, indented = 0, False
    for i, line in enumerate(lines):
        if indented and i - start >= part_lines and line.startswith(("def ", "class ", "@")):
            parts.append("".join(lines[start:i]))
            start = i
        if line.strip():
            indented = line[0] in " \t"
    parts.append("".join(lines[start:]))
    return parts


# black.format_str formats a second time whenever its first pass changed
# anything (a workaround for magic trailing commas), which is always for
# rendered code: half of a cold generation.  What ocigen renders is a fixed
# point of black after one pass, so the second pass changes nothing; the
# output tests check it (every generated module is unchanged by black, and
# the parts equal format_str of the whole module).  Private in black (pinned).
_format_once: Callable[..., str] = getattr(black, "_format_str_once", black.format_str)


def _format_part(part: str) -> str | None:
    """black's output for one part, None if black or the parser refuses it
    (the caller then formats the whole module, for the error's line)."""
    try:
        out = _format_once(part, mode=BLACK_MODE)
        ast.parse(out)
    except Exception:  # black.InvalidInput, SyntaxError
        return None
    return out


def format_all(texts: dict[str, str], part_lines: int = PART_LINES) -> dict[str, str]:
    """format_python of each {path: text}; what the cache lacks is formatted
    in parts, in parallel processes when the machine has several cores
    (black is ~90% of a cold generation)."""
    out: dict[str, str] = {}
    todo: dict[str, tuple[Path, list[str]]] = {}
    for path, text in texts.items():
        cached = _cache_path(text)
        try:
            out[path] = cached.read_text(encoding="utf-8")
        except OSError:
            todo[path] = (cached, split_parts(text, part_lines))
    jobs = sorted(
        {part for _, parts in todo.values() for part in parts}, key=len, reverse=True
    )
    done = dict(zip(jobs, _map_parallel(_format_part, jobs)))
    for path, (cached, parts) in todo.items():
        got = [done[p] for p in parts]
        if any(g is None for g in got):
            out[path] = format_python(texts[path], path)  # raises with the line
            continue
        formatted = "\n\n".join(g for g in got if g is not None)
        _store(cached, formatted)
        out[path] = formatted
    return {path: out[path] for path in texts}


def _map_parallel(fn: Callable[[str], str | None], jobs: list[str]) -> list[str | None]:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    if cores < 2 or len(jobs) < 2:
        return [fn(j) for j in jobs]
    import multiprocessing  # only when formatting (~20 ms to import)

    if "fork" not in multiprocessing.get_all_start_methods():
        return [fn(j) for j in jobs]

    # fork: the workers start with black already imported.
    with multiprocessing.get_context("fork").Pool(min(cores, len(jobs))) as pool:
        return pool.map(fn, jobs, chunksize=1)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates, keyed by jinja2 on each template's source."""
    directory = CACHE.parent / "jinja"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(directory))


def _store(cached: Path, text: str) -> None:
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, cached)
    except OSError:
        pass  # a read-only checkout still generates, just without the cache


def _invalid(text: str, path: str, e: Exception) -> NoReturn:
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
