"""``ocigen diff``: the reviewed reports of the real previous releases, the
breaking/non-breaking rules, ordering, JSON, and the default (git HEAD) mode.

The goldens compare the previous releases (fixtures/spec-previous: image-spec
1.1.0 from golang-github-opencontainers-image-spec-dev 1.1.0-2, runtime-spec
1.2.1 from upstream's v1.2.1 tag) with the vendored spec/: golden/ for
image-spec, the report section of docs/updates/runtime-spec-1.2.1-to-1.3.0.md
for runtime-spec; and runtime-spec 1.2.0 (fixtures/spec-older, from
golang-github-opencontainers-specs-dev 1.2.0-2) with 1.2.1.
And the vendored image-spec with its main branch (fixtures/image-spec-main, the
commit in its provenance.json).
``OCIGEN_UPDATE_GOLDEN=1 pytest tests/workflow`` rewrites them; review the diff
before committing.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import api_diff, cli, pipeline
from generator.model import Field, IntType, ListType, Origin, StrType, Struct
from support import rendered

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec"
HERE = Path(__file__).resolve().parent
PREVIOUS = HERE / "fixtures" / "spec-previous"
OLDER = HERE / "fixtures" / "spec-older"
GOLDEN = HERE / "golden"
UPDATE = os.environ.get("OCIGEN_UPDATE_GOLDEN") == "1"

GOLDENS = {
    "image-spec": GOLDEN / "image-spec-1.1.0-to-1.1.1.md",
    "runtime-spec": ROOT / "docs" / "updates" / "runtime-spec-1.2.1-to-1.3.0.md",
}
BEGIN, END = "<!-- ocigen diff: begin -->\n", "<!-- ocigen diff: end -->\n"
MAIN = HERE / "fixtures" / "image-spec-main"
MAIN_GOLDEN = GOLDEN / "image-spec-1.1.1-to-main.md"


@pytest.fixture(scope="module")
def diffs() -> dict[str, api_diff.SpecDiff]:
    return {d.name: d for d in api_diff.run(PREVIOUS, SPEC)}


def _report(path: Path) -> str:
    """A golden report: the whole file, or the part of a review between markers."""
    text = path.read_text(encoding="utf-8")
    if BEGIN in text:
        return text.split(BEGIN, 1)[1].split(END, 1)[0]
    return text


def _check_golden(path: Path, text: str) -> None:
    if UPDATE:
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        if BEGIN in old:
            head, rest = old.split(BEGIN, 1)
            text_out = head + BEGIN + text + END + rest.split(END, 1)[1]
        else:
            text_out = text
        path.write_text(text_out, encoding="utf-8", newline="\n")
    assert path.is_file(), f"{path} missing; run with OCIGEN_UPDATE_GOLDEN=1"
    assert text == _report(path), (
        f"{path.name} differs from the report; if the change is intended, rerun with "
        "OCIGEN_UPDATE_GOLDEN=1 and review the diff"
    )


@pytest.mark.parametrize("spec", sorted(GOLDENS))
def test_golden_report(diffs: dict[str, api_diff.SpecDiff], spec: str) -> None:
    _check_golden(GOLDENS[spec], api_diff.markdown([diffs[spec]]))


def test_runtime_spec_1_2_0_to_1_2_1_golden() -> None:
    (d,) = [d for d in api_diff.run(OLDER, PREVIOUS) if d.name == "runtime-spec"]
    _check_golden(GOLDEN / "runtime-spec-1.2.0-to-1.2.1.md", api_diff.markdown([d]))


def test_image_spec_1_1_1_narrows_the_media_type_grammar(
    diffs: dict[str, api_diff.SpecDiff],
) -> None:
    d = diffs["image-spec"]
    assert (d.from_version, d.to_version) == ("1.1.0", "1.1.1")
    breaking = [(c.subject, c.change) for c in d.changes if c.breaking]
    # defs-descriptor.json#/definitions/mediaType: "&-^" (a range that took in
    # digits, '/', ':', '@', ...) became the literal characters "&^-".
    assert breaking == [
        ("Descriptor.media_type", "changed"),
        ("Descriptor.artifact_type", "changed"),
        ("Index.media_type", "changed"),
        ("Index.artifact_type", "changed"),
        ("Manifest.media_type", "changed"),
        ("Manifest.artifact_type", "changed"),
    ]
    assert [c.subject for c in d.changes if not c.breaking] == ["VERSION_PATCH"]
    assert d.lint == ()


def test_the_narrowing_is_real() -> None:
    """The breaking label is not only conservative: a media type the 1.1.0
    models accept is rejected by the committed 1.1.1 package."""
    from oci_spec import ValidationError
    from oci_spec.image.v1 import Descriptor

    digest = "sha256:" + "a" * 64
    with pytest.raises(ValidationError):
        Descriptor.from_dict({"mediaType": "application/a/b", "digest": digest, "size": 1})
    Descriptor.from_dict({"mediaType": "application/vnd.a+json", "digest": digest, "size": 1})


@pytest.fixture(scope="module")
def main_diff() -> api_diff.SpecDiff:
    [d] = [d for d in api_diff.run(SPEC, MAIN) if d.name == "image-spec"]
    return d


def test_golden_report_image_spec_main(main_diff: api_diff.SpecDiff) -> None:
    _check_golden(MAIN_GOLDEN, api_diff.markdown([main_diff]))


def test_image_spec_main_changes(main_diff: api_diff.SpecDiff) -> None:
    """image-spec main (Go 1.24): Image.config became omitzero and a content
    descriptor's size got minimum 0; both change what callers see."""
    d = main_diff
    assert (d.from_version, d.to_version) == ("1.1.1", "1.1.1+dev")
    assert [(c.subject, c.change, c.breaking) for c in d.changes] == [
        ("VERSION_DEV", "changed", False),
        ("Image.config", "changed", True),
        ("Descriptor.size", "changed", True),
    ]
    [config] = [c.detail for c in d.changes if c.subject == "Image.config"]
    assert config.startswith("json tag `omitempty` → `omitzero`: always written → left out when")
    [size] = [c.detail for c in d.changes if c.subject == "Descriptor.size"]
    assert size == "minimum -9223372036854775808 → 0"
    assert [(x.change, x.line.split(":")[0:2]) for x in d.lint] == [
        ("new", ["bound-beyond-go", " Descriptor.size"]),  # maximum, at its new schema site
        ("resolved", ["value-struct-optional", " Image.config"]),  # omitzero omits it now
    ]


