"""Byte-for-byte parity of oci_spec with Go's encoding/json and the upstream types.

Three kinds of evidence, all compared with goref (the upstream Go types decoded
with json.Unmarshal and encoded with json.Marshal, see goref/main.go):

1. generated values (strategies.py: built from the models' own metadata, every
   model class of the three specs): Go re-encodes exactly our bytes, and we
   decode Go's bytes back to the same value;
2. the corpus: every JSON document of the vendored specs (image-spec's Markdown
   examples with a mediatype and schema table tests; runtime-spec's Markdown
   examples, fragments wrapped into documents, and schema/test documents;
   distribution-spec's examples and the registry bodies of
   tests/support/distribution_corpus.py) and *.json under tests/: our
   re-serialization equals Go's, and what Go refuses we refuse;
3. targeted Go behaviours, one test each.

Go drops members it has no field for; ours keeps them (``unknown_fields``), so
ours is compared with unknown fields cleared, and keeping them is tested apart.

Scale with OCIGEN_PARITY_EXAMPLES (examples per model class; default 60).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import strategies as S
from strategies import REPO, Timestamp, ValidationError, clear_unknown, go_name
from toolchain import GoRef

from oci_spec.image import v1  # noqa: E402  (path set up by strategies)
from oci_spec import runtime  # noqa: E402
from oci_spec.runtime import features  # noqa: E402
from oci_spec.distribution import v1 as dist  # noqa: E402
from oci_spec.distribution.v1 import extensions as dist_ext  # noqa: E402
from support import distribution_corpus  # noqa: E402

pytestmark = pytest.mark.differential

CLASSES = S.model_classes()
EXAMPLES = int(os.environ.get("OCIGEN_PARITY_EXAMPLES", "60"))

PARITY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # reproducible in CI; scale with OCIGEN_PARITY_EXAMPLES
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# Cases run per model class by the generated-value tests (reported at the end).
CASES: dict[str, int] = {}


def go_ok(goref: GoRef, type_name: str, raw: bytes) -> bytes:
    good, out = goref.roundtrip(type_name, raw)
    assert good, f"Go rejected {raw!r}: {out}"
    assert isinstance(out, bytes)
    return out


def ours(cls: type, raw: bytes) -> bytes:
    """Our re-serialization without the members Go would drop."""
    return clear_unknown(cls.from_json(raw)).to_json()


# --- 1. generated values ------------------------------------------------------------


def test_every_model_class_is_covered(goref: GoRef) -> None:
    listed = set(goref.list_types())
    names = [go_name(c) for c in CLASSES]
    assert len(names) == len(set(names))
    assert set(names) <= listed, set(names) - listed
    image_v1 = {
        "Descriptor",
        "Platform",
        "Manifest",
        "Index",
        "Image",
        "ImageConfig",
        "RootFS",
        "History",
        "ImageLayout",
    }
    assert image_v1 <= {c.__name__ for c in CLASSES if c.__module__.endswith("v1")}
    # every struct of runtime-spec and its features has a model
    go_runtime = {n for n in listed if n.startswith("runtime.")}
    assert go_runtime <= set(names), go_runtime - set(names)
    # every struct of distribution-spec v1 and its extensions has a model
    go_distribution = {n for n in listed if n.startswith("distribution.")}
    assert len(go_distribution) == 6 and go_distribution <= set(names)


@pytest.mark.parametrize("cls", CLASSES, ids=go_name)
@PARITY
@given(data=st.data())
def test_generated_values_match_go(
    goref: GoRef, cls: type, data: st.DataObject
) -> None:
    value = data.draw(S.instances(cls), label="value")
    CASES[go_name(cls)] = CASES.get(go_name(cls), 0) + 1
    cleared = clear_unknown(value)
    expected = cleared.to_json()
    # Go is given our bytes *with* the unknown members and drops them.
    good, out = goref.roundtrip(go_name(cls), value.to_json())
    assert good, f"Go rejected our output: {out}"
    # property 1: Go writes back exactly what we wrote
    assert out == expected
    # property 2: we read Go's bytes back to the same value (where an empty
    # omitempty list or map reads back as None: Go writes neither)
    assert cls.from_json(out) == S.wire_normal(cleared)


@pytest.mark.parametrize("cls", CLASSES, ids=go_name)
@settings(PARITY, max_examples=max(10, EXAMPLES // 6))
@given(data=st.data())
def test_unknown_fields_survive_our_round_trip(cls: type, data: st.DataObject) -> None:
    value = data.draw(S.instances(cls), label="value")
    raw = value.to_json()
    back = cls.from_json(raw)
    assert clear_unknown(back) == S.wire_normal(clear_unknown(value))
    assert [m.unknown_fields for m in S.walk_models(back)] == [
        m.unknown_fields for m in S.walk_models(value)
    ]
    doc = json.loads(raw)
    for key, member in (value.unknown_fields or {}).items():
        assert doc[key] == member


def test_generated_case_count() -> None:
    """Runs last in this module: the case count is a property of the suite."""
    if not CASES:
        pytest.skip("the generated-value tests did not run (goref unavailable?)")
    total = sum(CASES.values())
    assert total >= 1000 or EXAMPLES < 20, CASES
    # draws that validate() could not be repaired into valid values
    rejected = sum(S.REJECTED.values())
    assert rejected <= total // 20, S.REJECTED
    print(f"\n{total} generated cases over {len(CASES)} model classes;", end=" ")
    print(f"{rejected} draws rejected")


# --- 2. the corpus -------------------------------------------------------------------

SPEC = REPO / "spec" / "image-spec"
MEDIA_TYPES: dict[str, type] = {
    "application/vnd.oci.descriptor.v1+json": v1.Descriptor,
    "application/vnd.oci.layout.header.v1+json": v1.ImageLayout,
    "application/vnd.oci.image.index.v1+json": v1.Index,
    "application/vnd.oci.image.manifest.v1+json": v1.Manifest,
    "application/vnd.oci.image.config.v1+json": v1.Image,
}
# The document field of each schema table test -> its type.
TABLE_FIELDS: dict[str, type] = {
    "config": v1.Image,
    "descriptor": v1.Descriptor,
    "imageIndex": v1.Index,
    "imageLayout": v1.ImageLayout,
    "manifest": v1.Manifest,
}
# *.json under tests/: the first rule matching the relative path gives the type.
CORPUS_RULES: list[tuple[str, type]] = [
    (r"(^|/)runtime/.*features[^/]*\.json$", features.Features),
    (r"(^|/)runtime/.*state[^/]*\.json$", runtime.State),
    (r"(^|/)runtime/.*(config|spec)[^/]*\.json$", runtime.Spec),
    (r"(^|/)(image/)?.*manifest[^/]*\.json$", v1.Manifest),
    (r"(^|/)(image/)?.*index[^/]*\.json$", v1.Index),
    (r"(^|/)(image/)?.*descriptor[^/]*\.json$", v1.Descriptor),
    (r"(^|/)(image/)?.*(oci-layout|layout)[^/]*\.json$", v1.ImageLayout),
    (r"(^|/)image/.*config[^/]*\.json$", v1.Image),
]

# Documents Go's plain json.Unmarshal accepts but our parser rejects: every one
# is a schema violation (the generated decoders validate; Go's Unmarshal does
# not).  Each name must match a case that Go accepts and we reject.
KNOWN_DIFFERENCES: dict[str, str] = {
    # All are upstream schema table cases that expect a validation failure
    # (fail: true); Go's plain Unmarshal checks no schema, so it decodes them.
    "config_test.go:TestConfig[9]": "config.Env item without '=' (pattern ^[^=]+=.*$)",
    "descriptor_test.go:TestDescriptor[1]": "required mediaType missing",
    "descriptor_test.go:TestDescriptor[2]": "mediaType 'application' has no subtype",
    "descriptor_test.go:TestDescriptor[3]": "mediaType type starts with '.'",
    "descriptor_test.go:TestDescriptor[4]": "mediaType subtype starts with '.'",
    "descriptor_test.go:TestDescriptor[6]": "mediaType type longer than 127",
    "descriptor_test.go:TestDescriptor[7]": "mediaType subtype longer than 127",
    "descriptor_test.go:TestDescriptor[8]": "required size missing",
    "descriptor_test.go:TestDescriptor[10]": "required digest missing",
    "descriptor_test.go:TestDescriptor[11]": "digest without algorithm",
    "descriptor_test.go:TestDescriptor[12]": "digest without encoded part",
    "descriptor_test.go:TestDescriptor[13]": "digest algorithm in upper case",
    "descriptor_test.go:TestDescriptor[14]": "sha256 digest in upper-case hex",
    "descriptor_test.go:TestDescriptor[16]": "urls item 'value' is not an absolute URI (format uri)",
    "descriptor_test.go:TestDescriptor[18]": "artifactType subtype starts with '.'",
    "descriptor_test.go:TestDescriptor[25]": "digest algorithm with repeated separators '+-'",
    "imageindex_test.go:TestImageIndex[0]": "manifests[0].mediaType 'invalid' has no subtype",
    "imageindex_test.go:TestImageIndex[2]": "manifests[0].digest missing",
    "imageindex_test.go:TestImageIndex[3]": "manifests[0].platform.architecture missing",
    "imageindex_test.go:TestImageIndex[4]": "manifests[0].mediaType 'invalid' has no subtype",
    "imageindex_test.go:TestImageIndex[5]": "manifests[0].mediaType is empty",
    "manifest_test.go:TestManifest[0]": "config.mediaType 'invalid' has no subtype",
    "manifest_test.go:TestManifest[5]": "layers is empty (minItems 1)",
    "manifest_test.go:TestManifest[9]": "layers[0].digest algorithm with repeated separators",
    # runtime-spec's schema/test/*/bad documents that only the schema rejects
    "runtime-spec/schema/test/config/bad/freebsd-vnet-disable.json": "jail.vnet"
    " 'disable': a Go FreeBSDSharing constant, not in the schema's enum for vnet",
    "runtime-spec/schema/test/config/bad/linux-hugepage.json": "pageSize '64kB'"
    " (pattern ^[1-9][0-9]*[KMG]B$)",
    "runtime-spec/schema/test/features/bad/missing-ociVersionMax.json": "required"
    " ociVersionMax missing (Go's field is a plain string with omitempty)",
    # distribution-spec's text shows only the mediaType member of a manifest.
    "distribution-spec/spec.md:468": "manifest fragment: required schemaVersion, config, layers missing",
}


@dataclasses.dataclass(frozen=True)
class Doc:
    name: str
    cls: type
    raw: bytes


def _markdown_docs() -> Iterator[Doc]:
    from support.mdexamples import spec_fences
    from support.runtime_examples import runtime_examples

    for fence in spec_fences(SPEC):
        media_type = fence.attributes.get("mediatype", "")
        if fence.lang == "json" and media_type:  # as upstream's spec_test reads them
            yield Doc(fence.name, MEDIA_TYPES[media_type], fence.body.encode())
    # runtime-spec: the documents made of its examples, whole or wrapped fragments
    for e in runtime_examples():
        if e.cls is not None and e.raw is not None:
            yield Doc(f"runtime-spec/{e.name}", e.cls, e.raw)


def _runtime_schema_test_docs() -> Iterator[Doc]:
    """Upstream's schema/test/{config,state,features}/{good,bad}/*.json."""
    types = {"config": runtime.Spec, "state": runtime.State, "features": features.Features}
    tests = REPO / "spec" / "runtime-spec" / "schema" / "test"
    for path in sorted(tests.glob("*/*/*.json")):
        name = path.relative_to(tests.parent.parent.parent).as_posix()
        yield Doc(name, types[path.parent.parent.name], path.read_bytes())


