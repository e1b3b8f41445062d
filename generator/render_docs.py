"""The API reference: one markdown page per generated module, from the model.

Each page lists what the module defines in Go declaration order: classes
(their Go type, the schema file they are the root of, the schema locations
their decoders check, and one table row per field), enumerations, the
functions returning Go package variables, and constants.  Pages are checked
by ``ocigen check`` like the code.  The helpers below turn model values into
markdown; the templates (``api_module.md.j2``, ``api_index.md.j2``) lay them
out.  Table cells are single lines with every ``|`` escaped, so each field's
row changes alone when a spec update changes it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any, Callable, Iterable

from . import names, render_roles, spectext
from .model import (
    AnyType,
    BytesType,
    Decoder,
    EnumType,
    Field,
    IntType,
    Kind,
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
from .render import Renderer, omit_rule, py_type, top_package, zero_value

MODULE_TEMPLATE = "api_module.md.j2"
INDEX_TEMPLATE = "api_index.md.j2"

# --- markdown text ----------------------------------------------------------------


def code(value: object) -> str:
    """A markdown code span of ``value`` (str as is, anything else as repr),
    fenced with more backticks than it holds; padded where CommonMark would
    take an edge backtick or space as part of the fence."""
    text = value if isinstance(value, str) else repr(value)
    fence = "`"
    while fence in text:
        fence += "`"
    edge = text[:1] + text[-1:]
    pad = " " if "`" in edge or (edge == "  " and text.strip(" ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def cell_code(value: object) -> str:
    """A code span for a table cell: GFM splits cells on ``|`` before it reads
    code spans, so the pipe is escaped there too (and shown unescaped)."""
    return code(value).replace("|", "\\|")


# A code span of Go doc text, as CommonMark finds one: a backtick run and the
# next run of the same length.
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
# What markdown would read as markup in plain text: backslash escapes,
# emphasis (``*``, ``~``, ``_`` at a word's edge), a link's ``](`` or ``][``,
# an HTML tag or entity, a cell separator.
_MARKUP = re.compile(r"[\\*~|]|\](?=[(\[])|<|&(?=#?\w+;)|(?<![^\W_])_|_(?![^\W_])")


def _escape(m: re.Match[str]) -> str:
    c = m.group(0)
    return {"<": "&lt;", "&": "&amp;"}.get(c, "\\" + c)


def inline(text: str) -> str:
    """Go doc text as markdown inline text that renders as the text itself:
    backtick spans stay code spans (Go docs use them so), and everything
    else markdown would read as markup is escaped."""
    out, last = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_MARKUP.sub(_escape, text[last : m.start()]))
        out.append(m.group(0).replace("|", "\\|"))
        last = m.end()
    out.append(_MARKUP.sub(_escape, text[last:]))
    return "".join(out)


def cell(text: str) -> str:
    """Go doc text in one table cell: lines joined, paragraphs kept apart."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip())]
    return "<br>".join(inline(p) for p in paragraphs if p)


# A line start markdown would read as a block: a heading, quote, list item,
# setext underline or thematic break, fence, or link reference definition.
_BLOCK_START = re.compile(r"^(?:[#>+=\-\[]|```)")
_ORDERED = re.compile(r"^(\d+)([.)])")


def blocks(text: str) -> str:
    """Go doc text as markdown paragraphs, each line as written (a changed
    comment line is one changed line); Go's indented blocks become code blocks."""
    out: list[str] = []
    pre: list[str] = []  # the indented block being read

    def flush() -> None:
        while pre and not pre[-1].strip():
            pre.pop()
        if pre:
            fence = "```"
            while fence in "\n".join(pre):
                fence += "`"
            if out and out[-1]:
                out.append("")
            out.extend([fence + "text", *pre, fence, ""])
            pre.clear()

    for line in text.strip("\n").splitlines():
        if line[:1] in (" ", "\t") and line.strip() or (pre and not line.strip()):
            pre.append(line.rstrip())
            continue
        flush()
        line = inline(line.strip())
        line = _ORDERED.sub(r"\1\\\2", line)
        out.append("\\" + line if _BLOCK_START.match(line) else line)
    flush()
    return "\n".join(out).strip("\n")


