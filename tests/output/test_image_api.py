"""Behaviour a Go user relies on, checked on oci_spec.image.v1."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import datetime, timedelta, timezone

import pytest

from oci_spec import Timestamp, ValidationError
from oci_spec.image import v1

SHA = "sha256:" + "a" * 64
LAYER = {"mediaType": v1.MEDIA_TYPE_IMAGE_LAYER_GZIP, "digest": SHA, "size": 1}
MANIFEST = {
    "schemaVersion": 2,
    "mediaType": v1.MEDIA_TYPE_IMAGE_MANIFEST,
    "config": {"mediaType": v1.MEDIA_TYPE_IMAGE_CONFIG, "digest": SHA, "size": 7},
    "layers": [LAYER] * 5,
}
CONFIG = {
    "created": "2015-10-31T22:22:56.015925234Z",
    "architecture": "amd64",
    "os": "linux",
    "config": {"Env": ["PATH=/usr/bin"], "ExposedPorts": {"80/tcp": {}}},
    "rootfs": {"type": "layers", "diff_ids": [SHA]},
    "history": [{"created": "2015-10-31T22:22:54.690851953-07:00", "created_by": "x"}],
}


def manifest(**changes: object) -> dict:
    doc = copy.deepcopy(MANIFEST)
    doc.update(changes)
    return doc


def error(cls: type, doc: object) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        cls.from_json(json.dumps(doc))
    return info.value


def test_snake_case_names_and_wire_names() -> None:
    m = v1.Manifest.from_json(json.dumps(MANIFEST))
    assert m.schema_version == 2 and m.config.media_type == v1.MEDIA_TYPE_IMAGE_CONFIG
    assert m.layers[0].digest == SHA and m.subject is None and m.annotations is None
    assert v1.Platform.JSON_NAMES["os_version"] == "os.version"
    assert [f.name for f in dataclasses.fields(v1.RootFS)] == ["type", "diff_ids", "unknown_fields"]


def test_error_path_names_the_json_location() -> None:
    bad = manifest(layers=[LAYER, LAYER, LAYER, dict(LAYER, digest="sha256:abc")])
    e = error(v1.Manifest, bad)
    assert e.path == "layers[3].digest"
    assert "sha256" in str(e) and isinstance(e, ValueError)
    e = error(v1.Manifest, manifest(annotations={"a.b": 1}))
    assert e.path == 'annotations["a.b"]' and "expected string, found integer" in e.message
    e = error(v1.Manifest, manifest(layers=[]))
    assert e.path == "layers" and "at least 1" in e.message
    e = error(v1.Manifest, {k: v for k, v in MANIFEST.items() if k != "config"})
    assert e.path == "config" and "missing" in e.message


@pytest.mark.parametrize(
    "raw",
    [b"", b"[", b"\xef\xbb\xbf{}", b"NaN", b'{"schemaVersion": 1e400}', b"[" * 100000, "null"],
)
def test_bad_documents_raise_validation_error_only(raw: bytes | str) -> None:
    with pytest.raises(ValidationError) as info:
        v1.Manifest.from_json(raw)
    assert info.value.path


def test_integers_are_bounded_and_never_floats() -> None:
    assert error(v1.Descriptor, dict(LAYER, size=1.0)).path == "size"
    assert error(v1.Descriptor, dict(LAYER, size=True)).path == "size"
    assert error(v1.Descriptor, dict(LAYER, size=2**63)).path == "size"
    assert v1.Descriptor.from_json(json.dumps(dict(LAYER, size=2**63 - 1))).size == 2**63 - 1


def test_digest_grammar_and_registered_algorithms() -> None:
    for bad in ("sha256:" + "A" * 64, "sha256:abc", "sha512:" + "a" * 64, "nocolon", "sha256:"):
        assert error(v1.Descriptor, dict(LAYER, digest=bad)).path == "digest"
    # Unregistered algorithms only need the grammar (upstream ignores ErrDigestUnsupported).
    v1.Descriptor.from_json(json.dumps(dict(LAYER, digest="multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8")))


def test_env_entries_must_be_key_value() -> None:
    doc = copy.deepcopy(CONFIG)
    doc["config"]["Env"] = ["PATH=/bin", "NOEQUALS"]
    assert error(v1.Image, doc).path == "config.Env[1]"


def test_omitempty_and_struct_values() -> None:
    d = v1.Descriptor(media_type=v1.MEDIA_TYPE_IMAGE_LAYER, digest=SHA, size=0, urls=[], annotations={})
    assert d.to_json() == (
        b'{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"' + SHA.encode() + b'","size":0}'
    )
    image = v1.Image(architecture="amd64", os="linux", rootfs=v1.RootFS(type="layers", diff_ids=[]))
    # omitempty does nothing to a struct value: Go writes "config":{} always.
    assert b'"config":{}' in image.to_json()


def test_data_is_padded_base64_bytes() -> None:
    d = v1.Descriptor.from_json(json.dumps(dict(LAYER, data="e30=")))
    assert d.data == b"{}"
    assert b'"data":"e30="' in d.to_json()
    assert error(v1.Descriptor, dict(LAYER, data="e30")).path == "data"
    assert v1.DESCRIPTOR_EMPTY_JSON.data == b"{}" and v1.DESCRIPTOR_EMPTY_JSON.size == 2


def test_created_keeps_nanoseconds_and_go_format() -> None:
    img = v1.Image.from_json(json.dumps(CONFIG))
    assert isinstance(img.created, datetime) and img.created.tzinfo is not None
    assert isinstance(img.created, Timestamp) and img.created.nanosecond == 15925234
    hist = img.history[0].created
    assert hist is not None and hist.utcoffset() == timedelta(hours=-7)
    out = json.loads(img.to_json())
    assert out["created"] == "2015-10-31T22:22:56.015925234Z"
    assert out["history"][0]["created"] == "2015-10-31T22:22:54.690851953-07:00"
    t = Timestamp(2020, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(0)), nanosecond=500000000)
    assert t.format_go() == "2020-01-02T03:04:05.5Z"
    assert Timestamp.parse("2020-01-02T03:04:05+00:00").format_go() == "2020-01-02T03:04:05Z"


def test_unknown_fields_survive_a_round_trip() -> None:
    doc = manifest(extra={"nested": [1, 2]}, layers=[dict(LAYER, vendorKey="x")])
    m = v1.Manifest.from_json(json.dumps(doc))
    assert m.unknown_fields == {"extra": {"nested": [1, 2]}}
    assert m.layers[0].unknown_fields == {"vendorKey": "x"}
    assert json.loads(m.to_json()) == doc


def test_members_match_case_insensitively_as_go_does() -> None:
    # Go's rule (encoding/json decode.go): the exact name, else bytes.EqualFold.
    doc = dict(LAYER)
    doc["MediaType"] = doc.pop("mediaType")
    d = v1.Descriptor.from_json(json.dumps(doc))
    assert d.media_type == LAYER["mediaType"] and d.unknown_fields is None
    assert json.loads(d.to_json())["mediaType"] == LAYER["mediaType"]  # Go's spelling
    assert b'"MediaType"' not in d.to_json()
    # long s (U+017F) folds to "s"; dotless i (U+0131) to no ASCII letter
    doc = dict(LAYER, **{"\u017fize": 7})
    del doc["size"]
    assert v1.Descriptor.from_json(json.dumps(doc)).size == 7
    d = v1.Descriptor.from_json(json.dumps(dict(LAYER, **{"artifactTyp\u0131": "x"})))
    assert d.artifact_type == "" and d.unknown_fields == {"artifactTyp\u0131": "x"}
    # the folded member is validated as the field
    doc = dict(LAYER, MEDIATYPE="not a media type")
    assert error(v1.Descriptor, doc).path == "mediaType"


def test_validate_checks_values_built_in_python() -> None:
    d = v1.Descriptor(media_type="not a media type", digest=SHA, size=1)
    with pytest.raises(ValidationError) as info:
        d.validate()
    assert info.value.path == "mediaType"
    empty = v1.DESCRIPTOR_EMPTY_JSON
    m = v1.Manifest(
        schema_version=2, config=dataclasses.replace(empty), layers=[dataclasses.replace(empty)]
    )
    m.validate()
    m.layers[0].size = "2"  # type: ignore[assignment]
    with pytest.raises(ValidationError) as info:
        m.validate()
    assert info.value.path == "layers[0].size"


def test_go_escapes_in_output() -> None:
    d = v1.Descriptor.from_json(json.dumps(dict(LAYER, annotations={"k": "<a&b>\u2028\u2029\b\x01é"})))
    assert b'"<' not in d.to_json()
    assert b"\\u003ca\\u0026b\\u003e\\u2028\\u2029\\b\\u0001\xc3\xa9" in d.to_json()


def test_map_keys_sorted_on_output() -> None:
    d = v1.Descriptor.from_json(json.dumps(dict(LAYER, annotations={"b": "1", "a": "2"})))
    assert d.to_json().index(b'"a"') < d.to_json().index(b'"b"')


def test_index_manifest_descriptors_use_the_index_schema_site() -> None:
    # image-index-schema.json constrains manifests[] on its own: it defines no
    # artifactType pattern there, while content-descriptor.json does.
    entry = dict(LAYER, mediaType=v1.MEDIA_TYPE_IMAGE_MANIFEST, artifactType="not-a-media-type")
    idx = v1.Index.from_json(json.dumps({"schemaVersion": 2, "manifests": [entry]}))
    assert idx.manifests[0].artifact_type == "not-a-media-type"
    assert error(v1.Descriptor, entry).path == "artifactType"
    bad_platform = dict(entry, platform={"os": "linux"})
    assert error(v1.Index, {"schemaVersion": 2, "manifests": [bad_platform]}).path == "manifests[0].platform.architecture"
