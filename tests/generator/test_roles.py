"""The roles of the mapping file (generator/roles.py): what they bind to in the
model, and a clear ``file:line: message`` for each kind of mistake.

Each error case copies the vendored image-spec (or runtime-spec) folder, breaks
one line of its ocigen.toml and loads it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import pipeline
from generator.errors import GeneratorError
from generator.model import Spec

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def specs() -> dict[str, Spec]:
    return {s.name: s for s in pipeline.load(REPO / "spec")}


def test_image_spec_roles(specs: dict[str, Spec]) -> None:
    roles = specs["image-spec"].roles
    assert roles.digest is not None and roles.digest.canonical == "sha256"
    assert [a.name for a in roles.digest.algorithms] == ["sha256", "sha384", "sha512"]
    assert roles.digest.canonical_pattern == r"sha256:[a-f0-9]{64}\Z"
    c = roles.content
    assert c is not None and c.descriptor.name == "Descriptor"
    assert (c.media_type.wire_name, c.digest.wire_name, c.size.wire_name) == ("mediaType", "digest", "size")
    assert [f.wire_name for f in c.options] == ["urls", "annotations", "data", "platform", "artifactType"]
    assert {(m.value, m.type.name) for m in c.media_types if m.manifest} == {
        ("application/vnd.oci.image.manifest.v1+json", "Manifest"),
        ("application/vnd.oci.image.index.v1+json", "Index"),
        ("application/vnd.docker.distribution.manifest.v2+json", "Manifest"),
        ("application/vnd.docker.distribution.manifest.list.v2+json", "Index"),
    }
    # Where descriptors are, from the model: Index.manifests/subject, Manifest.config/layers/subject.
    refs = {r.struct.name: [(s.member.wire_name, s.container) for s in r.steps] for r in c.refs}
    assert refs == {
        "Index": [("manifests", "list"), ("subject", "one")],
        "Manifest": [("config", "one"), ("layers", "list"), ("subject", "one")],
    }
    layout = roles.layout
    assert layout is not None
    assert (layout.marker, layout.version, layout.index, layout.blobs) == (
        "oci-layout", "1.0.0", "index.json", "blobs",
    )  # fmt: skip
    assert [s.wire_name for s in layout.version_member] == ["imageLayoutVersion"]


def test_runtime_spec_roles(specs: dict[str, Spec]) -> None:
    roles = specs["runtime-spec"].roles
    assert roles.digest is None and roles.content is None and roles.layout is None
    assert roles.bundle is not None and roles.bundle.config == "config.json"
    assert [(s.wire_name, s.nullable) for s in roles.bundle.root_path] == [("root", True), ("path", False)]
    assert [d.name for d in roles.documents] == ["Spec", "State", "Features"]


def test_schemas_are_stored_with_keys_for_every_ref(specs: dict[str, Spec]) -> None:
    import json
    import re

    for spec in specs.values():
        stored = dict(spec.roles.schemas)
        for key, text in stored.items():
            for ref in re.findall(r'"\$ref":"([^"]+)"', text):
                # "<spec>/<file>#..." or a Go-only type's "<module>.<Class>" (no "#")
                entry = ref.split("#")[0] + ("#" if "#" in ref else "")
                if "#/definitions/" in ref:
                    entry += "/definitions/" + ref.split("#/definitions/")[1].split("/")[0]
                assert entry in stored, (key, ref)
            assert '"id":"http' not in text and "$schema" not in text, key
            json.loads(text)
        for cls, key in spec.roles.schema_sites:
            assert key.split("#")[0] + ("#" if "#" in key else "") in stored or key in stored, (cls, key)


def _broken(tmp_path: Path, spec: str, old: str, new: str) -> Path:
    root = tmp_path / "spec"
    shutil.copytree(REPO / "spec" / spec, root / spec)
    mapping = root / spec / "ocigen.toml"
    text = mapping.read_text("utf-8")
    assert old in text, old
    mapping.write_text(text.replace(old, new, 1), "utf-8")
    return root


def _line(root: Path, spec: str, needle: str) -> int:
    text = (root / spec / "ocigen.toml").read_text("utf-8")
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(
    ("spec", "old", "new", "needle", "message"),
    [
        ("image-spec", '[external."github.com/opencontainers/go-digest.Digest".digest]',
         '[external."github.com/opencontainers/go-digest.Digest".nodigest]',
         "github.com/opencontainers/go-digest.Digest",
         'format "digest" needs a [external."github.com/opencontainers/go-digest.Digest".digest] table'),
        ("image-spec", 'canonical = "sha256"', 'canonical = "md5"', "canonical",
         "canonical 'md5' is not one of the algorithms"),
        ("image-spec", 'hashlib = "sha384"', 'hashlib = "sha3_384_fast"', '"sha3_384_fast"',
         "hashlib does not guarantee 'sha3_384_fast'"),
        ("image-spec", "encoded = '^[a-f0-9]{64}$'", "encoded = '[a-f0-9]{64}'", "sha256",
         "sha256: expected a regular expression anchored with ^ and $"),
        ("image-spec", 'descriptor = "specs-go/v1.Descriptor"', 'descriptor = "specs-go/v1.Nothing"',
         "descriptor =", "no Go struct 'specs-go/v1.Nothing' in this spec"),
        ("image-spec", 'size = "size"', 'size = "annotations"', "size =",
         "size: Descriptor.annotations is not a plain int"),
        ("image-spec", 'digest = "digest"', 'digest = "mediaType"', "digest =",
         "digest: Descriptor.mediaType is not a digest"),
        ("image-spec", 'const = "MediaTypeImageConfig"', 'const = "MediaTypeImageConfigs"',
         '"MediaTypeImageConfigs"', "no Go string constant 'MediaTypeImageConfigs' in this spec"),
        ("image-spec", 'value = "application/vnd.docker.distribution.manifest.v2+json"',
         'value = "application/vnd.docker.distribution.manifest.list.v2+json"',
         '"application/vnd.docker.distribution.manifest.list.v2+json"',
         "is listed twice"),
        ("image-spec", 'blob_path = "{algorithm}/{encoded}"', 'blob_path = "{algorithm}/{hex}"',
         "blob_path =", "blob_path must use {algorithm} and {encoded}, once each"),
        ("image-spec", 'version_member = "imageLayoutVersion"', 'version_member = "version"',
         "version_member =", "ImageLayout has no JSON member 'version' (imageLayoutVersion)"),
        ("runtime-spec", 'root_path = "root.path"', 'root_path = "root.readonly"', "root_path =",
         "root_path must end at a string member"),
        ("runtime-spec", 'root_path = "root.path"', 'root_path = "process.cwd.x"', "root_path =",
         "'process.cwd.x': 'cwd' is not a struct"),
    ],
)  # fmt: skip
def test_mapping_mistakes_are_reported_at_their_line(
    tmp_path: Path, spec: str, old: str, new: str, needle: str, message: str
) -> None:
    root = _broken(tmp_path, spec, old, new)
    with pytest.raises(GeneratorError) as info:
        pipeline.load(root)
    e = info.value
    assert e.file == f"spec/{spec}/ocigen.toml"
    assert e.line == _line(root, spec, needle), str(e)
    assert message in e.message, str(e)