def anchor_slugs(headings: Iterable[str]) -> list[str]:
    """The anchors GitHub gives a page's markdown headings, in order
    (spectext.slug; a repeated one numbered as spectext.parse does)."""
    seen: dict[str, int] = {}
    out = []
    for heading in headings:
        base = spectext.slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append(base if n == 0 else f"{base}-{n}")
    return out


# --- words for the model ------------------------------------------------------------


def int_range(t: IntType) -> tuple[int, int]:
    """The bounds a value is checked against: the Go type's, narrowed by the schema."""
    lo, hi = go_range(t)
    return (
        lo if t.minimum is None else max(lo, t.minimum),
        hi if t.maximum is None else min(hi, t.maximum),
    )


def go_range(t: IntType) -> tuple[int, int]:
    if t.signed:
        return -(1 << (t.bits - 1)), (1 << (t.bits - 1)) - 1
    return 0, (1 << t.bits) - 1


_EMPTY_WORDS = {Kind.INT: "0", Kind.BOOL: "false"}
OMIT_TAG = {
    "never": "without omit option",
    "empty": "`omitempty`",
    "zero": "`omitzero`",
}


def omit_words(f: Field) -> str:
    """When ``to_json()`` leaves the member out, in words (render.omit_rule)."""
    rule = omit_rule(f)
    if rule == "always":
        return "always written"
    if rule == "not_none":
        return "left out when None"
    if rule == "truthy":
        return f"left out when {'None or ' if f.nullable else ''}{_EMPTY_WORDS.get(f.type.kind, 'empty')}"
    if f.type.kind == Kind.TIME:
        return "left out when None or Go's zero time (0001-01-01T00:00:00Z)"
    return (
        "left out when every member is its zero value and there are no unknown members"
    )


def omit_cell(f: Field) -> str:
    """The json tag's omit option and what it means for ``to_json()``."""
    if f.omit == "never":
        return "always written"
    if f.omit == "empty" and omit_rule(f) == "always":
        return f"{OMIT_TAG[f.omit]}: always written (Go never omits a struct value)"
    return f"{OMIT_TAG[f.omit]}: {omit_words(f)}"


def _values(values: Iterable[str]) -> str:
    return ", ".join(cell_code(repr(v)) for v in values)


