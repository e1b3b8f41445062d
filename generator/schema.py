"""Read the vendored JSON Schemas (draft-04) offline.

Every ``$ref`` resolves through a ``referencing`` registry that serves the
vendored files by name: the specs cross-reference sibling files through many
base URIs (nested ``id``s; upstream's Go validator keeps an alias table for
them), and all of them name a file in the same folder.  Nothing is fetched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urldefrag, urlsplit

import referencing
import referencing.exceptions
import referencing.jsonschema

from .errors import GeneratorError

DRAFT4 = referencing.jsonschema.DRAFT4
_BASE = "file:///schema/"  # retrieval URI of a file without an id; never fetched


@dataclass(frozen=True)
class Node:
    """A schema location with ``$ref``, ``allOf`` and null-unions resolved."""

    path: str  # "file.json#/pointer" of the node the constraints came from
    types: tuple[str, ...] | None = None
    properties: tuple[tuple[str, Ref], ...] = ()
    required: tuple[str, ...] = ()
    pattern: str | None = None
    enum: tuple[Any, ...] | None = None
    format: str | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    min_items: int | None = None
    items: Ref | None = None
    pattern_properties: tuple[tuple[str, Ref], ...] = ()
    additional_properties: Ref | None = None
    nullable: bool = False  # oneOf/anyOf with {"type": "null"}
    description: str | None = None

    def prop(self, name: str) -> Ref | None:
        for key, ref in self.properties:
            if key == name:
                return ref
        return None

    def member(self, wire: str) -> tuple[str, Ref] | None:
        """The property a Go field with JSON name ``wire`` decodes: the one
        spelled alike, else one spelled alike but for ASCII case (Go matches
        members case-insensitively), as (schema spelling, schema)."""
        ref = self.prop(wire)
        if ref is not None:
            return wire, ref
        for key, ref in self.properties:
            if key.upper() == wire.upper():
                return key, ref
        return None


class _Resolved(Protocol):
    @property
    def contents(self) -> Any: ...

    @property
    def resolver(self) -> Resolver: ...


class Resolver(Protocol):
    """What this module uses of ``referencing``'s resolver (its class is private)."""

    def lookup(self, ref: str) -> _Resolved: ...

    def in_subresource(self, subresource: referencing.Resource[Any]) -> Resolver: ...


@dataclass(frozen=True)
class Ref:
    """An unresolved subschema together with its base URI."""

    contents: Any = field(compare=False)
    resolver: Resolver = field(compare=False, repr=False)
    path: str


