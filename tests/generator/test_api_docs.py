"""The markdown of the API reference (generator/render_docs.py), read back by a
CommonMark/GFM parser (markdown-it-py): text in a table cell or a paragraph
renders as the text itself, code spans keep their content, anchors are those
GitHub gives, and the pages are owned and checked like the code."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from generator import files, pipeline, render_docs
from generator.model import EnumType, Field, ListType, MapType, Origin, StrType, StructType
from support.apiref import PARSER

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Text with no backtick (Go doc code spans are tested below) and no line break.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="`"), max_size=40
)


def _one_cell(markdown: str) -> list[Token]:
    tokens = PARSER.parse(f"| head |\n|---|\n| {markdown} |\n")
    (cell,) = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "td_open"]
    return cell.children or []


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_doc_text_in_a_cell_reads_back(text: str) -> None:
    children = _one_cell(render_docs.cell(text))
    assert [t.type for t in children] in ([], ["text"])
    assert "".join(t.content for t in children) == " ".join(text.split())


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_a_code_span_in_a_cell_keeps_its_text(text: str) -> None:
    children = _one_cell(render_docs.cell_code(text))
    assert [(t.type, t.content) for t in children] == [("code_inline", text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(TEXT.map(str.strip), min_size=1, max_size=6))
def test_doc_lines_read_back_as_paragraphs(lines: list[str]) -> None:
    text = "\n".join(lines)
    tokens = PARSER.parse(render_docs.blocks(text))
    assert {t.type for t in tokens} <= {"paragraph_open", "inline", "paragraph_close"}
    shown = [
        "".join("\n" if c.type == "softbreak" else c.content for c in t.children or [])
        for t in tokens
        if t.type == "inline"
    ]
    paragraphs = [p for p in re.split(r"\n(?:\s*\n)+", text.strip()) if p.strip()]
    assert shown == [re.sub(r"\s*\n\s*", "\n", p).strip() for p in paragraphs]


def test_go_code_spans_stay_code_and_pipes_are_escaped() -> None:
    children = _one_cell(render_docs.cell("Use `a|b` or ``c`d``; x | y, *not* <em>"))
    assert [(t.type, t.content) for t in children] == [
        ("text", "Use "),
        ("code_inline", "a|b"),
        ("text", " or "),
        ("code_inline", "c`d"),
        ("text", "; x | y, *not* <em>"),
    ]


def test_paragraphs_of_a_cell_are_kept_apart() -> None:
    children = _one_cell(render_docs.cell("First line\ngoes on.\n\nDeprecated: use B."))
    assert [(t.type, t.content) for t in children] == [
        ("text", "First line goes on."),
        ("html_inline", "<br>"),
        ("text", "Deprecated: use B."),
    ]


def test_go_indented_blocks_become_code_blocks() -> None:
    doc = "Example:\n\n\t{\n\t  \"a\": 1\n\t}\n\nAfter it.\n- not a list\n1. not a list"
    tokens = PARSER.parse(render_docs.blocks(doc))
    assert [t.type for t in tokens if t.type.endswith("_open") or t.type == "fence"] == [
        "paragraph_open", "fence", "paragraph_open",
    ]  # fmt: skip
    (fence,) = [t for t in tokens if t.type == "fence"]
    assert fence.content == '\t{\n\t  "a": 1\n\t}\n'
    after = tokens[-2].children or []
    assert "".join("\n" if c.type == "softbreak" else c.content for c in after) == (
        "After it.\n- not a list\n1. not a list"
    )


def test_anchors_are_githubs() -> None:
    # As GitHub shows them for headings like these (repeated ones numbered).
    assert render_docs.anchor_slugs(
        ["oci_spec.image.v1", "Classes", "LinuxCPU", "`descriptor_empty_json()`",
         "Classes", "Content helpers", "POSIXRlimit"]
    ) == [
        "oci_specimagev1", "classes", "linuxcpu", "descriptor_empty_json",
        "classes-1", "content-helpers", "posixrlimit",
    ]  # fmt: skip


def _field(t: object) -> Field:
    return Field(
        go_name="X", py_name="x", wire_name="x", type=t, omit="empty",  # type: ignore[arg-type]
        nullable=True, required=False, null_ok=False, doc="", deprecated=None,
        platforms=(), origin=Origin("x.go", 1), go_type="X", schema_path=None,
    )  # fmt: skip


def test_type_links_across_pages_and_names_inside_names() -> None:
    specs = pipeline.load(FIXTURES, "tests/generator/fixtures")
    (spec,) = specs
    modules = {m.name: m for m in spec.modules}
    anchors = {
        ("oci_spec.mini.v1", "Kind"): "oci_spec.mini.v1.md#kind",
        ("other.mod", "KindList"): "other.mod.md#kindlist",
    }
    page = render_docs.Page(spec, modules["oci_spec.mini.v1"], modules, anchors)
    kind = EnumType("Kind", "oci_spec.mini.v1", StrType(), open=True, narrowed=False)
    kinds = StructType("KindList", "other.mod", "_dec_KindList")
    t = MapType(ListType(kind), keyed=(("k", ListType(kinds)),))
    assert page.type_cell(_field(t)) == "dict[str, list[[Kind](#kind) \\| str]] \\| None"
    t2 = ListType(kinds)
    assert page.type_cell(_field(t2)) == "list[[KindList](other.mod.md#kindlist)] \\| None"


def test_pages_are_owned_and_checked(tmp_path: Path) -> None:
    rendered = pipeline.render(pipeline.load(FIXTURES, "tests/generator/fixtures"))
    files.write(rendered, tmp_path)
    page = tmp_path / "api" / "oci_spec.mini.v1.md"
    page.write_text(page.read_text(encoding="utf-8").replace("`'alpha'`", "`'a'`"), encoding="utf-8")
    drift = files.compare(rendered, tmp_path)
    assert drift.stale == ("api/oci_spec.mini.v1.md",)
    assert "+| `ALPHA` | `'alpha'` |" in drift.diff
    # A rendering without the reference (an older ocigen): its pages are orphans.
    without = {rel: text for rel, text in rendered.items() if not rel.startswith("api/")}
    assert files.compare(without, tmp_path).orphan == (
        "api/README.md", "api/oci_spec.mini.md", "api/oci_spec.mini.v1.md",
    )  # fmt: skip
