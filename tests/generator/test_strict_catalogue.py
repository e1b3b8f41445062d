"""strict.toml against the vendored spec text, and the rule kinds the real
specs do not exercise (on the minispec).

The catalogue checks run on a small markdown file written here: a quote that
is not in its section, an anchor that is no heading, a MUST no entry accounts
for, a vendored file neither catalogued nor skipped, each a GeneratorError at
the right file and line.  The committed catalogues must have their whole text
vendored.  The minispec gets a strict.toml of its own; the package generated
from it runs in a separate interpreter, so that its ``oci_spec`` is the only one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator import files, pipeline, strict_file, strict_text
from generator.errors import GeneratorError

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SPEC_ROOT = REPO / "spec"
MINISPEC = HERE / "fixtures" / "minispec"


# --- the committed catalogues -------------------------------------------------------


@pytest.mark.parametrize("name", ["image-spec", "runtime-spec", "distribution-spec"])
def test_committed_catalogue_has_its_text_vendored(name: str) -> None:
    """Every file a strict.toml cites or catalogues is vendored, so that every
    quote and anchor was checked and no MUST was missed (generation checks
    them, but goes on without a missing file)."""
    sf = strict_file.load(SPEC_ROOT / name, f"spec/{name}")
    assert sf is not None
    cat = strict_text.check_text(sf)
    assert sorted(cat.missing) == []
    assert cat.keywords == sum(cat.counts.values()) > 0


# --- catalogue checks on a small text ------------------------------------------------

DOC = """\
# Doc

## Rules

* **`a`** (string, REQUIRED) the a.
  It MUST be short.

Implementations MUST be kind.

### Example

Nothing normative.

## Other

Some other text SHALL hold.
"""

TOML = """\
[text]
files = ["doc.md"]

[[covered]]
quote = "a (string, REQUIRED)"
section = "doc.md#rules"
by = "schema"

[[not_implemented]]
quote = "It MUST be short."
section = "doc.md#rules"
reason = "vague"

[[out_of_scope]]
quote = "Implementations MUST be kind."
section = "doc.md#rules"
reason = "implementations"

