"""spec/ vendoring: the committed provenance, and imports from built sources.

Sources are built here: synthetic trees shaped like the upstream release tags
(runtime-spec v1.3.0, distribution-spec v1.1.1, image-spec), tarballs with the
pax header ``git archive`` writes, small .debs, and real git repositories made
with the git CLI.  git's own answers (``git get-tar-commit-id``, ``rev-parse``)
are the oracle for the tarball reader, and a checkout must give what the
``git archive`` of its commit gives.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Literal

import pytest

from generator import cli, spec_import
from generator.spec_import import describe_upstream, import_spec
from generator.spec_source import tar_commit_id
from generator.vendored import (
    SpecSourceError,
    sha256_file,
    spec_status,
    verify_provenance,
)

SPEC_ROOT = Path(__file__).resolve().parents[2] / "spec"
GOCODE = "usr/share/gocode/src/github.com/opencontainers"
PACKAGE = "golang-github-opencontainers-image-spec-dev"
# git rev-parse 'v1.1.1^{commit}' in opencontainers/image-spec.
IMAGE_SPEC_V111 = "147f9c13cedb47a0c4d9a11a222961073d585877"
SHA_A = "92249139eea7161e13745abd4cb6d0ea02a3227a"

VERSION_GO = """package specs

const (
\tVersionMajor = {major}
\tVersionMinor = {minor}
\tVersionPatch = {patch}
\tVersionDev = "{dev}"
)
"""


def _version(major: int = 1, minor: int = 1, patch: int = 1, dev: str = "") -> str:
    return VERSION_GO.format(major=major, minor=minor, patch=patch, dev=dev)


# --- the committed spec/ folders ----------------------------------------------


def test_committed_image_spec_is_the_v1_1_1_tag() -> None:
    spec_dir = SPEC_ROOT / "image-spec"
    assert verify_provenance(spec_dir) == []
    provenance = json.loads((spec_dir / "provenance.json").read_text())
    assert (provenance["spec"], provenance["version"]) == ("image-spec", "1.1.1")
    upstream = provenance["upstream"]
    assert upstream["repository"] == "github.com/opencontainers/image-spec"
    assert (upstream["tag"], upstream["commit"]) == ("v1.1.1", IMAGE_SPEC_V111)
    assert provenance["source"]["kind"] == "tarball"
    assert provenance["differences_from_upstream"] == []
    files = provenance["files"]
    assert list(files) == sorted(files)
    # The whole text, the license, the Go types, the schemas and their test tables.
    assert {
        "LICENSE",
        "annotations.md",
        "layer.md",
        "media-types.md",
        "manifest.md",
        "spec.md",
        "go.mod",
        "schema/manifest_test.go",
        "schema/image-manifest-schema.json",
        "specs-go/v1/manifest.go",
        "specs-go/version.go",
    } <= set(files)
    # Not the spec: CI, tooling, images, other Go packages.
    assert not any(
        f.startswith((".", "img/", "identity/")) or f in ("Makefile", "go.sum", "copyright")
        for f in files
    )
    assert "ocigen.toml" not in files and "strict.toml" not in files


RUNTIME_SPEC_V130 = "92249139eea7161e13745abd4cb6d0ea02a3227a"  # upstream's v1.3.0 tag


def test_committed_runtime_spec_is_the_upstream_tag() -> None:
    spec_dir = SPEC_ROOT / "runtime-spec"
    assert verify_provenance(spec_dir) == []
    provenance = json.loads((spec_dir / "provenance.json").read_text())
    assert provenance["version"] == "1.3.0"
    upstream = provenance["upstream"]
    assert (upstream["repository"], upstream["tag"], upstream["commit"]) == (
        "github.com/opencontainers/runtime-spec",
        "v1.3.0",
        RUNTIME_SPEC_V130,
    )
    assert provenance["source"]["kind"] == "tarball"
    assert provenance["differences_from_upstream"] == []
    files = set(provenance["files"])
    assert {"LICENSE", "config.md", "config-freebsd.md", "features.md", "glossary.md"} <= files
    assert "schema/test/config/good/minimal.json" in files


def test_spec_status_of_committed_specs() -> None:
    statuses = {s.name: s for s in spec_status(SPEC_ROOT)}
    assert statuses["image-spec"].intact and statuses["runtime-spec"].intact
    assert statuses["image-spec"].version == "1.1.1"
    assert statuses["image-spec"].upstream["commit"] == IMAGE_SPEC_V111
    assert statuses["runtime-spec"].version == "1.3.0"
    assert statuses["runtime-spec"].upstream["commit"] == RUNTIME_SPEC_V130


# --- building sources ---------------------------------------------------------


def _write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def _spec_files(patch: int = 1, extra: bool = True) -> dict[str, str | bytes]:
    """An image-spec tree: vendored files, plus files the import must skip."""
    files: dict[str, str | bytes] = {
        "go.mod": "module github.com/opencontainers/image-spec\n\ngo 1.21\n",
        "config.md": "# config\n",
        "schema/defs.json": "{}\n",
        "schema/validator.go": "package schema\n",
        "schema/spec_test.go": "package schema\n",
        "specs-go/version.go": _version(patch=patch),
        "specs-go/v1/manifest.go": "package v1\n",
        # skipped:
        "go.sum": "x\n",
        "identity/chainid.go": "package identity\n",
        "specs-go/v1/manifest_test.go": "package v1\n",
        ".github/workflows/ci.yml": "on: push\n",
        ".github/PULL_REQUEST_TEMPLATE/x.md": "# template\n",
        "img/diagram.png": b"\x89PNG",
        "Makefile": "all:\n",
    }
    if extra:
        files["descriptor.md"] = "# descriptor\n"
    return files


EXPECTED = {
    "config.md",
    "descriptor.md",
    "go.mod",
    "schema/defs.json",
    "schema/spec_test.go",
    "schema/validator.go",
    "specs-go/v1/manifest.go",
    "specs-go/version.go",
}

# Shaped like runtime-spec's v1.3.0 tag: no go.mod (the repository shows in the
# import of .tool/version-doc.go), schema test documents (one deliberately not
# JSON), a validator in package main the generator's reader does not support.
RUNTIME_130: dict[str, str | bytes] = {
    "LICENSE": "Apache License\n",
    "README.md": "# runtime-spec\n",
    "config.md": "# Configuration\n",
    "config-freebsd.md": "# FreeBSD\n",
    "features.md": "# Features\n",
    "glossary.md": "# Glossary\n",
    "schema/README.md": "# Schemas\n",
    "schema/config-schema.json": '{\n  "$schema": "http://json-schema.org/draft-04/schema#"\n}\n',
    "schema/defs.json": '{"definitions": {}}\n',
    "schema/test/config/good/minimal.json": '{"ociVersion": "1.3.0"}\n',
    "schema/test/config/bad/invalid-json.json": "{]\n",
    "schema/validate.go": "package main\n\nvar check func([]byte) error\n",
    "specs-go/version.go": _version(1, 3, 0),
    "specs-go/config.go": "package specs\n\ntype Spec struct {\n\tVersion string `json:\"ociVersion\"`\n}\n",
    "specs-go/features/features.go": "package features\n",
    # skipped:
    ".tool/version-doc.go": 'package main\n\nimport (\n\t"fmt"\n\n'
    '\t"github.com/opencontainers/runtime-spec/specs-go"\n)\n',
    ".github/workflows/build.yml": "on: push\n",
    ".gitattributes": "*.ics text eol=crlf\n",
    "schema/Makefile": "test:\n",
    "Makefile": "all:\n",
    "ChangeLog": "changes\n",
}
RUNTIME_130_VENDORED = {
    "LICENSE",
    "README.md",
    "config.md",
    "config-freebsd.md",
    "features.md",
    "glossary.md",
    "schema/README.md",
    "schema/config-schema.json",
    "schema/defs.json",
    "schema/test/config/good/minimal.json",
    "schema/test/config/bad/invalid-json.json",
    "schema/validate.go",
    "specs-go/version.go",
    "specs-go/config.go",
    "specs-go/features/features.go",
}

# Shaped like distribution-spec's v1.1.1 tag: go.mod in specs-go/ (module
# .../distribution-spec/specs-go), no schema/, extensions/*.md, a conformance suite.
DISTRIBUTION_111: dict[str, str | bytes] = {
    "LICENSE": "Apache License\n",
    "spec.md": "# Open Container Initiative Distribution Specification\n",
    "extensions/README.md": "# Extensions\n",
    "extensions/_oci.md": "# _oci\n",
    "specs-go/go.mod": "module github.com/opencontainers/distribution-spec/specs-go\n\ngo 1.18\n",
    "specs-go/version.go": _version(1, 1, 1),
    "specs-go/v1/error.go": "package v1\n",
    "specs-go/v1/extensions/ext.go": "package ext\n",
    # skipped:
    "conformance/README.md": "# Conformance\n",
    "conformance/setup.go": "package conformance\n",
    ".tool/go.mod": "module tool\n",
    "img/.gitkeep": "",
    "Makefile": "all:\n",
}
DISTRIBUTION_111_VENDORED = {
    "LICENSE",
    "spec.md",
    "extensions/README.md",
    "extensions/_oci.md",
    "specs-go/go.mod",
    "specs-go/version.go",
    "specs-go/v1/error.go",
    "specs-go/v1/extensions/ext.go",
}


def _debian_root(root: Path, patch: int = 1, extra: bool = True) -> Path:
    _write(root / GOCODE / "image-spec", _spec_files(patch, extra))
    doc = root / "usr/share/doc" / PACKAGE
    _write(
        doc,
        {
            "copyright": "Upstream-Name: image-spec\n"
            "Source: https://github.com/opencontainers/image-spec\n",
            "changelog.Debian.gz": gzip.compress(
                f"golang-github-opencontainers-image-spec (1.1.{patch}-3) unstable\n".encode()
            ),
        },
    )
    return root


def _tar(
    root: Path,
    mode: Literal["w", "w:gz", "w:xz"],
    arcname: str = ".",
    commit: str | None = None,
) -> bytes:
    """A tarball of ``root``; with ``commit``, a pax global header carrying it as
    its ``comment`` record first, as ``git archive`` writes it."""
    buf = io.BytesIO()
    headers = {"comment": commit} if commit else {}
    with tarfile.open(
        fileobj=buf, mode=mode, format=tarfile.PAX_FORMAT, pax_headers=headers
    ) as tar:
        tar.add(root, arcname=arcname)
    return buf.getvalue()


def _ar(members: list[tuple[str, bytes]]) -> bytes:
    out = [b"!<arch>\n"]
    for name, data in members:
        out.append(
            f"{name:<16}{0:<12}{0:<6}{0:<6}{'100644':<8}{len(data):<10}`\n".encode()
        )
        out.append(data + b"\n" * (len(data) % 2))
    return b"".join(out)


def _deb(
    tmp: Path, data_root: Path, version: str = "1.1.1-3", data: bytes | None = None
) -> Path:
    control_dir = _write(
        tmp / f"control-{version}",
        {"control": f"Package: {PACKAGE}\nVersion: {version}\nDescription: x\n more\n"},
    )
    deb = tmp / f"{PACKAGE}_{version}_all.deb"
    deb.write_bytes(
        _ar(
            [
                ("debian-binary", b"2.0\n"),
                ("control.tar.xz", _tar(control_dir, "w:xz")),
                ("data.tar.xz", data if data is not None else _tar(data_root, "w:xz")),
            ]
        )
    )
    return deb


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _provenance(spec_dir: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((spec_dir / "provenance.json").read_text())
    return data


# --- the commit id of a git archive tarball -------------------------------------


def test_commit_id_of_a_synthetic_pax_header(tmp_path: Path) -> None:
    tree = _write(tmp_path / "t", {"a.txt": "a\n"})
    for mode in ("w", "w:gz", "w:xz"):
        assert tar_commit_id(_tar(tree, mode, commit=SHA_A)) == SHA_A
        assert tar_commit_id(_tar(tree, mode)) is None
    sha256 = "ab" * 32
    assert tar_commit_id(_tar(tree, "w", commit=sha256)) == sha256
    # Not an object id: no commit (git get-tar-commit-id would print it as is).
    assert tar_commit_id(_tar(tree, "w", commit="release 1.0")) is None
    # A global header that is not the first header is not git archive's.
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.add(tree / "a.txt", arcname="a.txt")
    assert tar_commit_id(buf.getvalue() + _tar(tree, "w", commit=SHA_A)) is None
    assert tar_commit_id(b"") is None and tar_commit_id(b"\x1f\x8b broken") is None


# --- importing ----------------------------------------------------------------


def test_runtime_spec_v1_3_0_tag_tarball(tmp_path: Path) -> None:
    tree = _write(tmp_path / "src", RUNTIME_130)
    tarball = tmp_path / "runtime-spec-v1.3.0.tar"
    tarball.write_bytes(_tar(tree, "w", arcname="runtime-spec-1.3.0", commit=SHA_A))
    result = import_spec(tarball, tmp_path / "spec", tag="v1.3.0")
    assert (result.spec, result.version) == ("runtime-spec", "1.3.0")
    assert set(result.files) == RUNTIME_130_VENDORED
    assert not result.mapped
    provenance = _provenance(result.spec_dir)
    assert provenance["upstream"] == {
        "repository": "github.com/opencontainers/runtime-spec",
        "repository_from": "import 'github.com/opencontainers/runtime-spec/specs-go' "
        "in .tool/version-doc.go",
        "tag": "v1.3.0",
        "tag_from": "given with --tag; not checked: the source carries no tags",
        "commit": SHA_A,
        "commit_from": "the pax header git archive writes, read as git get-tar-commit-id does",
    }
    assert provenance["source"] == {
        "kind": "tarball",
        "file": "runtime-spec-v1.3.0.tar",
        "package": None,
        "package_version": None,
        "sha256": sha256_file(tarball),
    }
    assert verify_provenance(result.spec_dir) == []
    assert _snapshot(result.spec_dir)["schema/test/config/bad/invalid-json.json"] == b"{]\n"


def test_distribution_spec_v1_1_1_tag_tarball_without_prefix(tmp_path: Path) -> None:
    tree = _write(tmp_path / "src", DISTRIBUTION_111)
    tarball = tmp_path / "distribution-spec.tar.gz"
    tarball.write_bytes(_tar(tree, "w:gz", commit=SHA_A))
    result = import_spec(tarball, tmp_path / "spec")
    assert (result.spec, result.version) == ("distribution-spec", "1.1.1")
    assert set(result.files) == DISTRIBUTION_111_VENDORED
    upstream = result.upstream
    assert upstream["repository"] == "github.com/opencontainers/distribution-spec"
    assert upstream["repository_from"] == "module path in specs-go/go.mod"
    assert (upstream["tag"], upstream["commit"]) == ("v1.1.1", SHA_A)
    assert upstream["tag_from"] == "inferred from the Go version constants; not checked"


def test_tarball_without_commit_id_says_unknown(tmp_path: Path) -> None:
    tree = _write(tmp_path / "src", DISTRIBUTION_111)
    tarball = tmp_path / "distribution-spec-1.1.1.tar.xz"
    tarball.write_bytes(_tar(tree, "w:xz", arcname="distribution-spec-1.1.1"))
    result = import_spec(tarball, tmp_path / "spec")
    assert result.upstream["commit"] is None
    assert result.upstream["commit_from"].startswith("unknown: the tarball carries no commit id")
    [status] = spec_status(tmp_path / "spec")
    assert describe_upstream(status.upstream) == "tag v1.1.1 (inferred), commit unknown"


def test_development_version_has_no_inferred_tag(tmp_path: Path) -> None:
    files = {**DISTRIBUTION_111, "specs-go/version.go": _version(1, 2, 0, "-dev")}
    result = import_spec(_write(tmp_path / "src", files), tmp_path / "spec")
    assert result.version == "1.2.0-dev"
    assert result.upstream["tag"] is None
    assert "development version" in str(result.upstream["tag_from"])
    assert result.upstream["commit_from"] == "unknown: the directory has no git metadata"


def test_deb_tarball_and_directory_give_the_same_folder(tmp_path: Path) -> None:
    root = _debian_root(tmp_path / "root")
    tarball = tmp_path / "extracted.tar.gz"
    tarball.write_bytes(_tar(root, "w:gz"))
    sources = {
        "deb": _deb(tmp_path, root),
        "tarball": tarball,
        "directory": root,
        "gocode": root / GOCODE / "image-spec",  # the Debian root is found above it
    }
    folders = {}
    for kind, source in sources.items():
        result = import_spec(source, tmp_path / f"out-{kind}")
        assert result.spec == "image-spec" and result.version == "1.1.1"
        assert set(result.files) == EXPECTED | {"copyright"}
        assert result.upstream["repository"] == "github.com/opencontainers/image-spec"
        assert (result.upstream["tag"], result.upstream["commit"]) == ("v1.1.1", None)
        folders[kind] = _snapshot(result.spec_dir)
        provenance = _provenance(result.spec_dir)
        source_info = provenance.pop("source")
        assert isinstance(source_info, dict)
        assert source_info["kind"] == ("directory" if kind == "gocode" else kind)
        assert source_info["package"] == PACKAGE
        assert source_info["package_version"] == "1.1.1-3"
        assert (source_info["sha256"] is None) == (kind in ("directory", "gocode"))
        upstream = provenance.pop("upstream")
        assert isinstance(upstream, dict)
        upstream.pop("commit_from")  # says why for each kind of source
        folders[kind]["provenance.json"] = json.dumps([provenance, upstream]).encode()
    assert (
        folders["deb"] == folders["tarball"] == folders["directory"] == folders["gocode"]
    )
    assert verify_provenance(tmp_path / "out-deb/image-spec") == []


def test_upstream_tarball_and_directory_give_the_same_folder(tmp_path: Path) -> None:
    checkout = _write(tmp_path / "image-spec", {**_spec_files(), "LICENSE": "Apache\n"})
    tarball = tmp_path / "image-spec-1.1.1.tar.xz"
    tarball.write_bytes(_tar(checkout, "w:xz", arcname="image-spec-1.1.1"))
    a = import_spec(tarball, tmp_path / "a")
    b = import_spec(checkout, tmp_path / "b")
    assert set(a.files) == EXPECTED | {"LICENSE"}
    assert a.files == b.files and a.version == b.version == "1.1.1"
    assert a.source["kind"] == "tarball" and a.source["package"] is None
    assert a.source["file"] == "image-spec-1.1.1.tar.xz"
    assert _provenance(a.spec_dir)["files"] == _provenance(b.spec_dir)["files"]


def test_runtime_spec_deb_with_symlink(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "go.mod": "module github.com/opencontainers/runtime-spec\n",
        "schema/config-schema.json": "{}\n",
        "specs-go/config.go": "package specs\n",
        "specs-go/version.go": _version(1, 2, 1),
    }
    root = tmp_path / "root"
    _write(root / GOCODE / "runtime-spec", files)
    (root / GOCODE / "specs").symlink_to("runtime-spec")
    _write(
        root / "usr/share/doc/golang-github-opencontainers-specs-dev",
        {"copyright": "Source: https://github.com/opencontainers/runtime-spec\n"},
    )
    result = import_spec(_deb(tmp_path, root, "1.2.1-2"), tmp_path / "b")
    assert (result.spec, result.version) == ("runtime-spec", "1.2.1")
    assert set(result.files) == {"copyright", *files}


def test_spec_is_recognised_by_the_module_of_its_mapping_file(tmp_path: Path) -> None:
    """The folder name comes from the mapping file whose [go] module is the
    source's repository, not from the repository's name."""
    spec_root = _write(
        tmp_path / "spec",
        {
            "runtime/ocigen.toml": '[spec]\nname = "runtime"\n\n'
            '[go]\nmodule = "github.com/opencontainers/runtime-spec"\n',
        },
    )
    result = import_spec(_write(tmp_path / "src", RUNTIME_130), spec_root)
    assert result.spec == "runtime" and result.mapped
    assert sorted(p.name for p in spec_root.iterdir()) == ["runtime"]
    # A second import is recognised by its provenance before there is a mapping file.
    result = import_spec(_write(tmp_path / "d", DISTRIBUTION_111), spec_root)
    (spec_root / "distribution-spec" / "notes.txt").write_text("kept\n")
    result = import_spec(tmp_path / "d", spec_root)
    assert result.spec == "distribution-spec" and result.changed == ()
    assert (spec_root / "distribution-spec" / "notes.txt").read_text() == "kept\n"


def test_version_format_of_the_mapping_file(tmp_path: Path) -> None:
    spec_root = _write(
        tmp_path / "spec",
        {
            "distribution-spec/ocigen.toml": "[spec]\n"
            'version_package = "specs-go/v1"\nversion = "{Major}.{Minor}-{Label}"\n\n'
            '[go]\nmodule = "github.com/opencontainers/distribution-spec"\n',
        },
    )
    files = {
        **DISTRIBUTION_111,
        "specs-go/v1/version.go": 'package v1\n\nconst (\n\tMajor = 2\n\tMinor = 0\n'
        '\tLabel = "rc1"\n)\n',
    }
    result = import_spec(_write(tmp_path / "src", files), spec_root)
    assert result.version == "2.0-rc1"
    assert result.upstream["tag"] == "v2.0-rc1"


def test_a_folder_mapped_to_another_module_is_not_taken(tmp_path: Path) -> None:
    spec_root = _write(
        tmp_path / "spec",
        {"runtime-spec/ocigen.toml": '[go]\nmodule = "example.com/other/runtime-spec"\n'},
    )
    with pytest.raises(SpecSourceError, match="mapped to module 'example.com/other"):
        import_spec(_write(tmp_path / "src", RUNTIME_130), spec_root)


def test_vendor_table_of_the_mapping_file_decides_what_is_vendored(tmp_path: Path) -> None:
    spec_root = _write(
        tmp_path / "spec",
        {
            "distribution-spec/ocigen.toml": "[go]\n"
            'module = "github.com/opencontainers/distribution-spec"\n\n'
            "[vendor]\n"
            'include = ["LICENSE", "spec.md", "specs-go/**", "conformance/*.md"]\n'
            'exclude = ["specs-go/go.mod"]\n',
        },
    )
    result = import_spec(_write(tmp_path / "src", DISTRIBUTION_111), spec_root)
    assert set(result.files) == {
        "LICENSE",
        "spec.md",
        "conformance/README.md",
        "specs-go/version.go",
        "specs-go/v1/error.go",
        "specs-go/v1/extensions/ext.go",
    }
    spec_dir = result.spec_dir
    # The same rules tell status what counts as vendored.
    (spec_dir / "extensions").mkdir()
    (spec_dir / "extensions/_oci.md").write_text("not vendored here\n")
    (spec_dir / "specs-go/v1/new.go").write_text("package v1\n")
    assert verify_provenance(spec_dir) == ["extra vendored file: specs-go/v1/new.go"]
    (spec_dir / "ocigen.toml").write_text('[vendor]\n\ninclude = "LICENSE"\n')
    with pytest.raises(SpecSourceError, match=r"ocigen.toml:3: \[vendor\] include must be a list"):
        import_spec(tmp_path / "src", spec_root)


def test_reimport_keeps_hand_written_files_and_drops_stale_ones(tmp_path: Path) -> None:
    spec_root = tmp_path / "spec"
    first = import_spec(_deb(tmp_path, _debian_root(tmp_path / "r1")), spec_root)
    spec_dir = first.spec_dir
    (spec_dir / "ocigen.toml").write_text(
        '[go]\nmodule = "github.com/opencontainers/image-spec"\n'
    )
    (spec_dir / "upstream-differences.toml").write_text(f"""[[difference]]
