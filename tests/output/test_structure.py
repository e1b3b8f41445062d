"""Each bound type's fields agree with its schema, modulo the reviewed lint report."""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

import pytest

from generator import pipeline
from generator.model import Spec

ROOT = Path(__file__).resolve().parents[2]
SPECS = pipeline.load(ROOT / "spec", "spec")


def _sites() -> list[tuple[str, Spec, object]]:
    out = []
    for spec in SPECS:
        for module in spec.modules:
            for d in module.decoders:
                if d.schema_path is not None:
                    out.append((f"{spec.name}:{d.name}@{d.schema_path}", spec, d))
    return out


SITES = _sites()


def test_every_root_type_is_bound() -> None:
    roots = {s.py_name for spec in SPECS for m in spec.modules for s in m.structs if s.root_schema}
    assert {"Descriptor", "Manifest", "Index", "Image", "ImageLayout", "Spec", "State", "Features"} <= roots


@pytest.mark.parametrize("name,spec,decoder", SITES, ids=[s[0] for s in SITES])
def test_fields_match_schema_properties(name: str, spec: Spec, decoder: object) -> None:
    from generator.schema import Schemas

    schemas = Schemas(ROOT / "spec" / spec.name / "schema", f"spec/{spec.name}/schema")
    path = decoder.schema_path  # type: ignore[attr-defined]
    file, _, pointer = path.partition("#")
    ref = schemas.root(file)
    for seg in [s for s in pointer.split("/") if s]:
        key = seg.replace("~1", "/").replace("~0", "~")
        ref = type(ref)(ref.contents[key], ref.resolver, f"{ref.path.rstrip('/')}/{seg}")
    node = schemas.resolve(ref)
    schema_props = {k for k, _ in node.properties}
    wire = {f.wire_name for f in decoder.fields}  # type: ignore[attr-defined]
    lint = {(f.code, f.where.split(".", 1)[1]) for f in spec.findings if "." in f.where}
    # A member spelled differently only by case is the same member for Go.
    case_only = {w for w in wire for p in schema_props if w != p and w.upper() == p.upper()}
    for w in case_only:
        assert ("case-only-name", w) in lint, f"{name}: {w} spelled otherwise in the schema"
    folded = {w.upper() for w in wire}
    for prop in schema_props - wire:
        if prop.upper() not in folded:
            assert ("schema-only-property", prop) in lint, f"{name}: {prop} only in schema, not in lint"
    for w in wire - schema_props - case_only:
        assert ("go-only-field", w) in lint, f"{name}: {w} only in Go, not in lint"
    for f in decoder.fields:  # type: ignore[attr-defined]
        if f.corrected is not None:  # the mapping file overrides the schema here
            assert ("schema-corrected", f.wire_name) in lint
            continue
        spelled = next((p for p in node.required if p.upper() == f.wire_name.upper()), None)
        assert f.required == (spelled is not None)


@pytest.mark.parametrize(
    "struct",
    [(m.name, s) for spec in SPECS for m in spec.modules for s in m.structs],
    ids=lambda ms: f"{ms[0]}.{ms[1].py_name}",
)
def test_required_in_schema_iff_no_default_in_python(struct: tuple[str, object]) -> None:
    module_name, s = struct
    cls = getattr(importlib.import_module(module_name), s.py_name)  # type: ignore[attr-defined]
    required = {f.py_name for f in s.fields if f.required}  # type: ignore[attr-defined]
    no_default = {
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    assert no_default == required
