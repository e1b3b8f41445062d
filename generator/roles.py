"""Roles: the parts of a spec that its mapping file names, bound to the model.

``spec/<name>/ocigen.toml`` may declare, beside the types:

- with an external type of ``format = "digest"``, a ``.digest`` table: the
  grammar of a content digest ``algorithm:encoded``, the algorithm computed by
  default and the algorithms checked exactly and computable (with the hashlib
  name of each);
- ``[content]``: the content-descriptor type and which of its JSON members are
  the media type, digest and size, and the member in which a document names its
  own media type;
- ``[[media_types]]``: media type (a Go constant or a literal) -> the Go type of
  documents of that type, ``manifest = true`` for what a registry's manifests
  endpoint serves;
- ``[layout]``: a directory of content-addressed blobs: its marker file and type,
  the layout version, its index file and type, the blobs directory and the path
  of a blob under it;
- ``[bundle]``: a directory with a configuration file (and its type) whose
  members name a root filesystem path.

``attach`` checks these against the bound model (unknown types or members, a
member of the wrong kind: a GeneratorError with the mapping file's line) and
stores them in ``Spec.roles``, together with the spec's JSON Schemas bundled for
the pydantic hook.  The templates render generic code from them; Python
attribute names are always resolved here from the JSON member names declared.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from . import config as config_mod
from .errors import GeneratorError
from .model import (
    Bundle,
    Content,
    DigestAlgorithm,
    DigestFormat,
    EnumType,
    Field,
    Kind,
    Layout,
    ListType,
    MapType,
    MediaType,
    Module,
    Origin,
    Refs,
    RefStep,
    Roles,
    Spec,
    StrictStep,
    StrType,
    Struct,
    StructType,
    TypeName,
    TypeRef,
)
from .schema import translate_pattern

# Names the generated content helpers take besides the descriptor's own members.
HELPER_PARAMETERS = ("content", "algorithm")
_HEX = re.compile(r"\^\[a-f0-9\]\{(\d+)\}\$\Z")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def step(f: Field) -> StrictStep:
    """A field as one step of a member path."""
    return StrictStep(
        py_name=f.py_name, wire_name=f.wire_name, kind=f.type.kind,
        nullable=f.nullable, required=f.required,
    )  # fmt: skip


class _Mapping:
    """The mapping file's role sections, with errors at their lines."""

    def __init__(self, spec: Spec, spec_dir: Path, display: str) -> None:
        self.spec = spec
        self.spec_dir = spec_dir
        self.file = f"{display}/{config_mod.MAPPING_FILE}"
        self.text = (spec_dir / config_mod.MAPPING_FILE).read_text(encoding="utf-8")
        self.data: dict[str, Any] = tomllib.loads(self.text)  # config.load parsed it already
        self.structs: dict[str, tuple[Module, Struct]] = {
            f"{m.go_package}.{s.go_name}": (m, s) for m in spec.modules for s in m.structs
        }
        self.by_py = {(m.name, s.py_name): s for m in spec.modules for s in m.structs}
        self.consts = {c.go_name: c.value for m in spec.modules for c in m.constants}

    def error(self, needle: str, message: str) -> GeneratorError:
        return GeneratorError(self.file, config_mod.line_of(self.spec_dir, needle), message)

    def table(self, name: str) -> dict[str, Any] | None:
        value = self.data.get(name)
        if value is not None and not isinstance(value, dict):
            raise self.error(name, f"{name} must be a table")
        return value

    def need(self, table: dict[str, Any], key: str, where: str) -> Any:
        if key not in table:
            raise self.error(f"[{where}]", f"[{where}] needs {key!r}")
        return table[key]

    def text_value(self, table: dict[str, Any], key: str, where: str) -> str:
        """A string, given literally or as ``{ const = "GoConstant" }``."""
        value = self.need(table, key, where)
        if isinstance(value, dict):
            name = value.get("const")
            if set(value) != {"const"} or not isinstance(name, str):
                raise self.error(f"{key} =", f"[{where}] {key}: expected a string or {{ const = \"Name\" }}")
            return self.const(name, f"{key} =")
        if not isinstance(value, str) or not value:
            raise self.error(f"{key} =", f"[{where}] {key} must be a non-empty string")
        return value

    def const(self, name: str, needle: str) -> str:
        value = self.consts.get(name)
        if not isinstance(value, str):
            raise self.error(needle, f"no Go string constant {name!r} in this spec")
        return value

    def struct(self, ref: Any, needle: str) -> tuple[Module, Struct]:
        found = self.structs.get(ref) if isinstance(ref, str) else None
        if found is None:
            raise self.error(needle, f"no Go struct {ref!r} in this spec (\"pkgdir.Type\")")
        return found

    def type_name(self, ref: Any, needle: str) -> TypeName:
        module, s = self.struct(ref, needle)
        return TypeName(
            name=s.py_name, module=module.name, go_name=s.go_name, decoder=s.decoder,
            required=tuple(f.wire_name for f in s.fields if f.required),
        )  # fmt: skip

    def member(self, s: Struct, wire: str, needle: str) -> Field:
        for f in s.fields:
            if f.wire_name == wire:
                return f
        names = ", ".join(f.wire_name for f in s.fields)
        raise self.error(needle, f"{s.go_name} has no JSON member {wire!r} ({names})")

    def path(self, s: Struct, path: Any, needle: str) -> tuple[Field, ...]:
        if not isinstance(path, str) or not path:
            raise self.error(needle, "expected JSON member names joined by dots")
        out: list[Field] = []
        current: Struct | None = s
        for part in path.split("."):
            if current is None:
                raise self.error(needle, f"{path!r}: {out[-1].wire_name!r} is not a struct")
            f = self.member(current, part, needle)
            out.append(f)
            t = f.type
            current = self.by_py.get((t.module, t.name)) if isinstance(t, StructType) else None
        return tuple(out)