package = "{PACKAGE}"
package_versions = ["1.1.2-3"]
file = "schema/defs.json"
description = "Differs   from the tag."
""")
    hand_written = _snapshot(spec_dir)
    del hand_written["provenance.json"]
    for rel in first.files:
        del hand_written[rel]
    mtime = (spec_dir / "ocigen.toml").stat().st_mtime_ns

    second = import_spec(
        _deb(tmp_path, _debian_root(tmp_path / "r2", patch=2, extra=False), "1.1.2-3"),
        spec_root,
    )
    assert second.version == "1.1.2"
    assert second.removed == ("descriptor.md",) and second.added == ()
    assert second.changed == ("specs-go/version.go",)
    assert not (spec_dir / "descriptor.md").exists()
    after = _snapshot(spec_dir)
    assert {k: after[k] for k in hand_written} == hand_written
    assert (spec_dir / "ocigen.toml").stat().st_mtime_ns == mtime
    assert _provenance(spec_dir)["differences_from_upstream"] == [
        {"file": "schema/defs.json", "description": "Differs from the tag."}
    ]
    assert verify_provenance(spec_dir) == []
    assert [p.name for p in spec_root.iterdir()] == ["image-spec"]  # no temp dirs left


# --- checkouts, asked through git; tarballs of the same commit as the oracle -----


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


needs_git = pytest.mark.skipif(
    shutil.which("git") is None, reason="needs the git CLI to build repositories"
)


def _repo(path: Path, files: dict[str, str | bytes], *init: str) -> Path:
    _write(path, files)
    _git(path, "init", "-q", "-b", "main", *init)
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "release")
    return path


@needs_git
@pytest.mark.parametrize("fmt", ["tar", "tar.gz"])
def test_commit_id_agrees_with_git_get_tar_commit_id(tmp_path: Path, fmt: str) -> None:
    repo = _repo(tmp_path / "repo", DISTRIBUTION_111)
    _git(repo, "tag", "-a", "-m", "v1.1.1", "v1.1.1")
    commit = _git(repo, "rev-parse", "v1.1.1^{commit}")
    for treeish, prefix in (("v1.1.1", "--prefix=distribution-spec-1.1.1/"), ("HEAD", "")):
        out = tmp_path / f"a.{fmt}"
        _git(repo, "archive", f"--format={fmt}", *filter(None, [prefix]), "-o", str(out), treeish)
        raw = out.read_bytes() if fmt == "tar" else gzip.decompress(out.read_bytes())
        oracle = subprocess.run(
            ["git", "get-tar-commit-id"], input=raw, capture_output=True, check=True
        ).stdout.decode().strip()
        assert tar_commit_id(out.read_bytes()) == oracle == commit
        result = import_spec(out, tmp_path / f"spec-{treeish}-{fmt}")
        assert result.upstream["commit"] == commit
        assert set(result.files) == DISTRIBUTION_111_VENDORED
    # An archive of a tree has no commit: git writes no header, we read none.
    out = tmp_path / "tree.tar"
    _git(repo, "archive", "-o", str(out), "HEAD^{tree}")
    assert subprocess.run(["git", "get-tar-commit-id"], stdin=out.open("rb")).returncode == 1
    assert tar_commit_id(out.read_bytes()) is None


@needs_git
def test_checkout_records_tag_and_commit(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "runtime-spec", RUNTIME_130)
    _git(repo, "remote", "add", "origin", "https://github.com/opencontainers/runtime-spec.git")
    _git(repo, "tag", "-a", "-m", "release", "v1.3.0")
    _git(repo, "tag", "light")  # a lightweight tag at the same commit
    (repo / "config.md").write_text("# Configuration, later\n")
    _git(repo, "commit", "-q", "-am", "later")
    _git(repo, "tag", "-a", "-m", "later", "v1.2.1")  # at the later commit
    _git(repo, "checkout", "-q", "v1.3.0")
    result = import_spec(repo, tmp_path / "spec")
    head = _git(repo, "rev-parse", "HEAD")
    assert head == _git(repo, "rev-parse", "v1.3.0^{commit}")
    assert result.upstream["commit"] == head
    assert result.upstream["tag"] == "v1.3.0"
    assert result.upstream["tag_from"] == "the tag pointing at HEAD; also there: light"
    assert result.source["kind"] == "checkout" and result.source["sha256"] is None
    assert set(result.files) == RUNTIME_130_VENDORED
    # The checkout gives what the tag's `git archive` gives (read without git).
    archive = tmp_path / "v1.3.0.tar"
    _git(repo, "archive", "--prefix=runtime-spec-1.3.0/", "-o", str(archive), "v1.3.0")
    from_archive = import_spec(archive, tmp_path / "spec-tar", tag="v1.3.0")
    assert from_archive.upstream["commit"] == head
    vendored, archived = _snapshot(result.spec_dir), _snapshot(from_archive.spec_dir)
    assert vendored.pop("provenance.json") != archived.pop("provenance.json")  # the source
    assert vendored == archived
    assert _provenance(from_archive.spec_dir)["files"] == _provenance(result.spec_dir)["files"]
    # --tag is checked against the refs.
    assert import_spec(repo, tmp_path / "spec2", tag="light").upstream["tag"] == "light"
    with pytest.raises(SpecSourceError, match="tag 'v1.2.1' does not point at HEAD"):
        import_spec(repo, tmp_path / "spec3", tag="v1.2.1")
    # Without the import of its own package, the remote names the repository.
    (repo / ".tool/version-doc.go").unlink()
    result = import_spec(repo, tmp_path / "spec4")
    assert result.upstream["repository"] == "github.com/opencontainers/runtime-spec"
    assert result.upstream["repository_from"] == "the checkout's remote origin"
    _git(repo, "remote", "remove", "origin")
    with pytest.raises(SpecSourceError, match="no git remote"):
        import_spec(repo, tmp_path / "spec5")


@needs_git
def test_linked_worktree_and_sha256_repository(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "main", DISTRIBUTION_111)
    _git(repo, "tag", "v1.1.1")
    _git(repo, "worktree", "add", "-q", "--detach", str(tmp_path / "wt"), "v1.1.1")
    assert (tmp_path / "wt/.git").is_file()  # "gitdir: ..."
    result = import_spec(tmp_path / "wt", tmp_path / "spec")
    assert result.upstream["commit"] == _git(repo, "rev-parse", "HEAD")
    assert result.upstream["tag"] == "v1.1.1"

    sha256 = tmp_path / "sha256"
    try:
        _repo(sha256, DISTRIBUTION_111, "--object-format=sha256")
    except subprocess.CalledProcessError:
        pytest.skip("this git cannot make sha256 repositories")
    _git(sha256, "tag", "-a", "-m", "r", "v1.1.1")
    result = import_spec(sha256, tmp_path / "spec256")
    assert result.upstream["commit"] == _git(sha256, "rev-parse", "HEAD")
    assert len(str(result.upstream["commit"])) == 64
    assert result.upstream["tag"] == "v1.1.1"


@needs_git
def test_checkout_with_local_changes_is_refused(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "r", DISTRIBUTION_111)
    spec_root = tmp_path / "spec"
    import_spec(repo, spec_root)
    before = _snapshot(spec_root)
    (repo / "spec.md").write_text("edited\n")
    (repo / "extensions/new.md").write_text("untracked\n")
    (repo / "extensions/staged.md").write_text("staged, not committed\n")
    _git(repo, "add", "extensions/staged.md")
    (repo / ".gitignore").write_text("ignored.md\n")
    (repo / "ignored.md").write_text("ignored, but vendored all the same\n")
    (repo / "extensions/README.md").unlink()
    (repo / "Makefile").write_text("not vendored: does not matter\n")
    with pytest.raises(SpecSourceError) as info:
        import_spec(repo, spec_root)
    message = str(info.value)
    assert "differs from its HEAD commit" in message
    assert (
        "(modified: spec.md; untracked: extensions/new.md, extensions/staged.md, "
        "ignored.md; deleted: extensions/README.md)" in message
    )
    assert _snapshot(spec_root) == before


@needs_git
def test_checkout_is_compared_byte_for_byte(tmp_path: Path) -> None:
    """With core.autocrlf git checks files out with CRLF and `git status` calls
    the tree clean; the vendored bytes would not be the commit's, so the import
    refuses them."""
    repo = _repo(tmp_path / "r", DISTRIBUTION_111)
    _git(repo, "config", "core.autocrlf", "true")
    (repo / "spec.md").unlink()
    _git(repo, "checkout", "--", "spec.md")
    assert (repo / "spec.md").read_bytes().endswith(b"\r\n")
    assert _git(repo, "status", "--porcelain") == ""
    with pytest.raises(SpecSourceError, match=r"\(modified: spec.md\)"):
        import_spec(repo, tmp_path / "spec")


@needs_git
def test_corrupt_git_object_is_an_error_not_a_crash(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "r", DISTRIBUTION_111)
    head = _git(repo, "rev-parse", "HEAD")
    loose = repo / ".git/objects" / head[:2] / head[2:]
    loose.chmod(0o644)
    loose.write_bytes(b"not zlib")
    with pytest.raises(SpecSourceError, match=rf"^{repo}: `git rev-parse` failed .*{head}.* is corrupt"):
        import_spec(repo, tmp_path / "spec")
    assert not (tmp_path / "spec").exists() or not any((tmp_path / "spec").iterdir())


@needs_git
def test_git_variables_of_the_environment_do_not_redirect_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a git hook, which sets GIT_DIR and GIT_INDEX_FILE for its own
    repository: the checkout is still the one read."""
    other = _repo(tmp_path / "other", {"a.txt": "other repository\n"})
    repo = _repo(tmp_path / "r", DISTRIBUTION_111)
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git/index"))
    monkeypatch.setenv("GIT_OBJECT_DIRECTORY", str(other / ".git/objects"))
    result = import_spec(repo, tmp_path / "spec")
    monkeypatch.delenv("GIT_DIR")
    monkeypatch.delenv("GIT_WORK_TREE")
    monkeypatch.delenv("GIT_INDEX_FILE")
    monkeypatch.delenv("GIT_OBJECT_DIRECTORY")
    assert result.upstream["commit"] == _git(repo, "rev-parse", "HEAD")
    assert result.source["kind"] == "checkout"


