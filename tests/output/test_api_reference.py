"""The committed API reference (generated/api/): a page per module of the
package, agreeing with what the package itself shows (``__all__``, dataclass
fields and annotations, JSON_NAMES, PLATFORMS, enumeration members, constant
values), tables with one cell per column as a GFM parser splits them, links that
land on headings.  generated/api is compared with a fresh rendering by
tests/output/test_generated_tree.py like the code."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import oci_spec
from support import apiref

API = Path(__file__).resolve().parents[2] / "generated" / "api"
PAGES = apiref.pages(API)


def _modules() -> list[str]:
    """Every module of the package that has a public API of its own."""
    found = []
    for info in pkgutil.walk_packages(oci_spec.__path__, "oci_spec."):
        if info.ispkg:
            found.append(info.name)
    return sorted(found)


def test_a_page_per_module_and_an_index() -> None:
    assert sorted(PAGES) == sorted(["README.md"] + [f"{m}.md" for m in _modules()])
    index = apiref.read(PAGES["README.md"])
    linked = [href for s in index for t in s.tables for r in t.rows for _, href in r[0].links]
    assert linked == [f"{m}.md" for m in _modules()]


@pytest.mark.parametrize("name", _modules())
def test_page_agrees_with_the_package(name: str) -> None:
    module = importlib.import_module(name)
    assert apiref.module_problems(module, PAGES[f"{name}.md"]) == []


@pytest.mark.parametrize("page", sorted(PAGES))
def test_tables_are_well_formed(page: str) -> None:
    text = PAGES[page]
    assert apiref.table_problems(text) == []
    for s in apiref.read(text):
        for t in s.tables:
            assert t.rows and all(len(r) == len(t.header) for r in t.rows)
            # Go doc text has no emphasis: markup in a cell is a leak.
            assert not [c.text for r in t.rows for c in r if c.emphasis]


def test_links_land_on_headings() -> None:
    assert apiref.link_problems(PAGES) == []


def test_every_field_of_every_class_is_a_row() -> None:
    """Counted independently of the sections: one row per dataclass field."""
    rows = sum(
        len(t.rows)
        for text in PAGES.values()
        for s in apiref.read(text)
        if s.parent == "Classes"
        for t in s.tables[:1]
    )
    fields = sum(
        len([f for f in dataclasses.fields(obj) if f.name != "unknown_fields"])
        for name in _modules()
        for obj in vars(importlib.import_module(name)).values()
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == name
    )
    assert rows == fields > 300


def test_spec_text_markup_is_escaped() -> None:
    """Go doc text holding markdown's special characters reads back as written."""
    runtime = apiref.read(PAGES["oci_spec.runtime.md"])
    (section,) = [s for s in runtime if s.title == "LinuxHugepageLimit"]
    (row,) = [r for r in section.tables[0].rows if r[0].codes == ["page_size"]]
    doc = row[-1].text
    assert 'Format: "<size><unit-prefix>B\' (e.g. 64KB, 2MB, 1GB, etc.).' in doc


def test_the_readme_links_land_on_headings() -> None:
    readme = (API.parents[1] / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(generated/api/([^)#]+)(?:#([^)]+))?\)", readme)
    assert ("README.md", "") in links and len(links) > 1
    for page, anchor in links:
        assert page in PAGES
        assert not anchor or anchor in apiref.anchors(page, PAGES[page]), (page, anchor)


def test_no_paths_of_the_machine() -> None:
    root = str(API.parents[1])
    for name, text in PAGES.items():
        assert root not in text and "/tmp/" not in text and "/home/" not in text, name
