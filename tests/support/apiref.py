"""The API reference pages read as a GFM parser reads them, and compared with
the importable package.

markdown-it-py (CommonMark with GFM tables) parses a page into sections by
heading, each with its tables (cells as plain text, code spans and links);
``module_problems`` then compares a page with the module it documents, seen
through the package alone: ``__all__``, ``dataclasses.fields``, the class
annotations, ``JSON_NAMES``, ``PLATFORMS``, enumeration members and the
values of constants.  GitHub's heading anchors come from ``generator.spectext``,
the reader checked against the anchors upstream's spec texts link to.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator import spectext

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])

FIELD_COLUMNS = [
    "attribute", "Python type", "default", "JSON", "Go", "to_json()", "constraints",
    "platforms", "schema location", "doc",
]  # fmt: skip


@dataclass
class Cell:
    text: str  # as shown: code spans' content, links' text, <br> as a newline
    codes: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, href)
    emphasis: bool = False  # holds emphasis or strikethrough


@dataclass
class Table:
    header: list[str]
    rows: list[list[Cell]]
    lines: tuple[int, int]  # 0-based [start, end) of its source lines


@dataclass
class Section:
    level: int
    title: str
    parent: str  # the title of the enclosing level-2 section ("" above any)
    text: list[Cell] = field(default_factory=list)  # paragraphs and list items
    tables: list[Table] = field(default_factory=list)


def _cell(tokens: list[Token]) -> Cell:
    out = Cell("")
    link: list[str] | None = None
    for t in tokens:
        shown = ""
        if t.type in ("text", "code_inline"):
            shown = t.content
            if t.type == "code_inline":
                out.codes.append(t.content)
        elif t.type == "softbreak":
            shown = "\n"
        elif t.type == "html_inline" and t.content == "<br>":
            shown = "\n"
        elif t.type == "link_open":
            link = [str(t.attrs["href"]), ""]
        elif t.type == "link_close" and link is not None:
            out.links.append((link[1], link[0]))
            link = None
        elif t.type in ("s_open", "em_open", "strong_open"):
            out.emphasis = True
        elif t.type not in ("s_close", "em_close", "strong_close"):
            raise AssertionError(f"unexpected inline token {t.type}: {t.content!r}")
        out.text += shown
        if link is not None:
            link[1] += shown
    return out


def read(text: str) -> list[Section]:
    sections = [Section(0, "", "")]
    tokens = PARSER.parse(text)
    table: Table | None = None
    row: list[Cell] | None = None
    for i, t in enumerate(tokens):
        if t.type == "heading_open":
            level = int(t.tag[1])
            title = _cell(tokens[i + 1].children or []).text
            parent = title if level == 2 else (sections[-1].parent if level > 2 else "")
            sections.append(Section(level, title, parent))
        elif t.type == "table_open":
            assert t.map is not None
            table = Table([], [], (t.map[0], t.map[1]))
            sections[-1].tables.append(table)
        elif t.type == "tr_open":
            row = []
        elif t.type in ("th_open", "td_open"):
            assert row is not None
            row.append(_cell(tokens[i + 1].children or []))
        elif t.type == "tr_close":
            assert table is not None and row is not None
            if not table.header:
                table.header = [c.text for c in row]
            else:
                table.rows.append(row)
        elif t.type == "table_close":
            table = None
        elif t.type == "inline" and table is None and tokens[i - 1].type != "heading_open":
            sections[-1].text.append(_cell(t.children or []))
    return sections


def table_problems(text: str) -> list[str]:
    """Rows whose cell count differs from their table's header, counted on the
    source as GFM splits it: on every ``|`` not escaped by a backslash."""
    lines = text.splitlines()
    problems = []
    for t in PARSER.parse(text):
        if t.type != "table_open" or t.map is None:
            continue
        counts = [len(re.findall(r"(?<!\\)\|", lines[n])) for n in range(*t.map)]
        for n, count in zip(range(*t.map), counts):
            if count != counts[0]:
                problems.append(f"line {n + 1}: {count - 1} cells, header has {counts[0] - 1}")
    return problems


def anchors(name: str, text: str) -> set[str]:
    return spectext.parse(name, text).anchors()


def link_problems(pages: dict[str, str]) -> list[str]:
    """Links of every page ({file name: text}) that land on no heading."""
    found = {name: anchors(name, text) for name, text in pages.items()}
    problems = []
    for name, text in pages.items():
        for s in read(text):
            cells = s.text + [c for t in s.tables for r in t.rows for c in r]
            for c in cells:
                for shown, href in c.links:
                    page, _, anchor = href.partition("#")
                    page = page or name
                    if page not in found:
                        problems.append(f"{name}: [{shown}]({href}): no page {page}")
                    elif anchor and anchor not in found[page]:
                        problems.append(f"{name}: [{shown}]({href}): no heading #{anchor}")
    return problems


# --- the page against the module -------------------------------------------------


def _default(f: dataclasses.Field[Any]) -> str:
    """The constructor's default as the page shows it."""
    if f.default is not dataclasses.MISSING:
        return repr(f.default) if f.default != "" else '""'
    if f.default_factory is not dataclasses.MISSING:
        value = f.default_factory()
        return "{}" if value == {} else f"{type(value).__name__}()"
    return "required"


