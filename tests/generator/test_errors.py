"""The generator fails cleanly: exit code 2, ONE stderr line
``ocigen: error: FILE:LINE: message``, and the output folder untouched.

Each case copies fixtures/minispec to tmp_path, breaks one file, and runs the
CLI in-process (``generator.cli.main``) against an output folder pre-filled with
a previous good generation plus a file ocigen does not own.

Templates: the CLI has no option for a templates folder, so template errors are
tested through ``render.Renderer(templates=...)`` directly, and through the CLI
by pointing ``pipeline.Renderer`` at the broken copy (monkeypatch).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import cli, files, pipeline, render
from generator.errors import GeneratorError

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURES = HERE / "fixtures"
MINISPEC = FIXTURES / "minispec"
TEMPLATES = REPO / "templates"
WIDGET_GO = "specs-go/v1/widget.go"
NOT_OWNED = "setup.cfg"  # a file ocigen does not own: must be left alone


# --- set-up ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A previous good generation of the minispec, plus a file ocigen does not own."""
    out = tmp_path_factory.mktemp("good") / "generated"
    files.write(pipeline.render(pipeline.load(FIXTURES)), out)
    (out / NOT_OWNED).write_text("[project]\nname = 'kept'\n", encoding="utf-8")
    return out


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root, hidden ones included (a leftover staging folder counts)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@dataclass
class Setup:
    spec_root: Path
    spec: Path  # the minispec copy
    out: Path
    before: dict[str, bytes]


@pytest.fixture
def setup(tmp_path: Path, good_tree: Path) -> Setup:
    spec_root = tmp_path / "spec"
    shutil.copytree(MINISPEC, spec_root / "minispec")
    out = tmp_path / "generated"
    shutil.copytree(good_tree, out)
    return Setup(spec_root, spec_root / "minispec", out, snapshot(out))