[[out_of_scope]]
section = "doc.md#other"
reason = "all of it"
"""


def _check(tmp_path: Path, toml: str, doc: str = DOC) -> strict_text.Catalogue:
    (tmp_path / "doc.md").write_text(doc, "utf-8")
    (tmp_path / "strict.toml").write_text(toml, "utf-8")
    sf = strict_file.load(tmp_path, "x")
    assert sf is not None
    return strict_text.check_text(sf)


def test_a_complete_catalogue(tmp_path: Path) -> None:
    cat = _check(tmp_path, TOML)
    assert cat.keywords == 4
    assert cat.counts == {"covered": 1, "not_implemented": 1, "out_of_scope": 2}
    [whole] = [e for e in strict_file.load(tmp_path, "x").out_of_scope if not e.val("quote")]  # type: ignore[union-attr]
    assert not cat.missing


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(
    "old,new,file,needle,message",
    [
        ('quote = "It MUST be short."', 'quote = "It MUST be long."', "strict.toml",
         'quote = "It MUST be long."', "quote not found in doc.md#rules"),
        ('quote = "Implementations MUST be kind."', 'quote = "Some other text SHALL hold."',
         "strict.toml", 'quote = "Some other text SHALL hold."', "it is in doc.md#other"),
        ('section = "doc.md#rules"\nby', 'section = "doc.md#rule"\nby', "strict.toml",
         'section = "doc.md#rule"', "doc.md has no heading with that anchor"),
        ('quote = "a (string, REQUIRED)"', 'quote = "the a."', "strict.toml", 'quote = "the a."',
         "the quote has no MUST, REQUIRED or SHALL"),
        ('[[out_of_scope]]\nsection = "doc.md#other"\nreason = "all of it"\n', "", "doc.md",
         "Some other text SHALL hold.", "SHALL in no entry of x/strict.toml (#other)"),
        ('[[not_implemented]]\nquote = "It MUST be short."\nsection = "doc.md#rules"\nreason = "vague"\n',
         "", "doc.md", "* **`a`**", "MUST in no entry of x/strict.toml (#rules): It MUST be short."),
        ('files = ["doc.md"]', "files = []", "strict.toml", "[text]",
         "the vendored doc.md is neither in files nor in skip"),
        ('by = "schema"', 'by = "schema"\nalso = [{ section = "doc.md#other", quote = "nope MUST" }]',
         "strict.toml", "also = ", "quote not found in doc.md#other"),
        ('by = "schema"', 'by = "schema"\nalso = ["doc.md#other"]', "strict.toml", "also = ",
         "also must be a list of {section, quote} tables"),
        ('by = "schema"', 'by = "schema"\ncheck = "required"', "strict.toml", "[[covered]]",
         "member and check go together"),
    ],
)  # fmt: skip
def test_catalogue_errors_name_file_and_line(
    tmp_path: Path, old: str, new: str, file: str, needle: str, message: str
) -> None:
    assert TOML.count(old) == 1
    toml = TOML.replace(old, new)
    with pytest.raises(GeneratorError) as info:
        _check(tmp_path, toml)
    text = toml if file == "strict.toml" else DOC
    assert (info.value.file, info.value.line) == (
        f"x/{file}",
        _line(text, needle),
    ), str(info.value)
    assert message in info.value.message, info.value.message


def test_missing_text_is_reported_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "strict.toml").write_text(TOML, "utf-8")
    sf = strict_file.load(tmp_path, "x")
    assert sf is not None
    cat = strict_text.check_text(sf)
    assert list(cat.missing) == ["doc.md"] and len(cat.missing["doc.md"]) == 4
    assert cat.keywords == 0 and cat.statements == {}


def test_tables_read_a_column(tmp_path: Path) -> None:
    doc = DOC + textwrap.dedent("""
        ## Codes

        | ID | Code | Description |
        |----|------|-------------|
        | c1 | `FIRST_ONE` | the first |
        | c2 | `SECOND` | the second \\| with a pipe |

        Not a table.
        """)
    (tmp_path / "doc.md").write_text(doc, "utf-8")
    from generator import spectext

    text = spectext.parse("doc.md", doc)
    assert strict_text.tables(text, "codes", "Code") == ["FIRST_ONE", "SECOND"]
    assert strict_text.tables(text, "codes", "Name") is None
    assert strict_text.tables(text, "rules", "Code") is None
    assert strict_text.tables(text, "nowhere", "Code") is None


# --- kinds on the minispec -------------------------------------------------------------

WIDGET_MD = """\
# Widget

## Media types

| Media type | Use |
|------------|-----|
| `application/vnd.example.widget.v1+json` | a widget |
| `application/vnd.example.widget.v2+json` | a newer widget |

A widget's mediaType MUST be one of the above.

## Parts

A part's kind MUST be one the Go code knows. Documents MUST NOT carry members
the types do not define, nor repeat a member's name, and MUST be UTF-8.
"""

WIDGET_RULES = """\
[text]
files = ["widget.md"]

[[rule]]
id = "widget-media-type-listed"
type = "specs-go/v1.Widget"
field = "mediaType"
kind = "one-of"
tables = ["widget.md#media-types"]
column = "Media type"
values = ["application/x-widget"]
message = "mediaType MUST be a widget media type"
section = "widget.md#media-types"
quote = "A widget's mediaType MUST be one of the above."

[[rule]]
id = "part-kind-known"
type = "specs-go/v1.Part"
field = "kind"
kind = "one-of"
enum = "specs-go/v1.Kind"
message = "kind MUST be a Go constant"
section = "widget.md#parts"
quote = "A part's kind MUST be one the Go code knows."

[[rule]]
id = "widget-no-unknown-members"
type = "specs-go/v1.Widget"
kind = "no-unknown-members"
message = "no unknown members"
section = "widget.md#parts"
quote = "Documents MUST NOT carry members the types do not define"

[[rule]]
id = "widget-no-duplicate-names"
type = "specs-go/v1.Widget"
kind = "no-duplicate-names"
message = "no duplicate names"
section = "widget.md#parts"
quote = "nor repeat a member's name, and MUST be UTF-8."