def test_image_spec_main_changes_are_real(tmp_path: Path) -> None:
    """Both breaking labels hold: the 1.1.1 package writes an empty config and
    accepts a negative size; main's leaves the config out and refuses the size
    (a manifest's descriptors; an index's entries keep defs.json's int64 range)."""
    from oci_spec.image import v1 as old

    image = {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}
    desc = {"mediaType": "application/vnd.a+json", "digest": "sha256:" + "a" * 64, "size": -1}
    with rendered.imported(MAIN, tmp_path, "ocigen_api_diff_main") as pkg:
        new = importlib.import_module(f"{pkg.__name__}.image.v1")
        assert b'"config":{}' in old.Image.from_dict(image).to_json()
        assert b'"config"' not in new.Image.from_dict(image).to_json()
        old.Descriptor.from_dict(desc)
        with pytest.raises(ValueError, match="size"):
            new.Descriptor.from_dict(desc)
        index = {"schemaVersion": 2, "manifests": [desc]}
        old.Index.from_dict(index)
        new.Index.from_dict(index)


def test_runtime_spec_1_2_1_changes() -> None:
    (d,) = [d for d in api_diff.run(OLDER, PREVIOUS) if d.name == "runtime-spec"]
    assert (d.from_version, d.to_version) == ("1.2.0", "1.2.1")
    assert [(c.subject, c.change) for c in d.changes if c.breaking] == [
        ("ZOS.devices", "removed"),
        ("ZOSDevice", "removed"),
    ]
    added = [c.subject for c in d.changes if c.change == "added"]
    assert added == [
        "WindowsCPUResources.affinity", "WindowsCPUGroupAffinity",
        "Arch.LOONGARCH64", "Arch.M68_K", "Arch.SH", "Arch.SHEB",
        "ZOS.namespaces", "ZOSNamespace", "ZOSNamespaceType",
    ]  # fmt: skip
    assert [x.line for x in d.lint if x.change == "new"] == [
        "type-mismatch: WindowsCPUResources.affinity: Go []WindowsCPUGroupAffinity "
        "but schema type object"
    ]


def test_same_tree_has_no_changes() -> None:
    for d in api_diff.run(SPEC, SPEC):
        assert d.changes == () and d.lint == ()


