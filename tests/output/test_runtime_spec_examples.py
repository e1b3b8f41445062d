"""Every JSON example of the vendored runtime-spec markdown is a test.

Each ```json block becomes a document (tests/support/runtime_examples.py: whole
documents as written, fragments wrapped into the smallest document that holds
them), which parses with the generated models, holds no member they do not
know, and round-trips; python-jsonschema on the vendored schema is an
independent second verdict. What fails is listed in KNOWN_FAILURES with the
upstream reason and, where upstream's intent is plain, the correction, which
must then pass. Go's bytes for the same documents are compared in
tests/differential/test_parity.py.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections import Counter
from typing import Any

import pytest

from generator.schema import Schemas
from support.runtime_examples import (
    DOCUMENT,
    FILL,
    PLACE,
    SPEC,
    Example,
    example,
    places,
    runtime_examples,
)
from oci_spec import ValidationError
from oci_spec.runtime import ContainerProcessState, Spec, State
from oci_spec.runtime.features import Features

EXAMPLES = runtime_examples()
BY_NAME = {e.name: e for e in EXAMPLES}

# ```json blocks per file, counted by reading the markdown (config-linux.md's
# block without an info string lists cgroup file names and is not counted).
COUNTS = {
    "config.md": 15,
    "config-linux.md": 23,
    "config-freebsd.md": 2,
    "config-solaris.md": 6,
    "config-vm.md": 4,
    "config-windows.md": 9,
    "config-zos.md": 1,
    "features.md": 6,
    "features-linux.md": 10,
    "runtime.md": 1,
    "style.md": 2,
}


@dataclasses.dataclass(frozen=True)
class Known:
    reason: str
    fix: tuple[str, str] | None = None  # (upstream text, what it means): must pass


# The examples that yield no valid document, one entry each.
KNOWN_FAILURES: dict[str, Known] = {
    "config.md:478": Known(
        "not JSON: a comma after the last item of process.args",
        ('"someapp.exe",\n    ]', '"someapp.exe"\n    ]'),
    ),
    "config-linux.md:850": Known(
        "not JSON: no comma between memoryPolicy's nodes and flags, and one after"
        " the last member",
        (
            '"nodes": "2-3"\n        "flags": ["MPOL_F_STATIC_NODES"],\n',
            '"nodes": "2-3",\n        "flags": ["MPOL_F_STATIC_NODES"]\n',
        ),
    ),
    "config-windows.md:13": Known(
        "not JSON: a comma after the last item of windows.layerFolders",
        ('"C:\\\\scratch",\n    ]', '"C:\\\\scratch"\n    ]'),
    ),
    "style.md:77": Known(
        "not a runtime document: the style guide's sketch of an example with"
        " empty values (members foo, bar)"
    ),
    "style.md:91": Known(
        "not a runtime document: the style guide's sketch of a fully populated"
        " example (members foo, bar, bif)"
    ),
}

# Where Go's encoding/json writes the document otherwise than the example:
# example -> JSON path -> (what happens there, reason).
ADD, DROP, RENAME = "add", "drop", "rename"
HYPERVISOR = (
    "VM.Hypervisor is a struct value, always written (lint: value-struct-optional)"
)
NANOSECS = "LinuxTimeOffset.Nanosecs is uint32 with omitempty: 0 is not written"
UID = "User.UID and User.GID are uint32 without omitempty: Go writes 0"
GO_WRITES: dict[str, dict[tuple[str, ...], tuple[str, Any, str]]] = {
    "config.md:478": {  # as corrected (KNOWN_FAILURES)
        ("process", "user", "uid"): (ADD, 0, UID),
        ("process", "user", "gid"): (ADD, 0, UID),
    },
    "config-vm.md:33": {("vm", "hypervisor"): (ADD, {"path": ""}, HYPERVISOR)},
    "config-vm.md:57": {("vm", "hypervisor"): (ADD, {"path": ""}, HYPERVISOR)},
    "config-vm.md:82": {
        ("vm", "hypervisor"): (ADD, {"path": ""}, HYPERVISOR),
        ("vm", "hwConfig"): (
            RENAME,
            "hwconfig",
            "the text and schema spell hwConfig, Go's tag hwconfig (lint: case-only-name)",
        ),
    },
    "config.md:766": {
        ("linux", "timeOffsets", "monotonic", "nanosecs"): (DROP, None, NANOSECS),
        ("linux", "timeOffsets", "boottime", "nanosecs"): (DROP, None, NANOSECS),
    },
}

# The schema each document type is checked against, and where in the document.
SCHEMA_OF: dict[type, tuple[str, tuple[str, ...]]] = {
    Spec: ("config-schema.json", ()),
    State: ("state-schema.json", ()),
    Features: ("features-schema.json", ()),
    # no schema of its own; its state member is a State
    ContainerProcessState: ("state-schema.json", ("state",)),
}
# Examples where python-jsonschema's verdict differs from ours.
SCHEMA_DISAGREES: dict[str, str] = {
    "config-vm.md:82": "python-jsonschema raises on any non-empty hwConfig.irqs:"
    " defs.json's ArrayOfUint32 refers to '#definitions/uint32', which resolves to"
    " nothing (lint: schema-dangling-ref); we check uint32 items, as Go and the text do",
}

_SCHEMAS = Schemas(SPEC / "schema", "spec/runtime-spec/schema")


def test_examples_found() -> None:
    assert Counter(e.fence.file for e in EXAMPLES) == COUNTS
    assert len(EXAMPLES) == 79


def test_whole_documents() -> None:
    """The examples written as documents, by hand: the rest are fragments."""
    whole = [e.name for e in EXAMPLES if e.whole]
    assert whole == [
        "config-linux.md:1022",
        "config.md:766",
        "features.md:23",
        "features.md:165",
        "runtime.md:41",
    ]


# A few placements checked by hand against the section each example sits in.
PLACED = {
    "config.md:23": ((), {"ociVersion": "0.1.0"}),
    "config.md:536": ((), None),  # braces, but no ociVersion: a fragment
    "config-linux.md:50": (("linux",), None),
    "config-linux.md:473": (("linux", "resources"), None),
    "config-windows.md:66": (("windows",), None),  # "windows": {...} unwrapped
    "config-vm.md:82": (("vm",), None),
    "features-linux.md:90": (("linux",), None),
    "features.md:35": ((), None),
}


@pytest.mark.parametrize("name", sorted(PLACED))
def test_fragment_placement(name: str) -> None:
    e = BY_NAME[name]
    path, members = PLACED[name]
    assert not e.whole and e.path == path
    if members is not None:
        assert json.loads(e.raw or b"") == members


def test_config_fragment_is_wrapped_into_the_smallest_document() -> None:
    e = BY_NAME["config.md:379"]  # "process": {...}
    doc = json.loads(e.raw or b"")
    assert list(doc) == ["ociVersion", "process"] and doc["ociVersion"] == "1.3.0"
    e = BY_NAME["config-windows.md:37"]  # windows.devices; layerFolders required
    doc = json.loads(e.raw or b"")
    assert doc["windows"]["layerFolders"] == ["C:\\Layers\\layer1"]
    assert [d["idType"] for d in doc["windows"]["devices"]] == ["class", "class"]
    e = BY_NAME["features-linux.md:277"]
    assert json.loads(e.raw or b"") == {
        "ociVersionMin": "1.0.0",
        "ociVersionMax": "1.3.0",
        "linux": {"netDevices": {"enabled": True}},
    }


def test_tables_are_needed() -> None:
    for name, path in PLACE.items():
        e = BY_NAME[name]
        members = json.loads("{" + e.fence.body.strip() + "}")
        _, found = places(e.fence, Spec, members)
        assert len(found) > 1 and path in found, (name, found)
    assert set(DOCUMENT) <= set(BY_NAME)
    for cls, fill in FILL.items():
        for key in fill:
            holders = [e for e in EXAMPLES if e.cls is cls and e.raw and not e.whole]
            assert any(
                _at(json.loads(e.raw or b""), key.split(".")) for e in holders
            ), key


def _at(doc: Any, path: list[str] | tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(doc, dict) or key not in doc:
            return None
        doc = doc[key]
    return doc


def _unknown_members(value: Any, where: str = "$") -> list[str]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found = [f"{where}.{k}" for k in value.unknown_fields or {}]  # type: ignore[attr-defined]
        for f in dataclasses.fields(value):
            if f.name != "unknown_fields":
                found += _unknown_members(getattr(value, f.name), f"{where}.{f.name}")
        return found
    if isinstance(value, list):
        return [
            u for i, x in enumerate(value) for u in _unknown_members(x, f"{where}[{i}]")
        ]
    if isinstance(value, dict):
        return [
            u for k, x in value.items() for u in _unknown_members(x, f"{where}[{k!r}]")
        ]
    return []


def _go_writes(doc: Any, edits: dict[tuple[str, ...], tuple[str, Any, str]]) -> Any:
    doc = copy.deepcopy(doc)
    for (*parents, last), (what, arg, _) in edits.items():
        obj = _at(doc, parents)
        if what == ADD:
            assert last not in obj
            obj[last] = arg
        elif what == DROP:
            del obj[last]
        else:
            obj[arg] = obj.pop(last)
    return doc


def _verify(e: Example) -> None:
    """Parses, knows every member, round-trips; whole documents pass strict mode."""
    assert e.cls is not None and e.raw is not None, e.problem
    value = e.cls.from_json(e.raw)
    value.validate()
    assert _unknown_members(value) == [], "a member the models do not know: misplaced?"
    out = value.to_json()
    assert e.cls.from_json(out) == value
    expected = _go_writes(json.loads(e.raw), GO_WRITES.get(e.name, {}))
    assert json.loads(out) == expected
    if e.whole:
        e.cls.from_json(e.raw, strict=True)


@pytest.mark.parametrize("e", EXAMPLES, ids=list(BY_NAME))
def test_example(e: Example) -> None:
    known = KNOWN_FAILURES.get(e.name)
    if known is None:
        _verify(e)
        return
    if known.reason.startswith("not JSON"):
        assert e.raw is None and e.problem.startswith("not JSON"), e.problem
    elif known.reason.startswith("not a runtime document"):
        assert e.cls is None and e.raw is None
    else:  # a document the models reject
        assert e.cls is not None and e.raw is not None, e.problem
        with pytest.raises(ValidationError):
            e.cls.from_json(e.raw)
    if known.fix is not None:
        old, new = known.fix
        assert e.fence.body.count(old) == 1, "the fix no longer matches the text"
        fixed = example(
            dataclasses.replace(e.fence, body=e.fence.body.replace(old, new))
        )
        _verify(fixed)
        assert _schema_verdict(fixed) == "accept"


def test_known_tables_name_real_examples() -> None:
    for table in (KNOWN_FAILURES, GO_WRITES, SCHEMA_DISAGREES):
        assert set(table) <= set(BY_NAME), set(table) - set(BY_NAME)


def _schema_verdict(e: Example) -> str:
    assert e.cls is not None and e.raw is not None
    name, path = SCHEMA_OF[e.cls]
    try:
        errors = list(
            _SCHEMAS.validator(name).iter_errors(_at(json.loads(e.raw), path))
        )
    except Exception as exc:  # a schema python-jsonschema cannot apply
        return f"error: {type(exc).__name__}"
    return "accept" if not errors else "reject"


def _our_verdict(e: Example) -> str:
    assert e.cls is not None and e.raw is not None
    try:
        e.cls.from_json(e.raw)
    except ValidationError:
        return "reject"
    return "accept"


@pytest.mark.parametrize(
    "e", [e for e in EXAMPLES if e.raw], ids=[e.name for e in EXAMPLES if e.raw]
)
def test_schema_agrees(e: Example) -> None:
    ours, schema = _our_verdict(e), _schema_verdict(e)
    if e.name in SCHEMA_DISAGREES:
        assert ours != schema, "stale SCHEMA_DISAGREES entry"
    else:
        assert ours == schema


def test_every_document_type_has_a_schema_check() -> None:
    assert {e.cls for e in EXAMPLES if e.raw} <= set(SCHEMA_OF)
