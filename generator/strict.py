"""Strict mode: the MUST rules of a spec's text that neither its JSON Schema nor
upstream's Go code checks, and the catalogue of every MUST of that text.

``spec/<name>/strict.toml`` (one declarative, reviewable place per spec) holds
the rules and, for every other MUST / REQUIRED / SHALL of the vendored
markdown, why it is not one: already enforced (``[[covered]]``), left out with
the reason (``[[not_implemented]]``), or not about a document at all
(``[[out_of_scope]]``).  This module reads that file and checks it:

* against the vendored markdown (``spectext``): each ``section`` is a heading's
  anchor there, each ``quote`` is in that section, and every key word of the
  files in ``[text] files`` lies inside some entry's quote (or in a section an
  ``[[out_of_scope]]`` entry takes whole): the catalogue is complete;
* against the bound model: unknown type, field or kind, a field of the wrong
  type, a ``[[covered]]`` claim the schema does not make.

Errors are GeneratorErrors with file and line.  A cited or catalogued file
that is not vendored cannot be checked: generation goes on (the Go types and
schemas do not need the prose), docs/strict-rules.md names the file as not
checked, and tests/generator/test_strict_catalogue.py requires there be none.  The rules are attached
to ``model.Struct`` (``strict_rules``, ``strict_walk``, ``strict_document``) and
the templates turn them into straight-line ``_strict_<Type>`` functions;
``render_doc`` writes ``docs/strict-rules.md`` from the same files.

Each rule has a kind from a small closed set (``KINDS``), implemented once in
``templates/_strict.py.j2`` and ``templates/_strict_runtime.py.j2``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from . import spectext
from .errors import GeneratorError
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
from .render import converts, environment

STRICT_FILE = "strict.toml"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DOC_TEMPLATE = "strict-rules.md.j2"


@dataclass(frozen=True)
class Kind:
    shapes: tuple[
        str, ...
    ]  # what the checked field may be (see ``shape``); () = anything
    required: tuple[str, ...]  # keys this kind needs beyond the common ones
    optional: tuple[str, ...]
    doc: str  # what it checks, for docs/strict-rules.md
    # "": a member of the type; "struct": the type itself and every struct
    # below it; "document": the JSON text of a document of the type.
    scope: str = ""


KINDS: dict[str, Kind] = {
    "equals-if-present": Kind(
        ("str", "enum"), ("values",), (),
        "when the string is set (not empty), it is one of `values`",
    ),
    "one-of": Kind(
        ("str", "enum", "list[str]"), (), ("values", "enum", "tables", "column"),
        "when the string is set (not empty), and every item of a list of strings, "
        "is one of `values`, of the constants of the Go string type `enum`, and of "
        "the cells of column `column` of the markdown tables in the sections `tables` "
        "of the vendored text (read when generating)",
    ),
    "non-negative": Kind(("int",), (), (), "the integer is not negative"),
    "required": Kind(
        (), (), (),
        "the member is present: not null or absent where Go can tell (pointers, "
        "slices, maps), not empty for a string (Go cannot tell \"\" from absent)",
    ),
    "required-if": Kind(
        (), ("when",), ("in", "unset"),
        "the member is set (not Go's zero value) when the member at path `when` "
        "is one of `in` (or, without `in`, is set; with `unset = true`, is not "
        "set); `field` may be a path below the type, checked where its structs are set",
    ),
    "forbidden-if": Kind(
        (), ("when",), ("in", "unset"),
        "the member is not set when the member at path `when` is one of `in` "
        "(or, without `in`, is set; with `unset = true`, is not set)",
    ),
    "pattern": Kind(
        ("str", "list[str]"), ("regex",), (),
        "when the string (each item of a list) is set (not empty), all of it "
        "matches `regex` (Python `re`, ASCII)",
    ),
    "semver": Kind(("str",), (), (), "the string is a SemVer 2.0.0 version"),
    "not-lower-semver": Kind(
        ("str",), ("than",), (),
        "the version does not precede the version in member `than` (SemVer "
        "precedence; skipped when either is not SemVer)",
    ),
    "not-less-than": Kind(
        ("int",), ("than",), ("positive_only",),
        "when both are set, the integer is not less than member `than`; with "
        "`positive_only = true` only a positive integer is bounded",
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
    "map-value-format": Kind(
        ("map",), ("key", "format"), (),
        "the value at map key `key`, when present, has the `format` (`date-time`: "
        "RFC 3339 as Go's time.Time reads it)",
    ),
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
    "no-unknown-members": Kind(
        (), (), (),
        "no object of a document of the type has a member its Go type does not "
        "define (`unknown_fields` is empty in the value and in every struct below "
        "it, also when one of those is parsed alone); the types below it must not "
        "be used by other documents",
        scope="struct",
    ),
    "no-duplicate-names": Kind(
        (), (), (),
        "no object anywhere in the JSON text repeats a member name (`from_json` "
        "only, as for `unique-keys`)",
        scope="document",
    ),
    "utf-8": Kind(
        (), (), (),
        "the JSON text is valid UTF-8 (`from_json` only; Go, and the default "
        "path, replace invalid bytes with U+FFFD)",
        scope="document",
    ),
}  # fmt: skip

_COMMON = ("id", "type", "kind", "message", "section", "quote")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_SECTION = re.compile(r"((?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_.-]+\.md)#([A-Za-z0-9_-]+)\Z")
# Keys each table needs, and keys it may have.
_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "rule": (_COMMON, ()),  # plus the kind's keys (checked when binding)
    "covered": (("quote", "section", "by"), ("note", "also", "member", "check")),
    "not_implemented": (("quote", "section", "reason"), ("note", "also")),
    "out_of_scope": (("section", "reason"), ("quote", "note", "also")),
}
# What a [[covered]] entry may claim the bound model shows ("check").
CLAIMS = ("required", "enum", "min-items", "minimum", "pattern", "format")
_TEXT_KEYS = ("files", "skip")


# --- reading strict.toml ---------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One ``[[rule]]``, ``[[covered]]``, ``[[not_implemented]]`` or ``[[out_of_scope]]``."""

    table: str
    values: dict[str, Any]
    line: int  # of its [[header]]
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)

    def val(self, key: str) -> str:
        value = self.values.get(key, "")
        return value if isinstance(value, str) else ""

    @property
    def citations(self) -> list[tuple[str, str]]:
        """(section, quote) of the entry, then of its ``also`` list ("" quote:
        the whole section)."""
        also = self.values.get("also", [])
        return [(self.val("section"), self.val("quote"))] + [
            (a["section"], a["quote"]) for a in also
        ]


