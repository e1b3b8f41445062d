"""The declarative mapping file beside a vendored spec (``ocigen.toml``)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import GeneratorError

MAPPING_FILE = "ocigen.toml"


@dataclass(frozen=True)
class External:
    kind: str  # "string" | "time" | "int"
    format: str | None = None
    bits: int = 64
    signed: bool = True


@dataclass(frozen=True)
class Rule:
    """A Go-side check upstream's validator adds to the schema."""

    type: str  # "pkgdir.Type"
    field: str  # Go field name
    items_pattern: str
    source: str


@dataclass(frozen=True)
class Correction:
    """A schema constraint the mapping file overrides where the schema
    contradicts both the Go types and the spec text (an upstream defect)."""

    type: str  # "pkgdir.Type"
    member: str  # JSON member name
    required: bool
    reason: str
    line: int


@dataclass(frozen=True)
class TextConstant:
    """A constant the spec text defines and the Go types do not (a table of
    error codes, say), declared in the mapping file with where the text has it."""

    package: str  # Go package dir of the module it goes into
    name: str  # Go-style name, e.g. "ErrorCodeBlobUnknown"
    value: str
    doc: str
    section: str  # "spec.md#error-codes"
    line: int


@dataclass(frozen=True)
class TextDifference:
    """Where the Go types and the spec text disagree, declared in the mapping
    file (a spec without schemas has no schema for lint to compare Go with):
    the member, the passage of the text (checked against the vendored markdown)
    and what the generated code does.  ``ocigen lint`` prints each."""

    type: str  # "pkgdir.Type"
    member: str | None  # JSON member name; None: the type as a whole
    section: str  # "spec.md#error-codes"
    quote: str  # verbatim from that section
    decision: str  # what the generated code does about it
    line: int


@dataclass(frozen=True)
class Config:
    file: str  # display path of the mapping file
    name: str
    python: str
    title: str
    version_package: str
    # The spec version: a format naming Go constants of version_package, "{Major}.{Minor}"
    version_format: str
    module: str
    int_bits: int
    packages: tuple[tuple[str, str], ...]  # (Go package dir, Python module)
    roots: tuple[tuple[str, str], ...]  # (schema file, "pkgdir.Type")
    external: tuple[tuple[str, External], ...]  # ("import/path.Name", mapping)
    rules: tuple[Rule, ...]
    corrections: tuple[Correction, ...] = ()
    text_constants: tuple[TextConstant, ...] = ()
    text_differences: tuple[TextDifference, ...] = ()


def _line(text: str, needle: str) -> int:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else 0


def toml_error_line(e: tomllib.TOMLDecodeError) -> int:
    # TOMLDecodeError has .lineno only from Python 3.14; older ones say it.
    found = re.search(r"at line (\d+)", str(e))
    return getattr(e, "lineno", 0) or (int(found.group(1)) if found else 0)


def load(spec_dir: Path, display: str) -> Config:
    path = spec_dir / MAPPING_FILE
    file = f"{display}/{MAPPING_FILE}"
    if not path.is_file():
        raise GeneratorError(file, 0, "mapping file is missing")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise GeneratorError(file, toml_error_line(e), f"not valid TOML: {e}") from None

    def need(table: dict[str, Any], key: str, where: str) -> Any:
        if key not in table:
            raise GeneratorError(file, _line(text, f"[{where}]"), f"[{where}] needs {key!r}")
        return table[key]

    spec = need(data, "spec", "spec") if "spec" in data else {}
    if not spec:
        raise GeneratorError(file, 0, "missing [spec] table")
    go = data.get("go", {})
    external = []
    for key, value in data.get("external", {}).items():
        kind = value.get("kind")
        if kind not in ("string", "time", "int"):
            raise GeneratorError(
                file, _line(text, key), f"external {key}: kind must be string, time or int"
            )
        external.append(
            (
                key,
                External(
                    kind=kind,
                    format=value.get("format"),
                    bits=int(value.get("bits", 64)),
                    signed=bool(value.get("signed", True)),
                ),
            )
        )
    rules = tuple(
        Rule(
            type=need(r, "type", "rules"),
            field=need(r, "field", "rules"),
            items_pattern=need(r, "items_pattern", "rules"),
            source=need(r, "source", "rules"),
        )
        for r in data.get("rules", ())
    )
    corrections = []
    for i, c in enumerate(data.get("corrections", ())):
        where = "corrections"
        corrections.append(
            Correction(
                type=need(c, "type", where),
                member=need(c, "member", where),
                required=bool(need(c, "required", where)),
                reason=need(c, "reason", where),
                line=_nth_line(text, "[[corrections]]", i),
            )
        )
    text_constants = []
    for i, c in enumerate(data.get("constants", ())):
        text_constants.append(
            TextConstant(
                package=need(c, "package", "constants"),
                name=need(c, "name", "constants"),
                value=need(c, "value", "constants"),
                doc=c.get("doc", ""),
                section=need(c, "section", "constants"),
                line=_nth_line(text, "[[constants]]", i),
            )
        )
    text_differences = []
    for i, d in enumerate(data.get("text_differences", ())):
        where = "text_differences"
        text_differences.append(
            TextDifference(
                type=need(d, "type", where),
                member=d.get("member"),
                section=need(d, "section", where),
                quote=need(d, "quote", where),
                decision=need(d, "decision", where),
                line=_nth_line(text, "[[text_differences]]", i),
            )
        )
    return Config(
        file=file,
        name=need(spec, "name", "spec"),
        python=need(spec, "python", "spec"),
        title=spec.get("title", ""),
        version_package=need(spec, "version_package", "spec"),
        version_format=need(spec, "version", "spec"),
        module=need(go, "module", "go"),
        int_bits=int(go.get("int_bits", 64)),
        packages=tuple(need(data, "packages", "packages").items()),
        # A spec without JSON Schemas has no roots: Go's decoding is the validation.
        roots=tuple(data.get("roots", {}).items()),
        external=tuple(external),
        rules=rules,
        corrections=tuple(corrections),
        text_constants=tuple(text_constants),
        text_differences=tuple(text_differences),
    )


def _nth_line(text: str, needle: str, n: int) -> int:
    pos = -1
    for _ in range(n + 1):
        pos = text.find(needle, pos + 1)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else 0


def line_of(spec_dir: Path, needle: str) -> int:
    """Line of the first occurrence of ``needle`` in the mapping file (for errors)."""
    text = (spec_dir / MAPPING_FILE).read_text(encoding="utf-8")
    return _line(text, needle)
