"""oci_spec.distribution against the vendored distribution-spec 1.1.1.

The spec has no JSON Schemas: a document is valid when Go's encoding/json
decodes it into the types of specs-go/ (JSON types; null and a missing member
leave the zero value), and strict mode adds the MUST rules of the text
(spec/distribution-spec/strict.toml).  Checked here against independent
oracles: the tables and examples of the vendored markdown (parsed by this
file), response bodies of real registries from registries' and clients' test
suites (tests/support/distribution_corpus.py, each with its source), and
expected bytes written by hand.  tests/differential/ checks the same documents
against Go.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oci_spec import ValidationError
from oci_spec import distribution
from oci_spec.distribution import v1
from oci_spec.distribution.v1 import ErrorInfo, ErrorResponse, RepositoryList, TagList
from oci_spec.distribution.v1 import extensions
from oci_spec.distribution.v1.extensions import Extension, ExtensionList
from oci_spec.image import v1 as image
from support import distribution_corpus as corpus

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec" / "distribution-spec"
MAPPING = tomllib.loads((SPEC / "ocigen.toml").read_text("utf-8"))
STRICT = tomllib.loads((SPEC / "strict.toml").read_text("utf-8"))


# --- the package -------------------------------------------------------------------


def test_modules_mirror_the_go_packages() -> None:
    assert distribution.VERSION == "1.1.1"
    assert (distribution.VERSION_MAJOR, distribution.VERSION_MINOR) == (1, 1)
    assert v1.ERR_REGISTRY == "distribution: registry returned error"  # var ErrRegistry
    assert [n for n in v1.__all__ if n[0].isupper() and not n.isupper()] == [
        "ErrorResponse", "ErrorInfo", "RepositoryList", "TagList",
    ]  # fmt: skip
    assert [n for n in extensions.__all__ if not n.isupper()] == ["ExtensionList", "Extension"]
    assert ErrorInfo.JSON_NAMES == {"code": "code", "message": "message", "detail": "detail"}
    assert Extension.JSON_NAMES == {
        "name": "name", "url": "url", "description": "description", "endpoints": "endpoints",
    }  # fmt: skip
    for cls in (ErrorResponse, ErrorInfo, RepositoryList, TagList, ExtensionList, Extension):
        assert cls.__doc__ is not None and "Schema:" not in cls.__doc__


def test_zero_values_are_gos() -> None:
    # A missing member is Go's zero value; Go writes every member without
    # omitempty (message and detail "" and tags null), description only when set.
    assert ErrorResponse.from_json(b"{}") == ErrorResponse(errors=None)
    assert ErrorResponse.from_json(b'{"errors":[{}]}').to_json() == (
        b'{"errors":[{"code":"","message":"","detail":""}]}'
    )
    assert TagList.from_json(b'{"name":"r"}').to_json() == b'{"name":"r","tags":null}'
    assert TagList(name="r", tags=[]).to_json() == b'{"name":"r","tags":[]}'
    assert Extension(name="_oci", url="u").to_json() == (
        b'{"name":"_oci","url":"u","endpoints":null}'
    )
    # null is a no-op for a value: the zero value, at the top, in a member, in a list.
    assert ErrorResponse.from_json(b"null") == ErrorResponse()
    assert ErrorResponse.from_json(b'{"errors":[null,{"code":null}]}') == ErrorResponse(
        errors=[ErrorInfo(), ErrorInfo()]
    )
    assert TagList.from_json(b'{"name":null,"tags":["a",null]}') == TagList(tags=["a", ""])
    # Members match case-insensitively, as encoding/json does, and are written in Go's spelling.
    assert ErrorResponse.from_json(b'{"Errors":[{"CODE":"DENIED"}]}').to_json() == (
        b'{"errors":[{"code":"DENIED","message":"","detail":""}]}'
    )


# --- the error codes: constants declared in the mapping file from the text's tables ----


def _table(path: Path, heading: str) -> list[list[str]]:
    """The rows of the first table under ``heading`` (a markdown heading line),
    cells stripped of spaces and backticks: read here without the generator."""
    lines = path.read_text("utf-8").splitlines()
    start = lines.index(heading)
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        if line.startswith("|"):
            rows.append([c.strip().strip("`") for c in line.strip().strip("|").split("|")])
        elif rows:
            break
    header, rule, *body = rows
    assert set(rule[0]) <= set("-: "), rule
    return [header, *body]


def test_error_codes_are_the_tables_of_the_text() -> None:
    header, *rows = _table(SPEC / "spec.md", "#### Error Codes")
    assert header == ["ID", "Code", "Description"]
    assert [r[0] for r in rows] == [f"code-{i}" for i in range(1, 15)]
    declared = [c for c in MAPPING["constants"] if c["package"] == "specs-go/v1"]
    assert [(c["value"], c["doc"], c["section"]) for c in declared] == [
        (code, f"{description} ({ident})", "spec.md#error-codes") for ident, code, description in rows
    ]
    generated = {n: getattr(v1, n) for n in v1.__all__ if n.startswith("ERROR_CODE_")}
    assert list(generated.values()) == [code for _, code, _ in rows]
    assert generated["ERROR_CODE_BLOB_UNKNOWN"] == "BLOB_UNKNOWN"
    assert generated["ERROR_CODE_TOO_MANY_REQUESTS"] == "TOOMANYREQUESTS"

    header, *rows = _table(SPEC / "extensions" / "README.md", "## Detail")
    assert header == ["Code", "Message", "Description"]
    declared = [c for c in MAPPING["constants"] if c["package"] == "specs-go/v1/extensions"]
    assert [(c["value"], c["doc"], c["section"]) for c in declared] == [
        (code, message, "extensions/README.md#detail") for code, message, _ in rows
    ]
    assert extensions.ERROR_CODE_EXTENSION_UNKNOWN == "EXTENSION_UNKNOWN"
    # Each constant's docstring names the section it comes from.
    source = (REPO / "generated" / "oci_spec" / "distribution" / "v1" / "__init__.py").read_text()
    assert source.count("From the spec text: spec.md#error-codes.") == 14


def test_strict_mode_accepts_exactly_the_listed_codes() -> None:
    codes = [getattr(v1, n) for n in v1.__all__ if n.startswith("ERROR_CODE_")]
    codes += [extensions.ERROR_CODE_EXTENSION_UNKNOWN, "TAG_INVALID", "MANIFEST_UNVERIFIED"]
    body = json.dumps({"errors": [{"code": c} for c in codes]})
    assert len(ErrorResponse.from_json(body, strict=True).errors or ()) == 17
    # Docker's other codes (distribution's errcode registers these) are not the spec's.
    for code in ("UNKNOWN", "UNSUPPORTED_MEDIA_TYPE", "PAGINATION_NUMBER_INVALID", "RANGE_INVALID"):
        with pytest.raises(ValidationError) as info:
            ErrorResponse.from_json(json.dumps({"errors": [{"code": code}]}), strict=True)
        assert (info.value.rule, info.value.path) == ("error-code-listed", "errors[0].code")
        ErrorResponse.from_json(json.dumps({"errors": [{"code": code}]}))  # Go takes any string


# --- the examples of the text --------------------------------------------------------

FENCED = corpus.fenced_json()


def test_every_json_example_of_the_text_is_read() -> None:
    assert [where for where, _ in FENCED] == sorted(corpus.EXAMPLES)
    assert len(FENCED) == 6


# What Go writes for the repaired examples of the distribution types (by hand:
# struct order, every member without omitempty, < and > escaped).
GO_WRITES = {
    "spec.md:526": b'{"name":"\\u003cname\\u003e","tags":["\\u003ctag1\\u003e",'
    b'"\\u003ctag2\\u003e","\\u003ctag3\\u003e"]}',
    "spec.md:791": b'{"errors":[{"code":"\\u003cerror identifier, see below\\u003e",'
    b'"message":"\\u003cmessage describing condition\\u003e","detail":"\\u003cunstructured\\u003e"}]}',
    "extensions/_oci.md:31": b'{"extensions":[{"name":"_\\u003cextension\\u003e","url":"...",'
    b'"endpoints":null}]}',
}


@pytest.mark.parametrize("where,text", FENCED, ids=[w for w, _ in FENCED])
def test_example_of_the_text(where: str, text: str) -> None:
    ex = corpus.EXAMPLES[where]
    if ex.as_written is None:
        ex.cls.from_json(text)
    else:
        with pytest.raises(ValidationError) as info:
            ex.cls.from_json(text)
        assert info.value.path == ex.as_written
    fixed = corpus.repaired(where, text)
    if ex.refused_at is not None:
        with pytest.raises(ValidationError) as info:
            ex.cls.from_json(fixed)
        assert info.value.path == ex.refused_at
        return
    value = ex.cls.from_json(fixed)
    assert ex.cls.from_json(value.to_json()) == value
    if where in GO_WRITES:
        assert value.to_json() == GO_WRITES[where]
    else:  # an image index: every member of the text comes back
        assert json.loads(value.to_json()) == json.loads(fixed)
    if ex.strict is None:
        assert ex.cls.from_json(fixed, strict=True) == value
    else:
        with pytest.raises(ValidationError) as info:
            ex.cls.from_json(fixed, strict=True)
        assert (info.value.rule, info.value.path) == ex.strict


# --- real registry bodies and hand-written bad ones --------------------------------

ALL = corpus.BODIES + corpus.INVALID


def test_bodies_are_sourced_and_cover_every_type() -> None:
    assert len(corpus.BODIES) >= 15 and all(b.source for b in ALL)
    assert {b.cls for b in corpus.BODIES} == {ErrorResponse, TagList, RepositoryList, ExtensionList}
    assert len({b.name for b in ALL}) == len(ALL)
    # Object and array details, as registries send them, are among the real ones.
    assert sum(b.refused_at is not None and b.refused_at.endswith(".detail") for b in corpus.BODIES) >= 4


def _inputs(raw: bytes) -> list[Any]:
    return [raw, bytearray(raw), memoryview(raw), raw.decode("utf-8")]


@pytest.mark.parametrize("body", ALL, ids=lambda b: b.name)
def test_body(body: corpus.Body) -> None:
    if body.refused_at is not None:
        for raw in _inputs(body.raw):
            with pytest.raises(ValidationError) as info:  # never another exception
                body.cls.from_json(raw)
            assert info.value.path == body.refused_at, str(info.value)
            with pytest.raises(ValidationError):
                body.cls.from_json(raw, strict=True)
        try:
            data = json.loads(body.raw)
        except ValueError:
            return
        if isinstance(data, dict):
            with pytest.raises(ValidationError) as info:
                body.cls.from_dict(data)
            assert info.value.path == body.refused_at
        return
    value = body.cls.from_json(body.raw)
    for raw in _inputs(body.raw):
        assert body.cls.from_json(raw) == value
    assert body.cls.from_json(value.to_json()) == value
    value.validate()
    if body.strict is None:
        assert body.cls.from_json(body.raw, strict=True) == value
        value.validate(strict=True)
    else:
        with pytest.raises(ValidationError) as info:
            body.cls.from_json(body.raw, strict=True)
        assert (info.value.rule, info.value.path) == body.strict
        with pytest.raises(ValidationError) as info:
            value.validate(strict=True)
        assert (info.value.rule, info.value.path) == body.strict


def test_detail_follows_go_not_the_text() -> None:
    """ErrorInfo.Detail is a Go string; the text allows any JSON.  Go's type
    applies (json.Unmarshal fails on such a body) and lint says so."""
    hub = next(b for b in corpus.BODIES if b.name == "docker-hub-404-detail-object")
    with pytest.raises(ValidationError) as info:
        ErrorResponse.from_json(hub.raw)
    assert str(info.value) == "errors[0].detail: expected string, found object"
    ok = ErrorResponse.from_json(b'{"errors":[{"code":"MANIFEST_UNKNOWN","detail":"tag x"}]}')
    assert ok.errors == [ErrorInfo(code="MANIFEST_UNKNOWN", detail="tag x")]
    lint = (REPO / "generated" / "lint" / "distribution-spec.txt").read_text("utf-8")
    assert "go-text-difference: ErrorInfo.detail: Go Detail string; spec.md#error-codes says" in lint


def test_registry_bodies_keep_their_unknown_members() -> None:
    body = next(b for b in corpus.BODIES if b.name == "distribution-client-403-details")
    value = ErrorResponse.from_json(body.raw)
    assert value.errors is None
    assert value.unknown_fields == {"details": "requesting higher privileges than access token allows"}
    assert value.to_json() == (
        b'{"errors":null,"details":"requesting higher privileges than access token allows"}'
    )


def test_extension_list_is_written_as_go_wrote_it() -> None:
    body = next(b for b in corpus.BODIES if b.name == "oras-discover-extensions")
    value = ExtensionList.from_json(body.raw)
    assert value.to_json() + b"\n" == body.raw  # json.Encoder adds the newline
    assert [e.name for e in value.extensions or ()] == ["foo.bar", "cncf.oras.referrers"]


# --- where Go and the text disagree: declared, checked, printed -------------------------


def test_text_differences_are_declared_and_linted() -> None:
    lint = (REPO / "generated" / "lint" / "distribution-spec.txt").read_text("utf-8").splitlines()
    found = [line.split(": ")[1] for line in lint if line.startswith("go-text-difference: ")]
    declared = MAPPING["text_differences"]
    assert found == [
        d["type"].rsplit(".", 1)[1] + (f".{d['member']}" if "member" in d else "") for d in declared
    ]
    assert found == ["ErrorInfo.detail", "ErrorInfo.message", "TagList.tags",
                     "Extension.endpoints", "RepositoryList"]  # fmt: skip
    rules = {r["id"] for r in STRICT["rule"]}
    for d in declared:  # a strict rule a decision names exists
        for rule in re.findall(r"\(([a-z]+(?:-[a-z]+)+)\)", d["decision"]):
            assert rule in rules, (d["decision"], rule)


def test_ocigen_lint_prints_them(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import cli

    monkeypatch.chdir(REPO)
    assert cli.main(["lint"]) == 0
    out = capsys.readouterr().out
    report = (REPO / "generated" / "lint" / "distribution-spec.txt").read_text("utf-8")
    assert report in out and out.count("go-text-difference: ") == 5


# --- the referrers API answers with an image index ------------------------------------


def _referrers_example() -> str:
    where, text = next((w, t) for w, t in FENCED if w == "spec.md:589")
    return corpus.repaired(where, text)


def test_referrers_response_is_an_image_index() -> None:
    body = _referrers_example()
    index = image.parse_manifest(body, "application/vnd.oci.image.index.v1+json")
    assert isinstance(index, image.Index)
    assert [d.artifact_type for d in index.manifests] == [
        "application/vnd.example.sbom.v1", "application/vnd.example.signature.v1", "",
    ]  # fmt: skip
    assert index == image.Index.from_json(body, strict=True)
    # No Content-Type: the members decide; no referrer: an empty index.
    assert image.parse_manifest(body) == index
    empty = image.parse_manifest(b'{"schemaVersion":2,"mediaType":'
                                 b'"application/vnd.oci.image.index.v1+json","manifests":[]}')
    assert isinstance(empty, image.Index) and empty.manifests == []
    # A referrers response is not an error body, nor the reverse.
    with pytest.raises(ValidationError):
        image.parse_manifest(b'{"errors":[{"code":"NAME_UNKNOWN"}]}')


def test_pydantic_schema_of_a_schemaless_type() -> None:
    class Reply(pydantic.BaseModel):
        body: ErrorResponse

    schema = Reply.model_json_schema()
    text = json.dumps(schema)
    assert '"detail": {"type": "string"}' in text and "(Go type; no schema describes it)" in text
    with pytest.raises(pydantic.ValidationError) as info:
        Reply(body={"errors": [{"code": "DENIED", "detail": {"a": 1}}]})
    assert info.value.errors()[0]["loc"] == ("body", "errors", 0, "detail")


def test_docs_example_runs() -> None:
    doc = (REPO / "docs" / "distribution.md").read_text("utf-8")
    blocks = re.findall(
        r"<!-- example \(run by tests/output/test_distribution\.py\) -->\n```python\n(.*?)```", doc, re.S
    )
    assert len(blocks) == 1
    exec(compile(blocks[0], "docs/distribution.md", "exec"), {})  # noqa: S102 - the doc's own code


# --- hostile input: a value or a ValidationError with a path, nothing else ---------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
_CLASSES = [ErrorResponse, ErrorInfo, TagList, RepositoryList, ExtensionList, Extension]


def _replace_somewhere(doc: Any, data: st.DataObject) -> Any:
    """``doc`` with one value (or the whole document) replaced by random JSON."""
    if isinstance(doc, dict) and doc and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(doc)))
        return {**doc, key: _replace_somewhere(doc[key], data)}
    if isinstance(doc, list) and doc and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(doc) - 1))
        return doc[:i] + [_replace_somewhere(doc[i], data)] + doc[i + 1 :]
    return data.draw(_JSON)


def _check(cls: type, raw: bytes) -> None:
    for strict in (False, True):
        try:
            value = cls.from_json(raw, strict=strict)
        except ValidationError as e:
            assert e.path, (raw, e)
            continue
        assert cls.from_json(value.to_json()) == value  # an accepted value round-trips
        value.validate()


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_mutated_bodies_give_a_value_or_a_validation_error(data: st.DataObject) -> None:
    body = data.draw(st.sampled_from([b for b in ALL if b.cls is not image.Index]))
    try:
        doc = json.loads(body.raw)
    except ValueError:
        doc = None
    raw = json.dumps(_replace_somewhere(doc, data)).encode()
    _check(body.cls, raw)
    _check(data.draw(st.sampled_from(_CLASSES)), raw)  # the same bytes as another type


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(raw=st.binary(max_size=40) | st.text(max_size=40).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_random_bytes_give_a_value_or_a_validation_error(raw: bytes) -> None:
    for cls in _CLASSES:
        _check(cls, raw)
