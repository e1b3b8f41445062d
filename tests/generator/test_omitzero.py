"""Go 1.24's ``omitzero`` for every Go kind, without Go: hand-written bytes.

The minispec's ``Settings`` has an omitzero member of every kind (see
fixtures/minispec/specs-go/v1/settings.go; tests/differential/test_go_omitzero.py
compares the same type with Go itself).  A member is left out only when it
holds Go's zero value: "", 0, false; nil pointers, slices, maps, interfaces (an
empty, non-nil slice or map is written); a struct value every member of which is
zero (with no unknown members: we keep those, Go drops them); a *time.Time that
is nil or points to the zero time (time.Time.IsZero).
"""

from __future__ import annotations

import dataclasses
import importlib
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator import bind, cli, golang, pipeline
from generator.model import BoolType, ObjectType, StrType, StructType, TimeType
from generator.types import Mapped
from support import rendered

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
SETTINGS_GO = "specs-go/v1/settings.go"
FLAG = b'"flag":{}'  # omitempty never omits a struct value: always written


@pytest.fixture(scope="module")
def v1(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("omitzero")
    with rendered.imported(FIXTURES, out, "ocigen_omitzero_unit") as pkg:
        yield importlib.import_module(f"{pkg.__name__}.mini.v1")


def wire(v1: ModuleType, **values: Any) -> bytes:
    out: bytes = v1.Settings(**values).to_json()
    return out


def only(member: bytes) -> bytes:
    """The Settings document holding ``member`` and the always written flag."""
    return b"{" + member + b"," + FLAG + b"}" if member else b"{" + FLAG + b"}"


ZERO_TIME = datetime(1, 1, 1, tzinfo=timezone.utc)


@dataclasses.dataclass(frozen=True)
class Built:
    """A model value to build once the rendered package is imported."""

    cls: str
    kwargs: dict[str, Any]


def person(**kwargs: Any) -> Built:
    return Built("Person", {"name": "", **kwargs})  # the schema requires name


def part(**kwargs: Any) -> Built:
    return Built("Part", {"name": "", **kwargs})  # the schema requires name


def limits(**kwargs: Any) -> Built:
    return Built("Limits", kwargs)


# (attribute, value, what Go writes: b"" when it leaves the member out)
CASES: list[tuple[str, Any, bytes]] = [
    ("name", "", b""),
    ("name", "x", b'"name":"x"'),
    ("kind", "", b""),
    ("kind", "alpha", b'"kind":"alpha"'),
    ("digest", "", b""),
    ("digest", "sha256:" + "a" * 64, b'"digest":"sha256:' + b"a" * 64 + b'"'),
    ("count", 0, b""),
    ("count", 1, b'"count":1'),
    ("offset", 0, b""),
    ("offset", -1, b'"offset":-1'),
    ("enabled", False, b""),
    ("enabled", True, b'"enabled":true'),
    # pointers: nil only; a pointer to a zero value is written
    ("size", None, b""),
    ("size", 0, b'"size":0'),
    ("reviewer", None, b""),
    ("reviewer", person(), b'"reviewer":{"name":""}'),
    # *time.Time: nil, or the zero instant in any zone (IsZero of time.Time)
    ("created", None, b""),
    ("created", ZERO_TIME, b""),
    ("created", datetime(1, 1, 1, 2, tzinfo=timezone(timedelta(hours=2))), b""),
    ("created", ZERO_TIME + timedelta(microseconds=1), b'"created":"0001-01-01T00:00:00.000001Z"'),
    ("created", datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))),
     b'"created":"0001-01-01T00:00:00+01:00"'),  # an hour before the zero instant
    # slices, []byte, maps, interfaces: nil only
    ("payload", None, b""),
    ("payload", b"", b'"payload":""'),
    ("tags", None, b""),
    ("tags", [], b'"tags":[]'),
    ("labels", None, b""),
    ("labels", {}, b'"labels":{}'),
    ("extra", None, b""),
    ("extra", 0, b'"extra":0'),
    ("extra", "", b'"extra":""'),
    ("extra", False, b'"extra":false'),
    ("extra", [], b'"extra":[]'),
    # struct{}: always zero in Go; a member here is an unknown one, kept
    ("marker", {}, b""),
    ("marker", {"a": 1}, b'"marker":{"a":1}'),
    # struct values: zero when every member is
    ("owner", person(), b""),
    ("owner", person(name="a"), b'"owner":{"name":"a"}'),
    ("owner", person(email="e"), b'"owner":{"name":"","email":"e"}'),
    ("owner", person(unknown_fields={"x": 1}), b'"owner":{"name":"","x":1}'),
    ("owner", person(unknown_fields={}), b""),
    # ... transitively: Limits holds a Part value and a *time.Time
    ("limits", limits(), b""),
    ("limits", limits(max=2), b'"limits":{"max":2,"part":{"name":""}}'),
    ("limits", limits(part=part(kind="beta")), b'"limits":{"part":{"name":"","kind":"beta"}}'),
    ("limits", limits(part=part(unknown_fields={"y": None})),
     b'"limits":{"part":{"name":"","y":null}}'),
    # inside a struct a *time.Time is zero only when nil (no IsZero asked)
    ("limits", limits(since=ZERO_TIME), b'"limits":{"part":{"name":""},"since":"0001-01-01T00:00:00Z"}'),
    # omitempty,omitzero: either rule omits
    ("aliases", None, b""),
    ("aliases", [], b""),
    ("aliases", ["a"], b'"aliases":["a"]'),
    ("backup", person(), b""),
    ("backup", person(name="b"), b'"backup":{"name":"b"}'),
]  # fmt: skip


