"""parse_manifest: a registry's manifest response into Manifest or Index by media
type (the document's mediaType, the Content-Type header, else its shape), OCI's
and Docker's schema 2; MEDIA_TYPES.

The Docker documents are the examples of Docker's "Image Manifest Version 2,
Schema 2" specification (distribution/distribution docs/spec/manifest-v2-2.md),
written out by hand."""

from __future__ import annotations

import json

import pytest

from oci_spec import ValidationError
from oci_spec.image import v1

SHA = "sha256:" + "a" * 64
OCI_MANIFEST = {
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": SHA, "size": 7},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": SHA, "size": 1}],
}
OCI_INDEX = {
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": SHA, "size": 9}],
}
DOCKER_MANIFEST = b"""{
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {
        "mediaType": "application/vnd.docker.container.image.v1+json",
        "size": 7023,
        "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"
    },
    "layers": [
        {
            "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
            "size": 32654,
            "digest": "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f"
        },
        {
            "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
            "size": 16724,
            "digest": "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b"
        },
        {
            "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
            "size": 73109,
            "digest": "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736"
        }
    ]
}"""
DOCKER_LIST = b"""{
  "schemaVersion": 2,
  "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
  "manifests": [
    {
      "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
      "size": 7143,
      "digest": "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f",
      "platform": {
        "architecture": "ppc64le",
        "os": "linux"
      }
    },
    {
      "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
      "size": 7682,
      "digest": "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270",
      "platform": {
        "architecture": "amd64",
        "os": "linux",
        "features": [
          "sse4"
        ]
      }
    }
  ]
}"""


def raw(doc: dict, **changes: object) -> bytes:
    doc = {**doc, **changes}
    return json.dumps({k: v for k, v in doc.items() if v is not None}).encode()


def test_oci_documents_by_their_media_type() -> None:
    m = v1.parse_manifest(raw(OCI_MANIFEST))
    assert type(m) is v1.Manifest and m.layers[0].size == 1
    i = v1.parse_manifest(raw(OCI_INDEX))
    assert type(i) is v1.Index and i.manifests[0].size == 9
    assert v1.parse_manifest(raw(OCI_MANIFEST).decode()) == m  # str too


def test_docker_schema_2_documents() -> None:
    m = v1.parse_manifest(DOCKER_MANIFEST, "application/vnd.docker.distribution.manifest.v2+json")
    assert type(m) is v1.Manifest
    assert m.config.media_type == "application/vnd.docker.container.image.v1+json"
    assert [layer.size for layer in m.layers] == [32654, 16724, 73109]
    lst = v1.parse_manifest(DOCKER_LIST)
    assert type(lst) is v1.Index
    assert [d.platform.architecture for d in lst.manifests if d.platform] == ["ppc64le", "amd64"]
    # Docker's "features" is no OCI platform member: kept, and written back.
    assert lst.manifests[1].platform is not None
    assert lst.manifests[1].platform.unknown_fields == {"features": ["sse4"]}
    assert json.loads(lst.to_json()) == json.loads(DOCKER_LIST)


@pytest.mark.parametrize(
    "content_type",
    ["application/vnd.oci.image.manifest.v1+json",
     "application/vnd.oci.image.manifest.v1+json; charset=utf-8",
     " Application/VND.OCI.Image.Manifest.v1+JSON ;charset=UTF-8"],
)  # fmt: skip
def test_content_type_parameters_and_case_are_ignored(content_type: str) -> None:
    assert type(v1.parse_manifest(raw(OCI_MANIFEST), content_type)) is v1.Manifest
    # Without a mediaType member, the header decides.
    assert type(v1.parse_manifest(raw(OCI_MANIFEST, mediaType=None), content_type)) is v1.Manifest


def test_media_type_and_content_type_disagreeing() -> None:
    with pytest.raises(ValidationError) as info:
        v1.parse_manifest(raw(OCI_MANIFEST), "application/vnd.oci.image.index.v1+json")
    e = info.value
    assert e.path == "mediaType"
    assert "application/vnd.oci.image.manifest.v1+json" in e.message
    assert "application/vnd.oci.image.index.v1+json" in e.message


def test_missing_media_type_falls_back_to_the_shape() -> None:
    assert type(v1.parse_manifest(raw(OCI_MANIFEST, mediaType=None))) is v1.Manifest
    assert type(v1.parse_manifest(raw(OCI_INDEX, mediaType=None))) is v1.Index
    with pytest.raises(ValidationError) as info:
        v1.parse_manifest(b'{"schemaVersion": 2}')
    assert "Manifest (schemaVersion, config, layers)" in info.value.message
    assert "Index (schemaVersion, manifests)" in info.value.message
    both = {**OCI_MANIFEST, "manifests": []}
    with pytest.raises(ValidationError) as info:
        v1.parse_manifest(raw(both, mediaType=None))
    assert "several types: Manifest, Index" in info.value.message


@pytest.mark.parametrize(
    ("media_type", "where"),
    [("application/vnd.docker.distribution.manifest.v1+prettyjws", "member"),
     ("application/vnd.oci.image.config.v1+json", "member"),
     ("application/json", "header"),
     ("text/html; charset=utf-8", "header")],
)  # fmt: skip
def test_other_media_types_are_named_in_the_error(media_type: str, where: str) -> None:
    with pytest.raises(ValidationError) as info:
        if where == "member":
            v1.parse_manifest(raw(OCI_MANIFEST, mediaType=media_type))
        else:
            v1.parse_manifest(raw(OCI_MANIFEST, mediaType=None), media_type)
    e = info.value
    assert media_type in e.message and "is not a manifest media type" in e.message
    assert "application/vnd.oci.image.index.v1+json" in e.message  # what is accepted
    assert e.path == ("mediaType" if where == "member" else "$")


def test_invalid_documents() -> None:
    with pytest.raises(ValidationError) as info:
        v1.parse_manifest(b"[1]")
    assert "expected object, found array" in info.value.message
    with pytest.raises(ValidationError) as info:
        v1.parse_manifest(raw(OCI_MANIFEST, mediaType=2))
    assert info.value.path == "mediaType"
    with pytest.raises(ValidationError) as info:
        v1.parse_manifest(b"{")
    assert info.value.message.startswith("invalid JSON")
    bad = {**OCI_MANIFEST, "layers": [{**OCI_MANIFEST["layers"][0], "size": -1}]}
    assert v1.parse_manifest(raw(bad)).layers[0].size == -1  # the schema allows it ...
    with pytest.raises(ValidationError) as info:
        v1.parse_manifest(raw(bad), strict=True)  # ... the spec text does not
    assert (info.value.rule, info.value.path) == ("descriptor-size-non-negative", "layers[0].size")


def test_media_types_table() -> None:
    assert v1.MEDIA_TYPES[v1.MEDIA_TYPE_IMAGE_MANIFEST] is v1.Manifest
    assert v1.MEDIA_TYPES["application/vnd.docker.distribution.manifest.list.v2+json"] is v1.Index
    assert v1.MEDIA_TYPES[v1.MEDIA_TYPE_IMAGE_CONFIG] is v1.Image
    assert v1.MEDIA_TYPES[v1.MEDIA_TYPE_LAYOUT_HEADER] is v1.ImageLayout
    assert v1.MEDIA_TYPE_IMAGE_LAYER not in v1.MEDIA_TYPES  # a layer is no JSON document
