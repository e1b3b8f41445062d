"""Golden test of the whole rendering, on the synthetic spec in fixtures/minispec.

The fixture root (tests/generator/fixtures) holds one spec folder, ``minispec``
(``pipeline.load`` takes every subfolder with an ``ocigen.toml``).  Its full
rendering is compared with the committed tree under ``golden/``: every file,
no extras, a unified diff on mismatch.  After an intended change, review the
diff and rewrite the goldens with::

    OCIGEN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/generator/test_render_golden.py

The rendered package is then imported (under a different top-level name: the
package promises that all its imports are relative) and exercised, and checked
with ``mypy --strict --python-version 3.10``.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import pytest

from generator import files, pipeline
from generator.model import Spec
from support import apiref
from support.rendered import importing

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURES = HERE / "fixtures"
MINISPEC = FIXTURES / "minispec"
GOLDEN = HERE / "golden"
DISPLAY = "tests/generator/fixtures"  # how paths appear in findings and errors
UPDATE = os.environ.get("OCIGEN_UPDATE_GOLDEN") == "1"
PKG = "ocigen_minispec_golden"  # the rendered oci_spec, imported under this name

# The lint report of the minispec: every disagreement the fixture was built to
# have, in the order the binder finds them.
EXPECTED_FINDINGS = [
    "required-omitempty: Widget.mediaType: schema requires 'mediaType' but Go omits "
    "its zero value (omitempty) [tests/generator/fixtures/minispec/specs-go/v1/widget.go:16]",
    "enum-schema-only: Widget.kind: schema accepts delta which Kind has no constant for "
    "[defs.json#/definitions/kind]",
    "enum-go-only: Widget.kind: Kind constants gamma are not in the schema enum; the "
    "schema applies [defs.json#/definitions/kind]",
    "bound-beyond-go: Widget.size: schema minimum -9223372036854776000 lies outside "
    "int64 [-9223372036854775808, 9223372036854775807]; the Go bound applies "
    "[defs.json#/definitions/int64]",
    "bound-beyond-go: Widget.size: schema maximum 9223372036854776000 lies outside "
    "int64 [-9223372036854775808, 9223372036854775807]; the Go bound applies "
    "[defs.json#/definitions/int64]",
    "enum-schema-only: Part.kind: schema accepts delta which Kind has no constant for "
    "[defs.json#/definitions/kind]",
    "enum-go-only: Part.kind: Kind constants gamma are not in the schema enum; the "
    "schema applies [defs.json#/definitions/kind]",
    "min-items: Widget.parts: schema requires at least 1 item(s); Go accepts and "
    "writes an empty or null list [widget-schema.json#/properties/parts]",
    "value-struct-optional: Widget.owner: schema makes it optional but Go always "
    "writes this struct value [tests/generator/fixtures/minispec/specs-go/v1/widget.go:52]",
    "go-only-field: Widget.goOnly: Go field GoOnly "
    "(tests/generator/fixtures/minispec/specs-go/v1/widget.go:63) has no schema property "
    "here; only Go's type applies [widget-schema.json#]",
    "schema-only-property: Widget.comment: schema property 'comment' has no Go field; "
    "it is kept as an unknown field [widget-schema.json#/properties/comment]",
]

# A document using every field, written as Go's json.Marshal writes it (struct
# order, compact, maps sorted), plus one member the Go type lacks.
DOCUMENT = (
    b'{"schemaVersion":1,"mediaType":"application/vnd.example.widget.v1+json",'
    b'"kind":"delta","digest":"sha256:' + b"a" * 64 + b'","size":42,"enabled":false,'
    b'"count":3,"offset":-7,"created":"2024-01-02T03:04:05.123456789Z",'
    b'"payload":"aGVsbG8=","labels":{"a":"1","b":"2"},"ports":{"80/tcp":{}},'
    b'"parts":[{"name":"p1","kind":"alpha"},{"name":"p2"}],'
    b'"owner":{"name":"Ann \\"A\\" Lee"},"legacy":"old","goOnly":"x","comment":"kept"}'
)


# --- rendering ----------------------------------------------------------------


@pytest.fixture(scope="module")
def specs() -> list[Spec]:
    return pipeline.load(FIXTURES, DISPLAY)


@pytest.fixture(scope="module")
def rendered(specs: list[Spec]) -> dict[str, str]:
    return pipeline.render(specs)


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes().decode("utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _diff(old: str, new: str, a: str, b: str) -> str:
    return "".join(
        difflib.unified_diff(old.splitlines(True), new.splitlines(True), a, b)
    )


def test_fixture_root_has_only_the_minispec() -> None:
    assert [p.name for p in pipeline.spec_dirs(FIXTURES)] == ["minispec"]


def test_golden_tree(rendered: dict[str, str]) -> None:
    if UPDATE:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, text in rendered.items():
            path = GOLDEN / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
    golden = _tree(GOLDEN)
    problems: list[str] = []
    for rel in sorted(set(golden) | set(rendered)):
        if rel not in rendered:
            problems.append(f"golden file not rendered: {rel}\n")
            problems.append(_diff(golden[rel], "", f"golden/{rel}", "/dev/null"))
        elif rel not in golden:
            problems.append(f"rendered file missing from golden: {rel}\n")
            problems.append(_diff("", rendered[rel], "/dev/null", f"rendered/{rel}"))
        elif golden[rel] != rendered[rel]:
            problems.append(
                _diff(golden[rel], rendered[rel], f"golden/{rel}", f"rendered/{rel}")
            )
    assert not problems, (
        "rendering differs from tests/generator/golden (review, then rerun with "
        "OCIGEN_UPDATE_GOLDEN=1):\n" + "".join(problems)
    )


def test_expected_file_set(rendered: dict[str, str]) -> None:
    assert sorted(rendered) == [
        "api/README.md",
        "api/oci_spec.mini.md",
        "api/oci_spec.mini.v1.md",
        "lint/mini-spec.txt",
        "oci_spec/__init__.py",
        "oci_spec/_content.py",
        "oci_spec/_pydantic.py",
        "oci_spec/_runtime.py",
        "oci_spec/_schemas.py",
        "oci_spec/_strict.py",
        "oci_spec/mini/__init__.py",
        "oci_spec/mini/v1/__init__.py",
        "oci_spec/py.typed",
    ]


def test_rendering_is_deterministic(rendered: dict[str, str]) -> None:
    assert pipeline.render(pipeline.load(FIXTURES, DISPLAY)) == rendered


def test_lint_findings(specs: list[Spec], rendered: dict[str, str]) -> None:
    (spec,) = specs
    assert (spec.name, spec.version, spec.package) == (
        "mini-spec",
        "0.3.1-dev",
        "oci_spec.mini",
    )
    assert [f.line() for f in spec.findings] == EXPECTED_FINDINGS
    report = rendered["lint/mini-spec.txt"]
    assert report.startswith("# ocigen lint: mini-spec 0.3.1-dev\n")
    assert report.splitlines()[4:] == EXPECTED_FINDINGS


# --- the rendered package, imported --------------------------------------------


@pytest.fixture(scope="module")
def package_dir(
    rendered: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The rendered tree written by files.write, oci_spec renamed to PKG."""
    out = tmp_path_factory.mktemp("minispec-out")
    files.write(rendered, out)
    os.rename(out / "oci_spec", out / PKG)
    return out


