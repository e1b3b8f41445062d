"""Each bound type's fields agree with its schema, modulo the reviewed lint report.

Whether a member is required is not read from the binder's model: a document
missing the member must be rejected exactly when python-jsonschema rejects it
(``test_missing_member_rejected_iff_the_schema_rejects``).
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import json
import sys
from pathlib import Path

import pytest

from generator import pipeline
from generator.model import Spec
from oci_spec import ValidationError

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
    go_name = {s.py_name: s.go_name for m in spec.modules for s in m.structs}[decoder.struct]  # type: ignore[attr-defined]
    lint = {(f.code, f.where) for f in spec.findings}
    # A member spelled differently only by case is the same member for Go.
    case_only = {w for w in wire for p in schema_props if w != p and w.upper() == p.upper()}
    for w in case_only:
        assert ("case-only-name", f"{go_name}.{w}") in lint, f"{name}: {w} spelled otherwise in the schema"
    folded = {w.upper() for w in wire}
    for prop in schema_props - wire:
        if prop.upper() not in folded:
            assert ("schema-only-property", f"{go_name}.{prop}") in lint, f"{name}: {prop} only in schema, not in lint"
    for w in wire - schema_props - case_only:
        assert ("go-only-field", f"{go_name}.{w}") in lint, f"{name}: {w} only in Go, not in lint"


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


# --- required members, by behaviour ---------------------------------------------------

sys.path.insert(0, str(ROOT / "tests" / "fuzz"))
import fuzzlib  # noqa: E402

# Valid documents that reach the members the seed documents leave out.
EXTRA_DOCS: list[tuple[str, dict[str, object]]] = [
    # runtime-spec 1.3.0's additions, from config-freebsd.md, config-vm.md and
    # config-linux.md (netDevices, memoryPolicy).
    ("Spec", {
        "ociVersion": "1.3.0",
        "freebsd": {
            "devices": [{"path": "null", "mode": 438}],
            "jail": {"parent": "p", "host": "new", "ip4": "inherit", "ip4Addr": ["10.0.0.1"],
                     "ip6": "disable", "ip6Addr": ["fd00::1"], "vnet": "new", "interface": "lo1",
                     "vnetInterfaces": ["em0"], "sysvmsg": "new", "sysvsem": "inherit",
                     "sysvshm": "disable", "enforceStatfs": 2,
                     "allow": {"setHostname": True, "rawSockets": True, "chflags": False,
                               "mount": ["tmpfs"], "quotas": False, "socketAf": False,
                               "mlock": False, "reservedPorts": False, "suser": True}},
        },
        "linux": {"netDevices": {"eth0": {"name": "ctr0"}},
                  "memoryPolicy": {"mode": "MPOL_INTERLEAVE", "nodes": "2-3",
                                   "flags": ["MPOL_F_STATIC_NODES"]}},
        "vm": {"kernel": {"path": "/k"}, "image": {"path": "/i", "format": "raw"},
               "hwConfig": {"deviceTree": "/dt", "vcpus": 2, "memory": 4096, "dtdevs": ["/d"],
                            "iomems": [{"firstGFN": 1, "firstMFN": 2, "nrMFNs": 3}],
                            "irqs": []}},
    }),
    ("Features", {
        "ociVersionMin": "1.0.0", "ociVersionMax": "1.3.0",
        "linux": {"intelRdt": {"enabled": True, "schemata": True, "monitoring": True},
                  "memoryPolicy": {"modes": ["MPOL_DEFAULT"], "flags": ["MPOL_F_STATIC_NODES"]},
                  "netDevices": {"enabled": True}},
    }),
    ("Spec", {
        "ociVersion": "1.2.1",
        "process": {"cwd": "/", "scheduler": {"policy": "SCHED_DEADLINE", "runtime": 1, "deadline": 2,
                                                "period": 3, "priority": 0, "nice": 0}},
        "linux": {
            "personality": {"domain": "LINUX", "flags": []},
            "resources": {
                "cpu": {"burst": 1},
                "memory": {"kernel": 1, "kernelTCP": 1, "useHierarchy": True, "checkBeforeUpdate": True},
                "blockIO": {"weightDevice": [{"major": 8, "minor": 0, "weight": 10}],
                            "throttleReadIOPSDevice": [{"major": 8, "minor": 0, "rate": 1}],
                            "throttleWriteBpsDevice": [{"major": 8, "minor": 0, "rate": 1}]},
            },
        },
    }),
    ("Image", {"architecture": "arm", "os": "linux", "os.version": "1", "os.features": ["a"],
               "variant": "v7", "config": {"ArgsEscaped": True},
               "rootfs": {"type": "layers", "diff_ids": []}, "history": [{"comment": "c"}]}),
    ("Index", {"schemaVersion": 2, "manifests": [{
        "mediaType": "a/b", "digest": "sha256:" + "a" * 64, "size": 1,
        "platform": {"architecture": "amd64", "os": "windows", "os.version": "10", "os.features": ["win32k"]}}]}),
]  # fmt: skip
# Go struct members that have no schema to compare with (no document type
# decodes into ContainerProcessState), or whose schema type contradicts Go's
# (fuzzlib.TYPE_MISMATCHES).
# LinuxBlockIODevice and Versioned are only embedded: their members are met as
# members of the structs that embed them.
# Members the mapping file's [[corrections]] makes optional against the schema
# (spec/runtime-spec/ocigen.toml: config-linux.md says OPTIONAL, Go has *int64
# with omitempty): dropping one is accepted where python-jsonschema refuses.
CORRECTED = {"LinuxPids.limit"}
# distribution-spec has no JSON Schema to compare with.
NO_SCHEMA = {"ErrorResponse", "ErrorInfo", "TagList", "RepositoryList", "ExtensionList", "Extension"}
NOT_COMPARED = NO_SCHEMA | {"ContainerProcessState", "WindowsCPUResources.affinity", "WindowsCPUGroupAffinity",
                "LinuxBlockIODevice", "Versioned"}  # fmt: skip


def _compared(member: str) -> bool:
    return member not in NOT_COMPARED and member.split(".")[0] not in NOT_COMPARED


def _documents() -> list[tuple[fuzzlib.Root, object]]:
    docs = []
    for seed in fuzzlib.seeds():
        case = fuzzlib.judge(seed.root, seed.text.encode())
        if case.we_accept and case.schema_accepts:
            docs.append((seed.root, seed.doc))
    for root, doc in EXTRA_DOCS:
        case = fuzzlib.judge(fuzzlib.ROOTS[root], json.dumps(doc).encode())
        assert case.we_accept and case.schema_accepts, fuzzlib.describe(case)
        docs.append((fuzzlib.ROOTS[root], doc))
    return docs


def test_missing_member_rejected_iff_the_schema_rejects() -> None:
    """Drop each member of each object of each valid document once per
    (document type, Go struct member, location): from_json must refuse the
    result exactly when python-jsonschema does."""
    seen: set[tuple[str, str, tuple[object, ...]]] = set()
    wrong = []
    for root, doc in _documents():
        for path in fuzzlib.iter_paths(doc):
            obj = fuzzlib.get_at(doc, path)
            if not isinstance(obj, dict):
                continue
            for key in obj:
                site = fuzzlib.go_site(root, path + (key,))
                member = next(  # Go's case-insensitive match: hwConfig is VM.hwconfig
                    (f for f in site.fields if f.split(".", 1)[1].upper() == key.upper()), None
                )
                if site.type is None or member is None:
                    continue  # an unknown member, or inside interface{}
                shape = tuple(0 if isinstance(p, int) else p for p in path)
                if (root.name, member, shape) in seen:
                    continue
                seen.add((root.name, member, shape))
                smaller = copy.deepcopy(doc)
                del fuzzlib.get_at(smaller, path)[key]
                try:
                    root.cls.from_dict(smaller)
                    ours = True
                except ValidationError:
                    ours = False
                schema = fuzzlib.validator(root).is_valid(smaller)
                if member in CORRECTED:
                    assert ours and not schema, member
                    continue
                if ours != schema and _compared(member):
                    case = fuzzlib.judge(root, json.dumps(smaller).encode())
                    wrong.append(f"{root.name} without {'/'.join(map(str, path + (key,)))}:\n"
                                 + fuzzlib.describe(case))
    assert not wrong, "\n".join(wrong)
    members = {m for _, m, _ in seen}
    every = {
        f"{f.struct}.{f.wire}" for fields in fuzzlib.go_decls().structs.values() for f in fields
    }
    missing = {m for m in every - members if _compared(m)}
    assert not missing, f"no valid document has these members: {sorted(missing)}"
