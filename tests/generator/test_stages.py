"""Each generator stage on its own, on the synthetic minispec: loading, type
mapping, constants, field binding, and lint as a pass over a bound model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from generator import bind, constants, golang, lint, names, pipeline
from generator.model import (
    BytesType,
    EnumType,
    IntType,
    Kind,
    ListType,
    MapType,
    StrType,
    StructType,
)
from generator.sources import Sources
from generator.types import TypeMapper

MINISPEC = Path(__file__).parent / "fixtures" / "minispec"
DISPLAY = "tests/generator/fixtures/minispec"


@pytest.fixture(scope="module")
def src() -> Sources:
    return Sources(MINISPEC, DISPLAY)


def _field(src: Sources, struct: str, name: str) -> golang.GoField:
    found = src.find_struct("specs-go/v1", struct)
    assert found is not None
    return found.field(name)


def test_sources_resolve_names(src: Sources) -> None:
    digest = _field(src, "Widget", "Digest")
    assert src.resolve_name("specs-go/v1", digest.type, digest.pos) == "example.com/digest.Digest"
    assert src.type_key("specs-go/v1.Widget") == ("specs-go/v1", "Widget")
    assert [c.name for c in src.enum_consts("specs-go/v1", src.packages["specs-go/v1"].named_type("Kind"))] == [
        "KindAlpha",
        "KindBeta",
        "KindGamma",
    ]


def test_type_mapping_without_schema(src: Sources) -> None:
    bound: list[str] = []

    def bind_struct(pkg: str, struct: golang.GoStruct, ref: object) -> str:
        bound.append(struct.name)
        return "_dec_test"

    mapper = TypeMapper(src, bind_struct)

    def mapped(struct: str, name: str) -> tuple[object, bool]:
        f = _field(src, struct, name)
        m = mapper.map("specs-go/v1", f.type, None, f.pos)
        return m.type, m.nilable

    assert mapped("Widget", "Size") == (IntType(64, True, -(2**63), 2**63 - 1), True)
    assert mapped("Widget", "Count") == (IntType(32, False, 0, 2**32 - 1), False)
    assert mapped("Widget", "Payload") == (BytesType(), True)
    labels, nil = mapped("Widget", "Labels")
    assert isinstance(labels, MapType) and labels.value == StrType() and nil
    kind, _ = mapped("Widget", "Kind")
    # No schema: the enumeration is open (any string is accepted).
    assert isinstance(kind, EnumType) and kind.open and not kind.narrowed
    parts, _ = mapped("Widget", "Parts")
    assert parts == ListType(item=StructType("Part", "oci_spec.mini.v1", "_dec_test"))
    assert bound == ["Part"]


def test_int_bounds_narrow_only_inside_go_range() -> None:
    from generator.schema import Node

    node = Node(path="x", minimum=-5, maximum=2**70)
    assert TypeMapper.int_type(8, False, node) == IntType(8, False, 0, 255)
    assert TypeMapper.int_type(8, True, node) == IntType(8, True, -5, 127)


def test_constants(src: Sources) -> None:
    (kind,) = [e for e in constants.enums(src, "specs-go/v1") if e.go_name == "Kind"]
    assert [(m.py_name, m.value) for m in kind.members] == [
        ("ALPHA", "alpha"),
        ("BETA", "beta"),
        ("GAMMA", "gamma"),
    ]
    assert constants.version(src) == "0.3.1-dev"  # version.go, read by hand
    lit = golang.GoConversion(
        golang.GoType("slice", elem=golang.GoType("ident", "byte")),
        golang.GoLit("{}", golang.Pos("x", 1)),
        golang.Pos("x", 1),
    )
    assert constants.evaluate(lit, {}) == b"{}"


@pytest.mark.parametrize(
    "wire,attribute",
    [  # the table: snake_case of the member Go writes, acronyms kept whole
        ("ociVersion", "oci_version"), ("rootfs", "rootfs"), ("hyperv", "hyperv"),
        ("initrd", "initrd"), ("freebsd", "freebsd"), ("lowerLink", "lower_link"),
        ("imageLayoutVersion", "image_layout_version"),
        ("throttleReadIOPSDevice", "throttle_read_iops_device"),
        ("disableOOMKiller", "disable_oom_killer"), ("DNSSearchList", "dns_search_list"),
        ("os.version", "os_version"), ("Env", "env"), ("WorkingDir", "working_dir"),
        ("diff_ids", "diff_ids"), ("class", "class_"), ("validate", "validate_"),
        ("classID", "class_id"), ("pageSize", "page_size"),
    ],
)  # fmt: skip
def test_attribute_names(wire: str, attribute: str) -> None:
    assert names.attribute(wire) == attribute


def test_names() -> None:
    assert names.snake("DiffIDs") == "diff_ids"
    assert names.snake("Import") == "import_"
    assert names.snake("Validate") == "validate_"  # a method every model has
    assert names.enum_member("Arch", "ArchX86_64") == "X86_64"
    assert names.relative("a.b._runtime", "a.b.c.d") == "..._runtime"
    assert names.decoder("Part", 1) == "_dec_Part" and names.decoder("Part", 2) == "_dec_Part_2"


def test_binding_shares_decoders_between_equal_sites(src: Sources) -> None:
    spec = bind.Binder(src).run()
    v1 = next(m for m in spec.modules if m.name == "oci_spec.mini.v1")
    widget = next(s for s in v1.structs if s.py_name == "Widget")
    assert [f.wire_name for f in widget.fields][:4] == ["schemaVersion", "mediaType", "kind", "digest"]
    assert widget.root_schema == "widget-schema.json"
    for d in v1.decoders:
        assert d.schema_path == d.sites[0]
    # The binder itself reports nothing: lint is a separate pass.
    assert spec.findings == ()


def test_lint_is_a_pass_over_the_model(src: Sources) -> None:
    spec = bind.Binder(src).run()
    before = lint.run(spec, src.schemas, src.cfg.roots)
    assert "required-omitempty" in {f.code for f in before}
    # Make Widget.goOnly always written and required, as if Go had no omitempty:
    # the pass over the changed model sees exactly that.
    modules = []
    for m in spec.modules:
        decoders = tuple(
            replace(
                d,
                fields=tuple(
                    replace(f, omit="never") if f.wire_name == "mediaType" else f for f in d.fields
                ),
            )
            if d.struct == "Widget"
            else d
            for d in m.decoders
        )
        modules.append(replace(m, decoders=decoders))
    after = lint.run(replace(spec, modules=tuple(modules)), src.schemas, src.cfg.roots)
    assert {f.line() for f in before} - {f.line() for f in after} == {
        "required-omitempty: Widget.mediaType: schema requires 'mediaType' but Go omits its "
        f"zero value (omitempty) [{DISPLAY}/specs-go/v1/widget.go:16]"
    }


def test_kinds_have_one_json_type_table() -> None:
    assert {k: k.json_type for k in Kind} == {
        Kind.STR: "string", Kind.ENUM: "string", Kind.INT: "integer", Kind.BOOL: "boolean",
        Kind.BYTES: "string", Kind.TIME: "string", Kind.ANY: None, Kind.OBJECT: "object",
        Kind.STRUCT: "object", Kind.LIST: "array", Kind.MAP: "object",
    }  # fmt: skip


def _copy(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "spec"
    shutil.copytree(MINISPEC, root / "minispec")
    return root / "minispec"


def test_schema_defects_are_lint_findings_not_errors(tmp_path: Path) -> None:
    spec = _copy(tmp_path)
    schema = spec / "schema" / "widget-schema.json"
    text = schema.read_text(encoding="utf-8")
    # A dangling $ref (as runtime-spec 1.3.0's "#definitions/uint32") on the
    # reviewer, and the tuple form of items (config-vm.json's iomems) on parts.
    assert text.count('"$ref": "defs.json#/definitions/person"\n        }') == 1
    text = text.replace(
        '"$ref": "defs.json#/definitions/person"\n        }',
        '"$ref": "#definitions/person"\n        }',
    )
    assert text.count('"items": {') == 1
    text = text.replace('"items": {', '"items": [{', 1)
    end = text.index("}", text.index('"items": [{'))
    text = text[: end + 1] + "]" + text[end + 1 :]
    schema.write_text(text, encoding="utf-8")
    (built,) = pipeline.load(spec.parent, "spec")
    lines = [f.line() for f in built.findings if f.code in ("schema-tuple-items", "schema-dangling-ref")]
    assert lines == [
        "schema-tuple-items: widget-schema.json#/properties/parts: items is an array (draft-04"
        " tuple form): a validator checks only the first item against it; where a Go slice"
        " meets it, every item is checked against it [widget-schema.json#/properties/parts]",
        "schema-dangling-ref: widget-schema.json#/properties/reviewer/oneOf/0: $ref"
        " '#definitions/person' resolves to nothing; where a Go type meets it, only the Go type"
        " applies [widget-schema.json#/properties/reviewer/oneOf/0]",
    ]
    v1 = next(m for m in built.modules if m.name == "oci_spec.mini.v1")
    widget = next(s for s in v1.structs if s.py_name == "Widget")
    parts = next(f for f in widget.fields if f.wire_name == "parts")
    assert isinstance(parts.type, ListType) and isinstance(parts.type.item, StructType)
    # The part schema (its name pattern) applies to every item.
    part_decoder = next(d for d in v1.decoders if d.name == parts.type.item.decoder)
    name = next(f for f in part_decoder.fields if f.wire_name == "name")
    assert isinstance(name.type, StrType) and name.type.patterns


def test_mapping_correction_overrides_a_schema_requirement(tmp_path: Path) -> None:
    spec = _copy(tmp_path)
    mapping = spec / "ocigen.toml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8")
        + '\n[[corrections]]\ntype = "specs-go/v1.Widget"\nmember = "parts"\n'
        'required = false\nreason = "the text says OPTIONAL"\n',
        encoding="utf-8",
    )
    (built,) = pipeline.load(spec.parent, "spec")
    v1 = next(m for m in built.modules if m.name == "oci_spec.mini.v1")
    widget = next(s for s in v1.structs if s.py_name == "Widget")
    parts = next(f for f in widget.fields if f.wire_name == "parts")
    assert not parts.required and parts.corrected == "the text says OPTIONAL"
    assert [f.line() for f in built.findings if f.code == "schema-corrected"] == [
        "schema-corrected: Widget.parts: the mapping file makes it optional against the schema:"
        " the text says OPTIONAL [spec/minispec/specs-go/v1/widget.go:49]"
    ]


def test_mapping_correction_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    from generator.errors import GeneratorError

    spec = _copy(tmp_path)
    mapping = spec / "ocigen.toml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(
        text + '\n[[corrections]]\ntype = "specs-go/v1.Widget"\nmember = "nope"\n'
        'required = false\nreason = "r"\n',
        encoding="utf-8",
    )
    with pytest.raises(GeneratorError) as info:
        pipeline.load(spec.parent, "spec")
    assert str(info.value) == (
        f"spec/minispec/ocigen.toml:{text.count(chr(10)) + 2}: correction for"
        " specs-go/v1.Widget.nope matches no field at a schema site"
    )


_TEXT = """# Parts