@needs_git
def test_replace_refs_do_not_change_the_commit_compared(tmp_path: Path) -> None:
    """`git replace` makes git show another commit's tree for HEAD; provenance
    names HEAD's own id, so its own tree is what the files are compared with."""
    repo = _repo(tmp_path / "r", DISTRIBUTION_111)
    release = _git(repo, "rev-parse", "HEAD")
    (repo / "spec.md").write_text("# later\n")
    _git(repo, "commit", "-q", "-am", "later")
    _git(repo, "replace", release, _git(repo, "rev-parse", "HEAD"))
    _git(repo, "checkout", "-q", "--detach", release)
    assert (repo / "spec.md").read_text() == "# later\n"  # git checked out the replacement
    with pytest.raises(SpecSourceError, match=r"\(modified: spec.md\)"):
        import_spec(repo, tmp_path / "spec")
    _git(repo, "replace", "-d", release)
    _git(repo, "reset", "-q", "--hard", release)
    assert import_spec(repo, tmp_path / "spec").upstream["commit"] == release


@needs_git
def test_a_tree_inside_another_checkout_is_a_directory(tmp_path: Path) -> None:
    outer = _repo(tmp_path / "outer", {"README": "some project\n"})
    inner = _write(outer / "vendor/distribution-spec", DISTRIBUTION_111)
    result = import_spec(inner, tmp_path / "spec")
    assert result.source["kind"] == "directory"
    assert result.upstream["commit"] is None
    # A broken .git of its own is an error, not the outer repository's HEAD.
    (inner / ".git").mkdir()
    with pytest.raises(SpecSourceError, match="`git rev-parse` failed .*not a git repository"):
        import_spec(inner, tmp_path / "spec2")


