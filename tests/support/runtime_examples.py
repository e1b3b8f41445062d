"""The JSON examples of the vendored runtime-spec markdown, made documents.

An example that holds every member its document type requires is a whole
document and is kept byte for byte. Any other example is a fragment: its
members (``"process": {...}``, or a braced object without ``ociVersion``) are
wrapped into the smallest document that holds them, ``{"ociVersion": "1.3.0",
"process": {...}}``. Where they go is decided from the member names: the one
struct of the document type, reached through struct members from the root,
that has them all (names compared as Go's decoder does, case-insensitively);
the fragments of ``config-<x>.md`` and ``features-<x>.md`` go to the root or
under member ``<x>``, and a fragment that is a single ``"<x>": {...}`` member
names its place itself. Where the names fit more than one struct, ``PLACE``
says which (from the heading the example sits under). Members a document
requires on the way to the fragment are filled from ``FILL``, with values taken
from the spec's own examples.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.mdexamples import Fence, spec_fences
from support.source import type_hints

from oci_spec.runtime import ContainerProcessState, Spec, State
from oci_spec.runtime.features import Features

SPEC = Path(__file__).resolve().parents[2] / "spec" / "runtime-spec"

# The document type of a file's examples, by the file name before any "-".
DOCUMENT_OF_FILE: dict[str, type] = {
    "config": Spec,
    "features": Features,
    "runtime": State,
}
# Examples of another type than their file's.
DOCUMENT: dict[str, type] = {
    # under "The Container Process State": what a seccomp agent receives
    "config-linux.md:1022": ContainerProcessState,
}
# Fragments whose member names fit more than one struct: the JSON path of the
# one the example's heading names.
PLACE: dict[str, tuple[str, ...]] = {
    # "devices" of ## Devices (LinuxDevice), not of the cgroup allow list
    "config-linux.md:155": ("linux",),
    # "devices" of ## Control groups / ### Allowed Device list
    "config-linux.md:419": ("linux", "resources"),
}
# Members put on the way to a fragment that does not give them (every required
# one must be here): JSON path -> value.
FILL: dict[type, dict[str, Any]] = {
    Spec: {
        "ociVersion": "1.3.0",
        "windows.layerFolders": ["C:\\Layers\\layer1"],  # config-windows.md
        "vm.kernel": {"path": "/path/to/vmlinuz"},  # config-vm.md
        # not required, but Go always writes the VM.image struct value and an
        # empty one fails the schema's format enum: without it no VM document
        # survives a round trip (lint: value-struct-optional VM.image)
        "vm.image": {"path": "/path/to/vm/rootfs.img", "format": "raw"},
    },
    Features: {"ociVersionMin": "1.0.0", "ociVersionMax": "1.3.0"},  # features.md
}


@dataclass(frozen=True)
class Example:
    fence: Fence
    cls: type | None  # the document type (None: the file has none)
    whole: bool  # a whole document, kept byte for byte
    path: tuple[str, ...]  # where a fragment's members were put
    raw: bytes | None  # the document, None when none could be made
    problem: str  # why there is no document ("" when there is)

    @property
    def name(self) -> str:
        return self.fence.name


# --- the model tree -----------------------------------------------------------------


def _struct(tp: Any) -> type | None:
    """The model class of a field type ``T`` or ``T | None``, else None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(tp) if a is not type(None)]
        tp = rest[0] if len(rest) == 1 else None
    if (
        isinstance(tp, type)
        and dataclasses.is_dataclass(tp)
        and hasattr(tp, "JSON_NAMES")
    ):
        return tp
    return None


def _members(cls: type) -> dict[str, tuple[str, Any]]:
    """JSON name -> (Python name, type) of each member of a model class."""
    hints = type_hints(cls)  # typing.get_type_hints, for either build
    names: dict[str, str] = dict(cls.JSON_NAMES)  # type: ignore[attr-defined]
    return {wire: (py, hints[py]) for py, wire in names.items()}


def struct_paths(cls: type) -> list[tuple[tuple[str, ...], type]]:
    """Every struct reachable from ``cls`` through struct members (not through
    lists or maps), with its JSON path; the root is ``()``."""
    out: list[tuple[tuple[str, ...], type]] = []

    def walk(path: tuple[str, ...], c: type) -> None:
        out.append((path, c))
        for wire, (_, tp) in _members(c).items():
            inner = _struct(tp)
            if inner is not None and inner is not c:
                walk((*path, wire), inner)

    walk((), cls)
    return out