class Schemas:
    def __init__(self, directory: Path, display: str) -> None:
        self.directory = directory
        self.display = display
        self.texts: dict[str, str] = {}
        self._resolved: dict[str, Node] = {}
        self.documents: dict[str, Any] = {}
        for file in sorted(directory.glob("*.json")):
            text = file.read_text(encoding="utf-8")
            try:
                doc = json.loads(text)
            except json.JSONDecodeError as e:
                raise GeneratorError(
                    f"{display}/{file.name}", e.lineno, f"not valid JSON: {e.msg}"
                ) from None
            self.texts[file.name] = text
            self.documents[file.name] = doc
        resources = [
            (_BASE + name, DRAFT4.create_resource(doc))
            for name, doc in self.documents.items()
        ]
        self.registry: referencing.Registry[Any] = referencing.Registry(
            retrieve=self._retrieve  # type: ignore[call-arg]
        ).with_resources(resources)

    def _retrieve(self, uri: str) -> referencing.Resource[Any]:
        name = urlsplit(uri).path.rsplit("/", 1)[-1]
        if name not in self.documents:
            raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]
        return DRAFT4.create_resource(self.documents[name])

    # -- locating problems ---------------------------------------------------

    def where(self, path: str) -> tuple[str, int]:
        """File and (best-effort) line of a "file.json#/pointer" location."""
        name, _, pointer = path.partition("#")
        text = self.texts.get(name, "")
        pos = 0
        for seg in [s for s in pointer.split("/") if s]:
            seg = seg.replace("~1", "/").replace("~0", "~")
            if seg.isdigit():
                continue
            m = re.compile(re.escape(json.dumps(seg)) + r"\s*:").search(text, pos)
            if m is None:
                break
            pos = m.start()
        return f"{self.display}/{name}", text.count("\n", 0, pos) + 1

    def error(self, path: str, message: str) -> GeneratorError:
        file, line = self.where(path)
        return GeneratorError(file, line, message)

    # -- resolution ----------------------------------------------------------

    def root(self, name: str) -> Ref:
        if name not in self.documents:
            raise GeneratorError(self.display, 0, f"no schema file {name!r}")
        resolver = self.registry.resolver(base_uri=_BASE + name)
        resolved = resolver.lookup(_BASE + name)
        return Ref(resolved.contents, resolved.resolver, f"{name}#")

    def resolve(self, ref: Ref) -> Node:
        # The binder asks for the same location several times (a field's type,
        # its struct, its lint checks); a location's node depends on it alone.
        node = self._resolved.get(ref.path)
        if node is None:
            node = self._resolved[ref.path] = self._resolve(ref, ())
        return node

    def _follow(self, ref: Ref, seen: tuple[str, ...]) -> tuple[Ref, tuple[str, ...]]:
        # draft-04: a "$ref" replaces the whole schema, siblings included.
        while isinstance(ref.contents, dict) and "$ref" in ref.contents:
            target = ref.contents["$ref"]
            if not isinstance(target, str):
                raise self.error(ref.path, "$ref is not a string")
            try:
                resolved = ref.resolver.lookup(target)
            except referencing.exceptions.Unresolvable:
                # A schema defect, reported by lint (``defects``): the location
                # constrains nothing, so only the Go type applies there.
                return Ref({}, ref.resolver, ref.path), seen
            uri, frag = urldefrag(target)
            name = uri.rsplit("/", 1)[-1] if uri else ref.path.partition("#")[0]
            path = f"{name}#{frag}"
            if path in seen:
                raise self.error(ref.path, f"cyclic $ref {target!r}")
            seen = seen + (path,)
            ref = Ref(resolved.contents, resolved.resolver, path)
        return ref, seen

    def _resolve(self, ref: Ref, seen: tuple[str, ...]) -> Node:
        ref, seen = self._follow(ref, seen)
        s = ref.contents
        if not isinstance(s, dict):
            raise self.error(ref.path, "schema is not an object")
        resolver = ref.resolver
        if "id" in s and isinstance(s["id"], str):
            resolver = resolver.in_subresource(DRAFT4.create_resource(s))

        def sub(value: Any, *pointer: str | int) -> Ref:
            tail = "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in pointer)
            return Ref(value, resolver, f"{ref.path}/{tail}")

        for union in ("oneOf", "anyOf"):
            if union in s:
                branches = s[union]
                non_null = [
                    (i, b)
                    for i, b in enumerate(branches)
                    if not (isinstance(b, dict) and b.get("type") == "null" and len(b) == 1)
                ]
                if len(non_null) != 1:
                    raise self.error(
                        ref.path,
                        f"{union} with {len(non_null)} non-null branches is not supported",
                    )
                inner = self._resolve(sub(non_null[0][1], union, non_null[0][0]), seen)
                extra = {k: v for k, v in s.items() if k not in (union, "description")}
                if extra:
                    raise self.error(
                        ref.path, f"{union} beside {sorted(extra)} is not supported"
                    )
                nullable = len(non_null) != len(branches)
                return _replace(inner, nullable=inner.nullable or nullable)

        node = self._own(s, ref.path, sub)
        for i, part in enumerate(s.get("allOf", ())):
            node = _merge(node, self._resolve(sub(part, "allOf", i), seen), self, ref.path)
        return node

    def _own(self, s: dict[str, Any], path: str, sub: Any) -> Node:
        known = {
            "$schema", "id", "description", "type", "properties", "required",
            "pattern", "enum", "format", "minimum", "maximum", "minItems", "items",
            "patternProperties", "additionalProperties", "allOf", "definitions",
            "media", "title",
        }  # fmt: skip
        unknown = sorted(set(s) - known)
        if unknown:
            raise self.error(path, f"unsupported schema keyword(s): {', '.join(unknown)}")
        t = s.get("type")
        types = (t,) if isinstance(t, str) else tuple(t) if isinstance(t, list) else None
        items = s.get("items")
        if isinstance(items, list):
            # Draft-04's tuple form checks only the first items; a Go slice has
            # one element type, so its schema applies to every item (lint
            # ``schema-tuple-items`` says so).
            if len(items) != 1:
                raise self.error(path, f"tuple-form items with {len(items)} schemas is not supported")
            s = dict(s, items=items[0])
            items = items[0]
        additional = s.get("additionalProperties")
        if additional is False or additional is True:
            raise self.error(path, "boolean additionalProperties is not supported")
        return Node(
            path=path,
            types=types,
            properties=tuple(
                (k, sub(v, "properties", k)) for k, v in s.get("properties", {}).items()
            ),
            required=tuple(s.get("required", ())),
            pattern=s.get("pattern"),
            enum=tuple(s["enum"]) if "enum" in s else None,
            format=s.get("format"),
            minimum=s.get("minimum"),
            maximum=s.get("maximum"),
            min_items=s.get("minItems"),
            items=sub(items, "items") if items is not None else None,
            pattern_properties=tuple(
                (k, sub(v, "patternProperties", k))
                for k, v in s.get("patternProperties", {}).items()
            ),
            additional_properties=(
                sub(additional, "additionalProperties") if additional is not None else None
            ),
            description=s.get("description"),
        )

    # -- defects anywhere in the files ---------------------------------------

    def defects(self) -> list[tuple[str, str, str]]:
        """(code, location, message) of every dangling ``$ref`` and every
        tuple-form ``items`` in the vendored files, reached by a Go type or not."""
        out: list[tuple[str, str, str]] = []

        def walk(value: Any, resolver: Resolver, path: str) -> None:
            if isinstance(value, list):
                for i, item in enumerate(value):
                    walk(item, resolver, f"{path}/{i}")
                return
            if not isinstance(value, dict):
                return
            if isinstance(value.get("id"), str):
                resolver = resolver.in_subresource(DRAFT4.create_resource(value))
            target = value.get("$ref")
            if isinstance(target, str):
                try:
                    resolver.lookup(target)
                except referencing.exceptions.Unresolvable:
                    out.append(("schema-dangling-ref", path, f"$ref {target!r} resolves to nothing"))
            if isinstance(value.get("items"), list):
                out.append(
                    ("schema-tuple-items", path, "items is an array (draft-04 tuple form): a"
                     " validator checks only the first item against it")
                )
            for key, sub in value.items():
                if key not in ("enum", "required") and isinstance(sub, (dict, list)):
                    tail = key.replace("~", "~0").replace("/", "~1")
                    walk(sub, resolver, f"{path}/{tail}")

        for name in self.documents:
            root = self.registry.resolver(base_uri=_BASE + name)
            walk(self.documents[name], root.lookup(_BASE + name).resolver, f"{name}#")
        return out

    # -- python-jsonschema over the same registry (tests, cross-checks) -------

    def validator(self, name: str) -> Any:
        import jsonschema  # type: ignore[import-untyped]

        return jsonschema.Draft4Validator(
            {"$ref": _BASE + name}, registry=self.registry
        )