@needs_git
def test_without_git_a_checkout_exits_2_and_other_sources_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path / "r", DISTRIBUTION_111)
    tarball = tmp_path / "d.tar"
    tarball.write_bytes(_tar(_write(tmp_path / "t", DISTRIBUTION_111), "w", commit=SHA_A))
    plain = _write(tmp_path / "plain", DISTRIBUTION_111)
    deb = _deb(tmp_path, _debian_root(tmp_path / "deb"))
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    spec_root = tmp_path / "spec"
    assert _run(["spec", "import", str(repo), "--spec-root", str(spec_root)]) == 2
    assert capsys.readouterr().err == (
        f"ocigen: error: {repo}: importing a checkout needs the git program, which is "
        "not installed; import a `git archive` tarball of the tag instead\n"
    )
    assert not spec_root.exists()
    assert import_spec(tarball, spec_root).upstream["commit"] == SHA_A
    assert import_spec(plain, spec_root).source["kind"] == "directory"
    assert import_spec(deb, spec_root).source["kind"] == "deb"


# --- bad input ----------------------------------------------------------------


def _bad_sources(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = _deb(tmp_path, _debian_root(tmp_path / "root"))
    truncated = tmp_path / "truncated.deb"
    truncated.write_bytes(good.read_bytes()[:-500])
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"\x1f\x8b not really gzip")
    neither = tmp_path / "neither.tar.gz"
    neither.write_bytes(
        _tar(
            _write(tmp_path / "n", {"README.md": "hi\n", "x/y.go": "package y\n"}),
            "w:gz",
        )
    )
    both_root = _debian_root(tmp_path / "both")
    _write(
        both_root / GOCODE / "runtime-spec", {"specs-go/config.go": "package specs\n"}
    )
    both = tmp_path / "both.tar.gz"
    both.write_bytes(_tar(both_root, "w:gz"))
    not_deb = tmp_path / "not.deb"
    not_deb.write_bytes(b"PK\x03\x04 a zip")
    no_repo = _write(tmp_path / "no-repo", {**RUNTIME_130, ".tool/version-doc.go": "package main\n"})
    bad_go = _write(
        tmp_path / "bad-go",
        {**DISTRIBUTION_111, "specs-go/v1/error.go": "package v1\n\ntype E struct {\n\tA map[string]\n}\n"},
    )
    bad_json = tmp_path / "bad-json.tar"
    bad_json.write_bytes(
        _tar(
            _write(tmp_path / "bj", {**RUNTIME_130, "schema/defs.json": '{\n  "a": 1,\n}\n'}),
            "w",
            arcname="runtime-spec-1.3.0",
            commit=SHA_A,
        )
    )
    no_version = _write(
        tmp_path / "no-version",
        {**DISTRIBUTION_111, "specs-go/version.go": "package specs\n\nconst VersionMajor = 1\n"},
    )
    return {
        "truncated deb": (truncated, "truncated|corrupt|not a readable tar"),
        "garbage tarball": (garbage, "not a readable tar archive"),
        "not a spec": (neither, r"neither.tar.gz: not a spec: no folder of Go files specs-go/"),
        "two specs": (
            both,
            "contains 2 specs \\(github.com/opencontainers/image-spec, "
            "github.com/opencontainers/runtime-spec\\) below usr/share/gocode/src",
        ),
        "not a deb": (not_deb, "not a Debian package"),
        "missing": (tmp_path / "nope.deb", "no such file or directory"),
        "no repository": (no_repo, "cannot tell which repository .* --repository"),
        "Go syntax": (bad_go, r"bad-go/specs-go/v1/error.go:4: syntax error"),
        "schema JSON": (
            bad_json,
            r"bad-json.tar/runtime-spec-1.3.0/schema/defs.json:3: not valid JSON",
        ),
        "version": (no_version, "no-version/specs-go: no constant VersionMinor, VersionPatch, VersionDev for the version"),
    }