def _table_docs() -> Iterator[Doc]:
    from support.gotables import table_tests

    for path in sorted((SPEC / "schema").glob("*_test.go")):
        for case in table_tests(path):
            docs = [(k, v) for k, v in case.fields if k in TABLE_FIELDS]
            assert len(docs) == 1, f"unclassified table case {case.func}[{case.index}]"
            key, value = docs[0]
            assert isinstance(value, str) and not value.startswith("expr:"), value
            name = f"{path.name}:{case.func}[{case.index}]"
            yield Doc(name, TABLE_FIELDS[key], value.encode())


def _distribution_docs() -> Iterator[Doc]:
    """distribution-spec's examples (repaired as the corpus module says) and the
    real and hand-written registry bodies."""
    for where, text in distribution_corpus.fenced_json():
        example = distribution_corpus.EXAMPLES[where]
        raw = distribution_corpus.repaired(where, text).encode()
        yield Doc(f"distribution-spec/{where}", example.cls, raw)
    for body in distribution_corpus.BODIES + distribution_corpus.INVALID:
        yield Doc(f"distribution-body:{body.name}", body.cls, body.raw)


# JSON under tests/ that is not an OCI document: schemas and vendoring metadata.
CORPUS_IGNORED = [r"(^|/)schema/", r"(^|/)provenance\.json$"]