## Part properties

- **`name`** *string*

  The `name` MAY be any JSON value.
"""

_DIFFERENCE = """
[[text_differences]]
type = "specs-go/v1.Part"
member = "name"
section = "parts.md#part-properties"
quote = "The `name` MAY be any JSON value."
decision = "Go's string applies"
"""


def _with_difference(tmp_path: Path, entry: str) -> tuple[Path, int]:
    """The minispec with parts.md and ``entry`` appended to its mapping file;
    the entry's line."""
    spec = _copy(tmp_path)
    (spec / "parts.md").write_text(_TEXT, encoding="utf-8")
    mapping = spec / "ocigen.toml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(text + entry, encoding="utf-8")
    return spec, text.count("\n") + 2


def test_text_differences_are_lint_findings(tmp_path: Path) -> None:
    spec, line = _with_difference(tmp_path, _DIFFERENCE)
    (built,) = pipeline.load(spec.parent, "spec")
    assert [f.line() for f in built.findings if f.code == "go-text-difference"] == [
        'go-text-difference: Part.name: Go Name string; parts.md#part-properties says "The name'
        f' MAY be any JSON value."; Go\'s string applies [spec/minispec/ocigen.toml:{line}]'
    ]
    # A type as a whole (no member), and the report lint prints.
    spec, line = _with_difference(tmp_path / "b", _DIFFERENCE.replace('member = "name"\n', ""))
    (built,) = pipeline.load(spec.parent, "spec")
    assert (
        'go-text-difference: Part: Go Part; parts.md#part-properties says "The name MAY be any'
        f' JSON value."; Go\'s string applies [spec/minispec/ocigen.toml:{line}]'
    ) in pipeline.lint_report(built).splitlines()


