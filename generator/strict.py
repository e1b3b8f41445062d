"""Strict mode: the MUST rules of a spec's text that neither its JSON Schema nor
upstream's Go code checks.

The rules live beside the vendored spec in ``spec/<name>/strict.toml`` (one
declarative, reviewable place per spec); this module reads that file, checks it
against the bound model (unknown type, field or kind, a field of the wrong
type, a section that names no heading of the vendored markdown: a
GeneratorError with file and line) and attaches the rules to ``model.Struct``
(``strict_rules``, and ``strict_walk`` for the fields that lead to structs with
rules).  The templates turn them into straight-line ``_strict_<Type>``
functions.  ``render_doc`` writes ``docs/strict-rules.md`` from the same files.

Each rule has a kind from a small closed set (``KINDS``), implemented once in
``templates/_strict.py.j2`` and ``templates/_strict_runtime.py.j2``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any


from .errors import GeneratorError
from .model import (
    EnumType,
    Field,
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
from .render import converts, environment

STRICT_FILE = "strict.toml"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DOC_TEMPLATE = "strict-rules.md.j2"


@dataclass(frozen=True)
class Kind:
    shapes: tuple[str, ...]  # what the checked field may be (see ``shape``); () = anything
    required: tuple[str, ...]  # keys this kind needs beyond the common ones
    optional: tuple[str, ...]
    doc: str  # what it checks, for docs/strict-rules.md


KINDS: dict[str, Kind] = {
    "equals-if-present": Kind(
        ("str", "enum"), ("values",), (),
        "when the string is set (not empty), it is one of `values`",
    ),
    "non-negative": Kind(("int",), (), (), "the integer is not negative"),
    "required-if": Kind(
        (), ("when",), ("in",),
        "the member is set (not Go's zero value) when the member at path `when` "
        "is one of `in` (or, without `in`, is set)",
    ),
    "forbidden-if": Kind(
        (), ("when",), ("in",),
        "the member is not set when the member at path `when` is one of `in` "
        "(or, without `in`, is set)",
    ),
    "pattern": Kind(
        ("str",), ("regex",), (),
        "when the string is set (not empty), all of it matches `regex` (Python `re`, ASCII)",
    ),
    "semver": Kind(("str",), (), (), "the string is a SemVer 2.0.0 version"),
    "not-lower-semver": Kind(
        ("str",), ("than",), (),
        "the version does not precede the version in member `than` (SemVer "
        "precedence; skipped when either is not SemVer)",
    ),
    "unique-items-by": Kind(
        ("list[struct]",), ("key",), (),
        "no two items of the list have the same member `key`; the second is reported",
    ),
    "unique-keys": Kind(
        ("map",), (), (),
        "no key appears twice in the JSON object (only `from_json` can see it: "
        "a parsed dict has already merged duplicates; not checked in a document "
        "with a lone surrogate escape, which is rebuilt as Go reads it)",
    ),
    "non-empty-keys": Kind(("map",), (), (), "no key of the map is the empty string"),
    "data-matches-size-and-digest": Kind(
        ("bytes",), ("size", "digest"), (),
        "the bytes are exactly member `size` long and, for sha256, sha384 and "
        "sha512, hash to member `digest`",
    ),
    "absolute-path": Kind(
        ("str", "list[str]"), (), ("windows",),
        "the path (each item of a list) starts with `/`; with `windows = true` a "
        "Windows absolute path (`C:\\`, `\\\\server\\share`) is accepted too; an "
        "empty string is Go's zero value (an absent member) and is not checked",
    ),
}  # fmt: skip

_COMMON = ("id", "type", "kind", "field", "message", "section", "quote")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_SECTION = re.compile(r"([A-Za-z0-9_.-]+\.md)#([A-Za-z0-9_-]+)\Z")
_TABLES = {
    "rule": _COMMON,
    "covered": ("quote", "section", "by"),
    "not_implemented": ("quote", "section", "reason"),
}


# --- reading strict.toml ---------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One ``[[rule]]``, ``[[covered]]`` or ``[[not_implemented]]`` table."""

    table: str
    values: dict[str, Any]
    line: int  # of its [[header]]
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)

    def val(self, key: str) -> str:
        value = self.values.get(key, "")
        return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class StrictFile:
    file: str  # display path
    spec_dir: Path
    note: str
    rules: tuple[Entry, ...]
    covered: tuple[Entry, ...]
    not_implemented: tuple[Entry, ...]

    def error(self, line: int, message: str) -> GeneratorError:
        return GeneratorError(self.file, line, message)