def _required(cls: type) -> list[str]:
    """JSON names of the members ``cls`` cannot be built without."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    return [
        wire
        for wire, (py, _) in _members(cls).items()
        if fields[py].default is dataclasses.MISSING
        and fields[py].default_factory is dataclasses.MISSING
    ]


def _fits(cls: type, names: list[str]) -> bool:
    known = {w.lower() for w in _members(cls)}
    return all(n.lower() in known for n in names)


# --- examples -> documents ------------------------------------------------------------


def _document_type(fence: Fence) -> type | None:
    if fence.name in DOCUMENT:
        return DOCUMENT[fence.name]
    return DOCUMENT_OF_FILE.get(fence.file.removesuffix(".md").split("-")[0])


def _scope(fence: Fence) -> str | None:
    stem = fence.file.removesuffix(".md")
    return stem.split("-", 1)[1] if "-" in stem else None


def places(
    fence: Fence, cls: type, members: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, ...]]]:
    """The generic rule: a fragment's members and every path they fit."""
    scope = _scope(fence)
    allowed: tuple[tuple[str, ...], ...] = ((), (scope,)) if scope else ()
    if scope and list(members) == [scope] and isinstance(members[scope], dict):
        members, allowed = members[scope], ((scope,),)  # "linux": {...} names it
    found = [
        path
        for path, c in struct_paths(cls)
        if _fits(c, list(members)) and (not allowed or path[:1] in allowed)
    ]
    return members, found


def _place(
    fence: Fence, cls: type, members: dict[str, Any]
) -> tuple[tuple[str, ...], dict[str, Any]] | str:
    """(path, members) of a fragment, or why it has no place."""
    members, found = places(fence, cls, members)
    if fence.name in PLACE:
        return PLACE[fence.name], members
    if len(found) != 1:
        where = ", ".join(".".join(p) or "(root)" for p in found) or "nowhere"
        return f"members {sorted(members)} fit {where}: say which in PLACE"
    return found[0], members


def _wrap(
    cls: type, path: tuple[str, ...], members: dict[str, Any]
) -> dict[str, Any] | str:
    """The document holding ``members`` at ``path``, filled from FILL."""
    fill = FILL.get(cls, {})
    doc: dict[str, Any] = {}
    here, c = doc, cls
    for depth in range(len(path) + 1):
        prefix = ".".join(path[:depth])
        level = {
            key.rpartition(".")[2]: value
            for key, value in fill.items()
            if key.rpartition(".")[0] == prefix
        }
        given = {k.lower() for k in (members if depth == len(path) else [path[depth]])}
        for wire in _required(c):
            if wire.lower() not in given and wire not in level:
                return f"{prefix}.{wire} is required: add a value to FILL".lstrip(".")
        here.update((k, v) for k, v in level.items() if k.lower() not in given)
        if depth < len(path):
            here = here.setdefault(path[depth], {})
            inner = _struct(_members(c)[path[depth]][1])
            assert inner is not None, path
            c = inner
    here.update(members)
    return doc


def example(fence: Fence) -> Example:
    """The document of one fenced block, or why there is none."""
    cls = _document_type(fence)
    text = fence.body.strip()

    def fail(problem: str) -> Example:
        return Example(fence, cls, False, (), None, problem)

    if cls is None:
        return fail(f"{fence.file} has no runtime document type")
    if text.startswith("{"):
        source = text
    else:  # members; a comma after the last one stands for the members left out
        source = "{" + text.removesuffix(",") + "}"
    try:
        members = json.loads(source)
    except ValueError as e:
        return fail(f"not JSON: {e}")
    if not isinstance(members, dict):
        return fail("not an object")
    if text.startswith("{") and all(r in members for r in _required(cls)):
        return Example(fence, cls, True, (), fence.body.encode(), "")
    placed = _place(fence, cls, members)
    if isinstance(placed, str):
        return fail(placed)
    doc = _wrap(cls, *placed)
    if isinstance(doc, str):
        return fail(doc)
    raw = json.dumps(doc, indent=4, ensure_ascii=False) + "\n"
    return Example(fence, cls, False, placed[0], raw.encode(), "")


def runtime_examples() -> list[Example]:
    """Every ``json`` fenced block of the vendored runtime-spec markdown."""
    return [example(f) for f in spec_fences(SPEC) if f.lang == "json"]