@pytest.fixture(scope="module")
def pkg(package_dir: Path) -> Iterator[ModuleType]:
    with importing(package_dir, PKG) as package:
        yield package


@pytest.fixture(scope="module")
def v1(pkg: ModuleType) -> ModuleType:
    return importlib.import_module(f"{PKG}.mini.v1")


@pytest.fixture(scope="module")
def mini(pkg: ModuleType) -> ModuleType:
    return importlib.import_module(f"{PKG}.mini")


def _attribute_docs(module: ModuleType) -> dict[str, str]:
    """{"Class.attr" or "NAME": docstring} from the string after each assignment."""
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    docs: dict[str, str] = {}

    def scan(body: list[ast.stmt], prefix: str) -> None:
        for stmt, nxt in zip(body, body[1:]):
            if not (isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant)):
                continue
            if not isinstance(nxt.value.value, str):
                continue
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                docs[prefix + stmt.target.id] = nxt.value.value
            elif isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                docs[prefix + stmt.targets[0].id] = nxt.value.value

    scan(tree.body, "")
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            scan(node.body, node.name + ".")
    return docs


def test_docstrings_keep_quotes_and_backslashes(v1: ModuleType) -> None:
    assert (
        v1.__doc__
        == 'Package v1 holds the "mini" types: a widget, its parts and their owner.'
    )
    widget = v1.Widget.__doc__
    assert widget.startswith(
        'Widget is the root document. Its doc has "double quotes", triple quotes """\n'
    )
    assert (
        "in the middle, a backslash escape \\n and a double backslash \\\\ as written."
        in widget
    )
    assert "Schema: ``widget-schema.json``." in widget
    assert v1.Part.__doc__.startswith(
        'Part is one piece of a widget; this comment ends in a quote: "part"\n'
    )
    assert v1.Kind.__doc__.startswith(
        'Kind says what sort of "widget" a document describes.'
    )

    docs = _attribute_docs(v1)
    assert docs["Widget.media_type"] == (
        "``mediaType`` (Go ``MediaType string``): MediaType is the media type, e.g. "
        '"application/vnd.example.widget.v1+json"'
    )
    assert docs["Widget.labels"] == (
        '``labels`` (Go ``Labels map[string]string``): Labels are arbitrary "key"="value" pairs.'
    )
    assert docs["ESCAPED_TEXT"] == (
        'EscapedText holds a newline and a backslash: "\\n" and "\\\\".'
    )
    assert docs["Kind.BETA"] == 'KindBeta is the second kind, written "beta".'
    assert (
        docs["MEDIA_TYPE_WIDGET"]
        == 'MediaTypeWidget is the media type of a "widget" document.'
    )
    assert v1.empty_blob.__doc__.startswith(
        "EmptyBlob is the blob with content `{}` and the widget media type.\n"
    )
    assert "Deprecated: use Labels instead." in docs["Widget.legacy"]
    assert "Deprecated: use KindBeta instead." in docs["Kind.GAMMA"]
    assert "Deprecated: use MediaTypeWidget." in docs["OLD_MEDIA_TYPE"]