_HEADER = re.compile(r"\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
_KEY = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=")


def _lines(text: str) -> tuple[dict[str, list[tuple[int, dict[str, int]]]], dict[str, int]]:
    """Where each [[table]] starts and where each of its keys is (1-based lines);
    and the lines of top-level keys.  A line scanner: enough for error positions."""
    tables: dict[str, list[tuple[int, dict[str, int]]]] = {}
    top: dict[str, int] = {}
    current: dict[str, int] | None = None
    for n, line in enumerate(text.splitlines(), 1):
        if m := _HEADER.match(line):
            current = {}
            tables.setdefault(m.group(1), []).append((n, current))
        elif m := re.match(r"\s*\[\s*([A-Za-z0-9_-]+)", line):
            current = None
            top.setdefault(m.group(1), n)
        elif (m := _KEY.match(line)) and not line.startswith((" ", "\t")):
            (current if current is not None else top).setdefault(m.group(1), n)
    return tables, top


def load(spec_dir: Path, display: str) -> StrictFile | None:
    """The parsed, shape-checked strict.toml of a spec folder; None without one."""
    path = spec_dir / STRICT_FILE
    file = f"{display}/{STRICT_FILE}"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise GeneratorError(file, getattr(e, "lineno", 0), f"not valid TOML: {e}") from None
    tables, top = _lines(text)
    for key, value in data.items():
        if key == "note":
            if not isinstance(value, str):
                raise GeneratorError(file, top.get(key, 0), "note must be a string")
        elif key not in _TABLES or not isinstance(value, list):
            raise GeneratorError(
                file,
                top.get(key, tables.get(key, [(0, {})])[0][0]),
                f"unknown top-level key {key!r} (expected note, [[rule]], [[covered]], "
                "[[not_implemented]])",
            )
    entries: dict[str, list[Entry]] = {}
    for table, keys in _TABLES.items():
        out = entries.setdefault(table, [])
        positions = tables.get(table, [])
        for i, values in enumerate(data.get(table, [])):
            line, key_lines = positions[i] if i < len(positions) else (0, {})
            entry = Entry(table, values, line, key_lines)
            for key in keys:
                if key not in values:
                    raise GeneratorError(file, line, f"[[{table}]] needs {key!r}")
            for key in ("quote", "section", "by", "reason", "message"):
                if key in values and (not isinstance(values[key], str) or not values[key].strip()):
                    raise GeneratorError(
                        file, entry.line_of(key), f"[[{table}]] {key} must be a non-empty string"
                    )
            if "message" in values and "\n" in values["message"]:
                raise GeneratorError(file, entry.line_of("message"), "message must be one line")
            if table != "rule":
                extra = sorted(set(values) - set(keys))
                if extra:
                    raise GeneratorError(
                        file, entry.line_of(extra[0]), f"[[{table}]]: unknown key {extra[0]!r}"
                    )
            out.append(entry)
    result = StrictFile(
        file=file,
        spec_dir=spec_dir,
        note=str(data.get("note", "")).strip(),
        rules=tuple(entries["rule"]),
        covered=tuple(entries["covered"]),
        not_implemented=tuple(entries["not_implemented"]),
    )
    for entry in result.rules + result.covered + result.not_implemented:
        check_section(result, entry)
    return result


def slug(heading: str) -> str:
    """GitHub's anchor for a markdown heading."""
    text = re.sub(r"<a\s+name=\"[^\"]*\"\s*/?>(?:</a>)?", "", heading)
    text = re.sub(r"(?<![A-Za-z0-9])[_*]+|[_*]+(?![A-Za-z0-9])", "", text)  # emphasis
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    out: set[str] = set()
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        out.update(re.findall(r"<a\s+name=\"([^\"]+)\"", line))
        if m := re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line):
            out.add(slug(m.group(1)))
    return out


def check_section(sf: StrictFile, entry: Entry) -> None:
    """``file.md#anchor``; when the spec vendors that file, the anchor must exist."""
    section = entry.val("section")
    m = _SECTION.match(section)
    if m is None:
        raise sf.error(entry.line_of("section"), f"section {section!r} is not file.md#anchor")
    md = sf.spec_dir / m.group(1)
    if md.is_file() and m.group(2) not in anchors(md.read_text(encoding="utf-8")):
        raise sf.error(
            entry.line_of("section"), f"section {section!r}: {m.group(1)} has no such heading"
        )


def vendored(sf: StrictFile, section: str) -> bool:
    return (sf.spec_dir / section.partition("#")[0]).is_file()


# --- binding to the model --------------------------------------------------------


def shape(t: TypeRef) -> str:
    """What a rule's member is, as strict.toml's kinds name it ("str", "list[str]")."""
    if isinstance(t, ListType):
        return f"list[{t.item.kind.value}]"
    return t.kind.value


