"""Read a source of ``spec import``: what spec it holds, which of its files are
vendored, and where it comes from.

A source is a ``git archive`` tarball of a release tag (with or without a
prefix, plain or compressed), an upstream checkout, a Debian ``golang-*-dev``
package (.deb), or an extracted tree of any of these.  The spec is recognised
by its Go module path (go.mod, the Debian gocode path, an import of its own
packages, or the checkout's remote), matched against the ``[go] module`` of the
mapping files under ``spec/``; a spec seen for the first time is named after its
repository.  Only a checkout needs the git program (gitrepo.py): the commit id
of a tarball is read from the pax header ``git archive`` writes.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import os
import re
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from . import gitrepo
from .config import MAPPING_FILE
from .vendored import DEFAULT_VERSION_PACKAGE, SpecConfig, SpecSourceError

TARBALL_SUFFIXES = (".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tar")
GOCODE = PurePosixPath("usr/share/gocode/src")  # Debian's GOPATH for -dev packages


# --- unpacking ----------------------------------------------------------------


def _safe_parts(name: str, display: str) -> tuple[str, ...]:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name:
        raise SpecSourceError(f"{display}: refusing unsafe member path {name!r}")
    return tuple(p for p in path.parts if p != ".")


def _tar_head(data: bytes, size: int) -> bytes:
    """The first ``size`` bytes of the tar stream inside a (compressed) tarball."""
    opener: Any = None
    if data[:2] == b"\x1f\x8b":
        opener = lambda f: gzip.GzipFile(fileobj=f)  # noqa: E731
    elif data[:6] == b"\xfd7zXZ\x00":
        opener = lzma.LZMAFile
    elif data[:3] == b"BZh":
        opener = bz2.BZ2File
    if opener is None:
        return data[:size]
    try:
        with opener(io.BytesIO(data)) as f:
            head: bytes = f.read(size)
            return head
    except (OSError, EOFError, lzma.LZMAError, zlib.error):
        return b""  # extraction reports the damage


def tar_commit_id(data: bytes) -> str | None:
    """The commit id ``git archive`` writes into a tarball, read as ``git
    get-tar-commit-id`` does: the first header is a pax global header (type
    "g") whose first record is ``<length> comment=<hex id>\\n``."""
    head = _tar_head(data, 1024)
    if len(head) < 1024 or head[156:157] != b"g":
        return None
    m = re.match(rb"(\d+) comment=", head[512:])
    if m is None:
        return None
    value = head[512 + m.end() : 512 + int(m.group(1))]
    if not value.endswith(b"\n"):
        return None
    oid = value[:-1].decode("ascii", "replace")
    return oid if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", oid) else None


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
    except (
        tarfile.TarError,
        EOFError,
        lzma.LZMAError,
        zlib.error,
        gzip.BadGzipFile,
    ) as e:
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


# --- what the source holds -----------------------------------------------------


@dataclass(frozen=True)
class _Found:
    root: Path  # the spec's top folder in the source
    display: str  # how messages name it: "x.tar/runtime-spec-1.3.0"
    import_path: str | None  # from a Debian gocode path
    deb_root: Path | None  # filesystem root of an extracted Debian package


def _locate(root: Path, display: str, version_packages: set[str]) -> _Found:
    """The spec's top folder: the one holding a version package (a folder of Go
    files such as specs-go/), below a Debian gocode tree or a tarball prefix."""

    def is_spec(d: Path) -> bool:
        return any(
            (d / vp).is_dir() and any((d / vp).glob("*.go")) for vp in version_packages
        )

    wanted = ", ".join(f"{vp}/" for vp in sorted(version_packages))
    start = root
    while True:
        gocode = root / GOCODE
        if gocode.is_dir():  # an extracted .deb
            found = []
            for dirpath, dirnames, _ in os.walk(gocode):
                here = Path(dirpath)
                dirnames[:] = sorted(d for d in dirnames if not (here / d).is_symlink())
                if is_spec(here):
                    found.append(here)
                    dirnames[:] = []
            if len(found) != 1:
                names = ", ".join(p.relative_to(gocode).as_posix() for p in found)
                what = f"{len(found)} specs ({names})" if found else "no spec"
                raise SpecSourceError(
                    f"{display}: contains {what} below {GOCODE} (a spec holds Go files in {wanted})"
                )
            spec = found[0]
            where = spec.relative_to(start).as_posix()
            return _Found(
                spec, f"{display}/{where}", spec.relative_to(gocode).as_posix(), root
            )
        if is_spec(root):
            where = root.relative_to(start).as_posix()
            import_path = deb_root = None
            parts = root.parts
            for i in range(len(parts) - len(GOCODE.parts)):  # a gocode dir given
                if parts[i : i + len(GOCODE.parts)] == GOCODE.parts:
                    deb_root = Path(*parts[:i])
                    import_path = "/".join(parts[i + len(GOCODE.parts) :])
            return _Found(
                root,
                display if where == "." else f"{display}/{where}",
                import_path,
                deb_root,
            )
        entries = [e for e in root.iterdir() if not e.name.startswith(".")]
        if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
            root = entries[0]  # e.g. the "image-spec-1.1.1/" of a release tarball
            continue
        raise SpecSourceError(
            f"{display}: not a spec: no folder of Go files {wanted} "
            f"(nor a Debian {GOCODE} tree holding one)"
        )


_IMPORTS = re.compile(r'^import\s*(?:\(([^)]*)\)|(?:[\w.]+\s+)?"([^"]+)")', re.M)


def _go_sources(root: Path) -> list[PurePosixPath]:
    """go.mod and *.go files of a tree, outside vendor/ and testdata/."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("vendor", "testdata"))
        rel_dir = PurePosixPath(Path(dirpath).relative_to(root).as_posix())
        found += [
            rel_dir / n for n in sorted(filenames) if n == "go.mod" or n.endswith(".go")
        ]
    return found


