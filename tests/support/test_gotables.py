"""The test suite's own reader of upstream's table-driven Go tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.gotables import TableError, table_tests

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "generator" / "fixtures" / "go" / "tables" / "tables_test.go"
SCHEMA = ROOT / "spec" / "image-spec" / "schema"


def test_table_cases() -> None:
    cases = table_tests(FIXTURE)
    assert [(c.func, c.index) for c in cases] == [
        ("TestDirect", 0), ("TestDirect", 1), ("TestDirect", 2),
        ("TestViaVariable", 0), ("TestViaVariable", 1),
        ("TestTwoTables", 0), ("TestTwoTables", 0), ("TestTwoTables", 1),
    ]  # fmt: skip
    first, second, third = cases[:3]
    # Omitted basic-typed fields get Go's zero value; "extra" (interface{}) does not.
    assert first.fields == (("input", "a\tb"), ("want", -3), ("fail", False))
    assert first.comment == 'first case:\n"quoted" across two lines'
    assert first.line == 17
    assert second.fields == (
        ("input", "raw \\t"),
        ("want", 16),
        ("fail", True),
        ("extra", "expr:nil"),
    )
    assert second.comment == ""  # its line comment belongs to it, not to the third case
    assert third.fields == (
        ("input", 'expr:strings.Repeat("x", 3)'),
        ("want", 0),
        ("fail", "expr:!false"),
    )
    assert third.comment == "inside the element"
    assert [c.get("n") for c in cases[3:5]] == [1, 2]
    assert [c.fields for c in cases[5:]] == [(("s", "a"),), (("b", True),), (("b", False),)]


@pytest.mark.parametrize(
    "literal,value",
    [
        (r'"\x41\u00e9\U0001F600\101\n"', "A\u00e9\U0001f600A\n"),
        (r'"\xc3\xa9"', "\u00e9"),  # \x escapes are bytes of one UTF-8 sequence
        ("`a\\nb`", "a\\nb"),
        ("0755", 0o755),
        ("0x1_0", 16),
        ("-7", -7),
    ],
)
def test_literals(tmp_path: Path, literal: str, value: object) -> None:
    path = tmp_path / "x_test.go"
    path.write_text(
        "package x\n\nfunc TestX(t *testing.T) {\n"
        f"\tfor _, tt := range []struct{{ v any }}{{{{{literal}}}}} {{\n\t\t_ = tt\n\t}}\n}}\n",
        encoding="utf-8",
    )
    assert table_tests(path)[0].fields == (("v", value),)


def test_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "x_test.go"
    path.write_text("package x\n\nfunc TestX(t *testing.T) {\n\tx := \n}\n", encoding="utf-8")
    with pytest.raises(TableError, match="syntax error"):
        table_tests(path)


# Cases per file, counted by hand in the vendored image-spec 1.1.1 tests.
IMAGE_SPEC_TABLES = {
    "backwards_compatibility_test.go": 4,
    "config_test.go": 10,
    "descriptor_test.go": 29,
    "imageindex_test.go": 12,
    "imagelayout_test.go": 2,
    "manifest_test.go": 12,
    "spec_test.go": 0,
}


def test_image_spec_schema_tables() -> None:
    counts = {p.name: len(table_tests(p)) for p in sorted(SCHEMA.glob("*_test.go"))}
    assert counts == IMAGE_SPEC_TABLES
    manifest = table_tests(SCHEMA / "manifest_test.go")
    assert manifest[0].comment == "expected failure: mediaType does not match pattern"
    assert manifest[0].get("fail") is True
    assert '"schemaVersion": 2' in str(manifest[0].get("manifest"))
    # Case 6 omits "fail": Go's zero value, false.
    assert manifest[6].get("fail") is False
    compat = table_tests(SCHEMA / "backwards_compatibility_test.go")
    assert [(c.func, c.index) for c in compat] == [
        ("TestBackwardsCompatibilityImageIndex", 0),
        ("TestBackwardsCompatibilityManifest", 0),
        ("TestBackwardsCompatibilityConfig", 0),
        ("TestBackwardsCompatibilityConfig", 1),
    ]
    assert all(str(c.get("digest")).startswith("sha256:") for c in compat)
    # The comment of the second config case is inside the element.
    assert compat[3].comment == "fedora:23 from docker hub\nboth Entrypoint and Cmd can be nullable"
    descriptor = table_tests(SCHEMA / "descriptor_test.go")
    assert sum(c.get("fail") is True for c in descriptor) == 17