def _is_schema(raw: bytes) -> bool:
    try:
        doc = json.loads(raw)
    except ValueError:
        return False
    return isinstance(doc, dict) and "$schema" in doc


def _test_json_files() -> Iterator[tuple[str, bytes, type | None]]:
    tests = REPO / "tests"
    for path in sorted(tests.rglob("*.json")):
        rel = path.relative_to(tests).as_posix()
        if any(part.startswith(".") or part == "__pycache__" for part in path.parts):
            continue
        if any(re.search(p, rel) for p in CORPUS_IGNORED):
            continue
        raw = path.read_bytes()
        if _is_schema(raw):
            continue
        cls = next((c for p, c in CORPUS_RULES if re.search(p, rel)), None)
        yield f"tests/{rel}", raw, cls


def _corpus_files() -> Iterator[Doc]:
    for name, raw, cls in _test_json_files():
        if cls is not None:
            yield Doc(name, cls, raw)


def test_corpus_files_are_classified() -> None:
    unclassified = [name for name, _, cls in _test_json_files() if cls is None]
    assert not unclassified, "add a rule to CORPUS_RULES or CORPUS_IGNORED"


def corpus() -> list[Doc]:
    return [
        *_markdown_docs(),
        *_table_docs(),
        *_runtime_schema_test_docs(),
        *_corpus_files(),
        *_distribution_docs(),
    ]


