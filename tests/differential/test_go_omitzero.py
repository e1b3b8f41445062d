"""Go 1.24's ``omitzero`` against Go itself, byte for byte.

Two specs are generated into a temporary folder (never into generated/) and
imported under other names: image-spec's main branch
(tests/workflow/fixtures/image-spec-main, where ``Image.config`` is
``json:"config,omitzero"``) and the generator tests' minispec (``Settings``: an
omitzero member of every Go kind, ``Limits``: struct values inside one).  gozero
(gozero/main.go, built by toolchain.build_program against the same Go sources,
Go >= 1.24) decodes each document with json.Unmarshal and encodes it with
json.Marshal; ours decodes with from_json and encodes with to_json.  The one
deliberate difference (unknown members are kept, so a struct value holding
some is not zero) is tested apart.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import toolchain
from support import rendered

pytestmark = pytest.mark.differential

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
MAIN_ROOT = REPO / "tests" / "workflow" / "fixtures" / "image-spec-main"
MINI_ROOT = REPO / "tests" / "generator" / "fixtures"
GO_1_24 = (1, 24)  # encoding/json's omitzero option


# --- the Go side ---------------------------------------------------------------


class GoZero:
    def __init__(self, binary: Path) -> None:
        self.binary = binary
        self.version = ""

    def roundtrip(
        self, type_name: str, docs: list[bytes]
    ) -> list[tuple[bool, bytes | str]]:
        """Go's json.Marshal of each document decoded into ``type_name``, or
        json.Unmarshal's error text."""
        request = [
            {"type": type_name, "doc": base64.b64encode(d).decode()} for d in docs
        ]
        proc = subprocess.run(
            [str(self.binary)],
            input=json.dumps(request).encode(),
            capture_output=True,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
        answer = json.loads(proc.stdout)
        self.version = answer["go"]
        out: list[tuple[bool, bytes | str]] = []
        for r in answer["results"]:
            assert not r.get("error", "").startswith("gozero: "), r["error"]
            out.append(
                (True, base64.b64decode(r["out"])) if r["ok"] else (False, r["error"])
            )
        return out

    def encode(self, type_name: str, docs: list[bytes]) -> list[bytes]:
        results = self.roundtrip(type_name, docs)
        for doc, (ok, out) in zip(docs, results):
            assert ok, f"Go rejected {doc!r}: {out!r}"
        return [out for _, out in results if isinstance(out, bytes)]


@pytest.fixture(scope="module")
def gozero() -> GoZero:
    try:
        program = toolchain.GoProgram(
            "gozero",
            HERE / "gozero" / "main.go",
            {
                "github.com/opencontainers/image-spec": (
                    MAIN_ROOT / "image-spec", ("specs-go", "specs-go/v1"),
                ),
                "github.com/opencontainers/go-digest": (toolchain.go_sources()["go-digest"], (".",)),
                "example.com/mini": (MINI_ROOT / "minispec", ("specs-go", "specs-go/v1")),
                "example.com/digest": (HERE / "gozero" / "digest", (".",)),
            },
            min_go=GO_1_24,
        )  # fmt: skip
        binary, _, _ = toolchain.build_program(program)
    except toolchain.Unavailable as exc:
        reason = toolchain.skip_reason(exc)
        if os.environ.get("OCIGEN_REQUIRE_GOREF") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return GoZero(binary)


# --- our side --------------------------------------------------------------------


@pytest.fixture(scope="module")
def main_v1(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("image-spec-main")
    with rendered.imported(MAIN_ROOT, out, "ocigen_omitzero_main") as pkg:
        yield importlib.import_module(f"{pkg.__name__}.image.v1")


@pytest.fixture(scope="module")
def mini_v1(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("minispec")
    with rendered.imported(MINI_ROOT, out, "ocigen_omitzero_mini") as pkg:
        yield importlib.import_module(f"{pkg.__name__}.mini.v1")


def compare(go: GoZero, cls: type, go_type: str, docs: list[bytes]) -> list[bytes]:
    """Every document: our bytes equal Go's; returns Go's."""
    expected = go.encode(go_type, docs)
    mismatches = [
        (doc, want, got)
        for doc, want in zip(docs, expected)
        if (got := cls.from_json(doc).to_json()) != want  # type: ignore[attr-defined]
    ]
    assert not mismatches, "\n".join(
        f"in:   {d.decode()}\ngo:   {w.decode()}\nours: {g.decode()}"
        for d, w, g in mismatches
    )
    return expected


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


# --- the toolchain -------------------------------------------------------------


def test_go_is_at_least_1_24(gozero: GoZero) -> None:
    gozero.encode("image.v1.ImageConfig", [b"{}"])
    major, minor = (int(x) for x in gozero.version.removeprefix("go").split(".")[:2])
    assert (major, minor) >= GO_1_24, gozero.version


# --- image-spec main: Image.config ---------------------------------------------

IMAGE = {
    "architecture": "amd64",
    "os": "linux",
    "rootfs": {"type": "layers", "diff_ids": []},
}

CONFIGS: list[Any] = [
    None,  # absent (the schema refuses null)
    {},
    {"User": ""},
    {"ArgsEscaped": False},
    {"Env": []},  # an empty, non-nil slice: not zero, though omitempty writes {}
    {"Entrypoint": []},
    {"Cmd": []},
    {"ExposedPorts": {}},
    {"Volumes": {}},
    {"Labels": {}},
    {"Env": ["PATH=/bin"]},
    {"User": "root"},
    {"WorkingDir": "/srv"},
    {"StopSignal": "SIGTERM"},
    {"ArgsEscaped": True},
    {"ExposedPorts": {"80/tcp": {}}, "Volumes": {"/data": {}}, "Labels": {"a": "b"}},
]


def image_doc(config: Any) -> bytes:
    doc = dict(IMAGE)
    if config is not None:
        doc["config"] = config
    return dumps(doc)


def test_image_config_omitzero(gozero: GoZero, main_v1: ModuleType) -> None:
    docs = [image_doc(c) for c in CONFIGS]
    go = compare(gozero, main_v1.Image, "image.v1.Image", docs)
    written = {json.dumps(c): b'"config"' in out for c, out in zip(CONFIGS, go)}
    # What the comparison covered, as Go decided it:
    assert [c for c in CONFIGS if not written[json.dumps(c)]] == [
        None, {}, {"User": ""}, {"ArgsEscaped": False},
    ]  # fmt: skip
    assert b'"config":{}' in go[CONFIGS.index({"Env": []})]


def test_image_config_built_in_python(gozero: GoZero, main_v1: ModuleType) -> None:
    """Values built with the constructors, not decoded, against Go's encoding of
    the document that decodes to the same Go value.  (Go's output does not
    always decode to that value again: ``"config":{}`` written for an empty,
    non-nil Env decodes to a zero config, which is then left out.)"""
    v1 = main_v1
    rootfs = v1.RootFS(type="layers", diff_ids=[])
    cases = [
        (None, v1.Image(architecture="amd64", os="linux", rootfs=rootfs)),
        ({}, v1.Image(architecture="amd64", os="linux", rootfs=rootfs, config=v1.ImageConfig())),
        (
            {"Env": []},
            v1.Image(architecture="amd64", os="linux", rootfs=rootfs, config=v1.ImageConfig(env=[])),
        ),
        (
            {"Labels": {}, "Cmd": ["sh"]},
            v1.Image(
                architecture="amd64", os="linux", rootfs=rootfs,
                config=v1.ImageConfig(labels={}, cmd=["sh"]),
            ),
        ),
    ]  # fmt: skip
    go = gozero.encode("image.v1.Image", [image_doc(config) for config, _ in cases])
    assert [image.to_json() for _, image in cases] == go
    assert go[2] == (
        b'{"architecture":"amd64","os":"linux","config":{},'
        b'"rootfs":{"type":"layers","diff_ids":[]}}'
    )


def test_image_config_with_unknown_members_is_not_zero(
    gozero: GoZero, main_v1: ModuleType
) -> None:
    """The documented difference: Go drops the unknown member, so its config is
    zero and left out; ours keeps it, so the config is written with it."""
    doc = image_doc({"Memory": 1024})
    [go] = gozero.encode("image.v1.Image", [doc])
    image = main_v1.Image.from_json(doc)
    assert b'"config"' not in go
    assert image.to_json() == go.replace(
        b',"rootfs"', b',"config":{"Memory":1024},"rootfs"'
    )
    image.config.unknown_fields = None
    assert image.to_json() == go


# --- minispec Settings: every kind -----------------------------------------------

# Per member: the values tried (each alone in a document, and all together).
VARIANTS: dict[str, list[Any]] = {
    "name": ["", "x"],
    "kind": ["", "alpha", "other"],
    "digest": ["sha256:" + "a" * 64],  # "" is not a digest our decoder accepts
    "count": [0, 7, 4294967295],
    "offset": [0, -3],
    "enabled": [False, True],
    "size": [None, 0, 5],  # a pointer to 0 is written
    "created": [
        None,
        "0001-01-01T00:00:00Z",  # the zero time: IsZero
        "0001-01-01T01:00:00+01:00",  # the same instant elsewhere: IsZero
        "0001-01-01T00:00:00.000000001Z",
        "0001-01-01T00:00:00-00:01",
        "2024-05-06T07:08:09.5Z",
    ],
    "payload": [None, "", "aGk="],  # "" decodes to an empty, non-nil []byte
    "tags": [None, [], ["a"]],
    "labels": [None, {}, {"k": "v"}],
    "extra": [None, 0, "", False, {}, [], {"a": [1]}],  # a non-nil interface is written
    "marker": [{}],
    "owner": [None, {}, {"name": ""}, {"name": "a"}, {"email": "e"}],
    "reviewer": [None, {}, {"name": "r"}],  # a pointer to a zero Person is written
    "limits": [
        None, {}, {"max": 0}, {"max": 1}, {"part": {}}, {"part": {"name": ""}},
        {"part": {"kind": "beta"}}, {"since": None},
        {"since": "0001-01-01T00:00:00Z"},  # non-nil inside a struct: not zero
    ],
    "aliases": [None, [], ["b"]],
    "backup": [None, {}, {"name": "b"}],
    "flag": [None, {}],
}  # fmt: skip


def settings_docs() -> list[bytes]:
    docs = [b"{}"]
    for member, values in VARIANTS.items():
        docs += [dumps({member: v}) for v in values]
    docs.append(dumps({m: values[-1] for m, values in VARIANTS.items()}))
    docs.append(dumps({m: values[0] for m, values in VARIANTS.items()}))
    return docs


def test_settings_every_kind(gozero: GoZero, mini_v1: ModuleType) -> None:
    docs = settings_docs()
    go = compare(gozero, mini_v1.Settings, "mini.v1.Settings", docs)
    # Go's own answers for the cases the README states (the comparison above
    # would pass on a wrong rule shared by both sides only if Go had it too).
    by_doc = dict(zip(docs, go))
    assert by_doc[b'{"tags":[]}'] == b'{"tags":[],"flag":{}}'
    assert by_doc[b'{"created":"0001-01-01T01:00:00+01:00"}'] == b'{"flag":{}}'
    assert by_doc[b'{"size":0}'] == b'{"size":0,"flag":{}}'
    assert by_doc[b'{"owner":{}}'] == b'{"flag":{}}'
    assert by_doc[b'{"reviewer":{}}'] == b'{"reviewer":{"name":""},"flag":{}}'
    assert by_doc[b'{"limits":{"since":"0001-01-01T00:00:00Z"}}'] == (
        b'{"limits":{"part":{"name":""},"since":"0001-01-01T00:00:00Z"},"flag":{}}'
    )
    assert by_doc[b'{"backup":{}}'] == b'{"flag":{}}'
    print(f"\nomitzero: {len(docs)} Settings documents and {len(CONFIGS)} Image configs "
          f"byte-identical with {gozero.version}")  # fmt: skip


def test_settings_null_members(gozero: GoZero, mini_v1: ModuleType) -> None:
    """JSON null leaves Go's zero value, which omitzero then leaves out."""
    docs = [dumps({m: None}) for m in VARIANTS if m not in ("digest",)]
    assert set(compare(gozero, mini_v1.Settings, "mini.v1.Settings", docs)) == {
        b'{"flag":{}}'
    }
