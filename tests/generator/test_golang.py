"""Tests for generator/golang.py, the tree-sitter based Go reader."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.golang import (
    GoBinary,
    GoCall,
    GoComposite,
    GoConst,
    GoConversion,
    GoError,
    GoField,
    GoIdent,
    GoLit,
    GoMethod,
    GoNamedType,
    GoPackage,
    GoStruct,
    GoType,
    GoUnary,
    Pos,
    read_file,
    read_package,
)

FIXTURES = Path(__file__).parent / "fixtures" / "go"
SPEC = Path(__file__).parents[2] / "spec"


def ident(name: str) -> GoType:
    return GoType("ident", name=name)


@pytest.fixture(scope="module")
def sample() -> GoPackage:
    return read_package(FIXTURES / "sample", "fx/sample")


def write(tmp_path: Path, source: str, name: str = "x.go") -> Path:
    path = tmp_path / name
    path.write_text(source)
    return path


# --- package level ----------------------------------------------------------------


def test_package_name_doc_imports_and_file_order(sample: GoPackage) -> None:
    assert sample.name == "sample"
    assert sample.dir == "fx/sample"
    assert (
        sample.doc
        == "Package sample exercises generator/golang.py.\n\nIt has a second paragraph."
    )
    # Files in name order: consts.go, doc.go, types.go, vars.go; duplicates merged.
    assert sample.imports == (
        ("os", "os"),
        ("time", "time"),
        ("digest", "github.com/opencontainers/go-digest"),
        # Unaliased: named as the code refers to it (package specs), not "specs-go".
        ("specs", "github.com/opencontainers/image-spec/specs-go"),
        ("fmt", "fmt"),
    )
    assert [d.pos.file for d in sample.decls[:1]] == ["fx/sample/consts.go"]
    assert sample.decls[-1].pos.file == "fx/sample/vars.go"


def test_test_files_are_ignored(sample: GoPackage) -> None:
    # ignored_test.go declares "type Thing int"; reading it would redeclare Thing.
    assert isinstance(sample.decl("Thing"), GoStruct)


def test_struct_names_and_lookups(sample: GoPackage) -> None:
    assert [s.name for s in sample.structs] == ["Base", "Item", "Thing"]
    assert [t.name for t in sample.named_types] == [
        "Kind",
        "Mode",
        "Alias",
        "First",
        "Second",
    ]
    with pytest.raises(KeyError):
        sample.struct("Kind")  # a named type, not a struct
    with pytest.raises(KeyError):
        sample.struct("Missing")


def test_methods_are_recorded(sample: GoPackage) -> None:
    assert sample.methods == (
        GoMethod("Thing", "Reset", True, Pos("fx/sample/types.go", 86)),
        GoMethod("Kind", "String", False, Pos("fx/sample/types.go", 88)),
    )


# --- struct fields --------------------------------------------------------------------


def test_field_types(sample: GoPackage) -> None:
    thing = sample.struct("Thing")
    spelled = {f.name: str(f.type) for f in thing.fields}
    assert spelled == {
        "Base": "Base",
        "Versioned": "*specs.Versioned",
        "Name": "string",
        "Count": "int64",
        "Ptr": "*string",
        "Items": "[]Item",
        "Data": "[]byte",
        "Labels": "map[string]string",
        "Set": "map[string]struct{}",
        "Nested": "map[string][]*Item",
        "Digest": "digest.Digest",
        "Created": "*time.Time",
        "Mode": "*os.FileMode",
        "Any": "interface{}",
        "Kind": "Kind",
        "Skip": "string",
        "Dash": "string",
        "NoTag": "string",
        "Unnamed": "string",
        "A": "uint8",
        "B": "uint8",
        "Arr": "[4]int",
        "Inline": 'struct{ X int `json:"x"` }',
        "Trailing": "bool",
        "Next": "int",
        "Orphan": "int",
        "Interp": "string",
        "Old": "string",
        "lower": "string",
    }
    assert [f.name for f in thing.fields][:4] == ["Base", "Versioned", "Name", "Count"]


def test_type_structure(sample: GoPackage) -> None:
    thing = sample.struct("Thing")
    assert thing.field("Created").type == GoType(
        "pointer", elem=GoType("qualified", name="Time", package="time")
    )
    assert thing.field("Set").type == GoType(
        "map", key=ident("string"), elem=GoType("struct")
    )
    assert thing.field("Data").type == GoType("slice", elem=ident("byte"))
    assert thing.field("Arr").type == GoType("array", elem=ident("int"), length="4")
    assert thing.field("Any").type.kind == "interface"
    assert thing.field("Ptr").type == GoType("pointer", elem=ident("string"))
    assert thing.field("Name").type == ident("string")
    inline = thing.field("Inline").type
    assert inline.kind == "struct"
    assert [(f.name, f.json_name) for f in inline.fields] == [("X", "x")]


def test_embedded_fields(sample: GoPackage) -> None:
    thing = sample.struct("Thing")
    base, versioned = thing.fields[0], thing.fields[1]
    assert base.embedded and base.name == "Base" and base.type == ident("Base")
    assert versioned.embedded and versioned.name == "Versioned"
    assert versioned.type == GoType(
        "pointer", elem=GoType("qualified", name="Versioned", package="specs")
    )
    assert not thing.field("Name").embedded


def test_json_tags(sample: GoPackage) -> None:
    thing = sample.struct("Thing")

    def json(name: str) -> tuple[str | None, tuple[str, ...], bool]:
        f = thing.field(name)
        return f.json_name, f.json_options, f.json_skip

    assert json("Name") == ("name", (), False)
    assert json("Count") == ("count", ("string",), False)
    assert json("Ptr") == ("ptr", ("omitempty",), False)
    assert json("Items") == ("items", ("omitzero",), False)
    assert json("Skip") == (None, (), True)
    assert json("Dash") == ("-", (), False)  # json:"-," names the field "-"
    assert json("NoTag") == (None, (), False)
    assert json("Unnamed") == (None, ("omitempty",), False)
    assert json("Interp") == ("interp", (), False)  # tag as an interpreted string
    assert thing.field("Interp").tag == 'json:"interp" platform:"windows"'
    assert thing.field("Ptr").tag == 'json:"ptr,omitempty"'
    assert thing.field("NoTag").tag == ""
    assert [f.name for f in thing.fields if f.name in ("A", "B")] == ["A", "B"]


def test_platform_tags_and_tag_value(sample: GoPackage) -> None:
    thing = sample.struct("Thing")
    assert thing.field("Mode").platforms == ("linux", "solaris")
    assert thing.field("Interp").platforms == ("windows",)
    assert thing.field("Name").platforms == ()
    mode = thing.field("Mode")
    assert mode.tag_value("json") == "mode,omitempty"
    assert mode.tag_value("platform") == "linux, solaris"
    assert mode.tag_value("yaml") is None
    assert not thing.field("lower").exported and thing.field("Name").exported


def test_tag_value_follows_reflect_rules() -> None:
    def field(tag: str) -> GoField:
        return GoField(
            "F", ident("int"), False, tag, None, (), False, (), "", None, Pos("f", 1)
        )

    assert field(r'a:"x\"y" b:"\u00e9"').tag_value("a") == 'x"y'
    assert field(r'a:"x\"y" b:"\u00e9"').tag_value("b") == "é"
    assert field('  a:"1"   b:"2"').tag_value("b") == "2"
    assert (
        field('a:"1" broken b:"2"').tag_value("b") is None
    )  # parsing stops at "broken"
    assert field('a:"1"').tag_value("A") is None  # keys are case sensitive


def test_field_docs(sample: GoPackage) -> None:
    thing = sample.struct("Thing")
    assert thing.field("Name").doc == "Name is a plain string.\nIt has two lines."
    assert thing.field("Count").doc == ""
    assert thing.field("Trailing").doc == "Trailing has a line comment."
    # The line comment of Trailing is not the doc of Next, on the line below.
    assert thing.field("Next").doc == ""
    # A comment followed by a blank line documents nothing.
    assert thing.field("Orphan").doc == ""
    base = sample.struct("Base")
    assert base.field("Version").doc == (
        'Version is "quoted" and has a back\\slash: C:\\dir\\n stays literal.'
    )
    assert base.field("Version").pos == Pos("fx/sample/types.go", 14)


def test_deprecated_paragraphs(sample: GoPackage) -> None:
    thing = sample.struct("Thing")
    assert thing.doc.startswith(
        "Thing covers the field shapes the generator meets.\n\n"
    )
    assert thing.deprecated == "use [Other] instead, it is better."
    assert thing.field("Old").deprecated == "use Name."
    assert thing.field("Name").deprecated is None
    assert sample.struct("Base").deprecated is None


def test_named_types(sample: GoPackage) -> None:
    kind = sample.named_type("Kind")
    assert kind == GoNamedType(
        "Kind",
        ident("string"),
        "Kind is a string enum.",
        None,
        Pos("fx/sample/types.go", 71),
    )
    assert sample.named_type("Mode").underlying == ident("uint8")
    alias = sample.named_type("Alias")
    assert alias.alias and alias.underlying == ident("Thing")
    assert not kind.alias
    # Inside a type ( ... ) group, a spec without a doc takes the group's doc.
    assert sample.named_type("First").doc == "First has its own doc."
    assert (
        sample.named_type("Second").doc
        == "The group doc is used by types without their own."
    )
    assert str(sample.named_type("Second").underlying) == "[]First"


# --- consts -------------------------------------------------------------------------


def test_typed_const_block(sample: GoPackage) -> None:
    a, b, c = (sample.const(n) for n in ("KindA", "KindB", "KindC"))
    assert (a.type_name, a.value, a.expr) == ("Kind", "a", '"a"')
    assert a.doc == "KindA is the first kind."
    assert b.doc == "KindB has a line comment."
    assert a.group_doc == b.group_doc == "Kinds of things."
    # No type written, but Kind("c") is a typed constant expression.
    assert (c.type_name, c.value) == ("Kind", "c")
    assert a.pos == Pos("fx/sample/consts.go", 8)


def test_iota_and_implicit_repetition(sample: GoPackage) -> None:
    values = {c.name: (c.type_name, c.value) for c in sample.consts}
    assert values["ModeNone"] == ("Mode", 0)
    assert values["ModeRead"] == ("Mode", 1)  # repeats "Mode = iota"
    assert values["ModeWrite"] == ("Mode", 2)
    assert "_" not in values
    assert values["ModeAll"] == ("Mode", 3)  # typed through its operands
    assert values["ModeMax"] == ("Mode", 255)  # ^ on an unsigned type
    assert sample.const("ModeWrite").expr == "iota"
    assert [values[n] for n in "XYZW"] == [(None, 0), (None, 0), (None, 1), (None, 10)]
    assert sample.const("W").expr == "iota * 10"


def test_literal_and_expression_values(sample: GoPackage) -> None:
    values = {c.name: c.value for c in sample.consts}
    assert values["Big"] == 1 << 40
    assert values["Hex"] == 0xFFFF
    assert values["Oct"] == 0o17
    assert values["Legacy"] == 0o17
    assert values["Bin"] == 10
    assert values["Neg"] == -5
    assert values["Rune"] == ord("é")
    assert values["Str"] == 'tab\there "q" é A \\'
    assert values["Raw"] == "raw \\n!"
    assert values["Yes"] is True
    assert values["Cmp"] is True
    assert values["Div"] == -3  # Go truncates toward zero
    assert values["Mod"] == -1
    assert values["Full"] == "sample-1.0"  # Prefix and Version are in vars.go
    assert values["Char"] == "A"
    assert values["Unsigned"] == 65535
    assert sample.const("Unsigned").type_name == "uint16"
    # Not evaluable: floats and constants of other packages.
    assert values["Float"] is None and sample.const("Float").expr == "1.5"
    assert values["Imported"] is None and sample.const("Imported").expr == "os.ModePerm"


def test_const_group_deprecation_and_single_const(sample: GoPackage) -> None:
    old = sample.const("OldA")
    assert old.deprecated == "use KindA."
    assert old.group_doc == "Legacy things.\n\nDeprecated: the whole group is old."
    single = sample.const("Single")
    assert (single.doc, single.group_doc, single.value) == (
        "Single is a lone const.",
        "",
        "single",
    )


# --- vars ---------------------------------------------------------------------------


def test_composite_literal_var(sample: GoPackage) -> None:
    var = sample.var("Default")
    assert var.doc == "Default is a composite literal."
    assert var.type is None
    lit = var.value
    assert isinstance(lit, GoComposite) and lit.type == ident("Thing")
    elements = dict(lit.elements)
    assert list(elements) == [
        "Name", "Count", "Data", "Labels", "Items", "Ptr", "Kind", "Digest", "Set",
    ]  # fmt: skip
    f = "fx/sample/vars.go"
    assert elements["Name"] == GoLit("default", Pos(f, 16))
    assert elements["Count"] == GoLit(-1, Pos(f, 17))
    assert elements["Data"] == GoConversion(
        GoType("slice", elem=ident("byte")), GoLit("{}", Pos(f, 18)), Pos(f, 18)
    )
    labels = elements["Labels"]
    assert isinstance(labels, GoComposite) and labels.elements == (
        ("k", GoLit("v", Pos(f, 19))),
    )
    items = elements["Items"]
    assert isinstance(items, GoComposite) and str(items.type) == "[]Item"
    first, second = (e for _, e in items.elements)
    assert isinstance(first, GoComposite) and first.type is None
    assert first.elements == (("Name", GoLit("x", Pos(f, 20))),)
    assert isinstance(second, GoComposite) and second.elements == (
        (None, GoLit("y", Pos(f, 20))),
    )
    assert elements["Ptr"] == GoIdent("nil", pos=Pos(f, 21))
    # Kind("a") is a conversion because Kind is a type of the package.
    assert elements["Kind"] == GoConversion(
        ident("Kind"), GoLit("a", Pos(f, 22)), Pos(f, 22)
    )
    digest = elements["Digest"]
    assert isinstance(digest, GoCall) and digest.func == "digest.Digest"
    set_ = elements["Set"]
    assert isinstance(set_, GoComposite)
    assert set_.elements == (("Prefix", GoComposite(None, (), Pos(f, 24))),)


def test_other_vars(sample: GoPackage) -> None:
    f = "fx/sample/vars.go"
    greeting = sample.var("Greeting")
    assert greeting.doc == "Greeting is built by a call."
    assert greeting.value == GoCall(
        "fmt.Sprintf",
        (
            GoLit("%s-%d", Pos(f, 29)),
            GoIdent("Version", pos=Pos(f, 29)),
            GoLit(2, Pos(f, 29)),
        ),
        Pos(f, 29),
    )
    plain = sample.var("Plain")
    assert plain.type == ident("int") and plain.value is None
    joined = sample.var("Joined").value
    assert isinstance(joined, GoBinary) and joined.op == "+"
    ref = sample.var("Ref").value
    assert (
        isinstance(ref, GoUnary)
        and ref.op == "&"
        and isinstance(ref.operand, GoComposite)
    )


def test_read_file_evaluates_within_the_file() -> None:
    f = read_file(FIXTURES / "sample" / "consts.go", "consts.go")
    assert f.package == "sample"
    values = {d.name: getattr(d, "value") for d in f.decls}
    assert values["KindA"] == "a"
    assert values["Full"] is None  # Prefix and Version live in vars.go


# --- errors -------------------------------------------------------------------------


def test_syntax_error_names_file_and_line() -> None:
    with pytest.raises(GoError) as info:
        read_package(FIXTURES / "broken", "fx/broken")
    assert info.value.pos == Pos("fx/broken/broken.go", 9)
    assert str(info.value).startswith("fx/broken/broken.go:9: syntax error")


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        (
            'package x\n\ntype T struct {\n\tF func() `json:"f"`\n}\n',
            4,
            "unsupported type",
        ),
        ("package x\n\ntype T struct {\n\tC chan int\n}\n", 4, "unsupported type"),
        ("package x\n\ntype T[K any] struct{}\n", 3, "generic"),
        ("package x\n\ntype I interface {\n\tM()\n}\n", 3, "interfaces with methods"),
        (
            'package x\n\ntype T struct {\n\tA int `json:"a" bad`\n}\n',
            4,
            "malformed struct tag",
        ),
        (
            'package x\n\ntype T struct {\n\tA int `json:"a\\\\b"`\n}\n',
            4,
            "json tag name",
        ),
        ("package x\n\ntype T struct {\n\tA time.Time\n}\n", 4, "names no import"),
        ("package x\n\nvar V = func() int { return 1 }\n", 3, "unsupported expression"),
        ("package x\n\nvar A, B = f()\n", 3, "multi-value"),
        ("//go:build linux\n\npackage x\n", 1, "build constraints"),
        ("// just a comment\n", 1, "missing package clause"),
    ],
)
def test_unsupported_constructs(
    tmp_path: Path, source: str, line: int, message: str
) -> None:
    with pytest.raises(GoError) as info:
        read_file(write(tmp_path, source), "dir/x.go")
    assert info.value.pos == Pos("dir/x.go", line)
    assert message in info.value.message


def test_redeclaration_and_package_mismatch(tmp_path: Path) -> None:
    write(tmp_path, "package x\n\ntype T struct{}\n", "a.go")
    write(tmp_path, "package x\n\n\nconst T = 1\n", "b.go")
    with pytest.raises(
        GoError, match=r"^d/b.go:4: T redeclared; previous declaration at d/a.go:3$"
    ):
        read_package(tmp_path, "d")
    write(tmp_path, "package y\n", "b.go")
    with pytest.raises(GoError, match=r"^d/b.go:1: package y; expected x$"):
        read_package(tmp_path, "d")


def test_const_converted_to_an_imported_type(tmp_path: Path) -> None:
    source = """package x