@dataclass(frozen=True)
class StrictFile:
    file: str  # display path
    spec_dir: Path
    note: str
    text_files: tuple[str, ...]  # [text] files: the markdown the catalogue covers
    text_skip: dict[str, str]  # [text] skip: file -> why its MUSTs are not catalogued
    text_line: int
    rules: tuple[Entry, ...]
    covered: tuple[Entry, ...]
    not_implemented: tuple[Entry, ...]
    out_of_scope: tuple[Entry, ...]

    def error(self, line: int, message: str) -> GeneratorError:
        return GeneratorError(self.file, line, message)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self.rules + self.covered + self.not_implemented + self.out_of_scope


_HEADER = re.compile(r"\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
_KEY = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=")


def _lines(
    text: str,
) -> tuple[dict[str, list[tuple[int, dict[str, int]]]], dict[str, int]]:
    """Where each [[table]] starts and where each of its keys is (1-based lines);
    and the lines of top-level keys and [tables].  A line scanner: enough for
    error positions."""
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


def _text_table(
    file: str, data: dict[str, Any], line: int
) -> tuple[tuple[str, ...], dict[str, str]]:
    text = data.get("text", {})
    if not isinstance(text, dict):
        raise GeneratorError(file, line, "[text] must be a table (files, skip)")
    for key in text:
        if key not in _TEXT_KEYS:
            raise GeneratorError(
                file, line, f"[text]: unknown key {key!r} (files, skip)"
            )
    files = text.get("files", [])
    skip = text.get("skip", {})
    if not isinstance(files, list) or not all(
        isinstance(f, str) and f.endswith(".md") for f in files
    ):
        raise GeneratorError(
            file, line, "[text] files must be a list of .md file names"
        )
    if not isinstance(skip, dict) or not all(
        isinstance(v, str) and v.strip() and k.endswith(".md") for k, v in skip.items()
    ):
        raise GeneratorError(
            file, line, "[text] skip must map .md file names to a reason"
        )
    both = sorted(set(files) & set(skip))
    if both:
        raise GeneratorError(file, line, f"[text]: {both[0]} is both in files and skip")
    return tuple(files), dict(skip)


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
        raise GeneratorError(
            file, getattr(e, "lineno", 0), f"not valid TOML: {e}"
        ) from None
    tables, top = _lines(text)
    for key, value in data.items():
        if key == "note":
            if not isinstance(value, str):
                raise GeneratorError(file, top.get(key, 0), "note must be a string")
        elif key == "text":
            continue
        elif key not in _TABLES or not isinstance(value, list):
            raise GeneratorError(
                file,
                top.get(key, tables.get(key, [(0, {})])[0][0]),
                f"unknown top-level key {key!r} (expected note, [text], [[rule]], "
                "[[covered]], [[not_implemented]], [[out_of_scope]])",
            )
    text_files, text_skip = _text_table(file, data, top.get("text", 0))
    entries: dict[str, list[Entry]] = {}
    for table, (needed, optional) in _TABLES.items():
        out = entries.setdefault(table, [])
        positions = tables.get(table, [])
        for i, values in enumerate(data.get(table, [])):
            line, key_lines = positions[i] if i < len(positions) else (0, {})
            entry = Entry(table, values, line, key_lines)
            for key in needed:
                if key not in values:
                    raise GeneratorError(file, line, f"[[{table}]] needs {key!r}")
            for key in (
                "quote",
                "section",
                "by",
                "reason",
                "message",
                "note",
                "member",
            ):
                if key in values and (
                    not isinstance(values[key], str) or not values[key].strip()
                ):
                    raise GeneratorError(
                        file,
                        entry.line_of(key),
                        f"[[{table}]] {key} must be a non-empty string",
                    )
            if "message" in values and "\n" in values["message"]:
                raise GeneratorError(
                    file, entry.line_of("message"), "message must be one line"
                )
            if table != "rule":
                extra = sorted(set(values) - set(needed) - set(optional))
                if extra:
                    raise GeneratorError(
                        file,
                        entry.line_of(extra[0]),
                        f"[[{table}]]: unknown key {extra[0]!r}",
                    )
            if values.get("check") is not None and values.get("check") not in CLAIMS:
                raise GeneratorError(
                    file,
                    entry.line_of("check"),
                    f"check must be one of {', '.join(CLAIMS)}",
                )
            if ("check" in values) != ("member" in values):
                raise GeneratorError(
                    file, line, "[[covered]] member and check go together"
                )
            also = values.get("also", [])
            if not isinstance(also, list) or not all(
                isinstance(a, dict)
                and set(a) == {"section", "quote"}
                and all(isinstance(v, str) and v.strip() for v in a.values())
                for a in also
            ):
                raise GeneratorError(
                    file,
                    entry.line_of("also"),
                    "also must be a list of {section, quote} tables",
                )
            for section, _quote in entry.citations:
                if _SECTION.match(section) is None:
                    raise GeneratorError(
                        file,
                        entry.line_of("section"),
                        f"section {section!r} is not file.md#anchor",
                    )
            out.append(entry)
    return StrictFile(
        file=file,
        spec_dir=spec_dir,
        note=str(data.get("note", "")).strip(),
        text_files=text_files,
        text_skip=text_skip,
        text_line=top.get("text", 0),
        rules=tuple(entries["rule"]),
        covered=tuple(entries["covered"]),
        not_implemented=tuple(entries["not_implemented"]),
        out_of_scope=tuple(entries["out_of_scope"]),
    )


# --- the vendored text -------------------------------------------------------------


@dataclass
class Catalogue:
    """What the vendored text says about a strict.toml (``check_text``)."""

    texts: dict[str, spectext.Text]  # the markdown files read
    missing: dict[str, list[Entry]]  # file not vendored -> the entries citing it
    # Per entry (by id): the sections it cites; for [[out_of_scope]] entries
    # without a quote, the statements of those sections (the doc lists them).
    statements: dict[int, list[str]] = field(default_factory=dict)
    keywords: int = 0  # key words in the catalogued files
    counts: dict[str, int] = field(default_factory=dict)  # table -> key words it covers


def _near(text: spectext.Text, quote: str) -> str:
    """Where in the file the quote is, if not where it was cited."""
    for s in text.sections:
        if s.anchors and spectext.find([s], quote):
            return f"; it is in {text.name}#{s.anchors[0]}"
    return ""


def check_text(sf: StrictFile) -> Catalogue:
    """Check every entry against the vendored markdown (module docstring)."""
    names = set(sf.text_files) | {
        section.partition("#")[0] for e in sf.entries for section, _ in e.citations
    }
    texts = {
        n: spectext.read(sf.spec_dir / n, n)
        for n in sorted(names)
        if (sf.spec_dir / n).is_file()
    }
    cat = Catalogue(texts, {})
    vendored = sorted(
        str(p.relative_to(sf.spec_dir))
        for p in sf.spec_dir.rglob("*.md")
        if p.is_file()
    )
    for name in vendored:
        if name not in sf.text_files and name not in sf.text_skip:
            raise sf.error(
                sf.text_line,
                f"[text]: the vendored {name} is neither in files nor in skip "
                "(catalogue its MUSTs, or say why not)",
            )
    for name in sf.text_files:
        if name not in texts:
            cat.missing.setdefault(name, [])
    # Which spans of which blocks the entries cover; sections taken whole.
    spans: dict[int, list[tuple[int, int, str]]] = {}
    whole: dict[int, str] = {}
    for entry in sf.entries:
        for n, (section, quote) in enumerate(entry.citations):
            key = "section" if n == 0 else "also"
            name, _, anchor = section.partition("#")
            text = texts.get(name)
            if text is None:
                cat.missing.setdefault(name, []).append(entry)
                continue
            sections = text.section(anchor)
            if sections is None:
                raise sf.error(
                    entry.line_of(key),
                    f"section {section!r}: {name} has no heading with that anchor",
                )
            if not quote:
                for s in sections:
                    whole.setdefault(id(s), entry.table)
                cat.statements[id(entry.values)] = [
                    line
                    for s in sections
                    for b in s.blocks
                    for line in spectext.sentences(b)
                ]
                continue
            key = "quote" if n == 0 else "also"
            found = spectext.find(sections, quote)
            if not found:
                raise sf.error(
                    entry.line_of(key),
                    f"quote not found in {section} of the vendored text (compared "
                    f"without markup and line breaks){_near(text, quote)}: {quote[:80]!r}",
                )
            if not any(
                spectext.KEYWORD.search(b.key, start, end) for b, start, end in found
            ):
                raise sf.error(
                    entry.line_of(key), "the quote has no MUST, REQUIRED or SHALL in it"
                )
            for b, start, end in found:
                spans.setdefault(id(b), []).append((start, end, entry.table))
    for name in sf.text_files:
        text = texts.get(name)
        if text is None:
            continue
        for s in text.sections:
            for b in s.blocks:
                for m in spectext.KEYWORD.finditer(b.key):
                    cat.keywords += 1
                    # Counted for the entry that quotes it most narrowly.
                    table = (
                        whole.get(id(s))
                        or min(
                            (
                                (end - start, t)
                                for start, end, t in spans.get(id(b), ())
                                if start <= m.start() < end
                            ),
                            default=(0, None),
                        )[1]
                    )
                    if table is None:
                        sentence = next(
                            (x for x in spectext.sentences(b) if m.group(0) in x), b.key
                        )
                        raise GeneratorError(
                            f"{sf.file.rpartition('/')[0]}/{name}",
                            b.line,
                            f"{m.group(0)} in no entry of {sf.file} "
                            f"(#{s.anchors[0] if s.anchors else ''}): {sentence[:200]}",
                        )
                    cat.counts[table] = cat.counts.get(table, 0) + 1
    return cat


def tables(text: spectext.Text, anchor: str, column: str) -> list[str] | None:
    """The cells of ``column`` of every markdown table in a section (None: no
    such section or column)."""
    sections = text.section(anchor)
    if sections is None:
        return None
    cells: list[str] = []
    found = False
    for s in sections:
        header: list[str] | None = None
        for b in s.blocks:
            # Cells split at unescaped pipes ("\|" is a pipe inside a cell).
            raw = b.raw.strip()
            raw = raw[1:] if raw.startswith("|") else raw
            raw = raw[:-1] if raw.endswith("|") and not raw.endswith("\\|") else raw
            row = [spectext.shown(c).strip() for c in re.split(r"(?<!\\)\|", raw)]
            if "|" not in b.raw:
                header = None
                continue
            if header is None:
                header = row
                continue
            if column in header and len(row) == len(header):
                found = True
                cells.append(row[header.index(column)])
    return cells if found else None


# --- binding to the model --------------------------------------------------------


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
        if not _ID.match(rule_id):
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
        allowed = set(_COMMON) | set(fields) | {"note", "also"}
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
                m = _SECTION.match(section)
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


# --- docs/strict-rules.md ----------------------------------------------------------


def render_doc(specs: list[Spec], spec_root: Path, display: str = "spec") -> str:
    """docs/strict-rules.md: every MUST of the vendored texts and what strict mode
    does about it."""
    sections = []
    for spec in specs:
        sf = load(spec_root / spec.name, f"{display}/{spec.name}")
        if sf is None:
            continue
        for entry in sf.rules:
            if entry.val("kind") not in KINDS:
                raise sf.error(
                    entry.line_of("kind"), f"unknown kind {entry.val('kind')!r}"
                )
        sections.append((spec, sf, check_text(sf)))
    ids = [e.val("id") for _spec, sf, _cat in sections for e in sf.rules]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise GeneratorError(
            display, 0, f"rule ids used by two specs: {', '.join(dup)}"
        )
    env = environment(TEMPLATES)
    env.filters["cell"] = _cell
    env.filters["line"] = lambda text: " ".join(str(text).split())
    return env.get_template(DOC_TEMPLATE).render(sections=sections, kinds=KINDS, id=id)


def _cell(text: str) -> str:
    """Text for one markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")