def attach(spec: Spec, spec_dir: Path, display: str) -> Spec:
    """The spec with the roles its mapping file declares (``Spec.roles``)."""
    m = _Mapping(spec, spec_dir, display)
    content = _content(m)
    roles = Roles(
        digest=_digest(m),
        content=content,
        layout=_layout(m, content),
        bundle=_bundle(m),
        documents=_documents(m),
    )
    schemas, sites = bundle_schemas(spec, spec_dir / "schema")
    return replace(spec, roles=replace(roles, schemas=schemas, schema_sites=sites))


# --- digests ----------------------------------------------------------------------


def _digest(m: _Mapping) -> DigestFormat | None:
    found: DigestFormat | None = None
    for key, value in m.data.get("external", {}).items():
        if value.get("format") != "digest":
            continue
        where = f'external."{key}".digest'
        decl = value.get("digest")
        if not isinstance(decl, dict):
            raise m.error(key, f"external {key}: format \"digest\" needs a [{where}] table")
        if found is not None:
            raise m.error(key, "only one external type may declare the digest format")
        found = digest_format(m, decl, where)
    return found


def digest_format(m: _Mapping, decl: dict[str, Any], where: str) -> DigestFormat:
    grammar = _regex(m, m.need(decl, "grammar", where), "grammar")
    algorithms = []
    entries = m.need(decl, "algorithms", where)
    if not isinstance(entries, list) or not entries:
        raise m.error("algorithms", f"[{where}] algorithms must be a non-empty list")
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"name", "encoded", "hashlib"}:
            raise m.error("algorithms", "each algorithm is { name, encoded, hashlib }")
        name, encoded, hash_name = entry["name"], entry["encoded"], entry["hashlib"]
        if not re.match(grammar, f"{name}:0"):
            raise m.error(f'"{name}"', f"algorithm {name!r} does not fit the digest grammar")
        if hash_name not in hashlib.algorithms_guaranteed:
            raise m.error(
                f'"{hash_name}"', f"hashlib does not guarantee {hash_name!r} on every platform"
            )
        hexes = _HEX.match(encoded)
        expect = f"{hexes.group(1)} lowercase hex characters" if hexes else f"text matching {encoded}"
        algorithms.append(DigestAlgorithm(name, _regex(m, encoded, name), hash_name, expect))
    canonical = m.need(decl, "canonical", where)
    chosen = [a for a in algorithms if a.name == canonical]
    if not chosen:
        raise m.error("canonical", f"canonical {canonical!r} is not one of the algorithms")
    pattern = re.escape(canonical) + ":" + chosen[0].encoded.removeprefix("^")
    return DigestFormat(
        grammar=grammar, canonical=canonical, canonical_pattern=pattern,
        algorithms=tuple(algorithms), origin=Origin(m.file, config_mod.line_of(m.spec_dir, "grammar")),
    )  # fmt: skip