import "github.com/opencontainers/go-digest"

const (
	SHA256 = digest.Algorithm("sha256")
	Canonical = SHA256
	Size = unsafe.Sizeof(0)
)
"""
    consts = {c.name: c for c in read_file(write(tmp_path, source), "x.go").decls}
    for name in ("SHA256", "Canonical"):
        c = consts[name]
        assert isinstance(c, GoConst)
        assert (c.type_name, c.value) == ("digest.Algorithm", "sha256")
    size = consts["Size"]
    assert isinstance(size, GoConst) and size.value is None


def test_any_is_the_empty_interface(tmp_path: Path) -> None:
    source = "package x\n\ntype T struct {\n\tA any\n\tB map[string]any\n}\n"
    t = read_file(write(tmp_path, source), "x.go").decls[0]
    assert isinstance(t, GoStruct)
    assert t.field("A").type == GoType("interface")
    assert str(t.field("B").type) == "map[string]interface{}"


def test_reader_does_not_choke_on_function_bodies(tmp_path: Path) -> None:
    source = """package x

// T is documented.
type T struct{ A int }

func (t *T) Do(ch chan int) (func(), error) {
	go func() { ch <- 1 }()
	return nil, nil
}

func init() {}
"""
    f = read_file(write(tmp_path, source), "x.go")
    assert [d.name for d in f.decls] == ["T"]
    assert f.methods == (GoMethod("T", "Do", True, Pos("x.go", 6)),)


# --- the vendored specs -------------------------------------------------------------------


def spec_dir(*parts: str) -> Path:
    path = SPEC.joinpath(*parts)
    if not path.is_dir():
        pytest.skip(f"{path} is not vendored")
    return path


def test_image_spec_manifest() -> None:
    v1 = read_package(
        spec_dir("image-spec", "specs-go", "v1"), "spec/image-spec/specs-go/v1"
    )
    manifest = v1.struct("Manifest")
    assert [(f.name, f.json_name, f.json_options) for f in manifest.fields] == [
        ("Versioned", None, ()),
        ("MediaType", "mediaType", ("omitempty",)),
        ("ArtifactType", "artifactType", ("omitempty",)),
        ("Config", "config", ()),
        ("Layers", "layers", ()),
        ("Subject", "subject", ("omitempty",)),
        ("Annotations", "annotations", ("omitempty",)),
    ]
    assert manifest.fields[0].embedded
    assert str(manifest.fields[0].type) == "specs.Versioned"
    assert dict(v1.imports)["specs"] == "github.com/opencontainers/image-spec/specs-go"
    assert manifest.pos == Pos("spec/image-spec/specs-go/v1/manifest.go", 20)
    assert (
        str(v1.struct("ImageConfig").field("ExposedPorts").type)
        == "map[string]struct{}"
    )
    assert v1.struct("ImageConfig").field("ArgsEscaped").deprecated is not None
    empty = v1.var("DescriptorEmptyJSON").value
    assert isinstance(empty, GoComposite)
    assert [k for k, _ in empty.elements] == ["MediaType", "Digest", "Size", "Data"]
    layer = v1.const("MediaTypeImageLayerNonDistributable")
    assert layer.deprecated is not None and layer.deprecated.startswith(
        "Non-distributable layers"
    )


def test_image_spec_version() -> None:
    specs = read_package(spec_dir("image-spec", "specs-go"), "specs-go")
    values = {c.name: c.value for c in specs.consts}
    assert all(
        type(values[n]) is int for n in ("VersionMajor", "VersionMinor", "VersionPatch")
    )
    assert isinstance(values["VersionDev"], str)


def test_runtime_spec() -> None:
    display = "spec/runtime-spec/specs-go"
    config = read_file(
        spec_dir("runtime-spec", "specs-go") / "config.go", f"{display}/config.go"
    )
    structs = [d for d in config.decls if isinstance(d, GoStruct)]
    tagged = [
        f for s in structs for f in s.fields if f.tag_value("platform") is not None
    ]
    assert len(tagged) == 30  # grep -c 'platform:"' config.go (1.3.0 adds FreeBSD)
    assert len(structs) == 63

    pkg = read_package(spec_dir("runtime-spec", "specs-go"), display)
    assert len(pkg.structs) == 65  # config.go + state.go
    assert pkg.struct("Spec").field("Linux").platforms == ("linux",)
    assert pkg.struct("Process").field("Rlimits").platforms == (
        "linux",
        "solaris",
        "zos",
    )
    assert str(pkg.struct("LinuxDevice").field("FileMode").type) == "*os.FileMode"
    assert pkg.struct("Windows").field("CredentialSpec").type.kind == "interface"
    assert pkg.struct("LinuxWeightDevice").fields[0].embedded
    assert pkg.struct("Hooks").field("Prestart").deprecated is not None
    assert pkg.const("ActKill").type_name == "LinuxSeccompAction"
    assert pkg.const("ActKill").value == "SCMP_ACT_KILL"
    assert pkg.const("SeccompFdName").type_name == "string"
    features = read_package(
        spec_dir("runtime-spec", "specs-go", "features"), "features"
    )
    assert features.doc == "Package features provides the Features struct."
    assert len(features.structs) == 11


def test_runtime_config_is_read_quickly() -> None:
    path = spec_dir("runtime-spec", "specs-go") / "config.go"
    read_file(path, "config.go")  # warm up
    start = time.perf_counter()
    read_file(path, "config.go")
    assert time.perf_counter() - start < 0.1