def _repository(
    found: _Found, given: str | None, origin: Callable[[], str | None] | None
) -> tuple[str, str]:
    """(Go module path of the spec's repository, how it was found); ``origin``
    asks a checkout for its origin remote's URL, the last resort."""
    if given:
        return given.strip("/"), "given with --repository"
    sources = _go_sources(found.root)
    visible = [p for p in sources if not any(s.startswith(".") for s in p.parts)]
    modules: dict[str, str] = {}
    for rel in (p for p in visible if p.name == "go.mod"):
        text = (found.root / rel).read_text("utf-8", "replace")
        m = re.search(r"^module\s+\"?([^\s\"]+)", text, re.M)
        sub = rel.parent.as_posix()
        if m is None or not (sub == "." or m.group(1).endswith("/" + sub)):
            continue  # not the module of this folder: not a hint
        modules[m.group(1).removesuffix("/" + sub)] = f"module path in {rel}"
    if len(modules) > 1:
        raise SpecSourceError(
            f"{found.display}: go.mod files name different modules "
            f"({', '.join(sorted(modules))}); say which with --repository"
        )
    if modules:
        [(module, how)] = modules.items()
        return module, how
    if found.import_path:
        return found.import_path, f"Debian gocode path {GOCODE}/{found.import_path}"
    # An import of one of its own packages, e.g. ".../runtime-spec/specs-go" (in
    # any Go file, even tooling); the longest package folder that fits wins.
    go_dirs = sorted(
        {p.parent.as_posix() for p in visible if p.suffix == ".go"} - {"."},
        key=len,
        reverse=True,
    )
    for rel in (p for p in sources if p.suffix == ".go"):
        text = (found.root / rel).read_text("utf-8", "replace")
        for block, one in _IMPORTS.findall(text):
            for path in re.findall(r'"([^"]+)"', block) if block else [one]:
                d = next((d for d in go_dirs if path.endswith("/" + d)), None)
                if d is not None:
                    return path.removesuffix("/" + d), f"import {path!r} in {rel}"
    url = origin() if origin is not None else None
    path = gitrepo.remote_path(url) if url else None
    if path:
        return path, "the checkout's remote origin"
    raise SpecSourceError(
        f"{found.display}: cannot tell which repository this spec comes from "
        "(no go.mod, no import of its own packages, no git remote); "
        "say it with --repository, e.g. github.com/<owner>/<name>"
    )