def _step(f: Field) -> StrictStep:
    return StrictStep(
        py_name=f.py_name,
        wire_name=f.wire_name,
        kind=f.type.kind,
        nullable=f.nullable,
        required=f.required,
    )


class _Binder:
    def __init__(self, sf: StrictFile, spec: Spec) -> None:
        self.sf = sf
        self.spec = spec
        self.by_go: dict[str, tuple[Module, Struct]] = {
            f"{m.go_package}.{s.go_name}": (m, s) for m in spec.modules for s in m.structs
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
            entry.line_of(key), f"{key} {wire!r}: {struct.go_name} has no member {wire!r} ({names})"
        )

    def path(self, struct: Struct, path: str, entry: Entry, key: str) -> tuple[Field, ...]:
        out: list[Field] = []
        current: Struct | None = struct
        for part in path.split("."):
            if current is None:
                raise self.sf.error(
                    entry.line_of(key), f"{key} {path!r}: {out[-1].wire_name!r} is not a struct"
                )
            f = self.member(current, part, entry, key)
            out.append(f)
            t = f.type
            current = self.by_py.get((t.module, t.name)) if isinstance(t, StructType) else None
        return tuple(out)

    def text(self, entry: Entry, key: str) -> str:
        value = entry.values.get(key)
        if not isinstance(value, str) or not value:
            raise self.sf.error(entry.line_of(key), f"{key} must be a non-empty string")
        return value

    def strings(self, entry: Entry, key: str) -> tuple[str, ...]:
        value = entry.values.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.sf.error(entry.line_of(key), f"{key} must be a non-empty list of strings")
        return tuple(value)

    def rule(self, entry: Entry) -> tuple[str, StrictRule]:
        sf = self.sf
        rule_id = self.text(entry, "id")
        if not _ID.match(rule_id):
            raise sf.error(entry.line_of("id"), f"id {rule_id!r} is not lower-case-kebab")
        kind_name = self.text(entry, "kind")
        spec_kind = KINDS.get(kind_name)
        if spec_kind is None:
            raise sf.error(
                entry.line_of("kind"),
                f"rule {rule_id}: unknown kind {kind_name!r} (one of {', '.join(KINDS)})",
            )
        allowed = set(_COMMON) | set(spec_kind.required) | set(spec_kind.optional)
        for key in entry.values:
            if key not in allowed:
                raise sf.error(entry.line_of(key), f"rule {rule_id}: {kind_name} takes no {key!r}")
        for key in spec_kind.required:
            if key not in entry.values:
                raise sf.error(entry.line, f"rule {rule_id}: {kind_name} needs {key!r}")
        type_name = self.text(entry, "type")
        found = self.by_go.get(type_name)
        if found is None:
            raise sf.error(
                entry.line_of("type"), f"rule {rule_id}: no Go struct {type_name!r} in this spec"
            )
        _module, struct = found
        f = self.member(struct, self.text(entry, "field"), entry, "field")
        if spec_kind.shapes and shape(f.type) not in spec_kind.shapes:
            raise sf.error(
                entry.line_of("field"),
                f"rule {rule_id}: {kind_name} needs a {' or '.join(spec_kind.shapes)} member; "
                f"{f.wire_name} is {shape(f.type)}",
            )
        rule = StrictRule(
            id=rule_id,
            kind=kind_name,
            member=_step(f),
            message=self.text(entry, "message"),
            section=self.text(entry, "section"),
            origin=Origin(sf.file, entry.line),
        )
        if kind_name == "equals-if-present":
            rule = replace(rule, values=self.strings(entry, "values"))
        elif kind_name == "pattern":
            regex = self.text(entry, "regex")
            try:
                re.compile(regex, re.ASCII)
            except re.error as e:
                raise sf.error(entry.line_of("regex"), f"rule {rule_id}: bad regex: {e}") from None
            rule = replace(rule, values=(regex,))
        elif kind_name in ("required-if", "forbidden-if"):
            when = self.path(struct, self.text(entry, "when"), entry, "when")
            rule = replace(rule, when=tuple(_step(w) for w in when))
            if "in" in entry.values:
                last = when[-1].type
                if not isinstance(last, (StrType, EnumType)):
                    raise sf.error(entry.line_of("in"), f"rule {rule_id}: `in` needs a string member")
                rule = replace(rule, when_in=self.strings(entry, "in"))
        elif kind_name == "not-lower-semver":
            other = self.member(struct, self.text(entry, "than"), entry, "than")
            if not isinstance(other.type, StrType):
                raise sf.error(entry.line_of("than"), f"rule {rule_id}: than must be a string member")
            rule = replace(rule, other=_step(other))
        elif kind_name == "unique-items-by":
            assert isinstance(f.type, ListType) and isinstance(f.type.item, StructType)
            item = self.by_py[(f.type.item.module, f.type.item.name)]
            item_key = self.member(item, self.text(entry, "key"), entry, "key")
            if not isinstance(item_key.type, (StrType, EnumType)):
                raise sf.error(entry.line_of("key"), f"rule {rule_id}: key must be a string member")
            rule = replace(rule, key=_step(item_key))
        elif kind_name == "unique-keys":
            # The check finds the parsed dict by identity: the decoder must keep it.
            if converts(f.type):
                raise sf.error(
                    entry.line_of("field"),
                    f"rule {rule_id}: {f.wire_name} is decoded into a new dict; unique-keys "
                    "needs a map whose values are kept as parsed",
                )
        elif kind_name == "data-matches-size-and-digest":
            size = self.member(struct, self.text(entry, "size"), entry, "size")
            digest = self.member(struct, self.text(entry, "digest"), entry, "digest")
            if size.type.kind != TypeKind.INT:
                raise sf.error(entry.line_of("size"), f"rule {rule_id}: size must be an integer member")
            if not (isinstance(digest.type, StrType) and digest.type.format == "digest"):
                raise sf.error(entry.line_of("digest"), f"rule {rule_id}: digest must be a digest member")
            rule = replace(rule, other=_step(size), digest=_step(digest))
        elif kind_name == "absolute-path":
            windows = entry.values.get("windows", False)
            if not isinstance(windows, bool):
                raise sf.error(entry.line_of("windows"), f"rule {rule_id}: windows must be true or false")
            rule = replace(rule, windows=windows)
        return type_name, rule


