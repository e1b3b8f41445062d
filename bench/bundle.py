"""Bundle the vendored draft-04 schemas into one self-contained schema per root.

The published schemas carry nested ``id``s (draft-04) and relative ``$ref``s to
sibling files; resolved against those ids they name URLs under
opencontainers.org, which neither datamodel-code-generator nor the rival
validators can reach offline.  As ocigen's own ``generator/schema.py`` does,
every ``$ref`` is resolved through a ``referencing`` registry that serves the
vendored files by their file name (the last path segment of the resolved URI),
so nothing is fetched.  Each distinct ``$ref`` target becomes one entry of the
root's ``definitions`` and the reference becomes ``#/definitions/<name>``; every
``id`` keyword is dropped.  The output is plain draft-04 that any validator or
code generator resolves locally.

    python bench/bundle.py spec/image-spec/schema OUTDIR   # writes OUTDIR/<root>.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import referencing
import referencing.exceptions
import referencing.jsonschema

DRAFT4 = referencing.jsonschema.DRAFT4
_BASE = "file:///schema/"

# Keywords whose value is a schema / a list of schemas / a map of schemas.
_ONE = ("additionalProperties", "additionalItems", "not", "items")
_LIST = ("allOf", "anyOf", "oneOf", "items")
_MAP = ("properties", "patternProperties", "definitions", "dependencies")

# Readable definition names for whole files (the Go type they describe).
FILE_NAMES = {
    "content-descriptor.json": "Descriptor",
    "image-manifest-schema.json": "Manifest",
    "image-index-schema.json": "Index",
    "config-schema.json": "Image",
    "image-layout-schema.json": "ImageLayout",
}


class Bundler:
    def __init__(self, directory: Path) -> None:
        self.documents = {
            f.name: json.loads(f.read_text(encoding="utf-8"))
            for f in sorted(directory.glob("*.json"))
        }
        self.registry: referencing.Registry[Any] = referencing.Registry(
            retrieve=self._retrieve  # type: ignore[call-arg]
        ).with_resources(
            (_BASE + n, DRAFT4.create_resource(d)) for n, d in self.documents.items()
        )

    def _retrieve(self, uri: str) -> referencing.Resource[Any]:
        name = urlsplit(uri).path.rsplit("/", 1)[-1]
        if name not in self.documents:
            raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]
        return DRAFT4.create_resource(self.documents[name])

    def bundle(self, root: str) -> dict[str, Any]:
        self._defs: dict[str, Any] = {}
        self._names: dict[int, str] = {}  # id(target contents) -> definition name
        self.dangling: list[str] = []  # $refs that resolve to nothing
        resolver = self.registry.resolver(base_uri=_BASE + root)
        resolved = resolver.lookup(_BASE + root)
        out = self._walk(resolved.contents, resolved.resolver, root)
        out.pop("$schema", None)
        out = {"$schema": "http://json-schema.org/draft-04/schema#", **out}
        # The root's own definitions are reachable only through $refs, which
        # all point into the bundle's definitions now.
        out.pop("definitions", None)
        if self._defs:
            out["definitions"] = self._defs
        return out

    def _name(self, target: str, current_file: str) -> tuple[str, str]:
        uri, frag = urldefrag(target)
        file = urlsplit(uri).path.rsplit("/", 1)[-1] if uri else current_file
        if frag.strip("/"):
            base = frag.rstrip("/").rsplit("/", 1)[-1]
        else:
            base = FILE_NAMES.get(file, re.sub(r"\W|json$", "", file.title()))
        name, i = base, 2
        while name in self._defs or name in self._names.values():
            name, i = f"{base}{i}", i + 1
        return name, file

    def _walk(self, s: Any, resolver: Any, file: str) -> Any:
        if not isinstance(s, dict):
            return s
        if isinstance(s.get("id"), str):
            resolver = resolver.in_subresource(DRAFT4.create_resource(s))
        if isinstance(s.get("$ref"), str):
            target = s["$ref"]
            try:
                resolved = resolver.lookup(target)
            except referencing.exceptions.Unresolvable:
                # runtime-spec 1.3.0's '#definitions/uint32' (no slash) resolves
                # to nothing; the generator reports it (schema-dangling-ref) and
                # applies the Go type only: the rivals get the empty schema.
                self.dangling.append(target)
                return {}
            key = id(resolved.contents)
            if key not in self._names:
                name, tfile = self._name(target, file)
                self._names[key] = name
                self._defs[name] = None  # reserve (cycles)
                self._defs[name] = self._walk(resolved.contents, resolved.resolver, tfile)
            # draft-04: siblings of $ref are ignored.
            out: dict[str, Any] = {"$ref": "#/definitions/" + self._names[key]}
            return out
        out = {}
        for k, v in s.items():
            if k in ("id", "$schema"):
                continue
            if k in _MAP and isinstance(v, dict):
                out[k] = {
                    p: self._walk(x, resolver, file) if isinstance(x, dict) else x
                    for p, x in v.items()
                }
            elif k in _LIST and isinstance(v, list):
                out[k] = [self._walk(x, resolver, file) for x in v]
            elif k in _ONE and isinstance(v, dict):
                out[k] = self._walk(v, resolver, file)
            else:
                out[k] = v
        return out


def bundle_dir(schema_dir: Path, roots: list[str], out_dir: Path) -> dict[str, Path]:
    b = Bundler(schema_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for root in roots:
        path = out_dir / root
        path.write_text(json.dumps(b.bundle(root), indent=2) + "\n", encoding="utf-8")
        written[root] = path
    return written


def main() -> None:
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    roots = sys.argv[3:] or [
        n for n in sorted(p.name for p in src.glob("*.json")) if "schema" in n
    ]
    for root, path in bundle_dir(src, roots, dst).items():
        print(f"{root} -> {path}")


if __name__ == "__main__":
    main()