def _strip_major(module: str) -> str:
    """The repository of a module path: without a major version suffix (/v2)."""
    head, _, last = module.rpartition("/")
    return head if head and re.fullmatch(r"v\d+", last) else module


def _debian_doc(root: Path, repository: str) -> tuple[str, Path, str | None] | None:
    """(package, copyright file, version from changelog.Debian.gz) of the Debian
    package whose copyright file names ``repository`` as its Source."""
    source_line = re.compile(
        rf"^Source:\s*https?://{re.escape(repository)}(?:\.git)?/?\s*$", re.M
    )
    for copyright in sorted(root.glob("usr/share/doc/*/copyright")):
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


@dataclass(frozen=True)
class Tree:
    spec: SpecConfig
    display: str  # the spec's top folder as messages name it
    files: dict[str, Path]  # path in the spec folder -> file to copy
    repository: tuple[str, str]  # (module path, how it was found)
    package: str | None
    package_version: str | None


def _read_tree(
    found: _Found,
    known: list[SpecConfig],
    given_repo: str | None,
    origin: Callable[[], str | None] | None = None,
) -> Tree:
    module, how = _repository(found, given_repo, origin)
    repository = _strip_major(module)
    config = next(
        (c for c in known if c.module and _strip_major(c.module) == repository), None
    )
    if config is None:
        name = repository.rsplit("/", 1)[-1]
        config = next((c for c in known if c.name == name), None)
        if config is not None and config.module:
            raise SpecSourceError(
                f"{found.display}: comes from {repository}, but the existing spec/{name} "
                f"is mapped to module {config.module!r} ([go] module in its {MAPPING_FILE})"
            )
        config = config or SpecConfig(name, module)
    files: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(found.root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath, name)
            rel = path.relative_to(found.root).as_posix()
            if config.vendor.matches(rel) and path.is_file() and not path.is_symlink():
                files[rel] = path
    package = package_version = None
    doc = (
        _debian_doc(found.deb_root, repository) if found.deb_root is not None else None
    )
    if doc is not None:
        package, copyright, package_version = doc
        if "copyright" in files:
            raise SpecSourceError(
                f"{found.display}: both an upstream and a Debian copyright file"
            )
        files["copyright"] = copyright
    if "LICENSE" not in files and "copyright" not in files:
        raise SpecSourceError(
            f"{found.display}: no licence file (LICENSE, or Debian's "
            "usr/share/doc/<package>/copyright)"
        )
    return Tree(
        config, found.display, files, (repository, how), package, package_version
    )


# --- the source ---------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    tree: Tree
    info: dict[str, str | None]  # provenance "source"
    commit: tuple[str | None, str]  # (commit id, how it was found)
    tags: tuple[str, ...] | None  # a checkout's tags at the commit; None: no tags