CORPUS = corpus()


def test_corpus_is_complete() -> None:
    names = [d.name for d in CORPUS]
    assert len(names) == len(set(names))
    others = ("runtime-spec/", "distribution-spec/")
    md = [d for d in CORPUS if ".md:" in d.name and not d.name.startswith(others)]
    # the 13 mediatype-annotated blocks of the five vendored documents
    assert len(md) == 13, [d.name for d in md]
    distribution = [d for d in CORPUS if d.name.startswith("distribution-")]
    assert len(distribution) == 6 + len(distribution_corpus.BODIES + distribution_corpus.INVALID)
    assert {dist.ErrorResponse, dist.TagList, dist.RepositoryList, dist_ext.ExtensionList,
            v1.Index, v1.Manifest} == {d.cls for d in distribution}  # fmt: skip
    assert {d.cls for d in md} == set(MEDIA_TYPES.values())
    # runtime-spec's 79 json blocks less the 5 that make no document (tests/
    # output/test_runtime_spec_examples.py KNOWN_FAILURES: 3 not JSON, 2 not OCI)
    assert sum(d.name.startswith("runtime-spec/") and ".md:" in d.name for d in CORPUS) == 74
    assert sum("/schema/test/" in d.name for d in CORPUS) == 19
    assert sum("_test.go:" in d.name for d in CORPUS) >= 60


@pytest.fixture(scope="module")
def go_corpus(goref: GoRef) -> dict[str, tuple[bool, bytes | str]]:
    by_type: dict[str, list[Doc]] = {}
    for d in CORPUS:
        by_type.setdefault(go_name(d.cls), []).append(d)
    out: dict[str, tuple[bool, bytes | str]] = {}
    for type_name, docs in by_type.items():
        for d, res in zip(docs, goref.roundtrip_many(type_name, [d.raw for d in docs])):
            out[d.name] = res
    return out


@pytest.mark.parametrize("doc", CORPUS, ids=lambda d: d.name)
def test_corpus_matches_go(
    doc: Doc, go_corpus: dict[str, tuple[bool, bytes | str]]
) -> None:
    good, out = go_corpus[doc.name]
    if not good:
        # Not part of the byte comparison; but what Go cannot even decode
        # (wrong JSON types, bad syntax, bad base64) we reject as well.
        with pytest.raises(ValidationError):
            doc.cls.from_json(doc.raw)
        return
    assert isinstance(out, bytes)
    try:
        mine = ours(doc.cls, doc.raw)
    except ValidationError as e:
        if doc.name in KNOWN_DIFFERENCES:
            return
        raise AssertionError(
            f"we reject a document Go accepts ({e}); list it in KNOWN_DIFFERENCES"
        ) from None
    assert doc.name not in KNOWN_DIFFERENCES, "stale KNOWN_DIFFERENCES entry"
    assert mine == out


def test_known_differences_name_real_cases(
    go_corpus: dict[str, tuple[bool, bytes | str]],
) -> None:
    by_name = {d.name: d for d in CORPUS}
    for name, reason in KNOWN_DIFFERENCES.items():
        assert reason.strip(), name
        assert name in by_name, f"KNOWN_DIFFERENCES names no case: {name}"
        assert go_corpus[name][0], f"{name}: Go rejects it too"
        with pytest.raises(ValidationError):
            by_name[name].cls.from_json(by_name[name].raw)


