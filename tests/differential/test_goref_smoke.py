"""The Go reference itself, checked against known encoding/json behaviour.

These are facts about Go (>= 1.22) and the upstream OCI types, not about
ocigen's Python code: if one fails, goref or its toolchain is wrong, and every
other differential test would compare against the wrong thing.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from toolchain import REPO, GoRef, GorefBuild

pytestmark = pytest.mark.differential

EMPTY_DESC = b'"mediaType":"","digest":"","size":0'


def ok(goref: GoRef, type_name: str, raw: bytes) -> bytes:
    good, out = goref.roundtrip(type_name, raw)
    assert good, f"Go rejected {raw!r}: {out!r}"
    assert isinstance(out, bytes)
    return out


def err(goref: GoRef, type_name: str, raw: bytes) -> str:
    good, out = goref.roundtrip(type_name, raw)
    assert not good, f"Go accepted {raw!r}: {out!r}"
    assert isinstance(out, str)
    return out


def desc_media_type(goref: GoRef, json_string: bytes) -> bytes:
    """The output bytes of Descriptor.mediaType for a JSON string literal."""
    out = ok(goref, "image.v1.Descriptor", b'{"mediaType":' + json_string + b"}")
    m = re.fullmatch(rb'\{"mediaType":(".*"),"digest":"","size":0\}', out, re.S)
    assert m, out
    return m.group(1)


# -- the reference and its toolchain -------------------------------------------


def test_go_version_has_b_f_escapes(goref: GoRef) -> None:
    m = re.match(r"go(\d+)\.(\d+)", goref.go_version())
    assert m and (int(m.group(1)), int(m.group(2))) >= (1, 22)


def test_registry_covers_every_upstream_struct(
    goref: GoRef, goref_build: GorefBuild
) -> None:
    listed = set(goref.list_types())
    pkgs = {
        "image.": goref_build.sources["image-spec"] / "specs-go",
        "image.v1.": goref_build.sources["image-spec"] / "specs-go/v1",
        "runtime.": goref_build.sources["runtime-spec"] / "specs-go",
        "runtime.features.": goref_build.sources["runtime-spec"] / "specs-go/features",
        "distribution.v1.": goref_build.sources["distribution-spec"] / "specs-go/v1",
        "distribution.v1.extensions.": goref_build.sources["distribution-spec"]
        / "specs-go/v1/extensions",
    }
    expected = set()
    for prefix, pkg in pkgs.items():
        for f in pkg.glob("*.go"):
            if f.name.endswith("_test.go"):
                continue
            for name in re.findall(r"^type (\w+) struct\b", f.read_text(), re.M):
                expected.add(prefix + name)
    assert len(expected) > 70
    assert expected - listed == set()
    assert {"runtime.Spec", "runtime.State", "image.v1.Manifest"} <= listed
    assert {"distribution.v1.ErrorResponse", "distribution.v1.extensions.ExtensionList"} <= listed


def test_unknown_type_is_a_protocol_error(goref: GoRef) -> None:
    with pytest.raises(ValueError, match="unknown type"):
        goref.roundtrip("image.v1.Nope", b"{}")


def test_batches_and_large_documents(goref: GoRef) -> None:
    big = b'{"annotations":{"k":"' + b"x" * (4 << 20) + b'"}}'
    docs = [b'{"size":%d}' % i for i in range(3000)] + [big, b"{", b"{}"]
    results = goref.roundtrip_many("image.v1.Descriptor", docs)
    assert len(results) == len(docs)
    for i in range(3000):
        assert results[i] == (True, b'{"mediaType":"","digest":"","size":%d}' % i)
    assert results[3000][0] and len(results[3000][1]) > 4 << 20
    assert results[3001] == (False, "unexpected end of JSON input")
    assert results[3002] == (True, b"{" + EMPTY_DESC + b"}")


# -- struct fields ------------------------------------------------------------


def test_manifest_keeps_struct_order_and_drops_unknown_fields(goref: GoRef) -> None:
    raw = (
        b'{"annotations":{"a":"b"},"layers":[],"x-unknown":{"deep":[1,2]},'
        b'"config":{"size":7,"digest":"sha256:abc","mediaType":"m","extra":1},'
        b'"mediaType":"application/vnd.oci.image.manifest.v1+json",'
        b'"schemaVersion":2}'
    )
    assert ok(goref, "image.v1.Manifest", raw) == (
        b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
        b'"config":{"mediaType":"m","digest":"sha256:abc","size":7},"layers":[],'
        b'"annotations":{"a":"b"}}'
    )


def test_nil_slice_without_omitempty_is_null(goref: GoRef) -> None:
    assert ok(goref, "image.v1.Manifest", b"{}") == (
        b'{"schemaVersion":0,"config":{' + EMPTY_DESC + b'},"layers":null}'
    )
    # rootfs.diff_ids has no omitempty either; ImageConfig is a struct, so
    # omitempty never drops it.
    assert ok(goref, "image.v1.Image", b"{}") == (
        b'{"architecture":"","os":"","config":{},"rootfs":{"type":"","diff_ids":null}}'
    )


def test_omitempty_drops_empty_maps_and_slices(goref: GoRef) -> None:
    raw = b'{"layers":[],"annotations":{}}'
    assert ok(goref, "image.v1.Manifest", raw) == (
        b'{"schemaVersion":0,"config":{' + EMPTY_DESC + b'},"layers":[]}'
    )
    for field in (b'"urls":[]', b'"urls":null', b'"annotations":null', b'"data":""'):
        assert ok(goref, "image.v1.Descriptor", b"{" + field + b"}") == (
            b"{" + EMPTY_DESC + b"}"
        )
    # a pointer to an empty struct is kept
    assert ok(goref, "image.v1.Descriptor", b'{"platform":{}}') == (
        b"{" + EMPTY_DESC + b',"platform":{"architecture":"","os":""}}'
    )


def test_empty_struct_values_lose_their_content(goref: GoRef) -> None:
    raw = b'{"ExposedPorts":{"80/tcp":{"x":1}},"Volumes":{}}'
    assert ok(goref, "image.v1.ImageConfig", raw) == b'{"ExposedPorts":{"80/tcp":{}}}'


def test_null_is_the_zero_value(goref: GoRef) -> None:
    assert ok(goref, "image.v1.Descriptor", b"null") == b"{" + EMPTY_DESC + b"}"
    raw = b'{"size":null,"mediaType":null,"platform":null}'
    assert ok(goref, "image.v1.Descriptor", raw) == b"{" + EMPTY_DESC + b"}"


def test_case_variant_keys_match_case_insensitively(goref: GoRef) -> None:
    out = ok(goref, "image.v1.Descriptor", b'{"MEDIATYPE":"x"}')
    assert out == b'{"mediaType":"x","digest":"","size":0}'
    # duplicates (in any case) are decoded in order: the last one wins
    raw = b'{"digest":"x","Digest":"y","DIGEST":"z"}'
    assert ok(goref, "image.v1.Descriptor", raw) == (
        b'{"mediaType":"","digest":"z","size":0}'
    )
    # Unicode simple folding: U+017F LATIN SMALL LETTER LONG S matches "s"
    raw = '{"\u017fize":5}'.encode()
    assert ok(goref, "image.v1.Descriptor", raw) == (
        b'{"mediaType":"","digest":"","size":5}'
    )


def test_duplicate_map_keys_last_wins(goref: GoRef) -> None:
    raw = b'{"annotations":{"a":"1","a":"2"}}'
    assert ok(goref, "image.v1.Descriptor", raw) == (
        b"{" + EMPTY_DESC + b',"annotations":{"a":"2"}}'
    )


# -- strings ------------------------------------------------------------------


def test_map_keys_come_out_sorted_bytewise(goref: GoRef) -> None:
    raw = '{"annotations":{"b":"1","a":"2","B":"3","é":"4","z":"5","_":"6"}}'
    assert ok(goref, "image.v1.Descriptor", raw.encode()) == (
        b"{" + EMPTY_DESC + b',"annotations":{"B":"3","_":"6","a":"2","b":"1",'
        b'"z":"5","\xc3\xa9":"4"}}'
    )


def test_html_and_line_separators_are_escaped(goref: GoRef) -> None:
    raw = '"<a href=x>&amp;\u2028\u2029</a>"'.encode()
    assert desc_media_type(goref, raw) == (
        rb'"\u003ca href=x\u003e\u0026amp;\u2028\u2029\u003c/a\u003e"'
    )
    # in map keys too
    out = ok(goref, "image.v1.Descriptor", b'{"annotations":{"<&>":"x"}}')
    assert out.endswith(rb'"annotations":{"\u003c\u0026\u003e":"x"}}')


def test_control_characters(goref: GoRef) -> None:
    raw = rb'"\b\f\t\n\r\u0000\u0001\u001f\u007f\"\\\/"'
    # \b and \f short since Go 1.22; DEL and "/" are not escaped
    assert desc_media_type(goref, raw) == (
        b'"\\b\\f\\t\\n\\r\\u0000\\u0001\\u001f\x7f\\"\\\\/"'
    )


def test_non_ascii_is_written_raw(goref: GoRef) -> None:
    raw = rb'"\u00e9\ud83d\ude00\u0080"'
    assert desc_media_type(goref, raw) == '"é😀\u0080"'.encode()


def test_invalid_utf8_becomes_replacement_characters(goref: GoRef) -> None:
    # Decoding already turns every invalid byte into U+FFFD, which is then
    # written raw (EF BF BD), not as the escape \ufffd.
    fffd = "\ufffd".encode()
    assert desc_media_type(goref, b'"a\xffb"') == b'"a' + fffd + b'b"'
    # One U+FFFD per byte of a truncated sequence (Go's utf8.DecodeRune);
    # Python's errors="replace" would give a single one here.
    assert desc_media_type(goref, b'"\xe2\x82x"') == b'"' + fffd * 2 + b'x"'
    assert desc_media_type(goref, b'"\xf0\x9f\x98"') == b'"' + fffd * 3 + b'"'
    # encoded surrogates and overlong forms
    assert desc_media_type(goref, b'"\xed\xa0\x80"') == b'"' + fffd * 3 + b'"'
    assert desc_media_type(goref, b'"\xc0\xaf"') == b'"' + fffd * 2 + b'"'
    # a lone surrogate escape
    assert desc_media_type(goref, rb'"\ud800x"') == b'"' + fffd + b'x"'


# -- numbers ------------------------------------------------------------------


def test_integers_beyond_int64_fail(goref: GoRef) -> None:
    out = ok(goref, "image.v1.Descriptor", b'{"size":9223372036854775807}')
    assert out.endswith(b'"size":9223372036854775807}')
    assert err(goref, "image.v1.Descriptor", b'{"size":9223372036854775808}') == (
        "json: cannot unmarshal number 9223372036854775808 into Go struct field"
        " Descriptor.size of type int64"
    )
    assert "of type int64" in err(
        goref, "image.v1.Descriptor", b'{"size":-9223372036854775809}'
    )
    out = ok(goref, "image.v1.Descriptor", b'{"size":-9223372036854775808}')
    assert out.endswith(b'"size":-9223372036854775808}')


def test_integers_do_not_take_floats_or_strings(goref: GoRef) -> None:
    for num in (b"1.0", b"1e3", b"1E2"):
        assert "of type int64" in err(
            goref, "image.v1.Descriptor", b'{"size":' + num + b"}"
        )
    assert "cannot unmarshal string" in err(
        goref, "image.v1.Descriptor", b'{"size":"1"}'
    )
    assert ok(goref, "image.v1.Descriptor", b'{"size":-0}').endswith(b'"size":0}')


def test_unsigned_overflow_fails(goref: GoRef) -> None:
    assert err(goref, "runtime.Spec", b'{"process":{"user":{"uid":4294967296}}}') == (
        "json: cannot unmarshal number 4294967296 into Go struct field"
        " User.process.user.uid of type uint32"
    )
    assert "of type uint32" in err(
        goref, "runtime.Spec", b'{"process":{"user":{"uid":-1}}}'
    )


# -- []byte and time ------------------------------------------------------------


def test_bytes_are_padded_standard_base64(goref: GoRef) -> None:
    def data(value: bytes) -> bytes:
        out = ok(goref, "image.v1.Descriptor", b'{"data":' + value + b"}")
        return out[len(b"{" + EMPTY_DESC) :]

    assert data(b'"aGk="') == b',"data":"aGk="}'
    assert data(b'"+/+/"') == b',"data":"+/+/"}'
    # non-strict decoding: non-zero trailing bits and \r \n are accepted,
    # then re-encoded canonically
    assert data(b'"aGl="') == b',"data":"aGk="}'
    assert data(b'"aG\\nk=\\r"') == b',"data":"aGk="}'
    # unpadded and URL-safe alphabets are rejected
    assert err(goref, "image.v1.Descriptor", b'{"data":"aGk"}') == (
        "illegal base64 data at input byte 0"
    )
    assert err(goref, "image.v1.Descriptor", b'{"data":"-_-_"}') == (
        "illegal base64 data at input byte 0"
    )


def test_time_is_normalised(goref: GoRef) -> None:
    def created(value: str) -> bytes:
        raw = b'{"created":"' + value.encode() + b'"}'
        out = ok(goref, "image.v1.History", raw)
        assert out.startswith(b'{"created":"') and out.endswith(b'"}')
        return out[len(b'{"created":"') : -2]

    assert created("2024-01-02T03:04:05.120000+00:00") == b"2024-01-02T03:04:05.12Z"
    assert created("2024-01-02T03:04:05.000Z") == b"2024-01-02T03:04:05Z"
    assert created("2024-01-02T03:04:05-00:00") == b"2024-01-02T03:04:05Z"
    assert created("2024-01-02T03:04:05+01:00") == b"2024-01-02T03:04:05+01:00"
    # more than 9 fractional digits: truncated, not rounded
    assert created("2024-01-02T03:04:05.9999999999Z") == (
        b"2024-01-02T03:04:05.999999999Z"
    )
    # a comma as decimal separator is accepted
    assert created("2024-01-02T03:04:05,5Z") == b"2024-01-02T03:04:05.5Z"
    assert ok(goref, "image.v1.History", b'{"created":null}') == b"{}"


def test_time_rejections(goref: GoRef) -> None:
    def rejected(value: str) -> str:
        return err(goref, "image.v1.History", b'{"created":"' + value.encode() + b'"}')

    assert "cannot parse" in rejected("2024-01-02t03:04:05z")
    assert "cannot parse" in rejected("2024-01-02 03:04:05Z")
    assert "cannot parse" in rejected("2024-01-02T03:04:05.Z")
    assert rejected("2024-01-02T24:00:00Z").endswith("hour out of range")
    assert rejected("2024-02-30T03:04:05Z").endswith("day out of range")
    assert rejected("2024-12-31T23:59:60Z").endswith("second out of range")
    # +24:00 parses, but json.Marshal then fails
    assert rejected("2024-01-02T03:04:05+24:00") == (
        "json: error calling MarshalJSON for type *time.Time:"
        " Time.MarshalJSON: timezone hour outside of range [0,23]"
    )


# -- documents ------------------------------------------------------------------


def test_document_level_syntax(goref: GoRef) -> None:
    assert err(goref, "image.v1.Descriptor", b"{} x") == (
        "invalid character 'x' after top-level value"
    )
    assert "looking for beginning of value" in err(
        goref, "image.v1.Descriptor", b"\xef\xbb\xbf{}"
    )
    assert ok(goref, "image.v1.Descriptor", b" \n\t{}\r\n ") == (
        b"{" + EMPTY_DESC + b"}"
    )
    assert "after object key:value pair" in err(
        goref, "image.v1.Descriptor", b'{"size":01}'
    )


def test_runtime_and_features_types(goref: GoRef) -> None:
    raw = b'{"linux":{"resources":{"memory":{"limit":-1}}},"ociVersion":"1.2.1"}'
    assert ok(goref, "runtime.Spec", raw) == (
        b'{"ociVersion":"1.2.1","linux":{"resources":{"memory":{"limit":-1}}}}'
    )
    raw = b'{"linux":{"cgroup":{"v2":true}},"ociVersionMin":"1.0.0"}'
    assert ok(goref, "runtime.features.Features", raw) == (
        b'{"ociVersionMin":"1.0.0","linux":{"cgroup":{"v2":true}}}'
    )


# -- go-digest ------------------------------------------------------------------


def test_digest_validate(goref: GoRef) -> None:
    hex64 = "a" * 64
    cases = {
        "sha256:" + hex64: None,
        "sha384:" + "a" * 96: None,
        "sha512:" + "a" * 128: None,
        "sha256:" + "A" * 64: "invalid checksum digest format",
        "sha256:abc": "invalid checksum digest length",
        "sha256:" + hex64 + "\n": "invalid checksum digest length",
        "SHA256:" + hex64: "invalid checksum digest format",
        "blake3:" + hex64: "unsupported digest algorithm",
        "foo+b.c_d:abc": "unsupported digest algorithm",
        "foo:bar": "unsupported digest algorithm",
        ":x": "invalid checksum digest format",
        "x:": "invalid checksum digest format",
        "": "invalid checksum digest format",
    }
    assert dict(zip(cases, goref.validate_digests(cases))) == cases
    # The same verdicts decide oci_spec's (the one comparison with oci_spec in
    # this file): upstream's validator applies the schema, then go-digest's
    # Validate with ErrDigestUnsupported ignored.
    from generator.schema import Schemas

    from oci_spec import ValidationError
    from oci_spec.image.v1 import Descriptor

    schema = Schemas(REPO / "spec/image-spec/schema", "spec/image-spec/schema")
    descriptor = schema.validator("content-descriptor.json")
    for d, err in cases.items():
        doc = {"mediaType": "a/b", "digest": d, "size": 1}
        upstream = descriptor.is_valid(doc) and err in (None, "unsupported digest algorithm")
        try:
            Descriptor.from_json(json.dumps(doc))
            ours = True
        except ValidationError as e:
            assert e.path == "digest"
            ours = False
        assert ours is upstream, d


def test_digest_validate_line_mode(goref: GoRef) -> None:
    lines = ["sha256:" + "0" * 64, "sha256:xyz", "nocolon"]
    out = subprocess.run(
        [str(goref.binary), "-digest-validate"],
        input="\n".join(lines).encode(),  # the last line has no newline
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    assert [json.loads(line) for line in out.splitlines()] == [
        {"ok": True},
        {"ok": False, "error": "invalid checksum digest length"},
        {"ok": False, "error": "invalid checksum digest format"},
    ]
