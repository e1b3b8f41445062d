"""generator/spectext.py: the vendored markdown as strict.toml cites it.

Anchors follow GitHub's heading anchors: the expected anchors below are those
GitHub shows for these headings (and the upstream specs' own tables of
contents link to them); the links of the vendored markdown are a second
oracle: each in-document link must reach an anchor, except the upstream links
listed with the reason they are broken on GitHub too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import spectext

REPO = Path(__file__).resolve().parents[2]
SPEC_ROOT = REPO / "spec"


@pytest.mark.parametrize(
    "heading,anchor",
    [
        ("Image Manifest Property Descriptions", "image-manifest-property-descriptions"),
        ("`+gzip` Media Types", "gzip-media-types"),
        ("index.json file", "indexjson-file"),
        ("SHA-256", "sha-256"),
        ("Example (POSIX platforms)", "example-posix-platforms"),
        ("Moving a device with a renamed interface inside the container:",
         "moving-a-device-with-a-renamed-interface-inside-the-container"),
        ("*Extensions* Property Descriptions", "extensions-property-descriptions"),
        ("Component: `ext`", "component-ext"),
        ("`_oci` Extension Endpoints", "_oci-extension-endpoints"),
        ("`application/vnd.oci.image.index.v1+json`", "applicationvndociimageindexv1json"),
        ('<a name="configLinuxIntelRdt" />IntelRdt', "intelrdt"),
        ('<a name="runtimeLinuxDevSymbolicLinks" /> Dev symbolic links', "dev-symbolic-links"),
        ("[Linked](https://example.com) heading", "linked-heading"),
        ("Two  spaces", "two--spaces"),
        ("Snake_case_word and __bold__", "snake_case_word-and-bold"),
    ],
)  # fmt: skip
def test_slug_is_githubs_anchor(heading: str, anchor: str) -> None:
    assert spectext.slug(heading) == anchor


DOC = """\
# Title <a name="top"/>

Intro with a MUST in it.

## Part

* **`a`** *(string, REQUIRED)* - the a.
    It MUST be
    _short_.
* **`b`** (array, OPTIONAL) see [`syscalls[].action` things](other.md#x).

| Key | Code |
|-----|------|
| one | `ONE_1` |
| two | `TWO` \\| more |

```json
{"MUST": "not a key word here"}
```

<!-- a comment with MUST
over two lines -->

### Example

text

## Part

Second part MUST hold. Then SHALL not.
"""


def test_parse_sections_blocks_and_keys() -> None:
    text = spectext.parse("doc.md", DOC)
    assert [s.anchors for s in text.sections] == [
        (),
        ("title", "top"),
        ("part",),
        ("example",),
        ("part-1",),
    ]
    part = text.section("part")
    assert part is not None and [s.anchors[0] for s in part] == ["part", "example"]
    keys = [b.key for b in part[0].blocks]
    assert keys == [
        "a (string, REQUIRED) - the a. It MUST be short.",
        "b (array, OPTIONAL) see syscalls[].action things.",
        "| Key | Code |",
        "| one | ONE1 |",
        "| two | TWO | more |",
    ]
    assert [b.line for b in part[0].blocks] == [7, 10, 12, 14, 15]
    assert text.section("top") == text.section("title")
    assert text.section("nowhere") is None
    assert (
        sum(
            len(spectext.KEYWORD.findall(b.key))
            for s in text.sections
            for b in s.blocks
        )
        == 5
    )


def test_find_compares_without_markup_and_line_breaks() -> None:
    text = spectext.parse("doc.md", DOC)
    part = text.section("part")
    assert part is not None
    for quote in (
        "It MUST be short.",
        "It MUST be _short_.",
        "`a` *(string, REQUIRED)*",
        "see syscalls[].action things",
    ):
        assert spectext.find(part, quote), quote
    assert not spectext.find(part, "It MUST be long.")
    assert not spectext.find(part, "Second part MUST hold.")  # another section
    [(block, start, end)] = spectext.find(text.section("part-1") or [], "MUST hold")
    assert block.key[start:end] == "MUST hold"
    assert spectext.sentences(block) == ["Second part MUST hold.", "Then SHALL not."]


# Links of the upstream markdown whose fragment is not a GitHub anchor of the
# target (GitHub's anchors are lower case; some name headings that do not exist).
KNOWN_BROKEN = {
    ("runtime-spec", "config-vm.md", "config.md#Root-Configuration"): "no such heading",
    ("runtime-spec", "config.md", "config.md#createRuntime-hooks"): "case",
    ("runtime-spec", "config.md", "config.md#createContainer-hooks"): "case",
    ("runtime-spec", "config.md", "config.md#startContainer-hooks"): "case",
    ("runtime-spec", "runtime.md", "config.md#createRuntime-hooks"): "case",
    ("runtime-spec", "runtime.md", "config.md#createContainer-hooks"): "case",
    ("runtime-spec", "runtime.md", "config.md#startContainer-hooks"): "case",
    (
        "runtime-spec",
        "glossary.md",
        "glossary.md#features.md",
    ): "a file name as fragment",
    (
        "runtime-spec",
        "config-linux.md",
        "runtime.md#operation",
    ): "the heading is Operations",
    ("runtime-spec", "config-linux.md", "runtime.md#exec"): "no such heading",
    (
        "runtime-spec",
        "config-linux.md",
        "glossary.md#container_namespace",
    ): "underscore",
    (
        "runtime-spec",
        "GOVERNANCE.md",
        "GOVERNANCE.md#release-approval",
    ): "no such heading",
    (
        "image-spec",
        "image-layout.md",
        "layer.md#applying",
    ): "the heading is Applying Changesets",
    (
        "distribution-spec",
        "GOVERNANCE.md",
        "GOVERNANCE.md#security-issues",
    ): "no such heading",
    (
        "distribution-spec",
        "GOVERNANCE.md",
        "GOVERNANCE.md#release-approval",
    ): "no such heading",
}
_LINK = re.compile(r"\]\(((?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_.-]*\.md)?#([^)\s]+)\)")


def test_upstream_links_reach_anchors() -> None:
    resolved = 0
    for spec_dir in sorted(p for p in SPEC_ROOT.iterdir() if p.is_dir()):
        files = {str(p.relative_to(spec_dir)): p for p in spec_dir.rglob("*.md")}
        texts = {name: spectext.read(p, name) for name, p in files.items()}
        for name, path in files.items():
            for m in _LINK.finditer(path.read_text(encoding="utf-8")):
                target = str(Path(name).parent / m.group(1)) if m.group(1) else name
                target = target.removeprefix("./")
                if target not in texts:
                    continue
                if m.group(2) in texts[target].anchors():
                    resolved += 1
                else:
                    key = (spec_dir.name, name, f"{target}#{m.group(2)}")
                    assert key in KNOWN_BROKEN, key
    assert resolved >= 10