def test_corpus_go_accepts_most(go_corpus: dict[str, tuple[bool, bytes | str]]) -> None:
    accepted = sum(ok for ok, _ in go_corpus.values())
    assert accepted >= len(CORPUS) // 2, go_corpus


# --- 3. Go behaviours, one at a time ----------------------------------------------------

DIGEST = "sha256:" + "0" * 64
DESC = b'"mediaType":"a/b","digest":"' + DIGEST.encode() + b'","size":1'


def same(goref: GoRef, cls: type, raw: bytes) -> bytes:
    """Our re-serialization and Go's, asserted equal; returns the bytes."""
    go = go_ok(goref, go_name(cls), raw)
    assert ours(cls, raw) == go
    return go


def same_value(goref: GoRef, value: Any) -> bytes:
    """A value built in Python: Go re-encodes our bytes unchanged."""
    value.validate()
    raw = value.to_json()
    assert go_ok(goref, go_name(type(value)), raw) == raw
    return raw


def desc(extra: bytes = b"") -> bytes:
    return b"{" + DESC + extra + b"}"


def test_struct_fields_in_declaration_order(goref: GoRef) -> None:
    # encoding/json writes struct fields in declaration order (typeFields sorts
    # by index), whatever the order of the input.
    raw = (
        b'{"artifactType":"a/c","platform":{"variant":"v8","os":"linux",'
        b'"architecture":"arm64"},"data":"e30=","annotations":{"k":"v"},'
        b'"urls":["https://x/y"],"size":2,"digest":"' + DIGEST.encode() + b'",'
        b'"mediaType":"a/b"}'
    )
    out = same(goref, v1.Descriptor, raw)
    assert list(json.loads(out)) == list(v1.Descriptor.JSON_NAMES.values())


def test_map_keys_sorted_by_utf8_bytes(goref: GoRef) -> None:
    # encode.go mapEncoder: keys sorted with slices.SortFunc(strings.Compare),
    # i.e. by UTF-8 bytes = code points (not UTF-16: U+FFFD < U+1F600).
    keys = ["b", "a", "B", "é", "z", "_", "\U0001f600", "\ufffd", "", "a\x00", "A"]
    ann = json.dumps({k: str(i) for i, k in enumerate(keys)}).encode()
    out = same(goref, v1.Descriptor, desc(b',"annotations":' + ann))
    assert list(json.loads(out)["annotations"]) == sorted(keys)
    # map[string]struct{} and maps of structs, nested
    same(goref, v1.ImageConfig, b'{"ExposedPorts":{"b/tcp":{},"a/udp":{},"A":{}}}')
    raw = b'{"rdma":{"z":{"hcaHandles":1},"m":{},"a":{"hcaObjects":2}}}'
    same(goref, runtime.LinuxResources, raw)


def test_html_and_line_separator_escapes(goref: GoRef) -> None:
    # encode.go appendString with escapeHTML (json.Marshal's default): < > &
    # as \u003c \u003e \u0026; U+2028 and U+2029 always as \u2028 \u2029.
    nasty = "<a href='x'>&amp;\u2028\u2029</a>"
    ann = json.dumps({nasty: nasty}, ensure_ascii=False).encode()
    out = same(goref, v1.Descriptor, desc(b',"annotations":' + ann))
    assert rb"\u003ca href='x'\u003e\u0026amp;\u2028\u2029\u003c/a\u003e" in out
    for ch in "<>&\u2028\u2029":
        assert ch.encode() not in out
    same_value(
        goref,
        v1.Descriptor(
            media_type="a/b", digest=DIGEST, size=0, annotations={nasty: nasty}
        ),
    )


def test_control_characters_and_non_ascii(goref: GoRef) -> None:
    # \b \f \n \r \t short (Go >= 1.22), other C0 as \u00XX, DEL and non-ASCII
    # raw, "/" unescaped.
    s = "".join(map(chr, range(0x20))) + '\x7f"\\/é\u0080\U0001f600\U0010ffff'
    value = v1.Descriptor(media_type="a/b", digest=DIGEST, size=0, annotations={s: s})
    out = same_value(goref, value)
    assert b"\\b\\t\\n\\u000b\\f\\r\\u000e" in out and b"\x7f" in out


INVALID_UTF8 = [
    b"\xff",  # never valid
    b"\x80",  # lone continuation byte
    b"\xe2\x82x",  # truncated 3-byte sequence: one U+FFFD per byte
    b"\xf0\x9f\x98",  # truncated 4-byte sequence at the end
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xc0\xaf",  # overlong "/"
    b"\xf4\x90\x80\x80",  # beyond U+10FFFF
]