def test_failing_import_leaves_existing_folders_untouched(tmp_path: Path) -> None:
    spec_root = tmp_path / "spec"
    import_spec(_deb(tmp_path, _debian_root(tmp_path / "r")), spec_root)
    for name in ("runtime-spec", "distribution-spec"):
        _write(spec_root / name, {"ocigen.toml": "[spec]\n"})
    before = _snapshot(spec_root)
    for label, (source, message) in _bad_sources(tmp_path).items():
        with pytest.raises(SpecSourceError, match=message):
            import_spec(source, spec_root)
        assert _snapshot(spec_root) == before, label
        assert sorted(p.name for p in spec_root.iterdir()) == [
            "distribution-spec",
            "image-spec",
            "runtime-spec",
        ], label


def test_failure_after_staging_leaves_folder_untouched(tmp_path: Path) -> None:
    spec_root = tmp_path / "spec"
    spec_dir = import_spec(
        _deb(tmp_path, _debian_root(tmp_path / "r")), spec_root
    ).spec_dir
    (spec_dir / "upstream-differences.toml").write_text("[[difference]]\nfile = 1\n")
    before = _snapshot(spec_dir)
    with pytest.raises(SpecSourceError, match="upstream-differences.toml"):
        import_spec(
            _deb(tmp_path, _debian_root(tmp_path / "r2", patch=2), "1.1.2-3"), spec_root
        )
    assert _snapshot(spec_dir) == before
    assert [p.name for p in spec_root.iterdir()] == ["image-spec"]