def test_json_report(diffs: dict[str, api_diff.SpecDiff]) -> None:
    data = json.loads(api_diff.to_json(list(diffs.values())))
    image = next(s for s in data["specs"] if s["name"] == "image-spec")
    assert (image["name"], image["from_version"], image["to_version"]) == (
        "image-spec", "1.1.0", "1.1.1",
    )
    assert image["breaking"] == 6
    first = image["changes"][1]
    assert set(first) == {"module", "subject", "change", "detail", "breaking", "label"}
    assert (first["subject"], first["label"]) == ("Descriptor.media_type", "breaking")


def test_cli_from_to_only_and_fail_on_breaking(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--spec-root", str(SPEC), "diff", "--from", str(PREVIOUS), "--only", "image-spec"]
    assert cli.main(args) == 0
    assert capsys.readouterr().out == _report(GOLDENS["image-spec"])
    assert cli.main(args + ["--fail-on-breaking"]) == 1
    capsys.readouterr()
    assert cli.main(args + ["--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["specs"][0]["breaking"] == 6


def test_default_compares_spec_at_head_with_the_working_tree(tmp_path: Path) -> None:
    """In a repository whose HEAD has the previous releases under spec/ and whose
    working tree has the current ones, plain ``ocigen diff`` is the golden report."""
    repo = tmp_path / "repo"
    shutil.copytree(PREVIOUS, repo / "spec")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid",
           "-c", "commit.gpgsign=false"]  # fmt: skip
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(git + ["add", "spec"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "previous"], cwd=repo, check=True)
    shutil.rmtree(repo / "spec")
    shutil.copytree(SPEC, repo / "spec")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "diff"],
        cwd=repo, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = api_diff.markdown(api_diff.run(PREVIOUS, SPEC))
    assert result.stdout == expected
    for path in GOLDENS.values():  # the per-spec goldens are sections of it
        section = _report(path).split("\n## ", 1)[1]
        assert "\n## " + section.split("\n### Lint findings")[0] in result.stdout


def test_default_outside_git_is_a_clear_error(tmp_path: Path) -> None:
    shutil.copytree(PREVIOUS, tmp_path / "spec")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "diff"],
        cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "GIT_CEILING_DIRECTORIES": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("ocigen: error: ") and "cannot read spec/ at HEAD" in result.stderr


# --- rules, on synthetic edits of the real model -------------------------------


def _descriptor() -> Struct:
    [spec] = [s for s in pipeline.load(SPEC) if s.name == "image-spec"]
    [module] = [m for m in spec.modules if m.name == "oci_spec.image.v1"]
    [struct] = [s for s in module.structs if s.py_name == "Descriptor"]
    return struct