@pytest.mark.parametrize("bad", INVALID_UTF8, ids=lambda b: b.hex())
def test_invalid_utf8_becomes_replacement_characters(goref: GoRef, bad: bytes) -> None:
    # decode.go unquoteBytes: utf8.DecodeRune gives (RuneError, 1) for each
    # invalid byte, so every one becomes its own U+FFFD, written raw.
    raw = desc(b',"annotations":{"k' + bad + b'":"v' + bad + b'"}')
    out = same(goref, v1.Descriptor, raw)
    assert b"\xef\xbf\xbd" in out
    # in a known string field, and in a member Go drops
    same(goref, v1.History, b'{"comment":"' + bad + b'","x' + bad + b'":1}')


def test_lone_surrogate_escape_in_a_value(goref: GoRef) -> None:
    # decode.go unquote: "\ud800" not followed by a low surrogate escape
    # decodes to U+FFFD.
    same(goref, v1.History, rb'{"comment":"a\ud800b\udc00c\ud83d"}')


@pytest.mark.parametrize(
    "annotations",
    [rb'{"\ud800":"a","\ue000":"b"}', rb'{"\ud800":"a","\udbff":"b"}'],
    ids=["order", "duplicates"],
)
def test_lone_surrogate_escapes_in_map_keys(goref: GoRef, annotations: bytes) -> None:
    same(goref, v1.Descriptor, desc(b',"annotations":' + annotations))


def test_nil_slice_is_null_empty_slice_is_brackets(goref: GoRef) -> None:
    # encode.go: a nil slice or map encodes as null, an empty one as [] / {};
    # omitempty drops both, so only fields without it show the difference.
    state = runtime.State(
        oci_version="1.2.1",
        id="c",
        status=runtime.ContainerState("created"),
        pid=1,
        bundle="/b",
    )
    base = dict(oci_version="1.2.1", pid=1, metadata="m", state=state)
    nil = same_value(goref, runtime.ContainerProcessState(fds=None, **base))
    empty = same_value(goref, runtime.ContainerProcessState(fds=[], **base))
    assert b'"fds":null' in nil and b'"fds":[]' in empty
    # a required list without omitempty
    out = same(goref, v1.Index, b'{"schemaVersion":2,"manifests":[]}')
    assert out == b'{"schemaVersion":2,"manifests":[]}'
    # omitempty: empty and absent read back alike
    assert same(goref, v1.Descriptor, desc(b',"urls":[],"annotations":{}')) == desc()


def test_omitempty_never_drops_a_struct_value(goref: GoRef) -> None:
    # encode.go isEmptyValue has no case for structs: Image.Config
    # (`json:"config,omitempty"`, a struct) is always written.
    image = v1.Image(
        architecture="amd64", os="linux", rootfs=v1.RootFS(type="layers", diff_ids=[])
    )
    out = same_value(goref, image)
    assert b'"config":{}' in out
    same(
        goref,
        v1.Image,
        b'{"architecture":"a","os":"o","rootfs":{"type":"layers","diff_ids":[]}}',
    )


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-02T03:04:05Z",
        "2024-01-02T03:04:05+00:00",
        "2024-01-02T03:04:05-00:00",
        "2024-01-02T03:04:05.120000+00:00",
        "2024-01-02T03:04:05.000000000Z",
        "2024-01-02T03:04:05.123456789Z",
        "2024-01-02T03:04:05.1234567891Z",
        "2024-01-02T03:04:05.5+05:30",
        "2024-01-02T03:04:05-23:59",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
        "2024-02-29T12:00:00.010Z",
    ],
)
def test_rfc3339_nano_normalisation(goref: GoRef, text: str) -> None:
    # time.Time.MarshalJSON: RFC3339Nano, trailing zeros of the fraction
    # trimmed, "Z" for a zero offset, other offsets kept as ±hh:mm.
    same(goref, v1.History, b'{"created":"' + text.encode() + b'"}')
    t = Timestamp.parse(text)
    same_value(goref, v1.History(created=t))


