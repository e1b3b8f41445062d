"""pydantic v2 and FastAPI interop (test-only dependencies; oci_spec imports
neither): a model class as a pydantic field or a FastAPI body is validated by
oci_spec's decoder, written by its encoder and described by the spec's JSON
Schema.

Oracle for the schemas: python-jsonschema with the vendored schema files
(tests/fuzz/fuzzlib.py resolves their $refs by file name) must give the same
verdict as the schema the hook returns, on the upstream examples and on
variants of them."""

from __future__ import annotations

import copy
import json
import sys
import warnings
from pathlib import Path
from typing import Any, Iterator

import jsonschema
import pydantic
import pytest

from oci_spec.image import v1
from oci_spec.runtime import Spec, State
from oci_spec.runtime.features import Features

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fuzz"))
import fuzzlib  # noqa: E402

SHA = "sha256:" + "a" * 64
MANIFEST = {
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": SHA, "size": 7},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": SHA, "size": 1}],
    "annotations": {"b": "2", "a": "1"},
}
IMAGE = {
    "created": "2015-10-31T22:22:56.015925234Z",
    "architecture": "amd64",
    "os": "linux",
    "rootfs": {"type": "layers", "diff_ids": [SHA]},
}


class Push(pydantic.BaseModel):
    manifest: v1.Manifest
    config: v1.Image | None = None
    blobs: list[v1.Descriptor] = []


def test_a_model_as_a_pydantic_field() -> None:
    push = Push.model_validate({"manifest": MANIFEST, "blobs": [MANIFEST["config"]]})
    assert type(push.manifest) is v1.Manifest and push.manifest.layers[0].size == 1
    assert type(push.blobs[0]) is v1.Descriptor and push.config is None
    again = Push.model_validate_json(json.dumps({"manifest": MANIFEST, "config": IMAGE}))
    assert again.manifest == push.manifest and type(again.config) is v1.Image
    assert again.config.created.nanosecond == 15925234  # oci_spec's own decoder
    # An instance passes as it is; JSON text is parsed by oci_spec.
    assert Push(manifest=push.manifest).manifest is push.manifest
    assert Push(manifest=json.dumps(MANIFEST)).manifest == push.manifest  # type: ignore[arg-type]


def test_written_by_the_package_encoder() -> None:
    push = Push.model_validate({"manifest": MANIFEST, "config": IMAGE})
    dumped = push.model_dump()
    assert dumped["manifest"] == v1.Manifest.from_dict(MANIFEST).to_dict()
    assert list(dumped["manifest"]["annotations"]) == ["a", "b"]  # Go sorts map keys
    assert dumped["config"]["created"] == "2015-10-31T22:22:56.015925234Z"  # nanoseconds kept
    text = json.loads(push.model_dump_json())
    assert text["manifest"] == json.loads(v1.Manifest.from_dict(MANIFEST).to_json())
    assert text["config"] == json.loads(v1.Image.from_dict(IMAGE).to_json())


def test_errors_carry_the_json_path() -> None:
    bad = copy.deepcopy(MANIFEST)
    bad["layers"][0]["digest"] = "sha256:abc"
    with pytest.raises(pydantic.ValidationError) as info:
        Push.model_validate({"manifest": bad})
    (error,) = info.value.errors()
    assert error["loc"] == ("manifest", "layers", 0, "digest")
    assert error["type"] == "oci_spec"
    assert error["input"] == "sha256:abc"
    assert "expected 64 lowercase hex characters" in error["msg"]
    assert error["ctx"]["path"] == "layers[0].digest"
    with pytest.raises(pydantic.ValidationError) as info:
        Push.model_validate({"manifest": MANIFEST, "blobs": [{"mediaType": "x/y", "size": 1}]})
    assert info.value.errors()[0]["loc"] == ("blobs", 0, "digest")
    with pytest.raises(pydantic.ValidationError) as info:
        Push.model_validate({"manifest": "{"})
    assert info.value.errors()[0]["loc"] == ("manifest",)
    assert info.value.errors()[0]["msg"].startswith("invalid JSON")


# --- JSON Schema -----------------------------------------------------------------


CLASSES = {"Descriptor": v1.Descriptor, "Manifest": v1.Manifest, "Index": v1.Index,
           "Image": v1.Image, "ImageLayout": v1.ImageLayout, "Spec": Spec, "State": State,
           "Features": Features}  # fmt: skip