def _default_value(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _class_problems(cls: type, s: Section) -> list[str]:
    where = f"{cls.__name__}"
    if not s.tables or s.tables[0].header != FIELD_COLUMNS:
        return [f"{where}: no field table"]
    rows = s.tables[0].rows
    fields = [f for f in dataclasses.fields(cls) if f.name != "unknown_fields"]
    problems = []
    if [r[0].codes[:1] for r in rows] != [[f.name] for f in fields]:
        return [f"{where}: rows {[r[0].text for r in rows]} != fields {[f.name for f in fields]}"]
    json_names: Any = getattr(cls, "JSON_NAMES")
    platforms: Any = getattr(cls, "PLATFORMS")
    for f, row in zip(fields, rows):
        cells = dict(zip(FIELD_COLUMNS, row))
        expect = {
            "Python type": cls.__annotations__[f.name],
            "default": _default(f),
            "JSON": json_names[f.name],
            "platforms": ", ".join(platforms.get(f.name, ())) or "all",
        }
        for column, value in expect.items():
            if cells[column].text != value:
                problems.append(f"{where}.{f.name}: {column} {cells[column].text!r} != {value!r}")
        if cells["JSON"].codes != [json_names[f.name]]:
            problems.append(f"{where}.{f.name}: JSON member is not one code span")
        for shown, href in cells["Python type"].links:
            if not href.lower().endswith("#" + shown.lower()):
                problems.append(f"{where}.{f.name}: link {shown} -> {href}")
    return problems


def _enum_problems(cls: type[enum.Enum], s: Section) -> list[str]:
    if not s.tables or s.tables[0].header != ["member", "value", "Go", "doc"]:
        return [f"{cls.__name__}: no member table"]
    shown = [(r[0].codes[0], r[1].text) for r in s.tables[0].rows]
    members = [(m.name, repr(m.value)) for m in cls]
    return [] if shown == members else [f"{cls.__name__}: members {shown} != {members}"]


def _value_problems(name: str, func: Any, s: Section) -> list[str]:
    value = func()
    problems = []
    if not dataclasses.is_dataclass(value) or not s.tables:
        return [f"{name}(): no value table"]
    if not any(type(value).__name__ in [t for t, _ in c.links] for c in s.text):
        problems.append(f"{name}(): does not link its class {type(value).__name__}")
    rows = {r[0].codes[0]: r[1].text for r in s.tables[0].rows}
    for f in dataclasses.fields(value):
        current = getattr(value, f.name)
        if f.name in rows:
            if rows[f.name] != repr(current):
                problems.append(f"{name}().{f.name}: {rows[f.name]} != {current!r}")
        elif f.name != "unknown_fields" and current != _default_value(f):
            problems.append(f"{name}().{f.name} = {current!r} is not on the page")
    return problems


def module_problems(module: ModuleType, text: str) -> list[str]:
    """Where the page ``text`` and the module disagree: every name of
    ``__all__`` in its place, nothing else there."""
    sections = read(text)
    h3 = {(s.parent, s.title): s for s in sections if s.level == 3}
    constants = [
        s.tables[0] for s in sections if s.level == 2 and s.title == "Constants" and s.tables
    ]
    constant_rows = {r[0].codes[0]: r for t in constants for r in t.rows}
    helpers = h3.get(("Functions", "Content helpers"))
    helper_names = {code for c in helpers.text for code in c.codes} if helpers else set()
    problems: list[str] = []
    names = list(module.__all__)
    for name in names:
        obj = getattr(module, name)
        if inspect.isclass(obj) and issubclass(obj, enum.Enum):
            s = h3.get(("Enumerations", name))
            problems += [f"enum {name} has no section"] if s is None else _enum_problems(obj, s)
        elif inspect.isclass(obj) and dataclasses.is_dataclass(obj):
            s = h3.get(("Classes", name))
            problems += [f"class {name} has no section"] if s is None else _class_problems(obj, s)
        elif type(obj) in (str, int, bool):
            row = constant_rows.get(name)
            if row is None:
                problems.append(f"constant {name} is not in the Constants table")
            elif row[1].text != repr(obj):
                problems.append(f"constant {name}: {row[1].text} != {obj!r}")
        elif name in helper_names:
            continue
        elif inspect.isfunction(obj) and ("Functions", f"{name}()") in h3:
            problems += _value_problems(name, obj, h3[("Functions", f"{name}()")])
        else:
            problems.append(f"{name} ({type(obj).__name__}) is not on the page")
    for (parent, title), s in h3.items():
        listed = title.removesuffix("()") if parent == "Functions" else title
        if parent in ("Classes", "Enumerations", "Functions") and title != "Content helpers":
            if listed not in names:
                problems.append(f"section {title} under {parent} is not in __all__")
    problems += [f"constant row {n} is not in __all__" for n in constant_rows if n not in names]
    problems += [f"helper {n} is not in __all__" for n in helper_names if n not in names]
    return problems


def pages(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}