[[rule]]
id = "widget-utf-8"
type = "specs-go/v1.Widget"
kind = "utf-8"
message = "UTF-8"
section = "widget.md#parts"
quote = "nor repeat a member's name, and MUST be UTF-8."
"""


def _minispec(tmp_path: Path, rules: str) -> Path:
    spec_root = tmp_path / "spec"
    shutil.copytree(MINISPEC, spec_root / "minispec")
    # Without the omitzero fixture's Settings, which shares Person and Part with
    # Widget: the whole-document rule below needs types no other document uses.
    (spec_root / "minispec" / "specs-go" / "v1" / "settings.go").unlink()
    (spec_root / "minispec" / "widget.md").write_text(WIDGET_MD, "utf-8")
    (spec_root / "minispec" / "strict.toml").write_text(rules, "utf-8")
    return spec_root


# What the generated package does with each document (run in a fresh interpreter).
PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from oci_spec import ValidationError
from oci_spec.mini.v1 import Part, Widget

def widget(**extra):
    d = {"schemaVersion": 1, "mediaType": "application/vnd.example.widget.v1+json",
         "kind": "alpha", "digest": "sha256:" + "a" * 64,
         "parts": [{"name": "p", "kind": "beta"}], "owner": {"name": "o"}}
    d.update(extra)
    return json.dumps(d, ensure_ascii=False)

def probe(cls, doc, **kw):
    out = []
    for strict in (False, True):
        try:
            cls.from_json(doc, strict=strict)
            out.append("ok")
        except ValidationError as e:
            out.append([e.rule, e.path])
    return out

print(json.dumps({
    "good": probe(Widget, widget()),
    "listed-v2": probe(Widget, widget(mediaType="application/vnd.example.widget.v2+json")),
    "listed-extra": probe(Widget, widget(mediaType="application/x-widget")),
    "unlisted": probe(Widget, widget(mediaType="application/vnd.example.other+json")),
    "schema-only-kind": probe(Widget, widget(parts=[{"name": "p"}, {"name": "q", "kind": "delta"}])),
    "part-alone": probe(Part, json.dumps({"name": "q", "kind": "delta"})),
    "part-alone-unknown": probe(Part, json.dumps({"name": "q", "x": 1})),
    "unknown-in-part": probe(Widget, widget(parts=[{"name": "p", "color": "red"}])),
    "unknown-in-owner": probe(Widget, widget(owner={"name": "o", "age": 3})),
    "unknown-at-top": probe(Widget, widget(extra=True)),
    "duplicate": probe(Widget, widget().replace('"name": "o"', '"name": "o", "name": "p"')),
    "not-utf-8": probe(Widget, widget(legacy="caf\u00e9").encode().replace(b"\xc3\xa9", b"\xe9")),
}))
"""


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp_path = tmp_path_factory.mktemp("strictmini")
    spec_root = _minispec(tmp_path, WIDGET_RULES)
    out = tmp_path / "out"
    files.write(pipeline.render(pipeline.load(spec_root)), out)
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", PROBE, str(out)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_one_of_values_tables_and_go_constants(probed: dict[str, object]) -> None:
    assert probed["good"] == ["ok", "ok"]
    assert probed["listed-v2"] == ["ok", "ok"]  # from the table
    assert probed["listed-extra"] == ["ok", "ok"]  # from values
    assert probed["unlisted"] == ["ok", ["widget-media-type-listed", "mediaType"]]
    # The schema's enum has delta, Go's constants do not (they have gamma).
    assert probed["schema-only-kind"] == ["ok", ["part-kind-known", "parts[1].kind"]]


def test_no_unknown_members_reaches_every_struct_below(
    probed: dict[str, object],
) -> None:
    assert probed["unknown-in-part"] == [
        "ok",
        ["widget-no-unknown-members", "parts[0].color"],
    ]
    assert probed["unknown-in-owner"] == [
        "ok",
        ["widget-no-unknown-members", "owner.age"],
    ]
    assert probed["unknown-at-top"] == ["ok", ["widget-no-unknown-members", "extra"]]
    # A part parsed alone: its own rule, and the widget's (Part is only a widget's).
    assert probed["part-alone"] == ["ok", ["part-kind-known", "kind"]]
    assert probed["part-alone-unknown"] == ["ok", ["widget-no-unknown-members", "x"]]


