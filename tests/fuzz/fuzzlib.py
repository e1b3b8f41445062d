"""Support for the hostile-input suites in tests/fuzz/.

* ``ROOTS`` / ``SEEDS``: the document types and the valid (and upstream-invalid)
  documents the mutations start from: the ```json examples of the vendored
  image-spec markdown, the table cases of its schema/*_test.go (read with the
  project's Go reader) and the runtime fixtures under
  tests/output/fixtures/runtime/ (globbed when the tests are collected).
* ``encode``: a JSON writer that can also emit what ``json.dumps`` cannot:
  duplicate members (``Pairs``) and verbatim bytes (``Raw``: invalid UTF-8,
  ``1.0``, ``1e400``, ``NaN``, deep nesting ...).
* ``mutated_inputs``: a hypothesis strategy that walks to random JSON paths of a
  seed and drops, duplicates, retypes, nulls, swaps ... what it finds there.
* ``SchemaSite`` / ``go_site``: what the vendored JSON Schema and the Go
  declarations say about one JSON location, used to decide which named rule
  explains a disagreement with python-jsonschema.
* ``GO_SIDE_DIFFERENCES``: the allowed differences, each once, with a reason
  and the condition that recognises it.
* ``COUNTS``: how many inputs the suites fed to the parsers (printed by
  conftest.py at the end of the session).
"""

from __future__ import annotations

import collections
import copy
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from hypothesis import strategies as st

from support.gotables import table_tests
from generator.schema import Schemas

from oci_spec import ValidationError
from oci_spec.image import v1
from oci_spec.runtime import Spec, State
from oci_spec.runtime.features import Features

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec"
RUNTIME_FIXTURES = REPO / "tests" / "output" / "fixtures" / "runtime"

# --- sizes ------------------------------------------------------------------------

DEFAULT_EXAMPLES = 150