class Page:
    """One module's page: links to classes and enumerations (on it or on
    another page), and what the field tables say about each field."""

    def __init__(
        self,
        spec: Spec,
        module: Module,
        modules: dict[str, Module],
        anchors: dict[tuple[str, str], str],
    ) -> None:
        self.spec = spec
        self.module = module
        self.modules = modules
        self.anchors = anchors  # (module, Python name) -> "page.md#anchor"
        self.path = names.api_page(module.name)
        self.is_spec_root = module.name == spec.package  # it defines VERSION too
        self.decoders = {d.name: d for m in modules.values() for d in m.decoders}

    def link(self, module: str, name: str) -> str:
        """A markdown link to a class or enumeration, relative to this page."""
        target = self.anchors[(module, name)]
        here = PurePosixPath(self.path).name + "#"
        return (
            f"[{name}]({target[len(here) - 1:] if target.startswith(here) else target})"
        )

    def go_file(self, file: str) -> str:
        """The Go file of a declaration, inside the spec (no line: lines move)."""
        return f"{self.module.go_package}/{PurePosixPath(file).name}"

    # --- fields ---------------------------------------------------------------

    def type_cell(self, f: Field) -> str:
        """The Python annotation with its classes and enumerations linked."""
        links = {
            t.name: self.link(t.module, t.name)
            for t in walk(f.type)
            if isinstance(t, (StructType, EnumType))
        }
        text = py_type(f)
        if links:
            words = re.compile(
                r"\b(?:" + "|".join(map(re.escape, sorted(links))) + r")\b"
            )
            text = words.sub(lambda m: links[m.group(0)], text)
        return text.replace("|", "\\|")

    def constraints(self, f: Field) -> str:
        """What decoding checks beyond the Python type, "; "-separated."""
        out = self.type_constraints(f.type)
        if f.null_ok:
            out.append(
                "`null` accepted: " + ("None" if f.nullable else "Go's zero value")
            )
        if f.corrected:
            out.append("mapping correction: " + cell(f.corrected))
        return "; ".join(out)

    def type_constraints(self, t: TypeRef, at: str = "") -> list[str]:
        """Phrases for the constraints of ``t``; ``at`` names a nested position."""
        p = f"{at}: " if at else ""
        out: list[str] = []
        if isinstance(t, StrType):
            out += [f"{p}pattern {cell_code(x)}" for x in t.patterns]
            if t.enum is not None:
                out.append(f"{p}one of {_values(t.enum)}")
            if t.format:
                out.append(f"{p}format {cell_code(t.format)}")
        elif isinstance(t, EnumType):
            # A closed enumeration accepts its members: the type says so.
            if t.open and t.base.enum is None:
                out.append(f"{p}any string")
            base = t.base if (t.open or t.narrowed) else replace(t.base, enum=None)
            out += self.type_constraints(base, at)
        elif isinstance(t, IntType):
            (lo, hi), (glo, ghi) = int_range(t), go_range(t)
            if lo != glo:
                out.append(f"{p}minimum {lo}")
            if hi != ghi:
                out.append(f"{p}maximum {hi}")
        elif isinstance(t, ListType):
            if t.min_items:
                out.append(
                    f"{p}at least {t.min_items} item{'s' if t.min_items > 1 else ''}"
                )
            if t.item_nullable:
                out.append(f"{p}`null` items accepted")
            out += self.type_constraints(t.item, f"{at} items" if at else "items")
        elif isinstance(t, MapType):
            if t.value_nullable:
                out.append(f"{p}`null` values accepted")
            where = (
                "values"
                if t.key_pattern is None
                else f"values of keys matching {cell_code(t.key_pattern)}"
            )
            out += self.type_constraints(t.value, f"{at} {where}" if at else where)
            for key, value in t.keyed:
                inner = self.type_constraints(value) or ["no constraints"]
                out.append(
                    f"{p}value of key {cell_code(repr(key))}: " + ", ".join(inner)
                )
        elif isinstance(t, StructType):
            # A struct with decoders for several schema sites: which one reads it here.
            if sum(d.struct == t.name for d in self.modules[t.module].decoders) > 1:
                d = self.decoders[t.decoder]
                site = d.sites[0] if d.sites else d.schema_path
                out.append(
                    f"{p}checked as at {cell_code(site)}"
                    if site
                    else f"{p}Go's types only"
                )
        elif isinstance(t, BytesType):
            out.append(f"{p}base64")
        elif isinstance(t, TimeType):
            out.append(f"{p}RFC 3339")
        elif isinstance(t, AnyType) and t.json_types:
            out.append(f"{p}JSON {' or '.join(t.json_types)}")
        return out

    # --- classes --------------------------------------------------------------

    def decoders_of(self, s: Struct) -> list[Decoder]:
        """The struct's decoders, canonical first (Module.decoders' order)."""
        return [d for d in self.module.decoders if d.struct == s.py_name]

    def sites(self, s: Struct) -> list[str]:
        """Every schema location the struct's decoders check, canonical first."""
        out: list[str] = []
        for d in self.decoders_of(s):
            for where in d.sites or (d.schema_path,):
                shown = site_cell(where)
                if shown not in out:
                    out.append(shown)
        return out

    def variants(self, s: Struct) -> list[tuple[Decoder, list[Field]]]:
        """The struct's other decoders, each with the fields bound there with
        other constraints than at the canonical site."""
        return [
            (d, [g for f, g in zip(s.fields, d.fields) if f != g])
            for d in self.decoders_of(s)
            if d.name != s.decoder
        ]


def site_cell(path: str | None) -> str:
    return cell_code(path) if path is not None else "no schema (Go's types only)"