def _variants(doc: Any) -> Iterator[Any]:
    """The document, and one variant per top-level member: left out, or given
    a value of another JSON type."""
    yield doc
    if isinstance(doc, dict):
        for key in doc:
            yield {k: v for k, v in doc.items() if k != key}
            for other in ("x", 1, [], {}, None):
                if type(other) is not type(doc[key]):
                    yield {**doc, key: other}
                    break


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_the_schema_is_the_spec_schema(name: str) -> None:
    cls = CLASSES[name]
    schema = cls.__get_pydantic_json_schema__(None, None)  # type: ignore[attr-defined]
    assert "$ref" not in json.dumps(schema)  # resolved in place: valid inside OpenAPI
    ours = jsonschema.Draft4Validator(schema)
    theirs = fuzzlib.validator(fuzzlib.ROOTS[name])
    seeds = [s.doc for s in fuzzlib.seeds() if s.root.name == name]
    assert seeds, name
    checked = 0
    for seed in seeds:
        for doc in _variants(seed):
            assert ours.is_valid(doc) == theirs.is_valid(doc), (name, doc)
            checked += 1
    assert checked > len(seeds)
    # A fresh dict each time: callers (pydantic) may change it.
    schema["changed"] = True
    assert "changed" not in cls.__get_pydantic_json_schema__(None, None)  # type: ignore[attr-defined]


def test_nested_types_get_their_schema_site() -> None:
    platform = v1.Platform.__get_pydantic_json_schema__(None, None)  # type: ignore[attr-defined]
    assert platform["required"] == ["architecture", "os"]
    assert "os.version" in platform["properties"]
    # A type no schema describes gets its members and their JSON types.
    from oci_spec.runtime import LinuxBlockIODevice

    device = LinuxBlockIODevice.__get_pydantic_json_schema__(None, None)  # type: ignore[attr-defined]
    assert device["properties"] == {"major": {"type": "integer"}, "minor": {"type": "integer"}}


def test_model_json_schema_uses_the_spec_schema() -> None:
    schema = Push.model_json_schema()
    manifest = schema["$defs"]["Manifest"]
    assert manifest["required"] == ["schemaVersion", "config", "layers"]
    assert manifest["properties"]["config"]["required"] == ["mediaType", "size", "digest"]
    assert schema["properties"]["manifest"] == {"$ref": "#/$defs/Manifest"}


# --- FastAPI --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> Any:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    app = FastAPI()

    @app.put("/manifests/{ref}")
    def put_manifest(ref: str, manifest: v1.Manifest) -> v1.Manifest:
        assert type(manifest) is v1.Manifest
        manifest.annotations = {**(manifest.annotations or {}), "ref": ref}
        return manifest

    @app.post("/push")
    def push(body: Push) -> dict[str, int]:
        return {"layers": len(body.manifest.layers)}

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecation on the way either
        return TestClient(app)


def test_fastapi_request_and_response_bodies(client: Any) -> None:
    resp = client.put("/manifests/v1", json=MANIFEST)
    assert resp.status_code == 200
    assert resp.json() == json.loads(
        v1.Manifest.from_dict({**MANIFEST, "annotations": {**MANIFEST["annotations"], "ref": "v1"}}).to_json()
    )
    assert client.post("/push", json={"manifest": MANIFEST}).json() == {"layers": 1}


def test_fastapi_validation_errors(client: Any) -> None:
    bad = copy.deepcopy(MANIFEST)
    bad["layers"] = []
    resp = client.put("/manifests/v1", json=bad)
    assert resp.status_code == 422
    (detail,) = resp.json()["detail"]
    assert detail["loc"] == ["body", "layers"]
    assert detail["msg"] == "expected at least 1 items, found 0"


def test_openapi_describes_bodies_with_the_spec_schema(client: Any) -> None:
    api = client.get("/openapi.json").json()
    components = api["components"]["schemas"]
    body = api["paths"]["/manifests/{ref}"]["put"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Manifest"}
    assert components["Manifest"]["required"] == ["schemaVersion", "config", "layers"]
    ours = jsonschema.Draft4Validator(components["Manifest"])
    assert ours.is_valid(MANIFEST) and not ours.is_valid({**MANIFEST, "layers": "x"})