def _regex(m: _Mapping, value: Any, needle: str) -> str:
    if not isinstance(value, str) or not value.startswith("^") or not value.endswith("$"):
        raise m.error(needle, f"{needle}: expected a regular expression anchored with ^ and $")
    try:
        return translate_pattern(value)
    except re.error as e:
        raise m.error(needle, f"{needle}: bad regular expression: {e}") from None


def merged_digest(specs: list[Spec]) -> DigestFormat | None:
    """The digest format of the generated package: declared once, or identically."""
    formats = {s.roles.digest for s in specs if s.roles.digest is not None}
    if len(formats) > 1:
        first, second = sorted(formats, key=lambda d: str(d.origin))[:2]
        raise GeneratorError(
            second.origin.file, second.origin.line,
            f"digest format differs from the one declared at {first.origin}",
        )  # fmt: skip
    return next(iter(formats), None)


# --- content and media types --------------------------------------------------------


def _content(m: _Mapping) -> Content | None:
    table = m.table("content")
    if table is None:
        if "media_types" in m.data or "layout" in m.data:
            raise m.error("media_types" if "media_types" in m.data else "[layout]", "needs [content]")
        return None
    ref = m.need(table, "descriptor", "content")
    module, s = m.struct(ref, "descriptor =")
    members: dict[str, Field] = {}
    for role, kinds in (("media_type", (Kind.STR, Kind.ENUM)), ("digest", (Kind.STR,)), ("size", (Kind.INT,))):
        f = m.member(s, m.need(table, role, "content"), f"{role} =")
        if f.type.kind not in kinds or f.nullable:
            raise m.error(f"{role} =", f"{role}: {s.go_name}.{f.wire_name} is not a plain {kinds[0].value}")
        members[role] = f
    digest_type = members["digest"].type
    if not (isinstance(digest_type, StrType) and digest_type.format == "digest"):
        raise m.error("digest =", f"digest: {s.go_name}.{members['digest'].wire_name} is not a digest")
    options = tuple(f for f in s.fields if f not in members.values())
    for f in options:
        if f.required:
            raise m.error("descriptor =", f"{s.go_name}.{f.wire_name} is required; descriptor_for cannot fill it")
        if f.nullable is False and f.type.kind not in (Kind.STR, Kind.ENUM, Kind.INT, Kind.BOOL):
            raise m.error("descriptor =", f"{s.go_name}.{f.wire_name}: its zero value cannot be a default argument")
        if f.py_name in HELPER_PARAMETERS:
            raise m.error("descriptor =", f"{s.go_name}.{f.wire_name}: the name {f.py_name!r} is taken")
    document_member = m.need(table, "document_media_type", "content")
    descriptor = m.type_name(ref, "descriptor =")
    media_types = _media_types(m, document_member)
    return Content(
        descriptor=descriptor,
        media_type=step(members["media_type"]),
        digest=step(members["digest"]),
        size=step(members["size"]),
        options=options,
        document_media_type=document_member,
        media_types=media_types,
        refs=_refs(m, descriptor, media_types),
    )


def _media_types(m: _Mapping, document_member: str) -> tuple[MediaType, ...]:
    entries = m.data.get("media_types", [])
    if not isinstance(entries, list):
        raise m.error("media_types", "media_types must be an array of tables ([[media_types]])")
    out: list[MediaType] = []
    seen: set[str] = set()
    for entry in entries:
        keys = set(entry)
        if not ({"type"} <= keys <= {"type", "const", "value", "manifest"}) or len(keys & {"const", "value"}) != 1:
            raise m.error("[[media_types]]", "each [[media_types]] has type, const or value, and manifest")
        const = entry.get("const")
        needle = f'"{const}"' if const else f'"{entry.get("value")}"'
        value = m.const(const, needle) if const else entry["value"]
        if not isinstance(value, str) or "/" not in value or value != value.lower():
            raise m.error(needle, f"{value!r} is not a lower-case media type (type/subtype)")
        if value in seen:
            raise m.error(needle, f"media type {value!r} is listed twice")
        seen.add(value)
        manifest = entry.get("manifest", False)
        if not isinstance(manifest, bool):
            raise m.error(needle, "manifest must be true or false")
        type_name = m.type_name(entry["type"], f'"{entry["type"]}"')
        if manifest:
            _, s = m.struct(entry["type"], needle)
            f = m.member(s, document_member, f'"{entry["type"]}"')
            if f.type.kind not in (Kind.STR, Kind.ENUM):
                raise m.error(needle, f"{s.go_name}.{document_member} is not a string")
        out.append(MediaType(value=value, type=type_name, manifest=manifest, const=const))
    return tuple(out)