def _replace(node: Node, **changes: Any) -> Node:
    from dataclasses import replace

    return replace(node, **changes)


def _merge(a: Node, b: Node, schemas: Schemas, path: str) -> Node:
    """allOf: both must hold; only disjoint constraints are supported."""
    merged: dict[str, Any] = {}
    for name in (
        "types", "pattern", "enum", "format", "minimum", "maximum", "min_items",
        "items", "additional_properties",
    ):  # fmt: skip
        x, y = getattr(a, name), getattr(b, name)
        if x is not None and y is not None and x != y:
            raise schemas.error(path, f"allOf with conflicting {name} is not supported")
        merged[name] = x if x is not None else y
    props = dict(a.properties)
    for k, v in b.properties:
        if k in props:
            raise schemas.error(path, f"allOf defines property {k!r} twice")
        props[k] = v
    return Node(
        path=a.path,
        properties=tuple(props.items()),
        required=a.required + tuple(r for r in b.required if r not in a.required),
        pattern_properties=a.pattern_properties + b.pattern_properties,
        nullable=a.nullable and b.nullable,
        description=a.description or b.description,
        **merged,
    )


_META = set("\\^$.|?*+()[]{}")


def translate_pattern(pattern: str) -> str:
    """An ECMA/RE2 schema pattern as a Python regex with the same meaning.

    ``$`` outside a class means end of text in RE2 and ECMA (no multiline), but
    "end or before a final newline" in Python: it becomes ``\\Z``.  Classes such
    as ``\\d`` are ASCII in RE2; the caller compiles with ``re.ASCII``.
    """
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
        elif c == "$":
            c = r"\Z"
        out.append(c)
        i += 1
    translated = "".join(out)
    re.compile(translated, re.ASCII)  # raises re.error for the caller to report
    return translated