def edit(path: Path, old: str, new: str) -> int:
    """Replace the one occurrence of old; return the 1-based line where it starts."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def run(s: Setup, capsys: pytest.CaptureFixture[str], command: str = "generate") -> str:
    code = cli.main(["--spec-root", str(s.spec_root), "--out", str(s.out), command])
    captured = capsys.readouterr()
    assert code == 2, f"exit {code}\nstdout: {captured.out}\nstderr: {captured.err}"
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert (
        len(lines) == 1
    ), f"expected one stderr line, got {len(lines)}:\n{captured.err[:3000]}"
    assert snapshot(s.out) == s.before, "the output folder changed"
    return lines[0]


def prefix(s: Setup, rel: str, line: int | None = None) -> str:
    where = f"{s.spec}/{rel}" + (f":{line}" if line is not None else "")
    return f"ocigen: error: {where}: "


# --- broken inputs ---------------------------------------------------------------
# Each breaker edits the minispec copy and returns the expected start of the
# stderr line as a regex.


def go_syntax(s: Setup) -> str:
    # A struct tag without its backquotes.
    line = edit(
        s.spec / WIDGET_GO,
        '\tCount uint32 `json:"count,omitempty"`',
        '\tCount uint32 json:"count,omitempty"',
    )
    return re.escape(prefix(s, WIDGET_GO, line)) + "syntax error"


def unknown_external(s: Setup) -> str:
    line = edit(s.spec / WIDGET_GO, "Created *time.Time", "Created *time.Duration")
    return re.escape(prefix(s, WIDGET_GO, line) + "unknown external type time.Duration")


def cyclic_ref(s: Setup) -> str:
    line = edit(
        s.spec / "schema/defs.json",
        '    "int32": {',
        '    "loopA": {"$ref": "#/definitions/loopB"},\n'
        '    "loopB": {"$ref": "#/definitions/loopA"},\n'
        '    "int32": {',
    )
    edit(
        s.spec / "schema/widget-schema.json",
        '"legacy": {\n      "type": "string"',
        '"legacy": {\n      "$ref": "defs.json#/definitions/loopA"',
    )
    return (
        re.escape(f"ocigen: error: {s.spec}/schema/defs.json:")
        + f"({line}|{line + 1}): "
        + re.escape("cyclic $ref")
    )


def schema_not_json(s: Setup) -> str:
    # A trailing comma: the JSON error is reported where the next token starts.
    line = edit(
        s.spec / "schema/part-schema.json",
        '"required": ["name"]\n',
        '"required": ["name"],\n',
    )
    return re.escape(prefix(s, "schema/part-schema.json", line + 1) + "not valid JSON")


def mapping_unknown_type(s: Setup) -> str:
    line = edit(s.spec / "ocigen.toml", '"specs-go/v1.Part"', '"specs-go/v1.Nope"')
    return re.escape(
        prefix(s, "ocigen.toml", line)
        + "'specs-go/v1.Nope': no struct 'Nope' in specs-go/v1"
    )


def mapping_not_toml(s: Setup) -> str:
    line = edit(s.spec / "ocigen.toml", "int_bits = 64", "int_bits = = 64")
    return re.escape(prefix(s, "ocigen.toml", line)) + r"not valid TOML: .*\bline " + str(line) + r"\b"


def attribute_collision(s: Setup) -> str:
    # goOnly and go_only both become the attribute go_only.
    line = edit(
        s.spec / WIDGET_GO,
        '\tGoOnly string `json:"goOnly,omitempty"`',
        '\tGoOnly string `json:"goOnly,omitempty"`\n\tGoOnly2 string `json:"go_only,omitempty"`',
    )
    return re.escape(
        prefix(s, WIDGET_GO, line + 1)
        + "Python attribute 'go_only' of member 'go_only' is also that of 'goOnly'"
    )


def mapping_rule_no_field(s: Setup) -> str:
    text = (s.spec / "ocigen.toml").read_text(encoding="utf-8")
    rule = '[[rules]]\ntype = "specs-go/v1.Part"\nfield = "Nope"\nitems_pattern = "x"\nsource = "t"\n'
    (s.spec / "ocigen.toml").write_text(text + rule, encoding="utf-8")
    # The line of the first mention of the type in the mapping file ([roots]).
    line = text[: text.index('"specs-go/v1.Part"')].count("\n") + 1
    return re.escape(prefix(s, "ocigen.toml", line) + "rule for specs-go/v1.Part.Nope matches no field")


def omitzero_is_zero_method(s: Setup) -> str:
    # Settings.Owner is `json:"owner,omitzero"`; Go would call this method.
    settings = "specs-go/v1/settings.go"
    text = (s.spec / settings).read_text(encoding="utf-8")
    (s.spec / settings).write_text(
        text + "\nfunc (p Person) IsZero() bool { return true }\n", encoding="utf-8"
    )
    line = text[: text.index("\tOwner Person")].count("\n") + 1
    return re.escape(prefix(s, settings, line) + "omitzero on Person: encoding/json asks its IsZero method")


BREAKERS = [
    attribute_collision,
    omitzero_is_zero_method,
    mapping_rule_no_field,
    go_syntax,
    unknown_external,
    cyclic_ref,
    schema_not_json,
    mapping_unknown_type,
    mapping_not_toml,
]


@pytest.mark.parametrize("command", ["generate", "check", "lint"])
@pytest.mark.parametrize("breaker", BREAKERS, ids=lambda b: b.__name__)
def test_broken_input(  # type: ignore[no-untyped-def]
    setup: Setup, capsys: pytest.CaptureFixture[str], breaker, command: str
) -> None:
    expected = breaker(setup)
    line = run(setup, capsys, command)
    assert re.match(expected, line), f"{line!r}\n does not match\n{expected!r}"


def test_mapping_not_toml_line(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    line_no = edit(setup.spec / "ocigen.toml", "int_bits = 64", "int_bits = = 64")
    line = run(setup, capsys)
    assert line.startswith(prefix(setup, "ocigen.toml", line_no) + "not valid TOML")


def test_go_syntax_error_line_of_stray_brace(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    tag = '\tCount uint32 `json:"count,omitempty"`'
    line_no = edit(setup.spec / WIDGET_GO, tag, tag + " {")
    line = run(setup, capsys)
    assert line.startswith(prefix(setup, WIDGET_GO, line_no) + "syntax error")


def test_subprocess_exit_code(setup: Setup) -> None:
    expected = go_syntax(setup)
    proc = subprocess.run(
        [
            sys.executable, "-m", "generator",
            "--spec-root", str(setup.spec_root), "--out", str(setup.out), "generate",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and re.match(expected, lines[0]), proc.stderr
    assert snapshot(setup.out) == setup.before


# --- templates -------------------------------------------------------------------


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES, copy)
    return copy


def break_template(templates: Path, name: str, old: str, new: str) -> int:
    return edit(templates / name, old, new)


@pytest.fixture(scope="module")
def specs():  # type: ignore[no-untyped-def]
    return pipeline.load(FIXTURES)


def template_syntax(templates: Path) -> tuple[str, int, str]:
    line = break_template(
        templates,
        "module.py.j2",
        "{% for s in module.structs|defined_first %}\n\n\n@_python_class",
        "{% for s in module.structs|defined_first %}{% if %}\n\n\n@_python_class",
    )
    return "module.py.j2", line, "Expected an expression"


def template_unknown_filter(templates: Path) -> tuple[str, int, str]:
    line = break_template(
        templates,
        "module.py.j2",
        "{{ c.py_name }} = {{ c.value|pyrepr }}",
        "{{ c.py_name }} = {{ c.value|no_such_filter }}",
    )
    return "module.py.j2", line, "No filter named 'no_such_filter'"


def template_unclosed_block(templates: Path) -> tuple[str, int, str]:
    # In the imported macro file; reported where the file ends.
    path = templates / "_codec.py.j2"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "{% if true %}\n", encoding="utf-8")
    return "_codec.py.j2", text.count("\n") + 1, "Unexpected end of template"


TEMPLATE_BREAKERS = [
    template_syntax,
    template_unknown_filter,
    template_unclosed_block,
]


def _first_line_of(templates: Path, name: str, needle: str) -> int:
    text = (templates / name).read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(
    "breaker",
    TEMPLATE_BREAKERS,
    ids=["syntax", "unknown_filter", "unclosed_block_in_import"],
)
def test_template_error_renderer(templates: Path, specs, breaker) -> None:  # type: ignore[no-untyped-def]
    name, line, message = breaker(templates)
    with pytest.raises(GeneratorError) as info:
        render.Renderer(templates=templates).render(specs)
    e = info.value
    assert e.file.endswith(f"templates/{name}")
    assert e.line == line
    assert message in e.message
    assert "\n" not in str(e)


@pytest.mark.parametrize(
    "breaker",
    TEMPLATE_BREAKERS,
    ids=["syntax", "unknown_filter", "unclosed_block_in_import"],
)
def test_template_error_cli(  # type: ignore[no-untyped-def]
    setup: Setup,
    templates: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    breaker,
) -> None:
    name, line, message = breaker(templates)
    monkeypatch.setattr(
        pipeline, "Renderer", functools.partial(render.Renderer, templates=templates)
    )
    err = run(setup, capsys)
    assert re.match(r"ocigen: error: \S*" + re.escape(f"templates/{name}:") + r"\d+: ", err), err
    assert message in err


def test_template_undefined_name_has_file_and_line(templates: Path, specs) -> None:  # type: ignore[no-untyped-def]
    text = (templates / "_codec.py.j2").read_text(encoding="utf-8")
    first = text.index("{%")
    (templates / "_codec.py.j2").write_text(
        text[:first] + "{{ no_such_variable }}" + text[first:], encoding="utf-8"
    )
    line = text[:first].count("\n") + 1
    with pytest.raises(GeneratorError) as info:
        render.Renderer(templates=templates).render(specs)
    assert info.value.file.endswith("templates/_codec.py.j2"), str(info.value)
    assert info.value.line == line, str(info.value)


def test_template_misspelled_attribute_is_an_error(templates: Path, specs) -> None:  # type: ignore[no-untyped-def]
    break_template(
        templates,
        "module.py.j2",
        "{{ c.py_name }} = {{ c.value|pyrepr }}",
        "{{ c.py_name }} = {{ c.valeu|pyrepr }}",
    )
    with pytest.raises(GeneratorError) as info:
        render.Renderer(templates=templates).render(specs)
    assert "valeu" in str(info.value)


def test_template_rendering_invalid_python_one_line(
    setup: Setup,
    templates: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    break_template(
        templates,
        "module.py.j2",
        "    def to_dict(self) -> dict[str, Any]:",
        "    def to_dict(self) -> dict[str, Any]:)",
    )
    monkeypatch.setattr(
        pipeline, "Renderer", functools.partial(render.Renderer, templates=templates)
    )
    err = run(setup, capsys)  # asserts exit 2, one line, output untouched
    assert "rendered code is not valid Python" in err