def at_sites(d: Decoder) -> str:
    """Where a variant decoder applies, as the start of a sentence."""
    sites = [x for x in d.sites or (d.schema_path,) if x is not None]
    if not sites:
        return "Where no schema applies (a use the schemas do not describe)"
    return "At " + ", ".join(cell_code(x) for x in sites)


def default_cell(f: Field) -> str:
    """The constructor's default, or "required"."""
    if f.required:
        return "required"
    if isinstance(f.type, StructType) and not f.nullable:
        return cell_code(f"{f.type.name}()")
    if isinstance(f.type, ObjectType) and not f.nullable:
        return cell_code("{}")
    if isinstance(f.type, EnumType) and not f.nullable:
        return cell_code('""')
    return cell_code(zero_value(f))


def name_cell(name: str, deprecated: str | None) -> str:
    return cell_code(name) + (" (deprecated)" if deprecated else "")


def platforms_cell(platforms: tuple[str, ...]) -> str:
    return ", ".join(platforms) if platforms else "all"


FILTERS: dict[str, Callable[..., Any]] = {
    "code": code,
    "cell_code": cell_code,
    "cell": cell,
    "blocks": blocks,
    "omit_cell": omit_cell,
    "default_cell": default_cell,
    "name_cell": name_cell,
    "platforms_cell": platforms_cell,
    "value_cell": lambda v: cell_code(repr(v)),
    "site_cell": site_cell,
    "at_sites": at_sites,
}


# --- pages ------------------------------------------------------------------------


def module_title(spec: Spec, module: Module) -> str:
    """What a module without a Go package doc is about (as its docstring says)."""
    return f"Types of {spec.name} {spec.version} ({module.go_package})."


def _headings(
    spec: Spec, module: Module, helpers: list[str]
) -> list[tuple[str, str | None]]:
    """The headings of a module's page, in the order api_module.md.j2 prints
    them, each with the Python name a link may point at (tests check every
    link lands on a heading)."""
    out: list[tuple[str, str | None]] = [(module.name, None)]
    if module.structs:
        out.append(("Classes", None))
        out += [(s.py_name, s.py_name) for s in module.structs]
    if module.enums:
        out.append(("Enumerations", None))
        out += [(e.py_name, e.py_name) for e in module.enums]
    if module.values or helpers:
        out.append(("Functions", None))
        out += [(f"`{v.py_name}()`", None) for v in module.values]
        if helpers:
            out.append(("Content helpers", None))
    if module.constants or module.name == spec.package:  # VERSION
        out.append(("Constants", None))
    return out


def pages(specs: list[Spec]) -> dict[str, str]:
    """{path under the output root: markdown}: a page per module and the index."""
    renderer = Renderer()
    renderer.env.filters.update(FILTERS)
    modules = {m.name: m for spec in specs for m in spec.modules}
    helpers = {
        m.name: list(render_roles.module_context(spec, m.name)["role_exports"])
        for spec in specs
        for m in spec.modules
    }
    anchors: dict[tuple[str, str], str] = {}
    for spec in specs:
        for module in spec.modules:
            headings = _headings(spec, module, helpers[module.name])
            file = PurePosixPath(names.api_page(module.name)).name
            for (_, key), slug in zip(
                headings, anchor_slugs(text for text, _ in headings)
            ):
                if key is not None:
                    anchors[(module.name, key)] = f"{file}#{slug}"
    files: dict[str, str] = {}
    for spec in specs:
        for module in spec.modules:
            page = Page(spec, module, modules, anchors)
            files[page.path] = renderer._text(
                MODULE_TEMPLATE,
                page.path,
                page=page,
                module=module,
                spec=spec,
                title=module_title(spec, module),
                helpers=helpers[module.name],
                source=f"{spec.name} {spec.version} {module.go_package}",
            )
    path = names.api_index()
    files[path] = renderer._text(
        INDEX_TEMPLATE,
        path,
        specs=specs,
        package=top_package(specs),
        helpers=helpers,
        page=lambda module: PurePosixPath(names.api_page(module)).name,
        source=", ".join(f"{s.name} {s.version}" for s in specs),
    )
    return files