def test_deprecation_notice_appears_once(v1: ModuleType) -> None:
    docs = _attribute_docs(v1)
    for name in ("Widget.legacy", "Kind.GAMMA", "OLD_MEDIA_TYPE"):
        assert docs[name].count("Deprecated:") == 1, (name, docs[name])


def test_schema_note_is_not_indented_beyond_the_class_doc(v1: ModuleType) -> None:
    import inspect

    doc = inspect.getdoc(v1.Widget)
    assert doc is not None
    assert "\n\nSchema: ``widget-schema.json``." in doc


def test_constants(pkg: ModuleType, mini: ModuleType, v1: ModuleType) -> None:
    assert pkg.SPEC_VERSIONS == {"mini-spec": "0.3.1-dev"}
    assert mini.VERSION == "0.3.1-dev"
    assert (mini.VERSION_MAJOR, mini.VERSION_MINOR, mini.VERSION_PATCH, mini.VERSION_DEV) == (
        0, 3, 1, "-dev",
    )  # fmt: skip
    assert v1.MEDIA_TYPE_WIDGET == "application/vnd.example.widget.v1+json"
    assert v1.MAX_PARTS == 16 and type(v1.MAX_PARTS) is int
    assert v1.STRICT_PARSING is True
    assert v1.ESCAPED_TEXT == "line1\nline2\\end"
    assert v1.OLD_MEDIA_TYPE == "application/x-widget"
    assert (
        "Versioned" in mini.__all__
        and "Widget" in v1.__all__
        and "empty_blob" in v1.__all__
    )


def test_enum_members(v1: ModuleType) -> None:
    Kind = v1.Kind
    assert [(m.name, m.value) for m in Kind] == [
        ("ALPHA", "alpha"),
        ("BETA", "beta"),
        ("GAMMA", "gamma"),
    ]
    assert Kind.BETA == "beta" and str(Kind.BETA) == "beta"
    assert Kind("alpha") is Kind.ALPHA


def test_composite_literal_constant(v1: ModuleType) -> None:
    blob = v1.empty_blob()
    assert isinstance(blob, v1.Blob)
    assert blob == v1.Blob(media_type=v1.MEDIA_TYPE_WIDGET, data=b"{}")
    assert (
        blob.to_json()
        == b'{"mediaType":"application/vnd.example.widget.v1+json","data":"e30="}'
    )
    # A Go package variable is a function returning a new value: no caller's
    # change reaches another caller.
    blob.media_type = "text/plain"
    assert v1.empty_blob().media_type == v1.MEDIA_TYPE_WIDGET
    assert v1.empty_blob() is not v1.empty_blob()