def _field(name: str, **changes: object) -> Field:
    base = Field(
        go_name=name.title(), py_name=name, wire_name=name, type=StrType(),
        omit="empty", nullable=False, required=False, null_ok=False, doc="",
        deprecated=None, platforms=(), origin=Origin("x.go", 1), go_type="string",
        schema_path=None,
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _labels(old: tuple[Field, ...], new: tuple[Field, ...]) -> list[tuple[str, str, bool]]:
    return [(c.subject, c.change, c.breaking) for c in api_diff._diff_fields("m", "T", old, new)]


def test_field_rules() -> None:
    a = _field("a")
    assert _labels((a,), (a, _field("b"))) == [("T.b", "added", False)]
    assert _labels((a,), (a, _field("b", required=True))) == [("T.b", "added", True)]
    assert _labels((a,), ()) == [("T.a", "removed", True)]
    # optional -> required: breaking (the annotation is unchanged here)
    assert _labels((a,), (_field("a", required=True),)) == [("T.a", "changed", True)]
    assert _labels((_field("a", required=True),), (a,)) == [("T.a", "changed", False)]
    # JSON name, platforms narrowed / widened
    assert _labels((a,), (_field("a", wire_name="A"),))[0][2] is True
    assert _labels((_field("a", platforms=("linux",)),), (_field("a", platforms=("linux", "zos")),)) == [
        ("T.a", "changed", False)
    ]
    assert _labels((a,), (_field("a", platforms=("linux",)),)) == [("T.a", "changed", True)]


def test_omit_rule_changes() -> None:
    """Breaking only when to_json() writes another set of values."""

    def change(old: Field, new: Field) -> tuple[str, bool]:
        [(detail, breaking)] = api_diff.field_changes(old, new)
        return detail, breaking

    s_empty, s_zero = _field("s", omit="empty"), _field("s", omit="zero")
    assert change(s_empty, s_zero) == (
        "json tag `omitempty` → `omitzero`: same output (left out when empty)", False
    )
    lst = dict(type=ListType(StrType()), nullable=True)
    assert change(_field("l", omit="empty", **lst), _field("l", omit="zero", **lst)) == (
        "json tag `omitempty` → `omitzero`: left out when None or empty → left out when None"
        " (`to_json()` output changes)", True,
    )  # fmt: skip
    assert change(_field("s", omit="never"), s_empty)[1] is True
    assert change(_field("n", omit="never", type=IntType(64, True)), _field(
        "n", omit="empty", type=IntType(64, True)
    ))[0].endswith("always written → left out when 0 (`to_json()` output changes)")


def test_constraint_rules() -> None:
    def labels(old: object, new: object) -> list[bool]:
        return [b for _, b in api_diff.type_changes(old, new)]  # type: ignore[arg-type]

    u8 = IntType(bits=8, signed=False)
    assert labels(u8, IntType(8, False, maximum=100)) == [True]  # smaller max
    assert labels(IntType(8, False, maximum=100), u8) == [False]  # widened
    assert labels(StrType(), StrType(patterns=("^a",))) == [True]  # new pattern
    assert labels(StrType(patterns=("^a",)), StrType()) == [False]
    assert labels(StrType(patterns=("^a",)), StrType(patterns=("^b",))) == [True]
    assert labels(StrType(enum=("a", "b")), StrType(enum=("a",))) == [True]
    assert labels(StrType(enum=("a",)), StrType(enum=("a", "b"))) == [False]
    assert labels(StrType(), StrType(enum=("a",))) == [True]
    lst = ListType(StrType())
    assert labels(lst, ListType(StrType(), min_items=1)) == [True]
    assert labels(ListType(StrType(), min_items=1), lst) == [False]
    assert labels(lst, ListType(StrType(enum=("x",)))) == [True]
    assert labels(StrType(), u8) == [True]  # another kind


def test_struct_and_enum_rules_and_order() -> None:
    d = _descriptor()
    fields = d.fields
    # Dropping the second field and adding one at the end: the removal is
    # reported where the field stood (Go order), the addition last.
    new = dataclasses.replace(d, fields=(fields[0],) + fields[2:] + (_field("extra"),))
    changes = api_diff._diff_struct("m", d, new)
    assert [(c.subject, c.change, c.breaking) for c in changes] == [
        (f"Descriptor.{fields[1].py_name}", "removed", True),
        ("Descriptor.extra", "added", False),
    ]
    assert api_diff._diff_struct("m", None, d)[0].breaking is False
    assert api_diff._diff_struct("m", d, None)[0].breaking is True


def test_merged_order() -> None:
    assert api_diff.merged_order(["a", "b", "c"], ["a", "c", "d"]) == ["a", "b", "c", "d"]
    assert api_diff.merged_order(["x", "a"], ["a"]) == ["x", "a"]
    assert api_diff.merged_order([], ["a"]) == ["a"]


def test_a_new_spec_appears_as_added(diffs: dict[str, api_diff.SpecDiff]) -> None:
    """distribution-spec is in spec/ but not in the previous releases' tree."""
    d = diffs["distribution-spec"]
    assert (d.from_version, d.to_version) == (None, "1.1.1")
    assert d.changes and all(c.change == "added" and not c.breaking for c in d.changes)
    added = {(c.module, c.subject) for c in d.changes}
    v1, ext = "oci_spec.distribution.v1", "oci_spec.distribution.v1.extensions"
    assert {(v1, v1), (v1, "ErrorResponse"), (v1, "ErrorInfo"), (v1, "TagList"),
            (v1, "RepositoryList"), (v1, "ERROR_CODE_BLOB_UNKNOWN"), (ext, ext),
            (ext, "ExtensionList"), (ext, "Extension"),
            (ext, "ERROR_CODE_EXTENSION_UNKNOWN")} <= added  # fmt: skip
    assert sum(c.subject.startswith("ERROR_CODE_") for c in d.changes) == 15
    # Its lint findings are new: where Go and the text disagree (5), and what
    # the text makes REQUIRED with no schema to say so (8, one per required rule).
    assert all(x.change == "new" for x in d.lint)
    codes = [x.line.split(":")[0] for x in d.lint]
    assert (codes.count("go-text-difference"), codes.count("text-required"), len(codes)) == (5, 8, 13)
    report = api_diff.markdown([d])
    assert report.startswith("# API changes: distribution-spec (none) → 1.1.1\n")
    assert "**0 breaking**" in report
