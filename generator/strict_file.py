"""Reading ``spec/<name>/strict.toml``: the rules of strict mode and the
catalogue of every other MUST of the spec text, shape-checked with file and
line (``load``).  ``KINDS`` is the closed set of rule kinds, each implemented
once in ``templates/_strict.py.j2`` and ``templates/_strict_runtime.py.j2``;
strict_text.py checks the file against the vendored markdown, strict.py binds
its rules to the model.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import GeneratorError

STRICT_FILE = "strict.toml"


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
        "when the string is set (not empty), all of it matches `regex` (Python "
        "`re`, ASCII); each item of a list matches it, an empty one too (an item "
        "is there, not Go's zero value of an absent member)",
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

COMMON_KEYS = ("id", "type", "kind", "message", "section", "quote")
RULE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
SECTION = re.compile(r"((?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_.-]+\.md)#([A-Za-z0-9_-]+)\Z")
# Keys each table needs, and keys it may have.
_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "rule": (COMMON_KEYS, ()),  # plus the kind's keys (checked when binding)
    "covered": (("quote", "section", "by"), ("note", "also", "member", "check")),
    "not_implemented": (("quote", "section", "reason"), ("note", "also")),
    "out_of_scope": (("section", "reason"), ("quote", "note", "also")),
}
# What a [[covered]] entry may claim the bound model shows ("check").
CLAIMS = ("required", "enum", "min-items", "minimum", "pattern", "format")
_TEXT_KEYS = ("files", "skip")


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
                if SECTION.match(section) is None:
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