def test_import_refuses_to_overwrite_a_hand_written_file(tmp_path: Path) -> None:
    spec_dir = _write(tmp_path / "spec/image-spec", {"config.md": "mine\n"})
    with pytest.raises(SpecSourceError, match="not a file of the previous import"):
        import_spec(_deb(tmp_path, _debian_root(tmp_path / "r")), tmp_path / "spec")
    assert (spec_dir / "config.md").read_text() == "mine\n"


@pytest.mark.parametrize("name", ["../x", "./../x", "/abs/x", "usr/../../x"])
@pytest.mark.parametrize("container", ["tarball", "deb"])
def test_path_traversal_member_is_rejected(
    tmp_path: Path, name: str, container: str
) -> None:
    root = _debian_root(tmp_path / "work" / "root")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz") as tar:
        tar.add(root, arcname=".")
        evil = tarfile.TarInfo(name)
        evil.size = 4
        tar.addfile(evil, io.BytesIO(b"evil"))
    if container == "deb":
        source = _deb(tmp_path, root, data=buf.getvalue())
    else:
        source = tmp_path / "evil.tar.xz"
        source.write_bytes(buf.getvalue())
    with pytest.raises(SpecSourceError, match="unsafe member path"):
        import_spec(source, tmp_path / "spec")
    assert not (tmp_path / "spec").exists() or not any((tmp_path / "spec").iterdir())
    assert not list(tmp_path.rglob("x"))