def _value(v1: ModuleType, value: Any) -> Any:
    """A Built value made with v1's classes; anything else as is."""
    if not isinstance(value, Built):
        return value
    kwargs = {k: _value(v1, v) for k, v in value.kwargs.items()}
    return getattr(v1, value.cls)(**kwargs)


@pytest.mark.parametrize(
    ("attr", "value", "expected"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_member(v1: ModuleType, attr: str, value: Any, expected: bytes) -> None:
    assert wire(v1, **{attr: _value(v1, value)}) == only(expected)


def test_every_member_zero_and_every_member_set(v1: ModuleType) -> None:
    assert wire(v1) == only(b"")
    full = v1.Settings(
        name="n", kind=v1.Kind.BETA, digest="sha256:" + "b" * 64, count=1, offset=2,
        enabled=True, size=3, created=datetime(2024, 1, 2, tzinfo=timezone.utc),
        payload=b"hi", tags=["t"], labels={"b": "2", "a": "1"}, extra={"z": 1, "a": [2.5]},
        marker={}, owner=v1.Person(name="o"), reviewer=v1.Person(name="r"),
        limits=v1.Limits(max=9), aliases=["x"], backup=v1.Person(name="b"),
    )  # fmt: skip
    assert full.to_json() == (
        b'{"name":"n","kind":"beta","digest":"sha256:' + b"b" * 64 + b'","count":1,'
        b'"offset":2,"enabled":true,"size":3,"created":"2024-01-02T00:00:00Z",'
        b'"payload":"aGk=","tags":["t"],"labels":{"a":"1","b":"2"},'
        b'"extra":{"a":[2.5],"z":1},"owner":{"name":"o"},"reviewer":{"name":"r"},'
        b'"limits":{"max":9,"part":{"name":""}},"aliases":["x"],"backup":{"name":"b"},'
        b'"flag":{}}'
    )
    assert v1.Settings.from_json(full.to_json()).to_json() == full.to_json()


def test_decoded_documents(v1: ModuleType) -> None:
    """What decoding leaves: null and absence give the zero value, [] and {} an
    empty non-nil one, and the zero time a non-nil pointer that IsZero."""
    for doc, out in [
        (b'{"tags":null,"labels":null,"extra":null,"owner":null}', b""),
        (b'{"tags":[],"labels":{}}', b'"tags":[],"labels":{}'),
        (b'{"created":"0001-01-01T00:00:00Z","limits":{"since":null}}', b""),
        (b'{"owner":{"name":""},"limits":{"part":{}}}', b""),
        (
            b'{"owner":{"nick":"n"}}',
            b'"owner":{"name":"","nick":"n"}',
        ),  # unknown member
        (b'{"reviewer":{}}', b'"reviewer":{"name":""}'),
    ]:
        assert v1.Settings.from_json(doc).to_json() == only(out), doc


# --- the binder's rules -----------------------------------------------------------


def _go_field(options: tuple[str, ...]) -> golang.GoField:
    return golang.GoField(
        name="F", type=golang.GoType("ident", "string"), embedded=False, tag="",
        json_name="f", json_options=options, json_skip=False, platforms=(), doc="",
        deprecated=None, pos=golang.Pos("x.go", 1),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("mapped", "expected"),
    [
        (Mapped(StrType(), False), "empty"),
        (Mapped(BoolType(), True), "empty"),  # *bool: nil either way
        (Mapped(StructType("P", "m", "_dec_P"), True), "empty"),  # *P: nil either way
        (
            Mapped(StructType("P", "m", "_dec_P"), False),
            "zero",
        ),  # omitempty never omits it
        (Mapped(ObjectType(), False), "zero"),  # struct{}
        (Mapped(TimeType(), True), "zero"),  # *time.Time: also the zero time
    ],
)
def test_omitempty_and_omitzero_together(mapped: Mapped, expected: str) -> None:
    f = _go_field(("omitempty", "omitzero"))
    assert bind.omit_rule(f, mapped) == expected
    assert bind.omit_rule(_go_field(("omitzero",)), mapped) == "zero"
    assert bind.omit_rule(_go_field(("omitempty",)), mapped) == "empty"
    assert bind.omit_rule(_go_field(()), mapped) == "never"


def test_only_structs_that_need_a_zero_test_get_one(v1: ModuleType) -> None:
    defined = {n for n in vars(v1) if n.startswith("_is_zero_")}
    # Person (owner, backup), Limits, and Part inside Limits; not Widget, Blob, Settings.
    assert defined == {"_is_zero_Person", "_is_zero_Limits", "_is_zero_Part"}


# --- an IsZero method of the spec's own: a generator error ------------------------


def _generate_with(
    tmp_path: Path, extra_go: str, capsys: pytest.CaptureFixture[str]
) -> str:
    root = tmp_path / "spec"
    shutil.copytree(FIXTURES / "minispec", root / "minispec")
    go = root / "minispec" / SETTINGS_GO
    go.write_text(go.read_text(encoding="utf-8") + extra_go, encoding="utf-8")
    out = tmp_path / "out"
    code = cli.main(["--spec-root", str(root), "--out", str(out), "generate"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists(), err
    return err.strip()


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_is_zero_method_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _generate_with(
        tmp_path, "\n// IsZero says a person without a name is zero.\n"
        "func (p *Person) IsZero() bool { return p.Name == \"\" }\n", capsys,
    )  # fmt: skip
    text = (tmp_path / "spec/minispec" / SETTINGS_GO).read_text(encoding="utf-8")
    go = f"{tmp_path}/spec/minispec/{SETTINGS_GO}"
    assert err == (
        f"ocigen: error: {go}:{_line(text, 'Owner Person')}: omitzero on Person: "
        f"encoding/json asks its IsZero method (Person.IsZero at {go}:"
        f"{_line(text, 'func (p *Person)')}), whose body ocigen cannot translate"
    )


def test_promoted_is_zero_method_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _generate_with(
        tmp_path,
        '\n// Badge is embedded.\ntype Badge struct {\n\tLabel string `json:"label"`\n}\n'
        "\n// IsZero of an embedded struct is promoted.\n"
        'func (b Badge) IsZero() bool { return b.Label == "" }\n'
        "\n// Card embeds Badge.\ntype Card struct {\n\tBadge\n}\n"
        "\n// Holder uses a Card.\ntype Holder struct {\n"
        '\tCard Card `json:"card,omitzero"`\n}\n',
        capsys,
    )
    assert (
        err.endswith("whose body ocigen cannot translate")
        and "omitzero on Card: encoding/json asks its IsZero method (Badge.IsZero at "
        in err
    )
    assert ", promoted through Card.Badge)" in err


def test_is_zero_elsewhere_is_no_error(tmp_path: Path) -> None:
    """Only an omitzero field's own type matters: inside a struct value Go's
    reflect.Value.IsZero asks no method, and omitempty never asks one."""
    root = tmp_path / "spec"
    shutil.copytree(FIXTURES / "minispec", root / "minispec")
    go = root / "minispec" / "specs-go/v1/widget.go"
    go.write_text(
        go.read_text(encoding="utf-8")
        + "\n// IsZero of Part, which Limits holds by value.\n"
        "func (p Part) IsZero() bool { return false }\n",
        encoding="utf-8",
    )
    [spec] = pipeline.load(root)
    [limits] = [s for m in spec.modules for s in m.structs if s.py_name == "Limits"]
    assert [f.omit for f in limits.fields] == ["empty", "never", "empty"]


def test_model_fields_record_the_tag(v1: ModuleType) -> None:
    [spec] = pipeline.load(FIXTURES)
    [settings] = [s for m in spec.modules for s in m.structs if s.py_name == "Settings"]
    omit = {f.wire_name: f.omit for f in settings.fields}
    assert (
        omit["aliases"] == "empty"
        and omit["backup"] == "zero"
        and omit["flag"] == "empty"
    )
    assert {o for w, o in omit.items() if w not in ("aliases", "backup", "flag")} == {
        "zero"
    }
    assert dataclasses.is_dataclass(v1.Settings)