def examples(weight: float = 1.0) -> int:
    """max_examples for one property: ``OCIGEN_FUZZ_EXAMPLES`` (default 150) x weight."""
    base = int(os.environ.get("OCIGEN_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))
    return max(1, int(base * weight))


# Inputs fed to from_json/from_dict, by suite; outcomes worth a line in the summary.
COUNTS: collections.Counter[str] = collections.Counter()
EXPLAINED: collections.Counter[str] = collections.Counter()
TOLERATED: collections.Counter[str] = collections.Counter()


# --- document types -----------------------------------------------------------------


@dataclass(frozen=True)
class Root:
    """A document type: the model class and the schema file upstream pairs with it."""

    name: str
    cls: type[Any]
    spec: str  # "image-spec" | "runtime-spec"
    schema: str  # root schema file

    def __repr__(self) -> str:
        return self.name


ROOTS: dict[str, Root] = {
    r.name: r
    for r in (
        Root("Descriptor", v1.Descriptor, "image-spec", "content-descriptor.json"),
        Root("Manifest", v1.Manifest, "image-spec", "image-manifest-schema.json"),
        Root("Index", v1.Index, "image-spec", "image-index-schema.json"),
        Root("Image", v1.Image, "image-spec", "config-schema.json"),
        Root("ImageLayout", v1.ImageLayout, "image-spec", "image-layout-schema.json"),
        Root("Spec", Spec, "runtime-spec", "config-schema.json"),
        Root("State", State, "runtime-spec", "state-schema.json"),
        Root("Features", Features, "runtime-spec", "features-schema.json"),
    )
}


@cache
def schemas(spec: str) -> Schemas:
    return Schemas(SPEC / spec / "schema", f"spec/{spec}/schema")


@cache
def validator(root: Root) -> Any:
    """python-jsonschema's Draft4Validator for the root's schema, offline."""
    return schemas(root.spec).validator(root.schema)


# --- seeds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    id: str
    root: Root
    text: str

    @property
    def doc(self) -> Any:
        return json.loads(self.text)

    def __repr__(self) -> str:
        return f"Seed({self.id!r})"


_FENCE = re.compile(r"^```json,([^\n]*)\n(.*?)^```", re.M | re.S)
_MEDIA_ROOTS = {
    v1.MEDIA_TYPE_DESCRIPTOR: "Descriptor",
    v1.MEDIA_TYPE_IMAGE_MANIFEST: "Manifest",
    v1.MEDIA_TYPE_IMAGE_INDEX: "Index",
    v1.MEDIA_TYPE_IMAGE_CONFIG: "Image",
    v1.MEDIA_TYPE_LAYOUT_HEADER: "ImageLayout",
}
# schema/*_test.go: the Test function -> (root, the case field holding the document)
_TABLES = {
    "TestManifest": ("Manifest", "manifest"),
    "TestDescriptor": ("Descriptor", "descriptor"),
    "TestConfig": ("Image", "config"),
    "TestImageIndex": ("Index", "imageIndex"),
    "TestImageLayout": ("ImageLayout", "imageLayout"),
    "TestBackwardsCompatibilityImageIndex": ("Index", "imageIndex"),
    "TestBackwardsCompatibilityManifest": ("Manifest", "manifest"),
    "TestBackwardsCompatibilityConfig": ("Image", "config"),
}
# backwards_compatibility_test.go convertFormats
_DOCKER_TO_OCI = {
    "application/vnd.docker.distribution.manifest.list.v2+json": v1.MEDIA_TYPE_IMAGE_INDEX,
    "application/vnd.docker.distribution.manifest.v2+json": v1.MEDIA_TYPE_IMAGE_MANIFEST,
    "application/vnd.docker.image.rootfs.diff.tar.gzip": v1.MEDIA_TYPE_IMAGE_LAYER_GZIP,
    "application/vnd.docker.container.image.v1+json": v1.MEDIA_TYPE_IMAGE_CONFIG,
}


def _json_ok(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _markdown_seeds() -> list[Seed]:
    out = []
    for md in sorted((SPEC / "image-spec").glob("*.md")):
        text = md.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            params = parse_qs(m.group(1))
            media = unquote(params["mediatype"][0]) if "mediatype" in params else ""
            if media in _MEDIA_ROOTS and _json_ok(m.group(2)):
                line = text.count("\n", 0, m.start()) + 1
                out.append(Seed(f"{md.name}:{line}", ROOTS[_MEDIA_ROOTS[media]], m.group(2)))
    return out


def _table_seeds() -> list[Seed]:
    out = []
    for path in sorted((SPEC / "image-spec" / "schema").glob("*_test.go")):
        for case in table_tests(path):
            if case.func not in _TABLES:
                continue
            root, key = _TABLES[case.func]
            doc = dict(case.fields).get(key)
            if not isinstance(doc, str):
                continue
            if case.func.startswith("TestBackwardsCompatibility"):
                for docker, oci in _DOCKER_TO_OCI.items():
                    doc = doc.replace(docker, oci)
            if _json_ok(doc):
                out.append(Seed(f"{case.func}/{case.index}", ROOTS[root], doc))
    return out


def _runtime_root(name: str, doc: Any) -> Root | None:
    if not isinstance(doc, dict):
        return None
    if name.startswith("features") or "ociVersionMin" in doc:
        return ROOTS["Features"]
    if name.startswith("state") or ("status" in doc and "bundle" in doc):
        return ROOTS["State"]
    return ROOTS["Spec"]


def _runtime_seeds() -> list[Seed]:
    out = []
    for path in sorted(RUNTIME_FIXTURES.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        if not _json_ok(text):
            continue
        root = _runtime_root(path.name, json.loads(text))
        if root is not None:
            out.append(Seed(f"fixtures/runtime/{path.name}", root, text))
    # Minimal documents, so that every root has at least one seed.
    out.append(Seed("minimal-spec", ROOTS["Spec"], '{"ociVersion":"1.2.1"}'))
    out.append(
        Seed(
            "minimal-state",
            ROOTS["State"],
            '{"ociVersion":"1.2.1","id":"c","status":"running","pid":1,"bundle":"/b"}',
        )
    )
    out.append(
        Seed("minimal-features", ROOTS["Features"], '{"ociVersionMin":"1.0.0","ociVersionMax":"1.2.1"}')
    )
    return out


@cache
def seeds() -> tuple[Seed, ...]:
    return tuple(_markdown_seeds() + _table_seeds() + _runtime_seeds())


def seeds_for(spec: str) -> tuple[Seed, ...]:
    return tuple(s for s in seeds() if s.root.spec == spec)


# --- a JSON writer for hostile documents --------------------------------------------


@dataclass(frozen=True)
class Raw:
    """Bytes written verbatim where a JSON value goes."""

    data: bytes

    def __repr__(self) -> str:
        shown = self.data if len(self.data) <= 40 else self.data[:40] + b"..."
        return f"Raw({shown!r}, {len(self.data)} bytes)"


@dataclass
class Pairs:
    """A JSON object written member by member: keys may repeat (last one wins in
    Python's json and in Go's encoding/json)."""

    items: list[tuple[Any, Any]]


def encode(value: Any) -> bytes:
    out: list[bytes] = []
    _encode(value, out)
    return b"".join(out)


def _encode(value: Any, out: list[bytes]) -> None:
    if isinstance(value, Raw):
        out.append(value.data)
    elif isinstance(value, Pairs):
        out.append(b"{")
        for i, (k, v) in enumerate(value.items):
            if i:
                out.append(b",")
            _encode(k, out)
            out.append(b":")
            _encode(v, out)
        out.append(b"}")
    elif isinstance(value, dict):
        _encode(Pairs(list(value.items())), out)
    elif isinstance(value, list):
        out.append(b"[")
        for i, v in enumerate(value):
            if i:
                out.append(b",")
            _encode(v, out)
        out.append(b"]")
    elif isinstance(value, str):
        out.append(json.dumps(value).encode("ascii"))  # lone surrogates as \udXXX
    elif isinstance(value, float):
        out.append(json.dumps(value).encode("ascii"))  # NaN/Infinity tokens included
    else:
        out.append(json.dumps(value).encode("ascii"))


# --- JSON paths -------------------------------------------------------------------------

Path_ = tuple[str | int, ...]


def iter_paths(value: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from iter_paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from iter_paths(v, prefix + (i,))


def get_at(doc: Any, path: Path_) -> Any:
    for seg in path:
        doc = doc[seg]
    return doc


def set_at(doc: Any, path: Path_, value: Any) -> Any:
    if not path:
        return value
    get_at(doc, path[:-1])[path[-1]] = value
    return doc


# --- mutations --------------------------------------------------------------------------

LONG = 10**6
DEEP = 10**5
_HEX = "0123456789abcdef"

INT_EDGES: tuple[Any, ...] = (
    0, 1, -1, 2**31 - 1, 2**31, -(2**31) - 1, 2**32 - 1, 2**32, 2**53 + 1,
    2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64 - 1, 2**64, 10**30,
    9223372036854776000, 18446744073709552000, -9223372036854776000,
    1.0, 1.5, -0.0, 1e3,
    Raw(b"1.0"), Raw(b"1e3"), Raw(b"1E+2"), Raw(b"-0"), Raw(b"1e400"), Raw(b"-1e400"),
    Raw(b"1" * 400), Raw(b"9" * 5000), Raw(b"2e-400"),
)  # fmt: skip
HOSTILE_SCALARS: tuple[Any, ...] = (
    None, True, False, 0, -1, 1.0, "", "x", "0", "true", "null", [], {}, [None], {"": None},
    Raw(b"NaN"), Raw(b"Infinity"), Raw(b"-Infinity"),
)  # fmt: skip
TEXT_EDGES: tuple[str, ...] = (
    "", " ", "\n", "\x00", "\x7f", "\u2028", "\ufeff", "é", "٣", "２", "\U0001f600",
    "\ud800", "\udc00", "=", ":", "/", "%", "%zz", "%41", "a b", "\\",
)  # fmt: skip
# Strings that reach the rule-bearing checks: digests, env, uris, timestamps, enums.
SPECIAL_STRINGS: tuple[str, ...] = (
    "sha256:" + "a" * 64, "sha256:" + "a" * 63, "sha256:" + "a" * 65, "sha256:" + "A" * 64,
    "sha384:" + "b" * 96, "sha384:" + "b" * 64, "sha512:" + "c" * 128, "sha512:" + "c" * 127,
    "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
    "sha256:", ":abc", "sha256", "SHA256:" + "a" * 64, "sha256:" + "a" * 64 + "\n",
    "FOO=bar", "FOO=", "=bar", "FOO", "FOO=bar\n", "FOO=bar\nBAZ=1", "\n=x",
    "https://example.com/x", "http://x/?q=%zz", "mailto:%zz", "http://a%41/", "http://a{b/",
    "http://[::1]:80/", "http://[zz]/", "http://x:8o/", "relative/path", "//host/path", "x:",
    "2015-10-31T22:22:56.015925234Z", "2015-10-31T22:22:56Z", "0000-01-01T00:00:00Z",
    "2015-10-31t22:22:56Z", "2015-10-31T22:22:56+24:00", "2015-10-31T22:22:56,5Z",
    "2015-10-31T2:22:56Z", "2015-02-30T00:00:00Z", "2015-10-31T22:22:60Z", "9999-12-31T23:59:59.999999999999Z",
    "application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar\n",
    "a/b", "a/b\n", "text/plain; charset=utf-8", "CAP_SYS_ADMIN", "CAP_SYS_ADMIN\n",
    "RLIMIT_NOFILE\n", "2MB\n", "c\n", "0-3\n", "MB:0=20\n", "layers", "1.0.0", "1.2.1",
)  # fmt: skip

OPS = (
    "drop", "null", "retype", "swap", "dup", "int", "string", "special", "unknown",
    "rename", "wrap", "deep", "long", "nonstring-values", "empty",
)  # fmt: skip


def _long_string() -> str:
    return "x" * LONG


def _mutate_string(draw: Any, s: str) -> Any:
    how = draw(st.integers(0, 13))
    if how == 0:
        return s + "\n"
    if how == 1:
        return " " + s
    if how == 2:
        return s.upper()
    if how == 3:
        return s[: draw(st.integers(0, max(0, len(s) - 1)))] if s else s
    if how == 4:
        i = draw(st.integers(0, len(s)))
        return s[:i] + draw(st.sampled_from(TEXT_EDGES)) + s[i:]
    if how == 5:
        return draw(st.text(max_size=20))
    if how == 6:  # invalid UTF-8 inside the string
        raw = json.dumps(s).encode("ascii")
        bad = draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80\x80", b"\xe2\x82"]))
        return Raw(raw[:-1] + bad + b'"')
    if how == 7:  # lone surrogate escapes
        esc = draw(st.sampled_from([b"\\ud800", b"\\udfff", b"\\ud800\\u0041", b"\\udc00\\ud800"]))
        raw = json.dumps(s).encode("ascii")
        return Raw(raw[:-1] + esc + b'"')
    if how == 8:  # digest-like damage
        if ":" in s:
            alg, _, enc = s.partition(":")
            return draw(
                st.sampled_from(
                    [
                        f"{alg}:{enc[:-1]}",
                        f"{alg}:{enc}0",
                        f"{alg}:{enc.upper()}",
                        f"sha384:{enc}",
                        f"sha512:{enc}",
                        f"{alg.upper()}:{enc}",
                        f"{alg}+x:{enc}",
                        f"{alg}:{enc}=",
                    ]
                )
            )
        return s + ":" + _HEX
    if how == 9:
        return draw(st.sampled_from(SPECIAL_STRINGS))
    if how == 10:  # a JSON escape for a plain character (Go's time parser reads raw bytes)
        if s:
            raw = json.dumps(s[:-1]).encode("ascii")
            return Raw(raw[:-1] + b"\\u%04x" % ord(s[-1]) + b'"') if ord(s[-1]) < 0xD800 else s
        return s
    if how == 11:
        return s * 2
    if how == 12:
        return s.replace("T", "t").replace("Z", "z")
    return draw(st.from_regex(r"[a-z0-9]{1,8}:[0-9a-f]{0,130}", fullmatch=True))


def _retype(draw: Any, v: Any) -> Any:
    choice = draw(st.integers(0, 6))
    if choice == 0:
        return draw(st.sampled_from(HOSTILE_SCALARS))
    if choice == 1:
        return draw(st.sampled_from(INT_EDGES))
    if choice == 2:
        return [v]
    if choice == 3:
        return {"k": v}
    if choice == 4:
        return str(v) if not isinstance(v, (Raw, Pairs)) else "x"
    if choice == 5 and isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return len(v)
    return draw(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
            lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
            max_leaves=6,
        )
    )


def _swap(v: Any) -> Any:
    if isinstance(v, list):
        return {str(i): x for i, x in enumerate(v)}
    if isinstance(v, dict):
        return list(v.values())
    if isinstance(v, str):
        return [v]
    return {"value": v}


@st.composite
def mutated_value(draw: Any, doc: Any) -> Any:
    """One mutation at one random JSON path of ``doc`` (a deep copy is changed)."""
    doc = copy.deepcopy(doc)
    paths = list(iter_paths(doc))
    op = draw(st.sampled_from(OPS))
    # String and integer mutations go where strings and integers are, mostly.
    wanted = {"string": str, "special": str, "int": int}.get(op)
    if wanted is not None and draw(st.integers(0, 3)):
        typed = [p for p in paths if type(get_at(doc, p)) is wanted]
        paths = typed or paths
    path = paths[draw(st.integers(0, len(paths) - 1))]
    cur = get_at(doc, path)
    parent = get_at(doc, path[:-1]) if path else None
    if op == "drop" and path:
        del parent[path[-1]]
        return doc
    if op == "null":
        return set_at(doc, path, None)
    if op == "retype":
        return set_at(doc, path, _retype(draw, cur))
    if op == "swap":
        return set_at(doc, path, _swap(cur))
    if op == "dup":
        if isinstance(parent, list):
            parent.insert(path[-1], copy.deepcopy(cur))
            return doc
        if isinstance(parent, dict):
            other = draw(st.sampled_from(HOSTILE_SCALARS + (cur,)))
            items = list(parent.items())
            i = [k for k, _ in items].index(path[-1])
            extra = (path[-1], other)
            if draw(st.booleans()):
                items.insert(i, extra)  # the original (last) wins
            else:
                items.insert(i + 1, extra)  # the duplicate (last) wins
            return set_at(doc, path[:-1], Pairs(items))
        return set_at(doc, path, [cur, cur])
    if op == "int":
        return set_at(doc, path, draw(st.sampled_from(INT_EDGES)))
    if op == "string":
        if isinstance(cur, str):
            return set_at(doc, path, _mutate_string(draw, cur))
        return set_at(doc, path, draw(st.sampled_from(TEXT_EDGES)))
    if op == "special":
        return set_at(doc, path, draw(st.sampled_from(SPECIAL_STRINGS)))
    if op == "unknown":
        target = cur if isinstance(cur, dict) else parent if isinstance(parent, dict) else None
        if target is not None:
            key = draw(st.sampled_from(["x-unknown", "", "\ud800", "MediaType", "mediatype", "Size", "é"]))
            target[key] = draw(st.sampled_from(HOSTILE_SCALARS + INT_EDGES))
        return doc
    if op == "rename" and isinstance(parent, dict):
        key = path[-1]
        assert isinstance(key, str)
        new = draw(st.sampled_from([key.upper(), key.lower(), key + " ", key[:-1], key.capitalize(), key + "\x00"]))
        del parent[key]
        parent[new] = cur
        return doc
    if op == "wrap":
        return set_at(doc, path, draw(st.sampled_from([[cur], {"": cur}, [[cur]], [cur, None]])))
    if op == "deep":
        depth = draw(st.sampled_from([DEEP, 2000, 990, 900, 500]))
        kind = draw(st.integers(0, 2))
        if kind == 0:
            return set_at(doc, path, Raw(b"[" * depth + b"]" * depth))
        if kind == 1:
            return set_at(doc, path, Raw(b'{"a":' * depth + b"1" + b"}" * depth))
        return set_at(doc, path, Raw(b"[" * depth))  # never closed
    if op == "long":
        if isinstance(cur, dict) and draw(st.booleans()):
            cur[_long_string()] = draw(st.sampled_from([1, None, "v", [], {}]))
            return doc
        return set_at(doc, path, _long_string())
    if op == "nonstring-values":
        if isinstance(cur, dict) and cur:
            k = draw(st.sampled_from(sorted(cur)))
            cur[k] = draw(st.sampled_from(HOSTILE_SCALARS + INT_EDGES))
            return doc
        return set_at(doc, path, {"k": draw(st.sampled_from(HOSTILE_SCALARS))})
    if op == "empty":
        return set_at(doc, path, draw(st.sampled_from(["", [], {}, 0, False])))
    return doc


@st.composite
def mutated_document(draw: Any, doc: Any) -> Any:
    n = draw(st.integers(1, 4))
    for _ in range(n):
        if isinstance(doc, (Raw, Pairs)) or _contains_special(doc):
            # Paths into Raw/Pairs are not walked: mutate what is still plain.
            break
        doc = draw(mutated_value(doc))
    return doc


def _contains_special(doc: Any) -> bool:
    if isinstance(doc, (Raw, Pairs)):
        return True
    if isinstance(doc, dict):
        return any(_contains_special(v) for v in doc.values())
    if isinstance(doc, list):
        return any(_contains_special(v) for v in doc)
    return False


@st.composite
def byte_damage(draw: Any, data: bytes) -> bytes:
    how = draw(st.integers(0, 7))
    if how == 0 and data:  # truncate
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == 1:  # insert random bytes
        i = draw(st.integers(0, len(data)))
        return data[:i] + draw(st.binary(min_size=1, max_size=8)) + data[i:]
    if how == 2 and data:  # flip a byte
        i = draw(st.integers(0, len(data) - 1))
        return data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
    if how == 3:
        return b"\xef\xbb\xbf" + data  # BOM
    if how == 4:
        text = data.decode("utf-8", "replace")
        return text.encode(draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32"])), "surrogatepass")
    if how == 5:
        return data + draw(st.sampled_from([b" ", b"\n", b"x", b"{}", b"\x00", b" // c"]))
    if how == 6:
        return draw(st.binary(max_size=64))
    return b" \t\r\n" + data + b" \t\r\n"


@dataclass(frozen=True)
class Input:
    seed: Seed
    data: bytes | str
    doc: Any  # the (mutated) structure that was encoded; None after byte damage
    damaged: bool

    def __repr__(self) -> str:
        return f"Input(seed={self.seed.id!r}, data={shorten(self.data)})"


def shorten(data: bytes | str, limit: int = 400) -> str:
    if len(data) <= limit:
        return repr(data)
    return f"{data[: limit // 2]!r} ... {data[-limit // 4 :]!r} ({len(data)} long)"


@st.composite
def mutated_inputs(draw: Any, pool: tuple[Seed, ...], damage: bool = True) -> Input:
    seed = draw(st.sampled_from(pool))
    doc = draw(mutated_document(seed.doc))
    data = encode(doc)
    damaged = False
    if damage and draw(st.integers(0, 9)) == 0:
        data = draw(byte_damage(data))
        damaged = True
    if draw(st.integers(0, 3)) == 0:
        try:
            return Input(seed, data.decode("utf-8"), doc if not damaged else None, damaged)
        except UnicodeDecodeError:
            pass
    return Input(seed, data, doc if not damaged else None, damaged)


# --- what the schema says at a JSON location ------------------------------------------


class SchemaSite:
    """The schema nodes that constrain a JSON location, as python-jsonschema
    (Draft 4) would apply them: $ref followed, allOf/anyOf/oneOf branches all
    kept, properties / patternProperties (re.search) / additionalProperties,
    items.  ``nodes`` empty means the schema says nothing about the location."""

    def __init__(self, root: Root, path: Path_) -> None:
        from referencing.jsonschema import DRAFT4

        self._draft = DRAFT4
        sch = schemas(root.spec)
        base = "file:///schema/" + root.schema
        resolver = sch.registry.resolver(base_uri=base)
        resolved = resolver.lookup(base)
        current = self._expand([(resolved.contents, resolved.resolver)])
        self.silent_at: Path_ | None = None
        for i, seg in enumerate(path):
            nxt: list[tuple[Any, Any]] = []
            for node, res in current:
                nxt.extend(self._children(node, res, seg))
            current = self._expand(nxt)
            if not any(n for n, _ in current) and self.silent_at is None:
                self.silent_at = path[: i + 1]
        self.nodes = [n for n, _ in current]

    def _expand(self, items: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
        out: list[tuple[Any, Any]] = []
        stack = list(reversed(items))
        seen = 0
        while stack:
            node, res = stack.pop()
            seen += 1
            if seen > 10_000 or not isinstance(node, dict):
                continue
            res = res.in_subresource(self._draft.create_resource(node))
            if "$ref" in node:
                r = res.lookup(node["$ref"])
                stack.append((r.contents, r.resolver))
                continue  # draft 4: siblings of $ref are ignored
            out.append((node, res))
            for key in ("allOf", "anyOf", "oneOf"):
                for sub in node.get(key, ()):
                    stack.append((sub, res))
        return out

    @staticmethod
    def _children(node: dict[str, Any], res: Any, seg: str | int) -> list[tuple[Any, Any]]:
        if isinstance(seg, int):
            items = node.get("items")
            if isinstance(items, dict):
                return [(items, res)]
            if isinstance(items, list):
                if seg < len(items):
                    return [(items[seg], res)]
                extra = node.get("additionalItems")
                return [(extra, res)] if isinstance(extra, dict) else []
            return []
        out = []
        props = node.get("properties", {})
        matched = False
        if seg in props:
            out.append((props[seg], res))
            matched = True
        for pattern, sub in node.get("patternProperties", {}).items():
            if re.search(pattern, seg):
                out.append((sub, res))
                matched = True
        extra = node.get("additionalProperties")
        if not matched and isinstance(extra, dict):
            out.append((extra, res))
        return out

    def formats(self) -> set[str]:
        return {n["format"] for n in self.nodes if "format" in n}

    def patterns(self) -> list[str]:
        return [n["pattern"] for n in self.nodes if "pattern" in n]


# --- what the Go declarations say at a JSON location ---------------------------------
#
# Read from the vendored specs-go/**/*.go with a few regular expressions of its
# own, not with the generator's Go reader or its model: a binder bug must not
# excuse itself here.  tests/fuzz/test_fuzz_go_rules.py checks this reading
# against the generator's on every field (they must agree).

# Go packages of the vendored sources: directory -> its import name(s) elsewhere.
_GO_PACKAGES = {
    "image-spec/specs-go": "specs",
    "image-spec/specs-go/v1": "v1",
    "runtime-spec/specs-go": "specs",
    "runtime-spec/specs-go/features": "features",
    "distribution-spec/specs-go": "specs",
    "distribution-spec/specs-go/v1": "v1",
    "distribution-spec/specs-go/v1/extensions": "extensions",
}
# Types from outside the vendored sources, as encoding/json sees them
# (hand-checked: go-digest's Digest is a string; os.FileMode a uint32).
_EXTERNAL = {"digest.Digest": "string", "time.Time": "time.Time", "os.FileMode": "uint32"}
# Go integer types: (bits, signed); int and uint are 64-bit where OCI tools run.
GO_INTS: dict[str, tuple[int, bool]] = {
    "int": (64, True), "int8": (8, True), "int16": (16, True), "int32": (32, True), "int64": (64, True),
    "uint": (64, False), "uint8": (8, False), "uint16": (16, False), "uint32": (32, False),
    "uint64": (64, False), "byte": (8, False),
}  # fmt: skip
_STRUCT_DECL = re.compile(r"^type (\w+) struct \{\n(.*?)^\}", re.M | re.S)
_NAMED_DECL = re.compile(r"^type (\w+) ([\w.\[\]*]+)\s*$", re.M)
_FIELD_DECL = re.compile(r'^\t(\w+)\s+([^\s`]+)\s+`json:"([^"]*)"', re.M)
_EMBED_DECL = re.compile(r"^\t([\w.]+)\s*(?:`json:\"([^\"]*)\"`)?\s*$", re.M)


@dataclass(frozen=True)
class GoField:
    struct: str  # Go struct name
    go_name: str
    type: str  # Go type expression, qualified: "v1.Platform", "[]string", "*uint32"
    wire: str


@dataclass(frozen=True)
class GoDecls:
    structs: dict[str, list[GoField]]  # "pkgdir:Name" -> JSON members in order
    named: dict[str, str]  # "pkgdir:Name" -> underlying type


def _qualify(t: str, pkg: str) -> str:
    """A type expression with its named types as "pkgdir:Name" (or external)."""
    prefix = re.match(r"(?:\*|\[\]|map\[string\])*", t).group(0)  # type: ignore[union-attr]
    base = t[len(prefix) :]
    if base in GO_INTS or base in ("string", "bool", "interface{}", "any", "struct{}", "float64"):
        return t
    if base in _EXTERNAL:
        return prefix + base
    if "." in base:
        qual, name = base.split(".")
        # specs.Versioned from v1: the parent package of the same spec
        root = pkg.split("/")[0]
        target = next(d for d, q in _GO_PACKAGES.items() if q == qual and d.startswith(root))
        return f"{prefix}{target}:{name}"
    return f"{prefix}{pkg}:{base}"


@cache
def go_decls() -> GoDecls:
    structs: dict[str, list[GoField]] = {}
    named: dict[str, str] = {}
    raw: dict[str, list[tuple[str, str, str | None]]] = {}  # key -> (go name, type, tag)
    for pkg in _GO_PACKAGES:
        for f in sorted((SPEC / pkg).glob("*.go")):
            if f.name.endswith("_test.go"):
                continue
            text = f.read_text(encoding="utf-8")
            for m in _NAMED_DECL.finditer(text):
                if m.group(2) != "struct":
                    named[f"{pkg}:{m.group(1)}"] = _qualify(m.group(2), pkg)
            for m in _STRUCT_DECL.finditer(text):
                members: list[tuple[str, str, str | None]] = []
                body = "\n".join(ln for ln in m.group(2).splitlines() if not ln.strip().startswith("//"))
                for line in body.splitlines():
                    fm = _FIELD_DECL.match(line)
                    if fm:
                        members.append((fm.group(1), _qualify(fm.group(2), pkg), fm.group(3)))
                        continue
                    em = _EMBED_DECL.match(line)
                    if em:
                        members.append(("", _qualify(em.group(1), pkg), em.group(2)))
                raw[f"{pkg}:{m.group(1)}"] = members

    def flatten(key: str) -> list[GoField]:
        out: list[GoField] = []
        for go_name, t, tag in raw[key]:
            name, _, _ = (tag or "").partition(",")
            if name == "-":
                continue
            if not go_name and not name:  # embedded struct: its members are promoted
                out.extend(flatten(t))
                continue
            out.append(GoField(key.split(":")[1], go_name, t, name or go_name))
        return out

    for key in raw:  # promoted members are named after the struct they are in
        structs[key] = [GoField(key.split(":")[1], f.go_name, f.type, f.wire) for f in flatten(key)]
    return GoDecls(structs, named)


# The Go struct each document type decodes into.
_ROOT_STRUCTS = {
    "Descriptor": "image-spec/specs-go/v1:Descriptor", "Manifest": "image-spec/specs-go/v1:Manifest",
    "Index": "image-spec/specs-go/v1:Index", "Image": "image-spec/specs-go/v1:Image",
    "ImageLayout": "image-spec/specs-go/v1:ImageLayout", "Spec": "runtime-spec/specs-go:Spec",
    "State": "runtime-spec/specs-go:State", "Features": "runtime-spec/specs-go/features:Features",
}  # fmt: skip


def go_underlying(t: str) -> str:
    """The type expression with pointers dropped and named types resolved."""
    decls = go_decls()
    t = t.lstrip("*")
    while t in decls.named:
        t = decls.named[t].lstrip("*")
    return t


@dataclass(frozen=True)
class GoSite:
    fields: frozenset[str]  # "Struct.wire" of every struct field on the way
    type: str | None  # the Go type at the location, resolved (None: no Go field there)
    declared: str | None  # the declared type of the innermost field, as written

    def int_range(self) -> tuple[int, int] | None:
        if self.type not in GO_INTS:
            return None
        bits, signed = GO_INTS[self.type]
        return (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)


def go_site(root: Root, path: Path_) -> GoSite:
    decls = go_decls()
    t = _ROOT_STRUCTS[root.name]
    fields: set[str] = set()
    declared: str | None = None
    for seg in path:
        t = go_underlying(t)
        if t in decls.structs and isinstance(seg, str):
            # Go matches the exact name, else case-insensitively (bytes.EqualFold)
            f = next((f for f in decls.structs[t] if f.wire == seg), None) or next(
                (f for f in decls.structs[t] if _go_fold(f.wire) == _go_fold(seg)), None
            )
            if f is None:
                return GoSite(frozenset(fields), None, None)  # an unknown member
            fields.add(f"{f.struct}.{f.wire}")
            t, declared = f.type, f.type
        elif t.startswith("[]") and isinstance(seg, int):
            t = t[2:]
        elif t.startswith("map[string]") and isinstance(seg, str):
            t = t[len("map[string]") :]
        else:
            return GoSite(frozenset(fields), None, None)  # inside interface{} / struct{} / a scalar
    t = go_underlying(t)
    if t in _EXTERNAL:
        t = _EXTERNAL[t]
    return GoSite(frozenset(fields), t, declared)


# --- Go references, written from the Go sources, for the rules' conditions -----------

_DIGEST_GRAMMAR = re.compile(r"[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+\Z")
_DIGEST_SIZES = {"sha256": 64, "sha384": 96, "sha512": 128}


def go_digest_validate(s: str) -> bool:
    """go-digest Digest.Validate; ErrDigestUnsupported counts as valid (upstream's
    validator ignores it)."""
    i = s.find(":")
    if i <= 0 or i + 1 == len(s):
        return False
    alg, enc = s[:i], s[i + 1 :]
    if alg not in _DIGEST_SIZES:
        return bool(_DIGEST_GRAMMAR.match(s))
    return len(enc) == _DIGEST_SIZES[alg] and all(c in _HEX for c in enc)


def go_base64_ok(s: str) -> bool:
    """encoding/json into []byte: base64.StdEncoding.Decode after dropping '\\r'
    and '\\n' (padding required, trailing bits not checked)."""
    import base64
    import binascii

    t = s.replace("\r", "").replace("\n", "")
    if len(t) % 4 or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", t):
        return False
    try:
        base64.b64decode(t, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def go_env_ok(s: str) -> bool:
    """regexp.MustCompile(`^[^=]+=.*$`).MatchString (RE2: '.' stops at \\n, '$' is
    the end of the text)."""
    return re.fullmatch(r"[^=]+=[^\n]*", s) is not None


def _days_in(month: int, year: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def go_rfc3339_strict(s: str) -> bool:
    """time.parseRFC3339 (Go 1.20+): the strict path of Time.UnmarshalJSON, without
    the lax time.Parse fallback (README: timestamps accept RFC 3339 only)."""
    b = s.encode("utf-8", "surrogatepass")
    if len(b) < 19:
        return False

    def num(x: bytes, lo: int, hi: int) -> int | None:
        if not x or not all(48 <= c <= 57 for c in x):
            return None
        n = int(x)
        return n if lo <= n <= hi else None

    year, month = num(b[0:4], 0, 9999), num(b[5:7], 1, 12)
    if year is None or month is None:
        return False
    parts = [num(b[8:10], 1, _days_in(month, year)), num(b[11:13], 0, 23), num(b[14:16], 0, 59), num(b[17:19], 0, 59)]
    if any(p is None for p in parts):
        return False
    if not (b[4:5] == b"-" and b[7:8] == b"-" and b[10:11] == b"T" and b[13:14] == b":" and b[16:17] == b":"):
        return False
    rest = b[19:]
    if len(rest) >= 2 and rest[0:1] == b"." and 48 <= rest[1] <= 57:
        n = 2
        while n < len(rest) and 48 <= rest[n] <= 57:
            n += 1
        rest = rest[n:]
    if rest == b"Z":
        return True
    if len(rest) != 6:
        return False
    if num(rest[1:3], 0, 23) is None or num(rest[4:6], 0, 59) is None:
        return False
    return rest[0:1] in (b"+", b"-") and rest[3:4] == b":"


# net/url (Go 1.24) Parse + URL.IsAbs, byte for byte.
_PATH, _HOST, _ZONE, _USERPASS, _FRAGMENT = range(5)


def _alnum(c: int) -> bool:
    return 97 <= c <= 122 or 65 <= c <= 90 or 48 <= c <= 57


def _should_escape(c: int, mode: int) -> bool:
    if _alnum(c):
        return False
    ch = chr(c)
    if mode in (_HOST, _ZONE) and ch in "!$&'()*+,;=:[]<>\"":
        return False
    if ch in "-_.~":
        return False
    if ch in "$&+,/:;=?@":
        if mode == _PATH:
            return ch == "?"
        if mode == _USERPASS:
            return ch in "@/?:"
        if mode == _FRAGMENT:
            return False
    if mode == _FRAGMENT and ch in "!()*":
        return False
    return True


def _ishex(c: int) -> bool:
    return 48 <= c <= 57 or 97 <= c <= 102 or 65 <= c <= 70


def _unescape_ok(s: bytes, mode: int) -> bool:
    i = 0
    while i < len(s):
        c = s[i]
        if c == 0x25:  # '%'
            if i + 2 >= len(s) or not _ishex(s[i + 1]) or not _ishex(s[i + 2]):
                return False
            if mode == _HOST and int(chr(s[i + 1]), 16) < 8 and s[i : i + 3] != b"%25":
                return False
            if mode == _ZONE:
                v = int(s[i + 1 : i + 3], 16)
                if s[i : i + 3] != b"%25" and v != 0x20 and _should_escape(v, _HOST):
                    return False
            i += 3
        else:
            if mode in (_HOST, _ZONE) and c < 0x80 and _should_escape(c, mode):
                return False
            i += 1
    return True


def _valid_port(p: bytes) -> bool:
    return p == b"" or (p[:1] == b":" and all(48 <= c <= 57 for c in p[1:]))


def _parse_host_ok(host: bytes) -> bool:
    if host.startswith(b"["):
        i = host.rfind(b"]")
        if i < 0 or not _valid_port(host[i + 1 :]):
            return False
        zone = host[:i].find(b"%25")
        if zone >= 0:
            return (
                _unescape_ok(host[:zone], _HOST)
                and _unescape_ok(host[zone:i], _ZONE)
                and _unescape_ok(host[i:], _HOST)
            )
    else:
        i = host.rfind(b":")
        if i != -1 and not _valid_port(host[i:]):
            return False
    return _unescape_ok(host, _HOST)


def _valid_userinfo(s: bytes) -> bool:
    try:
        text = s.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(c.isascii() and (c.isalnum() or c in "-._:~!$&'()*+,;=%@") for c in text)


def _get_scheme(u: bytes) -> tuple[bytes, bytes] | None:
    for i, c in enumerate(u):
        if 97 <= c <= 122 or 65 <= c <= 90:
            continue
        if 48 <= c <= 57 or c in b"+-.":
            if i == 0:
                return b"", u
            continue
        if c == 0x3A:  # ':'
            return None if i == 0 else (u[:i], u[i + 1 :])  # "missing protocol scheme"
        return b"", u
    return b"", u


def _parse_authority_ok(authority: bytes) -> bool:
    at = authority.rfind(b"@")
    if not _parse_host_ok(authority[at + 1 :] if at >= 0 else authority):
        return False
    if at < 0:
        return True
    info = authority[:at]
    return _valid_userinfo(info) and all(_unescape_ok(p, _USERPASS) for p in info.split(b":", 1))


def go_url_parse_absolute(s: str) -> bool:
    """url.Parse(s) succeeds and u.IsAbs(): what the generated ``_uri`` says it
    follows (net/url Go 1.24, byte for byte)."""
    raw = s.encode("utf-8", "surrogatepass")
    u, _, frag = raw.partition(b"#")
    if any(c < 0x20 or c == 0x7F for c in u):
        return False  # "invalid control character in URL"
    if u == b"*":
        return False  # Path "*", no scheme
    got = _get_scheme(u)
    if got is None:
        return False
    scheme, rest = got
    if rest.endswith(b"?") and rest.count(b"?") == 1:
        rest = rest[:-1]
    else:
        rest = rest.partition(b"?")[0]
    opaque = bool(scheme) and not rest.startswith(b"/")
    if not opaque:
        if not rest.startswith(b"/") and b":" in rest.partition(b"/")[0]:
            return False  # "first path segment in URL cannot contain colon"
        if (scheme or not rest.startswith(b"///")) and rest.startswith(b"//"):
            authority, slash, tail = rest[2:].partition(b"/")
            rest = slash + tail
            if not _parse_authority_ok(authority):
                return False
        if not _unescape_ok(rest, _PATH):
            return False
    if frag and not _unescape_ok(frag, _FRAGMENT):
        return False
    return bool(scheme)


def _unescape(s: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(s):
        if s[i] == 0x25:
            out.append(int(s[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(s[i])
            i += 1
    return bytes(out)


def _go_url_host(s: str) -> bytes:
    """u.Host (unescaped) of a URL go_url_parse_absolute accepted."""
    raw = s.encode("utf-8", "surrogatepass").partition(b"#")[0]
    got = _get_scheme(raw)
    assert got is not None
    scheme, rest = got
    rest = rest[:-1] if rest.endswith(b"?") and rest.count(b"?") == 1 else rest.partition(b"?")[0]
    if (scheme and not rest.startswith(b"/")) or not rest.startswith(b"//"):
        return b""
    if not scheme and rest.startswith(b"///"):
        return b""
    authority = rest[2:].partition(b"/")[0]
    return _unescape(authority[authority.rfind(b"@") + 1 :])


def santhosh_uri_ok(s: str) -> bool:
    """format 'uri' as santhosh-tekuri/jsonschema (v6 format.go parseURL and
    validateURI) asserts it for upstream's validator: url.Parse succeeds, the URL
    is absolute, and a host name containing ':' is a bracketed IPv6 address
    without a zone (netip.ParseAddr)."""
    import ipaddress

    if not go_url_parse_absolute(s):
        return False
    host = _go_url_host(s)
    name = host
    colon = name.rfind(b":")
    if colon != -1 and _valid_port(name[colon:]):
        name = name[:colon]
    if name.startswith(b"[") and name.endswith(b"]"):
        name = name[1:-1]
    if b":" not in name:
        return True
    if b"[" not in host or b"]" not in host or b"%" in name:
        return False
    try:
        ipaddress.IPv6Address(name.decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return False
    return True


# --- disagreements and the rules that explain them ---------------------------------

_NOT_JSON = object()


def reference_parse(data: bytes | str) -> Any:
    """What a python-jsonschema user gets: ``json.loads`` with its defaults
    (bytes: UTF-8/16/32 detected, BOM skipped; NaN and Infinity accepted)."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return _NOT_JSON


def go_text(data: bytes | str) -> str | None:
    """The text Go's decoder sees: invalid UTF-8 bytes become U+FFFD one byte at
    a time (None when the bytes are valid UTF-8 already or data is a str)."""
    if isinstance(data, str):
        return None
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    out: list[str] = []
    i = 0
    while i < len(data):
        try:
            out.append(data[i:].decode("utf-8"))
            break
        except UnicodeDecodeError as e:
            out.append(data[i : i + e.start].decode("utf-8"))
            out.append("\ufffd")
            i += e.start + 1
    return "".join(out)


@dataclass
class Case:
    """One document, both verdicts."""

    root: Root
    data: bytes | str
    doc: Any  # reference parse (_NOT_JSON when json.loads fails)
    ours: ValidationError | None
    schema_errors: list[Any] | None  # None when doc is _NOT_JSON

    @property
    def we_accept(self) -> bool:
        return self.ours is None

    @property
    def schema_accepts(self) -> bool:
        return self.schema_errors == [] if self.schema_errors is not None else False

    def value_at_our_error(self) -> Any:
        assert self.ours is not None
        try:
            return get_at(self.doc, self.ours.segments)
        except (KeyError, IndexError, TypeError):
            return _NOT_JSON


def judge(root: Root, data: bytes | str) -> Case:
    """Run both parsers on one input (any exception other than ValidationError
    propagates: that is the robustness invariant)."""
    ours: ValidationError | None
    try:
        root.cls.from_json(data)
        ours = None
    except ValidationError as e:
        ours = e
    doc = reference_parse(data)
    errors = None if doc is _NOT_JSON else list(validator(root).iter_errors(doc))
    return Case(root, data, doc, ours, errors)


@dataclass(frozen=True)
class Difference:
    """An allowed difference from python-jsonschema on the vendored schema."""

    reason: str
    source: str  # where the rule comes from
    direction: str  # "stricter": we reject what the schema accepts; "laxer": the reverse
    explains: Callable[[Case], bool] = field(repr=False)


def _our_location_value(case: Case) -> tuple[Path_, Any]:
    assert case.ours is not None
    return case.ours.segments, case.value_at_our_error()


def _explains_digest(case: Case) -> bool:
    path, v = _our_location_value(case)
    site = go_site(case.root, path)
    return (
        isinstance(v, str)
        and (site.declared or "").endswith("digest.Digest")
        and not go_digest_validate(v)
    )


def _explains_base64(case: Case) -> bool:
    path, v = _our_location_value(case)
    return (
        isinstance(v, str)
        and go_site(case.root, path).type == "[]byte"
        and not go_base64_ok(v)
    )


def _explains_env(case: Case) -> bool:
    path, v = _our_location_value(case)
    site = go_site(case.root, path)
    return (
        isinstance(v, str)
        and "ImageConfig.Env" in site.fields
        and isinstance(path[-1], int)
        and not go_env_ok(v)
    )


def _explains_int_bounds(case: Case) -> bool:
    path, v = _our_location_value(case)
    bounds = go_site(case.root, path).int_range()
    if type(v) is not int or bounds is None:
        return False
    return not bounds[0] <= v <= bounds[1]


def _has_number_beyond_float64(data: bytes | str) -> bool:
    def parse_float(text: str) -> float:
        f = float(text)
        if f in (float("inf"), float("-inf")):
            raise _Constant(text)
        return f

    try:
        json.loads(data, parse_float=parse_float)
    except _Constant:
        return True
    except (ValueError, RecursionError):
        return False
    return False


def _explains_number_range(case: Case) -> bool:
    assert case.ours is not None
    if case.ours.path == "$":
        return _has_number_beyond_float64(case.data)
    # an integer literal too large for float64 inside a Go interface{} value
    path, v = _our_location_value(case)
    if type(v) is not int:
        return False
    try:
        float(v)
        return False
    except OverflowError:
        pass
    return any(go_site(case.root, path[:i]).type in ("interface{}", "any") for i in range(len(path), -1, -1))


def _explains_uri(case: Case) -> bool:
    path, v = _our_location_value(case)
    return (
        isinstance(v, str)
        and "uri" in SchemaSite(case.root, path).formats()
        and not santhosh_uri_ok(v)
    )


def _explains_date_time(case: Case) -> bool:
    path, v = _our_location_value(case)
    return (
        isinstance(v, str)
        and "date-time" in SchemaSite(case.root, path).formats()
        and not go_rfc3339_strict(v)
    )


def _explains_year_zero(case: Case) -> bool:
    path, v = _our_location_value(case)
    return (
        isinstance(v, str)
        and v.startswith("0000-")
        and "date-time" in SchemaSite(case.root, path).formats()
        and go_rfc3339_strict(v)
    )


def _explains_schema_silent(case: Case) -> bool:
    path, _ = _our_location_value(case)
    site = SchemaSite(case.root, path)
    return site.silent_at is not None and go_site(case.root, site.silent_at).type is not None


def _to_end_of_text(pattern: str) -> str:
    """The pattern with each '$' outside a class meaning end-of-text, as in Go's
    RE2 (and ECMA 262 without the m flag)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append("\\Z" if c == "$" and not in_class else c)
        i += 1
    return "".join(out)


def _explains_dollar(case: Case) -> bool:
    path, v = _our_location_value(case)
    if not isinstance(v, str) or not v.endswith("\n"):
        return False
    return any(
        re.search(p, v) and not re.search(_to_end_of_text(p), v)
        for p in SchemaSite(case.root, path).patterns()
    )


# Where the vendored schema's type contradicts the Go type, "Struct.member" ->
# what each says (hand-checked against specs-go and the schema files; the lint
# report's type-mismatch findings must be exactly these, test_fuzz_go_rules.py).
TYPE_MISMATCHES: dict[str, str] = {
    "WindowsCPUResources.affinity": "Go []WindowsCPUGroupAffinity; runtime-spec 1.2.1"
    " config-windows.json: an object",
}


def _explains_type_mismatch_stricter(case: Case) -> bool:
    path, _ = _our_location_value(case)
    return bool(go_site(case.root, path).fields & set(TYPE_MISMATCHES))


def _explains_type_mismatch_laxer(case: Case) -> bool:
    assert case.schema_errors
    return all(
        go_site(case.root, tuple(e.absolute_path)).fields & set(TYPE_MISMATCHES)
        for e in case.schema_errors
    )


def _has_constant(data: bytes | str) -> bool:
    def boom(name: str) -> Any:
        raise _Constant(name)

    try:
        json.loads(data, parse_constant=boom)
    except _Constant:
        return True
    except (ValueError, RecursionError):
        return False
    return False


class _Constant(Exception):
    pass


def _explains_nan(case: Case) -> bool:
    return case.ours is not None and case.ours.path == "$" and _has_constant(case.data)


def _explains_encoding(case: Case) -> bool:
    if not isinstance(case.data, bytes) or case.ours is None or case.ours.path != "$":
        return False
    if case.data.startswith(b"\xef\xbb\xbf"):
        return True
    return json.detect_encoding(case.data) != "utf-8"


def _explains_invalid_utf8(case: Case) -> bool:
    text = go_text(case.data)
    if text is None:
        return False
    again = judge(case.root, text)  # the document Go's decoder sees
    return again.we_accept == case.we_accept and (
        again.we_accept == again.schema_accepts or classify(again) is not None
    )


def _go_fold(key: str) -> str | None:
    # bytes.EqualFold against ASCII member names: U+017F and U+212A are the only
    # non-ASCII runes whose simple-fold orbit holds an ASCII letter (s, k).
    key = key.replace("\u017f", "s").replace("\u212a", "k")
    return key.upper() if key.isascii() else None


def _go_member_names(root: Root, doc: Any, path: Path_ = ()) -> Any:
    """``doc`` with each object member that matches a schema property only by
    Go's case folding renamed to the property (later members win, a later null
    leaves an earlier value, as Go decodes into value types)."""
    if isinstance(doc, list):
        return [_go_member_names(root, x, path + (i,)) for i, x in enumerate(doc)]
    if not isinstance(doc, dict):
        return doc
    props: dict[str, str] = {}
    for node in SchemaSite(root, path).nodes:
        for name in node.get("properties", {}):
            props.setdefault(_go_fold(name) or name, name)
    out: dict[str, Any] = {}
    for k, x in doc.items():
        name = k
        if k not in props.values():
            name = props.get(_go_fold(k) or "", k)
        value = _go_member_names(root, x, path + (name,))
        if name != k and name in out and value is None:
            continue
        out[name] = value
    return out


def _explains_case_fold(case: Case) -> bool:
    if case.doc is _NOT_JSON:
        return False
    renamed = _go_member_names(case.root, case.doc)
    if renamed == case.doc:
        return False
    again = judge(case.root, json.dumps(renamed))
    return again.we_accept == case.we_accept and (
        again.we_accept == again.schema_accepts or classify(again) is not None
    )


GO_SIDE_DIFFERENCES: dict[str, Difference] = {
    "go-case-insensitive-members": Difference(
        reason="Go matches a member to a field by exact name, else case-insensitively"
        " (bytes.EqualFold: 'OCIVERSION', U+017F for 's'); JSON Schema's properties"
        " match exactly, so the schema sees an unknown member and misses the field",
        source="encoding/json decode.go object() (byExactName, then byFoldedName)",
        direction="both",
        explains=_explains_case_fold,
    ),
    "go-digest-validate": Difference(
        reason="every digest.Digest is checked with go-digest's Digest.Validate: for"
        " sha256/sha384/sha512 exactly 64/96/128 lowercase hex characters after the"
        " colon; the schema's pattern (digest fields) or plain string (diff_ids) is"
        " wider",
        source="upstream schema/validator.go validateDescriptor; go-digest digest.go;"
        " spec/image-spec/ocigen.toml [external.digest.Digest]",
        direction="stricter",
        explains=_explains_digest,
    ),
    "go-bytes-base64": Difference(
        reason="a Go []byte (Descriptor.data) is padded standard base64 on the wire;"
        " the schema only says string (its media.binaryEncoding is an annotation)",
        source="encoding/json decode.go ([]byte: base64.StdEncoding); upstream"
        " descriptor_test.go case 28",
        direction="stricter",
        explains=_explains_base64,
    ),
    "go-env-key-value": Difference(
        reason="ImageConfig.Env entries must match Go's ^[^=]+=.*$ (RE2: '.' excludes"
        " newline, '$' is end of text); the schema only says string",
        source="upstream schema/validator.go validateConfig ('unexpected env')",
        direction="stricter",
        explains=_explains_env,
    ),
    "go-integer-bounds": Difference(
        reason="integers must fit the Go field's type (int64, uint32, ...); the schema's"
        " bounds are wider (int64/uint64 rounded to 9223372036854776000 /"
        " 18446744073709552000) or absent (plain integer)",
        source="encoding/json UnmarshalTypeError 'number ... overflows'; defs.json",
        direction="stricter",
        explains=_explains_int_bounds,
    ),
    "format-uri": Difference(
        reason="format 'uri' is asserted (Go url.Parse succeeds, the URL is absolute,"
        " a host name with ':' is a bracketed IPv6 address without zone);"
        " python-jsonschema does not assert formats by default",
        source="santhosh-tekuri/jsonschema format.go validateURI, as upstream's"
        " validator runs it; defs-descriptor.json urls",
        direction="stricter",
        explains=_explains_uri,
    ),
    "format-date-time": Difference(
        reason="format 'date-time' is asserted as Go's time.Time parses it, RFC 3339"
        " only (upper-case T and Z, hour 00-23, offset within 23:59, no leap"
        " second, valid day of month); python-jsonschema does not assert formats",
        source="time.Time.UnmarshalJSON / time.parseRFC3339; README 'timestamps accept"
        " RFC 3339 only'",
        direction="stricter",
        explains=_explains_date_time,
    ),
    "date-time-no-year-zero": Difference(
        reason="year 0000 is valid RFC 3339 and Go parses it, but Python's datetime"
        " has no year 0: oci_spec refuses it (a deliberate difference, README)",
        source="time.parseRFC3339 (years 0..9999); datetime.MINYEAR == 1",
        direction="stricter",
        explains=_explains_year_zero,
    ),
    "go-types-where-schema-silent": Difference(
        reason="where the schema has no property for a Go field (Descriptor.data,"
        " .platform, .artifactType; map keys outside patternProperties such as the"
        " empty annotation key) the Go type still applies",
        source="encoding/json into the upstream Go types (validateManifest etc.);"
        " generated/lint go-only-field",
        direction="stricter",
        explains=_explains_schema_silent,
    ),
    "regex-end-of-text": Difference(
        reason="a schema pattern's '$' is end of text in Go's RE2 (and ECMA 262),"
        " while Python's re (python-jsonschema) also matches before a final newline:"
        " 'a/b\\n' matches '^...$' only in Python",
        source="regexp/syntax; santhosh-tekuri/jsonschema compiles patterns with Go's"
        " regexp",
        direction="stricter",
        explains=_explains_dollar,
    ),
    "go-type-over-schema-type": Difference(
        reason="where the schema's type contradicts the Go type (TYPE_MISMATCHES:"
        " WindowsCPUResources.affinity is []WindowsCPUGroupAffinity in Go, an object"
        " in the 1.2.1 schema) the Go type decides",
        source="runtime-spec specs-go/config.go and schema/config-windows.json",
        direction="both",
        explains=lambda c: _explains_type_mismatch_stricter(c)
        if c.ours is not None
        else _explains_type_mismatch_laxer(c),
    ),
    "json-nan-infinity": Difference(
        reason="NaN, Infinity and -Infinity are not JSON; Go's decoder rejects them,"
        " Python's json.loads accepts them by default",
        source="encoding/json scanner; RFC 8259 section 6",
        direction="stricter",
        explains=_explains_nan,
    ),
    "json-utf8-only": Difference(
        reason="JSON text is UTF-8 without a byte order mark; Go rejects a BOM and"
        " UTF-16/32, Python's json.loads(bytes) detects and decodes them",
        source="encoding/json ('invalid character ï'); RFC 8259 section 8.1",
        direction="stricter",
        explains=_explains_encoding,
    ),
    "json-number-beyond-float64": Difference(
        reason="a number beyond float64's range is refused: a float literal (1e400,"
        " -1e309) wherever it is, as invalid JSON (Go refuses it in every interface{}"
        " value, and oci_spec keeps unknown members, which it could not write back), and"
        " an integer of 310+ digits inside an interface{} value (Windows.credentialSpec);"
        " Python's json makes them inf / a big int, which the schema accepts",
        source="encoding/json decode.go convertNumber ('cannot unmarshal number ..."
        " into Go value of type float64'); Go skips unknown members instead",
        direction="stricter",
        explains=_explains_number_range,
    ),
    "json-invalid-utf8-as-go": Difference(
        reason="invalid UTF-8 bytes become U+FFFD one byte at a time, as Go's decoder"
        " does, where Python's json.loads(bytes) fails (or keeps surrogates); the"
        " verdicts must then agree on the text Go sees",
        source="encoding/json decode.go unquote (utf8.RuneError, width 1)",
        direction="both",
        explains=_explains_invalid_utf8,
    ),
}


def classify(case: Case) -> str | None:
    """The name of the rule that explains a disagreement; None when nothing
    does.  Call only when the verdicts differ."""
    for name, diff in GO_SIDE_DIFFERENCES.items():
        if diff.direction == "stricter" and case.ours is None:
            continue
        if diff.direction == "laxer" and case.ours is not None:
            continue
        if case.ours is not None and case.doc is _NOT_JSON and not name.startswith("json-"):
            continue
        if case.ours is None and case.schema_errors is None and not name.startswith("json-"):
            continue
        try:
            if diff.explains(case):
                return name
        except RecursionError:
            continue
    return None


def describe(case: Case) -> str:
    lines = [
        f"root: {case.root.name}",
        f"input: {shorten(case.data)}",
        f"oci_spec: {'accepts' if case.ours is None else f'rejects: {str(case.ours)[:300]}'}",
    ]
    if case.schema_errors is None:
        lines.append("python json.loads: not JSON")
    elif not case.schema_errors:
        lines.append("python-jsonschema: accepts")
    else:
        for e in case.schema_errors[:5]:
            where = "".join(f"[{p!r}]" for p in e.absolute_path) or "$"
            lines.append(f"python-jsonschema rejects at {where}: {e.message[:200]}")
    return "\n".join(lines)