def _refs(m: _Mapping, descriptor: TypeName, media_types: tuple[MediaType, ...]) -> tuple[Refs, ...]:
    """Every struct reachable from a document type that holds descriptors."""
    holds: dict[tuple[str, str], tuple[RefStep, ...]] = {}
    visiting: set[tuple[str, str]] = set()

    def target(t: TypeRef) -> tuple[Literal["one", "list", "map"], StructType] | None:
        container: Literal["one", "list", "map"] = "one"
        if isinstance(t, ListType):
            container, t = "list", t.item
        elif isinstance(t, MapType) and not t.keyed:
            container, t = "map", t.value
        return (container, t) if isinstance(t, StructType) else None

    def visit(key: tuple[str, str]) -> bool:
        if key in holds:
            return bool(holds[key])
        if key in visiting or key == (descriptor.module, descriptor.name):
            return False
        visiting.add(key)
        steps: list[RefStep] = []
        for f in m.by_py[key].fields:
            found = target(f.type)
            if found is None:
                continue
            container, st = found
            inner = (st.module, st.name)
            if inner == (descriptor.module, descriptor.name):
                steps.append(RefStep(step(f), container, ""))
            elif inner in m.by_py and visit(inner):
                steps.append(RefStep(step(f), container, st.name))
        visiting.discard(key)
        holds[key] = tuple(steps)
        return bool(steps)

    for mt in media_types:
        visit((mt.type.module, mt.type.name))
    return tuple(
        Refs(m.type_name(f"{mod.go_package}.{s.go_name}", ""), holds[(mod.name, s.py_name)])
        for mod in m.spec.modules
        for s in mod.structs
        if holds.get((mod.name, s.py_name))
    )


# --- layouts, bundles, documents -----------------------------------------------------


def _layout(m: _Mapping, content: Content | None) -> Layout | None:
    table = m.table("layout")
    if table is None:
        return None
    assert content is not None  # _content refuses a layout without it
    marker_ref = m.need(table, "marker_type", "layout")
    _, marker_struct = m.struct(marker_ref, "marker_type =")
    version_member = m.path(marker_struct, m.need(table, "version_member", "layout"), "version_member =")
    if version_member[-1].type.kind != Kind.STR:
        raise m.error("version_member =", "version_member must be a string member")
    blob_path = m.text_value(table, "blob_path", "layout")
    if sorted(_PLACEHOLDER.findall(blob_path)) != ["algorithm", "encoded"]:
        raise m.error("blob_path =", "blob_path must use {algorithm} and {encoded}, once each")
    index_type = m.type_name(m.need(table, "index_type", "layout"), "index_type =")
    if index_type.name not in {r.struct.name for r in content.refs if r.struct.module == index_type.module}:
        raise m.error("index_type =", f"{index_type.go_name} holds no {content.descriptor.go_name}")
    return Layout(
        marker=m.text_value(table, "marker", "layout"),
        marker_type=m.type_name(marker_ref, "marker_type ="),
        version_member=tuple(step(f) for f in version_member),
        version=m.text_value(table, "version", "layout"),
        index=m.text_value(table, "index", "layout"),
        index_type=index_type,
        blobs=m.text_value(table, "blobs", "layout"),
        blob_path=blob_path,
    )


def _bundle(m: _Mapping) -> Bundle | None:
    table = m.table("bundle")
    if table is None:
        return None
    ref = m.need(table, "type", "bundle")
    _, s = m.struct(ref, "type =")
    root = m.path(s, m.need(table, "root_path", "bundle"), "root_path =")
    if root[-1].type.kind != Kind.STR:
        raise m.error("root_path =", "root_path must end at a string member")
    return Bundle(
        config=m.text_value(table, "config", "bundle"),
        type=m.type_name(ref, "type ="),
        root_path=tuple(step(f) for f in root),
    )


def _documents(m: _Mapping) -> tuple[TypeName, ...]:
    return tuple(m.type_name(ref, f'"{ref}"') for ref in m.data.get("roots", {}).values())