@pytest.mark.parametrize(
    "old,new,message",
    [
        ('"specs-go/v1.Part"', '"specs-go/v1.Nope"', "no Go struct 'specs-go/v1.Nope' in this spec"),
        ('member = "name"', 'member = "nope"', "Part has no member 'nope'"),
        ("parts.md#part-properties", "nope.md#part-properties",
         "section nope.md#part-properties: no file nope.md in the spec folder"),
        ("parts.md#part-properties", "parts.md#nope", "section parts.md#nope: no such heading in parts.md"),
        ("MAY be any", "MUST be any",
         "the quote is not in parts.md#part-properties: 'The `name` MUST be any JSON value.'"),
    ],
)  # fmt: skip
def test_text_difference_that_does_not_match_is_an_error(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    from generator.errors import GeneratorError

    spec, line = _with_difference(tmp_path, _DIFFERENCE.replace(old, new))
    with pytest.raises(GeneratorError) as info:
        pipeline.load(spec.parent, "spec")
    assert str(info.value) == f"spec/minispec/ocigen.toml:{line}: text difference: {message}"


def test_format_in_parts_is_blacks_output_for_the_whole_module(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # render.format_all formats long modules in parts, in parallel; the oracle is
    # black itself on each whole module.  Tiny parts cut the minispec's modules
    # at many places (after classes, functions, decorated classes).
    import black

    from generator import render

    monkeypatch.setattr(render, "CACHE", tmp_path / "black")  # nothing cached
    texts: dict[str, str] = {}
    real = render.format_all

    def capture(t: dict[str, str], part_lines: int = render.PART_LINES) -> dict[str, str]:
        texts.update(t)
        return real(t, part_lines)

    monkeypatch.setattr(render, "format_all", capture)
    pipeline.render(pipeline.load(MINISPEC.parent))
    cut = [p for p, t in texts.items() if len(render.split_parts(t, 20)) > 3]
    assert cut, "no module long enough to be cut"
    got = real(texts, part_lines=20)
    for path, text in texts.items():
        assert got[path] == black.format_str(text, mode=render.BLACK_MODE), path
    assert real(texts, part_lines=20) == got  # and read back from the cache