def test_python_datetimes_write_like_go(goref: GoRef) -> None:
    from datetime import datetime, timedelta, timezone

    for dt in (
        datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=timezone.utc),
        datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-7))),
        datetime(2024, 1, 2, 3, 4, 5, 1, tzinfo=timezone(timedelta(0))),
        Timestamp(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc, nanosecond=100),
    ):
        same_value(goref, v1.History(created=dt))


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 6, 255])
def test_bytes_as_padded_standard_base64(goref: GoRef, n: int) -> None:
    # encode.go encodeByteSlice: base64.StdEncoding (padded, + and /); a nil or
    # empty []byte with omitempty is dropped.
    data = bytes((0xFB + 7 * i) % 256 for i in range(n))
    out = same_value(
        goref, v1.Descriptor(media_type="a/b", digest=DIGEST, size=n, data=data)
    )
    if n:
        assert json.loads(out)["data"].endswith("=" * (-n % 3))
    else:
        assert b'"data"' not in out


@pytest.mark.parametrize(
    "cls, raw",
    [
        (v1.Descriptor, desc(b"").replace(b'"size":1', b'"size":9223372036854775807')),
        (v1.Descriptor, desc(b"").replace(b'"size":1', b'"size":-9223372036854775808')),
        (
            runtime.LinuxSeccompArg,
            b'{"index":4294967295,"value":18446744073709551615,"op":"SCMP_CMP_EQ"}',
        ),
        (runtime.LinuxIDMapping, b'{"containerID":4294967295,"hostID":0,"size":1}'),
        (
            runtime.Windows,
            b'{"layerFolders":["a"],"credentialSpec":{"a":9007199254740992,"b":-1,"c":1.0,"d":1e20,"e":2.5}}',
        ),
    ],
    ids=["int64-max", "int64-min", "uint64-max", "uint32-max", "interface"],
)
def test_integers_are_never_written_as_floats(
    goref: GoRef, cls: type, raw: bytes
) -> None:
    # encode.go intEncoder/uintEncoder: strconv.AppendInt/AppendUint; float64
    # holding an integer (interface{} values) is written without ".0" or exponent
    # below 1e21 (floatEncoder: 'f' format).
    out = same(goref, cls, raw)
    assert b".0" not in out and b"e+" not in out


@pytest.mark.parametrize(
    "number",
    [
        b"9223372036854775808",
        b"-9223372036854775809",
        b"123456789012345678901234567890e-10",
        b"999999999999999999999",
        b"1000000000000000000000",
        b"12345678901234567890123",
    ],
)
def test_interface_numbers_beyond_2_53(goref: GoRef, number: bytes) -> None:
    # Go: 9223372036854775808 -> 9223372036854776000; 1e21 and up -> 1e+21
    same(
        goref,
        runtime.Windows,
        b'{"layerFolders":["a"],"credentialSpec":{"n":' + number + b"}}",
    )


# b"-0" is the one known gap: Python's json reads it as the integer 0 (README).
@pytest.mark.parametrize("number", [b"0.00001", b"0.000001", b"1e-7", b"-0.0", b"2.5e-300"])
def test_interface_small_floats_and_negative_zero(goref: GoRef, number: bytes) -> None:
    same(
        goref,
        runtime.Windows,
        b'{"layerFolders":["a"],"credentialSpec":{"n":' + number + b"}}",
    )


@pytest.mark.parametrize("number", [b"1E400", b"-1e309", b"1" + b"0" * 400])
def test_interface_numbers_beyond_float64_are_rejected(
    goref: GoRef, number: bytes
) -> None:
    raw = b'{"layerFolders":["a"],"credentialSpec":{"n":' + number + b"}}"
    good, err = goref.roundtrip("runtime.Windows", raw)
    assert not good and "of type float64" in str(err)
    with pytest.raises(ValidationError):
        runtime.Windows.from_json(raw)


def test_duplicate_members_last_wins(goref: GoRef) -> None:
    # decode.go object(): each member is decoded in turn, so the last one wins.
    same(goref, v1.Descriptor, desc(b',"annotations":{"a":"1","a":"2"},"size":3'))


@pytest.mark.parametrize(
    "cls,raw",
    [
        (v1.Descriptor, b'{"MediaType":"a/b","digest":"' + DIGEST.encode() + b'","SIZE":1}'),
        # U+017F (long s) folds to 's', U+212A (Kelvin sign) to 'k': both match
        (v1.Manifest, b'{"\xc5\xbfchemaVersion":2,"config":{' + DESC + b'},"layers":[{' + DESC + b'}]}'),
        (v1.History, b'{"Comment":"x","\xc5\xbfomething":1}'),
        # a later case variant replaces the exact member, as Go decodes in order
        (v1.Descriptor, desc(b',"MEDIATYPE":"c/d"')),
        (v1.Descriptor, b'{"MEDIATYPE":"c/d",' + DESC + b"}"),
        # null into a string is a no-op for Go: the earlier value stays
        (v1.Descriptor, desc(b',"MediaType":null')),
        # U+0131 (dotless i) and U+0130 fold to no ASCII letter: unknown members
        (v1.Descriptor, desc(b',"art\xc4\xb1factType":"a/b","ARTIFACTTYPE":"c/d"')),
    ],
)
def test_members_match_case_insensitively_as_in_go(goref: GoRef, cls: type, raw: bytes) -> None:
    """encoding/json matches a member to a field by exact name, else by
    bytes.EqualFold (decode.go object(): byExactName, then byFoldedName)."""
    same(goref, cls, raw)