def test_document_rules_read_the_json_text(probed: dict[str, object]) -> None:
    assert probed["duplicate"] == ["ok", ["widget-no-duplicate-names", "owner.name"]]
    assert probed["not-utf-8"] == ["ok", ["widget-utf-8", "$"]]


def test_no_unknown_members_refuses_types_other_documents_use(tmp_path: Path) -> None:
    rules = WIDGET_RULES.replace(
        'type = "specs-go/v1.Widget"\nkind = "no-unknown-members"',
        'type = "specs-go/v1.Part"\nkind = "no-unknown-members"',
    )
    spec_root = _minispec(tmp_path, rules)
    with pytest.raises(GeneratorError) as info:
        pipeline.load(spec_root)
    assert info.value.line == _line(rules, '[[rule]]\nid = "widget-no-unknown-members"')
    assert "Part is below Part and also used by Widget.parts" in info.value.message


@pytest.mark.parametrize(
    "edit,message",
    [
        (('enum = "specs-go/v1.Kind"', 'enum = "specs-go/v1.Colour"'),
         "no Go string type 'specs-go/v1.Colour'"),
        (('column = "Media type"', 'column = "Type"'),
         "widget.md#media-types has no table with a column 'Type'"),
        (('tables = ["widget.md#media-types"]', 'tables = ["widget.md#parts"]'),
         "has no table with a column"),
        (('column = "Media type"\n', ""), "tables and column go together"),
        (('type = "specs-go/v1.Part"\nfield = "kind"\nkind = "one-of"\nenum = "specs-go/v1.Kind"',
          'type = "specs-go/v1.Widget"\nfield = "count"\nkind = "required"'),
         "count (uint32) decodes an absent member to a valid value: required cannot tell"),
        (('field = "kind"\nkind = "one-of"\nenum = "specs-go/v1.Kind"',
          'field = "kind"\nkind = "not-less-than"\nthan = "name"'),
         "not-less-than needs a int member; kind is enum"),
        (('type = "specs-go/v1.Part"\nfield = "kind"\nkind = "one-of"\nenum = "specs-go/v1.Kind"',
          'type = "specs-go/v1.Widget"\nfield = "size"\nkind = "not-less-than"\nthan = "mediaType"'),
         "than must be an integer member"),
        (('type = "specs-go/v1.Part"\nfield = "kind"\nkind = "one-of"\nenum = "specs-go/v1.Kind"',
          'type = "specs-go/v1.Widget"\nfield = "labels"\nkind = "map-value-format"\nkey = "a"\nformat = "uri"'),
         "format must be date-time"),
        (('type = "specs-go/v1.Part"\nfield = "kind"\nkind = "one-of"\nenum = "specs-go/v1.Kind"',
          'type = "specs-go/v1.Widget"\nfield = "owner.email"\nkind = "one-of"\nvalues = ["a"]'),
         "only required-if and forbidden-if take a path"),
        (('type = "specs-go/v1.Part"\nfield = "kind"\nkind = "one-of"\nenum = "specs-go/v1.Kind"',
          'type = "specs-go/v1.Widget"\nfield = "legacy"\nkind = "required-if"\nwhen = "kind"\nin = ["alpha"]\nunset = true'),
         "`in` or `unset`, not both"),
        (('type = "specs-go/v1.Widget"\nkind = "no-unknown-members"',
          'type = "specs-go/v1.Widget"\nfield = "kind"\nkind = "no-unknown-members"'),
         "no-unknown-members takes no 'field'"),
    ],
)  # fmt: skip
def test_kind_errors(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    assert WIDGET_RULES.count(edit[0]) == 1
    spec_root = _minispec(tmp_path, WIDGET_RULES.replace(*edit))
    with pytest.raises(GeneratorError) as info:
        pipeline.load(spec_root)
    assert info.value.file.endswith("strict.toml") and info.value.line > 0
    assert message in info.value.message, info.value.message