# --- JSON Schemas for the pydantic hook -----------------------------------------------

# Keywords whose value maps names to schemas; keywords whose value is data.
# Anything else may hold schemas (the runtime-spec nests whole schemas under
# keys such as "linux").
_NAMED = ("properties", "patternProperties", "definitions")
_DATA = ("enum", "default", "required", "examples", "const", "type")
_DROPPED = ("id", "$schema")  # base URIs: every $ref is rewritten to a key below


def bundle_schemas(
    spec: Spec, directory: Path
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """The spec's schema files stored compactly for the generated package, and
    the schema location of every class.

    Each file becomes one entry ``<spec>/<file>#`` without its ``definitions``,
    and each definition its own entry ``<spec>/<file>#/definitions/<name>``;
    every ``$ref`` is rewritten to such a key plus a JSON pointer inside it, so
    the generated code resolves references without URIs.  A class whose
    canonical decoder has no schema gets an entry built from its fields."""
    files = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))}
    entries: dict[str, Any] = {}
    for name, doc in files.items():
        doc = _normalise(doc, spec.name, name, files)
        definitions = doc.pop("definitions", {}) if isinstance(doc, dict) else {}
        entries[f"{spec.name}/{name}#"] = doc
        for key, sub in definitions.items():
            entries[f"{spec.name}/{name}#/definitions/{_escape(key)}"] = sub
    sites: list[tuple[str, str]] = []
    structs = {(m.name, s.py_name): (m, s) for m in spec.modules for s in m.structs}
    for module in spec.modules:
        decoders = {d.name: d for d in module.decoders}
        for s in module.structs:
            path = decoders[s.decoder].schema_path
            key = f"{spec.name}/{path}" if path else f"{module.name}.{s.py_name}"
            if path is None:
                entries[key] = _model_schema(s, structs, spec.name)
            sites.append((f"{module.name}.{s.py_name}", key))
    stored = tuple(
        (key, json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True))
        for key, value in sorted(entries.items())
    )
    return stored, tuple(sites)


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _points_into(doc: Any, pointer: str) -> bool:
    """Does JSON pointer ``pointer`` (a fragment: "" or "/a/b") name a value in ``doc``?"""
    if pointer and not pointer.startswith("/"):
        return False
    node = doc
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def _normalise(node: Any, spec: str, file: str, files: dict[str, Any]) -> Any:
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED and isinstance(value, str):
            continue
        if key == "$ref" and isinstance(value, str):
            uri, _, pointer = value.partition("#")
            target = uri.rsplit("/", 1)[-1] if uri else file
            if target not in files:
                raise GeneratorError(f"{spec}/schema/{file}", 0, f"$ref {value!r} names no vendored file")
            if not _points_into(files[target], pointer):
                # A dangling $ref (lint schema-dangling-ref): it constrains
                # nothing, as the generated decoders treat it.
                return {}
            out[key] = f"{spec}/{target}#{pointer}"
        elif key in _NAMED and isinstance(value, dict):
            out[key] = {k: _normalise(v, spec, file, files) for k, v in value.items()}
        elif key in _DATA:
            out[key] = value
        elif isinstance(value, list):
            out[key] = [_normalise(v, spec, file, files) for v in value]
        else:
            out[key] = _normalise(value, spec, file, files)
    return out


def _model_schema(
    s: Struct, structs: dict[tuple[str, str], tuple[Module, Struct]], spec: str
) -> dict[str, Any]:
    """A schema for a struct no schema file describes: its members and their JSON types."""

    def of(t: TypeRef) -> dict[str, Any]:
        if isinstance(t, StructType):
            module, inner = structs[(t.module, t.name)]
            path = next(d.schema_path for d in module.decoders if d.name == inner.decoder)
            return {"$ref": f"{spec}/{path}" if path else f"{t.module}.{t.name}"}
        if isinstance(t, ListType):
            return {"type": "array", "items": of(t.item)}
        if isinstance(t, MapType):
            return {"type": "object", "additionalProperties": of(t.value)}
        if isinstance(t, EnumType):
            return {"type": "string"}
        return {"type": t.kind.json_type} if t.kind.json_type else {}

    return {
        "type": "object",
        "description": f"{s.go_name} (Go type; no schema describes it)",
        "properties": {f.wire_name: of(f.type) for f in s.fields},
    }
