"""Every JSON example in the vendored image-spec markdown parses and round-trips.

The examples are the ```json blocks (tests/support/mdexamples.py, which also
finds the ones indented inside list items); each carries ``mediatype=`` in its
info string, upstream's convention (schema/spec_test.go), and the media type
picks the type.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from support.mdexamples import spec_fences
from oci_spec.image import v1

SPEC = Path(__file__).resolve().parents[2] / "spec" / "image-spec"
TYPES = {
    v1.MEDIA_TYPE_DESCRIPTOR: v1.Descriptor,
    v1.MEDIA_TYPE_IMAGE_MANIFEST: v1.Manifest,
    v1.MEDIA_TYPE_IMAGE_INDEX: v1.Index,
    v1.MEDIA_TYPE_IMAGE_CONFIG: v1.Image,
    v1.MEDIA_TYPE_LAYOUT_HEADER: v1.ImageLayout,
}
# ```json blocks per file, counted by reading the markdown: manifest.md's last
# three are indented inside a numbered list.  (image-layout.md's ```shell
# blocks print truncated JSON with `jq`; they are not examples.)
COUNTS = {
    "config.md": 1,
    "descriptor.md": 3,
    "image-index.md": 2,
    "image-layout.md": 2,
    "manifest.md": 5,
}
FENCES = [f for f in spec_fences(SPEC) if f.lang == "json"]
EXAMPLES = [(f.name, f.attributes.get("mediatype", ""), f.body) for f in FENCES]


def test_examples_found() -> None:
    assert Counter(f.file for f in FENCES) == COUNTS
    assert all(media in TYPES for _, media, _ in EXAMPLES)
    indented = [n for n, _, _ in EXAMPLES if n.startswith("manifest.md")][2:]
    assert indented == ["manifest.md:192", "manifest.md:221", "manifest.md:244"]


# Go writes some members the example leaves out: a struct value is never
# omitted (omitempty does nothing to structs), so an Image always has "config".
GO_ADDS = {"config.md": {"config"}}


@pytest.mark.parametrize("where,media,doc", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_round_trips(where: str, media: str, doc: str) -> None:
    cls = TYPES[media]
    value = cls.from_json(doc)
    value.validate()
    again = json.loads(value.to_json())
    original = json.loads(doc)
    for key in GO_ADDS.get(where.split(":")[0], ()):
        if key not in original:
            again.pop(key, None)
    assert again == original
    assert cls.from_json(value.to_json()) == value
