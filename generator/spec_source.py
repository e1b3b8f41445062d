"""Vendor an OCI spec (image-spec or runtime-spec) into ``spec/<name>/``.

A source is a Debian ``golang-*-dev`` package (.deb), a tarball (an upstream
release tarball, or a tar of any tree below) or a directory (an upstream
checkout, an extracted .deb, or the installed gocode directory).  Only the files
the generator needs are copied (see ``is_vendored``), and ``provenance.json``
records where they came from and their hashes so that ``spec status`` can tell
when the vendored copy was edited.  Files of the spec folder that are not
vendored (``ocigen.toml``, ``upstream-differences.toml``, ...) are kept as is.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tarfile
import tempfile
import tomllib
import zlib
from dataclasses import dataclass
from lzma import LZMAError
from pathlib import Path, PurePosixPath
from typing import Any

SPECS = ("image-spec", "runtime-spec")
GOCODE = PurePosixPath("usr/share/gocode/src/github.com/opencontainers")
PROVENANCE = "provenance.json"
DIFFERENCES = "upstream-differences.toml"
TARBALL_SUFFIXES = (".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tar")


class SpecSourceError(Exception):
    """An import or status problem; the message is written for the user."""


@dataclass(frozen=True)
class Difference:
    file: str
    description: str


@dataclass(frozen=True)
class ImportResult:
    spec: str  # "image-spec"
    version: str  # upstream version, "1.1.1"
    spec_dir: Path
    source: dict[str, str | None]  # as recorded in provenance.json
    files: tuple[str, ...]  # vendored files, sorted
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    differences: tuple[Difference, ...]


@dataclass(frozen=True)
class SpecStatus:
    name: str
    version: str | None
    # "golang-...-dev 1.1.1-3", or "<kind> <file>" for non-Debian sources
    package: str | None
    intact: bool
    problems: tuple[str, ...]


def is_vendored(rel: str) -> bool:
    """Whether a path (relative to the spec folder) belongs to the vendored set."""
    parts = rel.split("/")
    name = parts[-1]
    if len(parts) == 1:
        return name.endswith(".md") or name in ("go.mod", "LICENSE", "copyright")
    if parts[0] == "schema":
        return len(parts) == 2 and name.endswith((".json", ".go"))
    if parts[0] == "specs-go":
        return name.endswith(".go") and not name.endswith("_test.go")
    return False


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- reading a source ---------------------------------------------------------


@dataclass(frozen=True)
class _Tree:
    spec: str
    files: dict[str, Path]  # path in the spec folder -> file to copy
    package: str | None
    package_version: str | None


def _safe_parts(name: str, display: str) -> tuple[str, ...]:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name:
        raise SpecSourceError(f"{display}: refusing unsafe member path {name!r}")
    return tuple(p for p in path.parts if p != ".")


def _extract_tar(data: bytes, dest: Path, display: str) -> None:
    """Extract regular files and directories only; links and devices are never
    needed and are skipped, so nothing can point outside ``dest``."""
    if data[:4] == b"\x28\xb5\x2f\xfd" and "zst" not in tarfile.TarFile.OPEN_METH:
        raise SpecSourceError(
            f"{display}: zstd-compressed tar, which Python {sys.version.split()[0]} "
            "cannot read (needs 3.14); recompress it with xz or gzip"
        )
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
            members = tar.getmembers()
            for m in members:  # validate every name before writing anything
                _safe_parts(m.name, display)
            for m in members:
                parts = _safe_parts(m.name, display)
                if not parts:
                    continue
                target = dest.joinpath(*parts)
                if m.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                elif m.isreg():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    f = tar.extractfile(m)
                    assert f is not None
                    target.write_bytes(f.read())
    except (tarfile.TarError, EOFError, LZMAError, zlib.error, gzip.BadGzipFile) as e:
        raise SpecSourceError(f"{display}: not a readable tar archive ({e})") from e


def _ar_members(data: bytes, display: str) -> dict[str, bytes]:
    if not data.startswith(b"!<arch>\n"):
        raise SpecSourceError(f"{display}: not a Debian package (no ar header)")
    members: dict[str, bytes] = {}
    pos = 8
    while pos < len(data):
        header = data[pos : pos + 60]
        try:
            if len(header) != 60 or header[58:60] != b"`\n":
                raise ValueError
            size = int(header[48:58])
        except ValueError:
            raise SpecSourceError(
                f"{display}: corrupt ar member header at byte {pos}"
            ) from None
        name = header[:16].decode("ascii", "replace").strip().rstrip("/")
        body = data[pos + 60 : pos + 60 + size]
        if len(body) != size:
            raise SpecSourceError(f"{display}: truncated ar member {name!r}")
        members[name] = body
        pos += 60 + size + (size & 1)  # members are 2-byte aligned
    return members


def _unpack_deb(data: bytes, dest: Path, display: str) -> dict[str, str]:
    """Extract data.tar.* into dest; return the control fields."""
    members = _ar_members(data, display)
    if not members.get("debian-binary", b"").startswith(b"2."):
        raise SpecSourceError(f"{display}: not a Debian binary package (debian-binary)")
    data_name = next((n for n in members if n.startswith("data.tar")), None)
    control_name = next((n for n in members if n.startswith("control.tar")), None)
    if data_name is None or control_name is None:
        raise SpecSourceError(f"{display}: no data.tar or control.tar member")
    with tempfile.TemporaryDirectory(prefix="ocigen-control-") as tmp:
        _extract_tar(members[control_name], Path(tmp), f"{display}:{control_name}")
        control = Path(tmp, "control")
        if not control.is_file():
            raise SpecSourceError(f"{display}: {control_name} has no control file")
        fields = dict(
            (k.strip(), v.strip())
            for k, sep, v in (
                line.partition(":")
                for line in control.read_text("utf-8", "replace").splitlines()
            )
            if sep and not k.startswith((" ", "\t"))
        )
    _extract_tar(members[data_name], dest, f"{display}:{data_name}")
    return fields


def _is_spec_dir(d: Path) -> bool:
    return (d / "specs-go").is_dir() and (d / "schema").is_dir()


def _detect_spec(spec_dir: Path, display: str) -> str:
    go_mod = spec_dir / "go.mod"
    if go_mod.is_file():
        m = re.search(r"^module\s+(\S+)", go_mod.read_text("utf-8", "replace"), re.M)
        module = m.group(1) if m else ""
        if module.removeprefix("github.com/opencontainers/") in SPECS:
            return module.removeprefix("github.com/opencontainers/")
        raise SpecSourceError(
            f"{display}: go.mod declares module {module!r}, not an OCI spec"
        )
    if (
        spec_dir.parent.as_posix().endswith(GOCODE.as_posix())
        and spec_dir.name in SPECS
    ):
        return spec_dir.name
    # No go.mod (e.g. runtime-spec checkouts): recognise the Go package.
    if (spec_dir / "specs-go/v1/manifest.go").is_file():
        return "image-spec"
    if (spec_dir / "specs-go/config.go").is_file():
        return "runtime-spec"
    raise SpecSourceError(f"{display}: cannot tell which OCI spec this is")


def _debian_doc(root: Path, spec: str) -> tuple[str, Path, str | None] | None:
    """(package, copyright file, version from changelog.Debian.gz) of the Debian
    package that ships ``spec`` below the filesystem root ``root``."""
    source_line = re.compile(
        rf"^Source:\s*https?://github\.com/opencontainers/{spec}/?\s*$", re.M
    )
    for copyright in sorted(
        root.glob("usr/share/doc/golang-github-opencontainers-*/copyright")
    ):
        if not source_line.search(copyright.read_text("utf-8", "replace")):
            continue
        version = None
        changelog = copyright.with_name("changelog.Debian.gz")
        if changelog.is_file():
            with gzip.open(changelog, "rt", encoding="utf-8", errors="replace") as f:
                m = re.match(r"\S+ \(([^)\s]+)\)", f.readline())
            version = m.group(1) if m else None
        return copyright.parent.name, copyright, version
    return None


def _read_tree(root: Path, display: str) -> _Tree:
    deb_root: Path | None = None
    while True:
        gocode = root / GOCODE
        if gocode.is_dir():  # an extracted .deb
            found = sorted(
                p.name
                for p in gocode.iterdir()
                if p.name in SPECS and not p.is_symlink()
            )
            if len(found) != 1:
                what = "both image-spec and" if found else "neither image-spec nor"
                raise SpecSourceError(
                    f"{display}: contains {what} runtime-spec below {GOCODE}"
                )
            spec_dir, spec, deb_root = gocode / found[0], found[0], root
            break
        if _is_spec_dir(root):
            spec_dir, spec = root, _detect_spec(root, display)
            if root.parent.as_posix().endswith(GOCODE.as_posix()):  # the gocode dir
                deb_root = root.parents[len(GOCODE.parts)]
            break
        entries = [e for e in root.iterdir() if not e.name.startswith(".")]
        if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
            root = entries[0]  # e.g. the "image-spec-1.1.1/" of a release tarball
            continue
        raise SpecSourceError(
            f"{display}: contains neither image-spec nor runtime-spec "
            "(no specs-go/ and schema/, no Debian gocode directory)"
        )

    files: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(spec_dir):
        dirnames.sort()
        for name in filenames:
            path = Path(dirpath, name)
            rel = path.relative_to(spec_dir).as_posix()
            if is_vendored(rel) and path.is_file() and not path.is_symlink():
                files[rel] = path
    package = package_version = None
    doc = _debian_doc(deb_root, spec) if deb_root is not None else None
    if doc is not None:
        package, copyright, package_version = doc
        if "copyright" in files:
            raise SpecSourceError(
                f"{display}: both an upstream and a Debian copyright file"
            )
        files["copyright"] = copyright
    if "LICENSE" not in files and "copyright" not in files:
        raise SpecSourceError(
            f"{display}: no licence file (LICENSE, or Debian's "
            "usr/share/doc/<package>/copyright)"
        )
    return _Tree(spec, files, package, package_version)


# --- importing ----------------------------------------------------------------


def _go_version(specs_go: Path) -> str:
    """The upstream version, as specs-go/version.go spells it (Version)."""
    from generator.golang import GoError, read_package

    try:
        consts = {c.name: c.value for c in read_package(specs_go, "specs-go").consts}
    except GoError as e:
        raise SpecSourceError(f"cannot read the spec version: {e}") from e
    parts = [consts.get(n) for n in ("VersionMajor", "VersionMinor", "VersionPatch")]
    dev = consts.get("VersionDev")
    if not all(type(p) is int for p in parts) or not isinstance(dev, str):
        raise SpecSourceError(
            "specs-go/version.go: expected integer VersionMajor/Minor/Patch and "
            f"a string VersionDev, found {parts + [dev]}"
        )
    return "{}.{}.{}".format(*parts) + dev


def _load_differences(
    path: Path, package: str | None, version: str | None
) -> list[Difference]:
    """Entries of upstream-differences.toml that apply to this package version."""
    if not path.is_file():
        return []
    try:
        entries = tomllib.loads(path.read_text("utf-8")).get("difference", [])
    except tomllib.TOMLDecodeError as e:
        raise SpecSourceError(f"{path.name}: {e}") from e
    keys = {"package", "package_versions", "file", "description"}
    found = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != keys:
            raise SpecSourceError(
                f"{path.name}: difference #{i + 1} must have exactly {sorted(keys)}"
            )
        if entry["package"] == package and version in entry["package_versions"]:
            found.append(
                Difference(entry["file"], " ".join(entry["description"].split()))
            )
    return found


def read_provenance(spec_dir: Path) -> dict[str, Any]:
    path = spec_dir / PROVENANCE
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SpecSourceError(f"{spec_dir.name}: no {PROVENANCE}") from None
    except (ValueError, OSError) as e:
        raise SpecSourceError(f"{spec_dir.name}/{PROVENANCE}: unreadable ({e})") from e
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise SpecSourceError(f"{spec_dir.name}/{PROVENANCE}: no 'files' mapping")
    return data


def _open_source(source: Path, tmp: Path) -> tuple[_Tree, dict[str, str | None]]:
    display = source.name or str(source)
    if source.is_dir():
        source = source.resolve()  # also locates the Debian root of a gocode dir
        display = source.name
        tree, kind, sha = _read_tree(source, display), "checkout", None
    elif source.is_file():
        data = source.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if source.name.endswith(".deb"):
            control = _unpack_deb(data, tmp, display)
            tree = _read_tree(tmp, display)
            kind = "deb"
            # The control file is authoritative for the binary package.
            tree = _Tree(
                tree.spec, tree.files, control.get("Package"), control.get("Version")
            )
        elif source.name.endswith(TARBALL_SUFFIXES):
            _extract_tar(data, tmp, display)
            tree, kind = _read_tree(tmp, display), "tarball"
        else:
            raise SpecSourceError(
                f"{display}: unsupported source; expected a .deb, a tarball "
                f"({', '.join(TARBALL_SUFFIXES)}) or a directory"
            )
    else:
        raise SpecSourceError(f"{source}: no such file or directory")
    info = {
        "kind": kind,
        "package": tree.package,
        "package_version": tree.package_version,
        "file": display,
        "sha256": sha,
    }
    return tree, info


def import_spec(source: Path, spec_root: Path) -> ImportResult:
    """Vendor the spec found in ``source`` into ``spec_root/<name>``.

    The new folder is built beside the old one and swapped in; on any error the
    old folder is left as it was."""
    with tempfile.TemporaryDirectory(prefix="ocigen-source-") as tmp:
        tree, info = _open_source(Path(source), Path(tmp))
        return _install(tree, info, Path(spec_root))


def _install(tree: _Tree, info: dict[str, str | None], spec_root: Path) -> ImportResult:
    dest = spec_root / tree.spec
    old_files: dict[str, str] = {}
    if (dest / PROVENANCE).exists():
        old_files = read_provenance(dest)["files"]
    spec_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{tree.spec}.new-", dir=spec_root))
    try:
        os.chmod(staging, 0o755)
        # Keep everything that the previous import did not vendor.
        if dest.is_dir():
            for dirpath, dirnames, filenames in os.walk(dest):
                links = [
                    d for d in dirnames if os.path.islink(os.path.join(dirpath, d))
                ]
                for name in filenames + links:
                    path = Path(dirpath, name)
                    rel = path.relative_to(dest).as_posix()
                    if rel == PROVENANCE or rel in old_files:
                        continue
                    if rel in tree.files:
                        raise SpecSourceError(
                            f"{dest}/{rel} is not a file of the previous import; "
                            "move it away before importing"
                        )
                    (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, staging / rel, follow_symlinks=False)
        hashes = {}
        for rel, path in sorted(tree.files.items()):
            data = path.read_bytes()
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            (staging / rel).write_bytes(data)
            hashes[rel] = hashlib.sha256(data).hexdigest()
        version = _go_version(staging / "specs-go")
        differences = _load_differences(
            staging / DIFFERENCES, tree.package, tree.package_version
        )
        provenance = {
            "spec": tree.spec,
            "version": version,
            "source": info,
            "differences_from_upstream": [
                {"file": d.file, "description": d.description} for d in differences
            ],
            "files": hashes,
        }
        (staging / PROVENANCE).write_text(
            json.dumps(provenance, sort_keys=True, indent=2) + "\n", "utf-8"
        )
        if dest.exists():
            trash = staging.with_name(staging.name.replace(".new-", ".old-"))
            os.replace(dest, trash)
            try:
                os.replace(staging, dest)
            except BaseException:
                os.replace(trash, dest)
                raise
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(staging, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ImportResult(
        spec=tree.spec,
        version=version,
        spec_dir=dest,
        source=info,
        files=tuple(sorted(hashes)),
        added=tuple(sorted(set(hashes) - set(old_files))),
        removed=tuple(sorted(set(old_files) - set(hashes))),
        changed=tuple(
            sorted(r for r in hashes if r in old_files and old_files[r] != hashes[r])
        ),
        differences=tuple(differences),
    )


# --- checking -----------------------------------------------------------------


def verify_provenance(spec_dir: Path) -> list[str]:
    """Problems with the vendored files of ``spec_dir``; empty when intact."""
    try:
        provenance = read_provenance(spec_dir)
    except SpecSourceError as e:
        return [str(e)]
    problems = []
    if provenance.get("spec") != spec_dir.name:
        problems.append(
            f"provenance is for {provenance.get('spec')!r}, folder is {spec_dir.name!r}"
        )
    recorded: dict[str, str] = provenance["files"]
    for rel, digest in sorted(recorded.items()):
        path = spec_dir / rel
        if not path.is_file():
            problems.append(f"missing file: {rel}")
        elif sha256_file(path) != digest:
            problems.append(f"hash mismatch: {rel}")
    for dirpath, dirnames, filenames in os.walk(spec_dir):
        dirnames.sort()
        for name in sorted(filenames):
            rel = Path(dirpath, name).relative_to(spec_dir).as_posix()
            if is_vendored(rel) and rel not in recorded:
                problems.append(f"extra vendored file: {rel}")
    return problems


def spec_status(spec_root: Path) -> list[SpecStatus]:
    statuses = []
    for spec_dir in sorted(p for p in Path(spec_root).iterdir() if p.is_dir()):
        if spec_dir.name.startswith("."):
            continue  # an import in progress, or one that crashed
        problems = verify_provenance(spec_dir)
        version = package = None
        try:
            provenance = read_provenance(spec_dir)
            version = provenance.get("version")
            src = provenance.get("source", {})
            package = (
                f"{src.get('package')} {src.get('package_version')}"
                if src.get("package")
                else f"{src.get('kind')} {src.get('file')}"
            )
        except SpecSourceError:
            pass
        statuses.append(
            SpecStatus(spec_dir.name, version, package, not problems, tuple(problems))
        )
    return statuses


# --- command line -------------------------------------------------------------


def _error(message: str) -> int:
    print(f"ocigen: error: {message}", file=sys.stderr)
    return 2


def _cmd_import(args: argparse.Namespace) -> int:
    try:
        result = import_spec(Path(args.path), Path(args.spec_root))
    except (SpecSourceError, OSError) as e:
        return _error(str(e))
    src = result.source
    origin = (
        f"{src['package']} {src['package_version']}" if src["package"] else src["file"]
    )
    print(
        f"imported {result.spec} {result.version} from {origin} into {result.spec_dir}: "
        f"{len(result.files)} files ({len(result.added)} added, "
        f"{len(result.changed)} changed, {len(result.removed)} removed)"
    )
    for d in result.differences:
        print(f"  differs from upstream: {d.file}: {d.description}")
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    root = Path(args.spec_root)
    if not root.is_dir():
        return _error(f"{root}: no such directory")
    statuses = spec_status(root)
    for s in statuses:
        state = "intact" if s.intact else f"{len(s.problems)} problem(s)"
        print(f"{s.name} {s.version or '?'} ({s.package or 'unknown source'}): {state}")
        for problem in s.problems:
            print(f"  {problem}")
    broken = [s.name for s in statuses if not s.intact]
    if broken:
        return _error(f"vendored spec(s) not intact: {', '.join(broken)}")
    return _generated_status(root, Path(getattr(args, "out", "generated")))


def _generated_versions(out: Path) -> str | None:
    """The spec versions ``out/oci_spec`` says it was generated from."""
    import ast

    try:
        tree = ast.parse((out / "oci_spec" / "__init__.py").read_text("utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == ["SPEC_VERSIONS"]
        ):
            value = node.value
            if isinstance(value, ast.Call) and len(value.args) == 1:
                value = value.args[0]  # MappingProxyType({...}): read-only
            try:
                versions = ast.literal_eval(value)
            except ValueError:
                return None
            if isinstance(versions, dict):
                return ", ".join(f"{k} {v}" for k, v in versions.items())
    return None


def _generated_status(spec_root: Path, out: Path) -> int:
    """Is ``out`` what the vendored specs generate?  0 yes (or nothing to check),
    1 stale, 2 the specs do not generate."""
    from generator import files, pipeline
    from generator.config import MAPPING_FILE
    from generator.errors import GeneratorError

    if not out.is_dir():
        print(f"{out}: not checked (no such directory)")
        return 0
    if not any((d / MAPPING_FILE).is_file() for d in spec_root.iterdir()):
        print(f"{out}: not checked (no spec folder with {MAPPING_FILE})")
        return 0
    try:
        rendered = pipeline.render(pipeline.load(spec_root, spec_root.as_posix()))
    except GeneratorError as e:
        return _error(f"{out} not checked, the specs do not generate: {e}")
    drift = files.compare(rendered, out)
    made_from = _generated_versions(out)
    label = f"{out} (generated from {made_from})" if made_from else str(out)
    if drift.clean:
        print(f"{label}: up to date ({len(rendered)} files)")
        return 0
    print(
        f"{label}: out of date: {len(drift.stale)} stale, {len(drift.missing)} "
        f"missing, {len(drift.orphan)} orphan file(s); run: make generate, "
        "then review with: ocigen diff"
    )
    for name in drift.stale + drift.missing + drift.orphan:
        print(f"  {out}/{name}")
    return 1


def add_cli(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``spec import`` and ``spec status`` to an ocigen subparsers object."""
    spec = subparsers.add_parser(
        "spec", help="vendor and check the OCI specs under spec/"
    )
    commands = spec.add_subparsers(dest="spec_command", required=True)
    imp = commands.add_parser(
        "import", help="vendor a spec from a .deb, a tarball or a directory"
    )
    imp.add_argument("path", help="a golang-*-dev .deb, a tarball or a directory")
    status = commands.add_parser(
        "status",
        help="check the vendored specs against provenance.json and whether "
        "the output folder is up to date (exit 1 if stale, 2 if not intact)",
    )
    status.add_argument(
        "--out", default="generated", help="output folder to check (default: generated)"
    )
    for p in (imp, status):
        p.add_argument(
            "--spec-root",
            default="spec",
            help="folder holding the specs (default: spec)",
        )
    imp.set_defaults(func=_cmd_import)
    status.set_defaults(func=_cmd_status)