# --- checking -----------------------------------------------------------------


def test_verify_reports_missing_changed_and_extra_files(tmp_path: Path) -> None:
    spec_dir = import_spec(
        _deb(tmp_path, _debian_root(tmp_path / "r")), tmp_path / "spec"
    ).spec_dir
    (spec_dir / "config.md").unlink()
    (spec_dir / "schema/defs.json").write_text('{"edited": true}\n')
    (spec_dir / "schema/new.json").write_text("{}\n")
    (spec_dir / "notes.txt").write_text("not vendored, not a problem\n")
    assert verify_provenance(spec_dir) == [
        "missing file: config.md",
        "hash mismatch: schema/defs.json",
        "extra vendored file: schema/new.json",
    ]
    [status] = spec_status(tmp_path / "spec")
    assert (status.name, status.version, status.intact) == (
        "image-spec",
        "1.1.1",
        False,
    )
    assert len(status.problems) == 3
    (spec_dir / "provenance.json").unlink()
    assert verify_provenance(spec_dir) == ["image-spec: no provenance.json"]


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ocigen")
    spec_import.add_cli(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec_root = str(tmp_path / "spec")
    deb = _deb(tmp_path, _debian_root(tmp_path / "r"))
    assert _run(["spec", "import", str(deb), "--spec-root", spec_root]) == 0
    out = capsys.readouterr().out
    assert "imported image-spec 1.1.1 (github.com/opencontainers/image-spec, " in out
    assert "from " + PACKAGE + " 1.1.1-3" in out
    assert "  commit: - (unknown: a Debian package carries no commit id)\n" in out
    assert _run(["spec", "status", "--spec-root", spec_root, "--out", str(tmp_path / "g")]) == 0
    assert (
        "image-spec 1.1.1: tag v1.1.1 (inferred), commit unknown (" + PACKAGE + " 1.1.1-3): "
        "intact, no ocigen.toml yet (needed before generate)\n" in capsys.readouterr().out
    )

    (tmp_path / "spec/image-spec/go.mod").write_text("changed\n")
    assert _run(["spec", "status", "--spec-root", spec_root]) == 2
    out, err = capsys.readouterr()
    assert "hash mismatch: go.mod" in out
    assert err == "ocigen: error: vendored spec(s) not intact: image-spec\n"

    assert (
        _run(["spec", "import", str(tmp_path / "nope.tgz"), "--spec-root", spec_root])
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("ocigen: error: ") and err.count("\n") == 1


def test_first_import_of_an_unmapped_spec_then_generate_says_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tarball = tmp_path / "distribution-spec.tar"
    tarball.write_bytes(_tar(_write(tmp_path / "src", DISTRIBUTION_111), "w", commit=SHA_A))
    assert cli.main(["spec", "import", str(tarball), "--repository",
                     "github.com/opencontainers/distribution-spec"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "(github.com/opencontainers/distribution-spec, tag v1.1.1 (inferred), " in out
    assert "  repository: github.com/opencontainers/distribution-spec (given with --repository)" in out
    assert "spec/distribution-spec has no ocigen.toml: write the mapping file" in out
    assert (tmp_path / "spec/distribution-spec/provenance.json").is_file()
    _write(tmp_path / "generated", {"keep.txt": "as it was\n"})
    assert cli.main(["generate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "ocigen: error: spec/distribution-spec/ocigen.toml: mapping file is missing: "
        "the spec was imported but is not mapped yet"
    )
    assert _snapshot(tmp_path / "generated") == {"keep.txt": b"as it was\n"}
    assert cli.main(["spec", "status"]) == 2
    out, err = capsys.readouterr()
    assert out == (
        f"distribution-spec 1.1.1: tag v1.1.1 (inferred), commit {SHA_A} "
        "(tarball distribution-spec.tar): intact, no ocigen.toml yet (needed before generate)\n"
    )
    assert "the specs do not generate: spec/distribution-spec/ocigen.toml: mapping file" in err


@pytest.mark.parametrize("bad", ["Go syntax", "schema JSON", "not a spec"])
def test_cli_bad_source_exits_2_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    source, message = _bad_sources(tmp_path / "src")[bad]
    work = tmp_path / "work"
    shutil.copytree(SPEC_ROOT, work / "spec")
    _write(work / "generated", {"oci_spec/__init__.py": "# generated\n"})
    before = _snapshot(work)
    monkeypatch.chdir(work)
    assert cli.main(["spec", "import", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ocigen: error: ") and err.count("\n") == 1
    assert _snapshot(work) == before