def attach(spec: Spec, spec_dir: Path, display: str) -> Spec:
    """The spec with the rules of its strict.toml attached to its structs."""
    sf = load(spec_dir, display)
    if sf is None:
        return spec
    binder = _Binder(sf, spec)
    by_type: dict[str, list[StrictRule]] = {}
    seen: dict[str, int] = {}
    for entry in sf.rules:
        type_name, rule = binder.rule(entry)
        if rule.id in seen:
            raise sf.error(entry.line_of("id"), f"rule id {rule.id!r} also at line {seen[rule.id]}")
        seen[rule.id] = entry.line
        by_type.setdefault(type_name, []).append(rule)
    ruled = {
        (m.name, s.py_name)
        for m in spec.modules
        for s in m.structs
        if f"{m.go_package}.{s.go_name}" in by_type
    }
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
                    if (leaf := _leaf(f.type)) is not None and (leaf.module, leaf.name) in active
                )
                if walks.get((m.name, s.py_name)) != fields:
                    walks[(m.name, s.py_name)] = fields
                    changed = True
    modules = []
    for m in spec.modules:
        structs = tuple(
            replace(
                s,
                strict_rules=tuple(by_type.get(f"{m.go_package}.{s.go_name}", ())),
                strict_walk=walks[(m.name, s.py_name)],
            )
            for s in m.structs
        )
        modules.append(replace(m, structs=structs))
    return replace(spec, modules=tuple(modules))


def _leaf(t: TypeRef) -> StructType | None:
    while isinstance(t, (ListType, MapType)):
        t = t.item if isinstance(t, ListType) else t.value
    return t if isinstance(t, StructType) else None


def walked(s: Struct) -> bool:
    """Does strict mode have anything to check in values of this struct?"""
    return bool(s.strict_rules or s.strict_walk)


# --- docs/strict-rules.md ----------------------------------------------------------


def render_doc(specs: list[Spec], spec_root: Path, display: str = "spec") -> str:
    """docs/strict-rules.md: every rule, what is already enforced, what is left out."""
    sections = []
    for spec in specs:
        sf = load(spec_root / spec.name, f"{display}/{spec.name}")
        if sf is None:
            continue
        for entry in sf.rules:
            if entry.val("kind") not in KINDS:
                raise sf.error(entry.line_of("kind"), f"unknown kind {entry.val('kind')!r}")
        sections.append((spec, sf))
    ids = [e.val("id") for _spec, sf in sections for e in sf.rules]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise GeneratorError(display, 0, f"rule ids used by two specs: {', '.join(dup)}")
    env = environment(TEMPLATES)
    env.filters["cell"] = _cell
    env.filters["vendored"] = lambda section, sf: vendored(sf, section)
    return env.get_template(DOC_TEMPLATE).render(sections=sections, kinds=KINDS)


def _cell(text: str) -> str:
    """Text for one markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")