def open_source(
    source: Path, tmp: Path, known: list[SpecConfig], repository: str | None
) -> Source:
    """Read ``source``; archives are extracted into ``tmp``."""
    display = str(source)
    version_packages = {DEFAULT_VERSION_PACKAGE} | {c.version_package for c in known}
    if source.is_dir():
        return _open_folder(source, display, known, repository, version_packages)
    if not source.is_file():
        raise SpecSourceError(f"{display}: no such file or directory")
    data = source.read_bytes()
    control: dict[str, str] = {}
    commit: tuple[str | None, str]
    if source.name.endswith(".deb"):
        kind, commit = "deb", (None, "unknown: a Debian package carries no commit id")
        control = _unpack_deb(data, tmp, display)
    elif source.name.endswith(TARBALL_SUFFIXES):
        kind, oid = "tarball", tar_commit_id(data)
        commit = (
            (oid, "the pax header git archive writes, read as git get-tar-commit-id does")
            if oid
            else (None, "unknown: the tarball carries no commit id; git archive would have written one")
        )  # fmt: skip
        _extract_tar(data, tmp, display)
    else:
        raise SpecSourceError(
            f"{display}: unsupported source; expected a .deb, a tarball "
            f"({', '.join(TARBALL_SUFFIXES)}) or a directory"
        )
    tree = _read_tree(_locate(tmp, display, version_packages), known, repository)
    if control:  # the control file is authoritative for the binary package
        tree = replace(
            tree, package=control.get("Package"), package_version=control.get("Version")
        )
    sha = hashlib.sha256(data).hexdigest()
    return Source(tree, _info(kind, source, tree, sha), commit, None)


def _info(
    kind: str, source: Path, tree: Tree, sha: str | None
) -> dict[str, str | None]:
    return {
        "kind": kind,
        "package": tree.package,
        "package_version": tree.package_version,
        "file": source.name or str(source),
        "sha256": sha,
    }


def _open_folder(
    source: Path,
    display: str,
    known: list[SpecConfig],
    repository: str | None,
    version_packages: set[str],
) -> Source:
    """A directory: a checkout when it or the spec's folder in it is the top of
    one (git finds no repository above it: a tree extracted inside some other
    checkout is a directory), else a plain directory, read without git."""
    folder = source.resolve()  # also locates the Debian root of a gocode dir
    found = _locate(folder, display, version_packages)
    top = next((d for d in (folder, found.root) if gitrepo.has_git_metadata(d)), None)
    if top is None:
        tree = _read_tree(found, known, repository)
        commit = (None, "unknown: the directory has no git metadata")
        return Source(tree, _info("directory", source, tree, None), commit, None)
    checkout = gitrepo.Checkout(found.root, top)
    try:
        head = checkout.head()
        tree = _read_tree(found, known, repository, checkout.origin_url)
        _refuse_changes(checkout, head, tree)
        tags = checkout.tags_at(head)
    except gitrepo.GitError as e:
        raise SpecSourceError(f"{display}: {e}") from None
    info = _info("checkout", source, tree, None)
    return Source(tree, info, (head, "HEAD of the checkout"), tags)


def _refuse_changes(checkout: gitrepo.Checkout, head: str, tree: Tree) -> None:
    """Refuse a working tree whose vendored files are not those of HEAD, byte for
    byte (provenance would name the wrong commit): modified, not in HEAD
    ("untracked", staged or not) or deleted.  git status and git diff would
    compare through the index and the eol and clean filters, so a checkout
    with core.autocrlf would pass with other bytes than the commit's."""
    committed = checkout.tree(head)
    paths = sorted(tree.files)
    blobs = dict(zip(paths, checkout.blob_ids([str(tree.files[p]) for p in paths])))
    modified = [
        p for p in paths
        if p in committed and (committed[p].mode == 0o120000 or committed[p].oid != blobs[p])
    ]  # fmt: skip
    untracked = [p for p in paths if p not in committed]
    deleted = sorted(
        p
        for p, entry in committed.items()
        if entry.mode in (0o100644, 0o100755)
        and tree.spec.vendor.matches(p)
        and p not in tree.files
    )
    changes = [
        f"{label}: {', '.join(names)}"
        for label, names in (
            ("modified", modified),
            ("untracked", untracked),
            ("deleted", deleted),
        )
        if names
    ]
    if changes:
        raise SpecSourceError(
            f"{tree.display}: the checkout differs from its HEAD commit {head} "
            f"({'; '.join(changes)}); commit or stash the changes, or import a "
            "`git archive` of the tag"
        )
