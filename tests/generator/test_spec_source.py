"""spec/ vendoring: the committed provenance, and imports from built sources."""

from __future__ import annotations

import argparse
import gzip
import io
import json
import tarfile
from pathlib import Path
from typing import Literal

import pytest

from generator import spec_source
from generator.spec_source import (
    SpecSourceError,
    import_spec,
    spec_status,
    verify_provenance,
)

SPEC_ROOT = Path(__file__).resolve().parents[2] / "spec"
GOCODE = "usr/share/gocode/src/github.com/opencontainers"
PACKAGE = "golang-github-opencontainers-image-spec-dev"

VERSION_GO = """package specs

const (
\tVersionMajor = 1
\tVersionMinor = 1
\tVersionPatch = {patch}
\tVersionDev = ""
)
"""

# --- the committed spec/ folders ----------------------------------------------


@pytest.mark.parametrize(
    "name, package, package_version, version",
    [
        ("image-spec", PACKAGE, "1.1.1-3", "1.1.1"),
        ("runtime-spec", "golang-github-opencontainers-specs-dev", "1.2.1-2", "1.2.1"),
    ],
)
def test_committed_spec_is_intact(
    name: str, package: str, package_version: str, version: str
) -> None:
    spec_dir = SPEC_ROOT / name
    assert verify_provenance(spec_dir) == []
    provenance = json.loads((spec_dir / "provenance.json").read_text())
    assert provenance["spec"] == name
    assert provenance["version"] == version
    source = provenance["source"]
    assert source["kind"] == "deb"
    assert (source["package"], source["package_version"]) == (package, package_version)
    assert source["file"] == f"{package}_{package_version}_all.deb"
    # Every vendored file is hashed (verify_provenance checks there are no extras).
    files = provenance["files"]
    assert list(files) == sorted(files)
    assert {
        "copyright",
        "go.mod",
        "schema/config-schema.json",
        "specs-go/version.go",
    } <= set(files)
    assert not any(f.endswith("_test.go") and f.startswith("specs-go/") for f in files)
    assert "ocigen.toml" not in files and "upstream-differences.toml" not in files
    recorded = {d["file"] for d in provenance["differences_from_upstream"]}
    assert "go.mod" in recorded
    if name == "image-spec":
        assert {"schema/defs-descriptor.json", "schema/validator.go"} <= recorded


def test_spec_status_of_committed_specs() -> None:
    statuses = {s.name: s for s in spec_status(SPEC_ROOT)}
    assert statuses["image-spec"].intact and statuses["runtime-spec"].intact
    assert statuses["image-spec"].version == "1.1.1"
    assert (
        statuses["runtime-spec"].package
        == "golang-github-opencontainers-specs-dev 1.2.1-2"
    )


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
        "specs-go/version.go": VERSION_GO.format(patch=patch),
        "specs-go/v1/manifest.go": "package v1\n",
        # skipped:
        "go.sum": "x\n",
        "identity/chainid.go": "package identity\n",
        "specs-go/v1/manifest_test.go": "package v1\n",
        "schema/test/good.json": "{}\n",
    }
    if extra:
        files["descriptor.md"] = "# descriptor\n"
    return files


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


def _tar(root: Path, mode: Literal["w:gz", "w:xz"], arcname: str = ".") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tar:
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


# --- importing ----------------------------------------------------------------


def test_deb_tarball_and_directory_give_the_same_folder(tmp_path: Path) -> None:
    root = _debian_root(tmp_path / "root")
    tarball = tmp_path / "extracted.tar.gz"
    tarball.write_bytes(_tar(root, "w:gz"))
    sources = {
        "deb": _deb(tmp_path, root),
        "tarball": tarball,
        "checkout": root,
        "gocode": root / GOCODE / "image-spec",  # the Debian root is found above it
    }
    folders = {}
    for kind, source in sources.items():
        result = import_spec(source, tmp_path / f"out-{kind}")
        assert result.spec == "image-spec" and result.version == "1.1.1"
        assert set(result.files) == EXPECTED | {"copyright"}
        folders[kind] = _snapshot(result.spec_dir)
        provenance = _provenance(result.spec_dir)
        source_info = provenance.pop("source")
        assert isinstance(source_info, dict)
        assert source_info["kind"] == ("checkout" if kind == "gocode" else kind)
        assert source_info["package"] == PACKAGE
        assert source_info["package_version"] == "1.1.1-3"
        assert (source_info["sha256"] is None) == (kind in ("checkout", "gocode"))
        folders[kind]["provenance.json"] = json.dumps(provenance).encode()
    assert (
        folders["deb"] == folders["tarball"] == folders["checkout"] == folders["gocode"]
    )
    assert verify_provenance(tmp_path / "out-deb/image-spec") == []


def test_upstream_tarball_and_checkout_give_the_same_folder(tmp_path: Path) -> None:
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


def test_runtime_spec_deb_with_symlink_and_checkout_without_go_mod(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "schema/config-schema.json": "{}\n",
        "specs-go/config.go": "package specs\n",
        "specs-go/version.go": VERSION_GO.replace(
            "1\n\tVersionPatch", "2\n\tVersionPatch"
        ).format(patch=1),
    }
    checkout = _write(tmp_path / "checkout", {**files, "LICENSE": "Apache\n"})
    assert import_spec(checkout, tmp_path / "a").spec == "runtime-spec"
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


def test_reimport_keeps_hand_written_files_and_drops_stale_ones(tmp_path: Path) -> None:
    spec_root = tmp_path / "spec"
    first = import_spec(_deb(tmp_path, _debian_root(tmp_path / "r1")), spec_root)
    spec_dir = first.spec_dir
    (spec_dir / "ocigen.toml").write_text("[mapping]\n")
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
    return {
        "truncated deb": (truncated, "truncated|corrupt|not a readable tar"),
        "garbage tarball": (garbage, "not a readable tar archive"),
        "neither spec": (neither, "contains neither image-spec nor runtime-spec"),
        "both specs": (both, "contains both image-spec and runtime-spec"),
        "not a deb": (not_deb, "not a Debian package"),
        "missing": (tmp_path / "nope.deb", "no such file or directory"),
    }


def test_failing_import_leaves_existing_folder_untouched(tmp_path: Path) -> None:
    spec_root = tmp_path / "spec"
    spec_dir = import_spec(
        _deb(tmp_path, _debian_root(tmp_path / "r")), spec_root
    ).spec_dir
    (spec_dir / "ocigen.toml").write_text("[mapping]\n")
    before = _snapshot(spec_dir)
    for label, (source, message) in _bad_sources(tmp_path).items():
        with pytest.raises(SpecSourceError, match=message):
            import_spec(source, spec_root)
        assert _snapshot(spec_dir) == before, label
        assert [p.name for p in spec_root.iterdir()] == ["image-spec"], label


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
    spec_source.add_cli(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec_root = str(tmp_path / "spec")
    deb = _deb(tmp_path, _debian_root(tmp_path / "r"))
    assert _run(["spec", "import", str(deb), "--spec-root", spec_root]) == 0
    assert (
        "imported image-spec 1.1.1 from " + PACKAGE + " 1.1.1-3"
        in capsys.readouterr().out
    )
    assert _run(["spec", "status", "--spec-root", spec_root]) == 0
    assert (
        "image-spec 1.1.1 (" + PACKAGE + " 1.1.1-3): intact" in capsys.readouterr().out
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