def test_two_objects_for_one_field_merge_in_go_not_here(goref: GoRef) -> None:
    """Deliberate difference (README): Go decodes a second object for the same
    field into the value the first one filled (a merge); oci_spec keeps the last."""
    raw = desc(b',"platform":{"architecture":"amd64","os":"linux"},"Platform":{"os.version":"1"}')
    go = go_ok(goref, "image.v1.Descriptor", raw)
    assert go.endswith(b'"platform":{"architecture":"amd64","os":"linux","os.version":"1"}}')
    d = v1.Descriptor.from_json(raw)
    assert d.platform is not None
    assert (d.platform.architecture, d.platform.os, d.platform.os_version) == ("", "", "1")


# --- distribution-spec: no schema, so Go's decoding is the whole validation ------------


def test_distribution_null_is_the_zero_value(goref: GoRef) -> None:
    # decode.go literalStore: null into a value is a no-op, at the top, in a
    # member, as an element of []string or []ErrorInfo.
    assert same(goref, dist.ErrorResponse, b"null") == b'{"errors":null}'
    assert same(goref, dist.ErrorResponse, b'{"errors":[null,{"code":null,"detail":null}]}') == (
        b'{"errors":[{"code":"","message":"","detail":""},{"code":"","message":"","detail":""}]}'
    )
    assert same(goref, dist.TagList, b'{"name":null,"tags":["a",null]}') == (
        b'{"name":"","tags":["a",""]}'
    )
    assert same(goref, dist.RepositoryList, b'{"repositories":[null]}') == b'{"repositories":[""]}'
    assert same(goref, dist_ext.ExtensionList, b'{"extensions":[null]}') == (
        b'{"extensions":[{"name":"","url":"","endpoints":null}]}'
    )


def test_distribution_wrong_json_types_fail_in_go_and_here(goref: GoRef) -> None:
    cases = [
        (dist.ErrorResponse, b'{"errors":[{"code":"DENIED","detail":{"a":1}}]}', "errors[0].detail",
         "json: cannot unmarshal object into Go struct field ErrorInfo.errors.detail of type string"),
        (dist.ErrorResponse, b'{"errors":[{"code":404}]}', "errors[0].code",
         "json: cannot unmarshal number into Go struct field ErrorInfo.errors.code of type string"),
        (dist.TagList, b'{"name":"r","tags":["a",1]}', "tags[1]",
         "json: cannot unmarshal number into Go struct field TagList.tags of type string"),
        (dist_ext.ExtensionList, b'{"extensions":[{"endpoints":[true]}]}',
         "extensions[0].endpoints[0]",
         "json: cannot unmarshal bool into Go struct field Extension.extensions.endpoints of type string"),
    ]  # fmt: skip
    for cls, raw, path, go_error in cases:
        good, out = goref.roundtrip(go_name(cls), raw)
        assert (good, out) == (False, go_error)
        with pytest.raises(ValidationError) as info:
            cls.from_json(raw)
        assert info.value.path == path


def test_null_items_and_values_without_a_schema_are_go_zero_values(goref: GoRef) -> None:
    """A ContainerProcessState has no JSON Schema: a null list item or map value
    of a Go string type decodes to "" (encoding/json ignores null for a value)."""
    from oci_spec.runtime import ContainerProcessState

    raw = (
        b'{"ociVersion":"1.3.0","fds":["a",null],"pid":1,"metadata":"m","state":'
        b'{"ociVersion":"1.3.0","id":"x","status":"running","bundle":"/b","annotations":{"k":null}}}'
    )
    expected = (
        b'{"ociVersion":"1.3.0","fds":["a",""],"pid":1,"metadata":"m","state":'
        b'{"ociVersion":"1.3.0","id":"x","status":"running","bundle":"/b","annotations":{"k":""}}}'
    )
    assert go_ok(goref, "runtime.ContainerProcessState", raw) == expected
    assert ContainerProcessState.from_json(raw).to_json() == expected