def test_round_trip(v1: ModuleType) -> None:
    w = v1.Widget.from_json(DOCUMENT)
    assert w.to_json() == DOCUMENT
    assert v1.Widget.from_dict(json.loads(DOCUMENT)).to_dict() == json.loads(DOCUMENT)
    assert w.schema_version == 1
    assert w.kind == "delta" and not isinstance(w.kind, v1.Kind)  # schema-only value
    assert w.parts[0].kind is v1.Kind.ALPHA and w.parts[1].kind == ""
    assert w.size == 42 and w.enabled is False and w.count == 3 and w.offset == -7
    assert w.payload == b"hello"
    assert w.labels == {"a": "1", "b": "2"} and w.ports == {"80/tcp": {}}
    assert w.owner == v1.Person(name='Ann "A" Lee') and w.reviewer is None
    assert w.created.year == 2024 and w.created.microsecond == 123456
    assert w.unknown_fields == {"comment": "kept"}
    w.validate()


def test_zero_values_and_go_writes(v1: ModuleType) -> None:
    w = v1.Widget(
        schema_version=1,
        media_type=v1.MEDIA_TYPE_WIDGET,
        kind=v1.Kind.BETA,
        digest="sha256:" + "b" * 64,
        parts=[v1.Part(name="p")],
    )
    # The struct value Owner is always written; nil pointers and empty values are not.
    assert w.to_json() == (
        b'{"schemaVersion":1,"mediaType":"application/vnd.example.widget.v1+json",'
        b'"kind":"beta","digest":"sha256:' + b"b" * 64 + b'","parts":[{"name":"p"}],'
        b'"owner":{"name":""}}'
    )
    w.validate()
    assert v1.Widget.from_json(w.to_json()) == w


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"kind": "gamma"}, "kind"),  # a Go constant the schema enum lacks
        ({"kind": "omega"}, "kind"),
        ({"count": 0}, "count"),  # schema minimum 1
        ({"count": 1001}, "count"),
        ({"offset": 2**31}, "offset"),  # int32
        ({"schemaVersion": 2}, "schemaVersion"),
        ({"parts": []}, "parts"),  # minItems
        ({"parts": [{"name": "Bad"}]}, "parts"),  # pattern
        ({"digest": "sha256:xyz"}, "digest"),
        ({"size": None}, "size"),  # schema: integer, not null
        ({"labels": {"a": 1}}, "labels"),
        ({"payload": "not base64!"}, "payload"),
        ({"created": "yesterday"}, "created"),
        ({"owner": {"email": "x"}}, "owner"),  # person requires name
        ({"mediaType": None}, "mediaType"),
    ],
)
def test_validation_errors(
    pkg: ModuleType, v1: ModuleType, change: dict[str, Any], fragment: str
) -> None:
    doc = json.loads(DOCUMENT)
    doc.update(change)
    with pytest.raises(pkg.ValidationError) as info:
        v1.Widget.from_dict(doc)
    assert fragment in str(info.value)


def test_reviewer_may_be_null(v1: ModuleType) -> None:
    doc = json.loads(DOCUMENT)
    doc["reviewer"] = None
    assert v1.Widget.from_dict(doc).reviewer is None
    doc["reviewer"] = {"name": "Bo"}
    assert v1.Widget.from_dict(doc).reviewer == v1.Person(name="Bo")


@pytest.mark.parametrize("name", ["mini", "mini.v1"])
def test_api_reference_agrees_with_the_package(
    pkg: ModuleType, rendered: dict[str, str], name: str
) -> None:
    """Each page against the rendered package imported (tests/support/apiref.py)."""
    module = importlib.import_module(f"{PKG}.{name}")
    page = rendered[f"api/oci_spec.{name}.md"]
    assert apiref.module_problems(module, page) == []
    assert apiref.table_problems(page) == []


def test_api_reference_links_land_on_headings(rendered: dict[str, str]) -> None:
    pages = {rel.removeprefix("api/"): text for rel, text in rendered.items() if rel.startswith("api/")}
    assert apiref.link_problems(pages) == []


def test_mypy_strict_py310(package_dir: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10",
            "--no-incremental", "--cache-dir", str(tmp_path / "cache"), "-p", PKG,
        ],
        cwd=package_dir,
        env={**os.environ, "MYPYPATH": str(package_dir)},
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_composite_literal_omitting_a_required_field(tmp_path: Path) -> None:
    root = tmp_path / "specs"
    shutil.copytree(MINISPEC, root / "minispec")
    go = root / "minispec" / "specs-go" / "v1" / "widget.go"
    go.write_text(
        go.read_text(encoding="utf-8")
        + '\n// Nobody is a person without a name.\nvar Nobody = Person{Email: "n@example.com"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    files.write(pipeline.render(pipeline.load(root)), out)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import oci_spec.mini.v1 as m; print(m.nobody().to_json().decode())",
        ],
        cwd=out,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == '{"name":"","email":"n@example.com"}'
