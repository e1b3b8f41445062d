"""Vendor a spec into ``spec/<name>/`` and check what was vendored.

A source is a ``git archive`` tarball of a release tag (with or without a
prefix, plain or compressed), an upstream checkout, a Debian ``golang-*-dev``
package (.deb), or an extracted tree of any of these.  The spec is recognised
by its Go module path (go.mod, the Debian gocode path, an import of its own
packages, or the checkout's remote), matched against the ``[go] module`` of the
mapping files under ``spec/``; a spec seen for the first time is named after its
repository.  What is vendored is declared by ``[vendor] include``/``exclude`` in
the spec's ``ocigen.toml`` (``DEFAULT_INCLUDE``/``DEFAULT_EXCLUDE`` otherwise).

``provenance.json`` records the upstream repository, tag and commit (each with
how it was found), the source file and the sha256 of every vendored file, so
that ``spec status`` can tell when the vendored copy was edited.  Files of the
spec folder that are not vendored (``ocigen.toml``, ``strict.toml``,
``upstream-differences.toml``, ...) are kept as they are.
"""

from __future__ import annotations

import argparse
import bz2
import functools
import gzip
import hashlib
import io
import json
import lzma
import os
import re
import shutil
import sys
import tarfile
import tempfile
import tomllib
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from . import gitrepo
from .config import MAPPING_FILE

PROVENANCE = "provenance.json"
DIFFERENCES = "upstream-differences.toml"
TARBALL_SUFFIXES = (".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tar")
GOCODE = PurePosixPath("usr/share/gocode/src")  # Debian's GOPATH for -dev packages

# Defaults for a spec whose mapping file does not say otherwise.  Patterns are
# globs on paths inside the spec's tree: ``*`` stays within one folder, ``**``
# spans folders, and neither matches a name starting with "." (.github, .tool).
DEFAULT_VERSION_PACKAGE = "specs-go"
# [spec] version: Go constants of the version package, {Name} replaced by the value.
DEFAULT_VERSION_FORMAT = "{VersionMajor}.{VersionMinor}.{VersionPatch}{VersionDev}"
DEFAULT_INCLUDE = (
    "LICENSE",
    "**/*.md",  # the spec text
    "go.mod",
    "specs-go/**/*.go",
    "specs-go/**/go.mod",
    "schema/**/*.json",  # the schemas and their test documents
    "schema/*.go",  # upstream's validator and its test tables
)
DEFAULT_EXCLUDE = (
    "specs-go/**/*_test.go",
    "conformance/**",  # test suites for implementations, not the spec
)


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
    upstream: dict[str, str | None]  # repository, tag, commit and how each was found
    files: tuple[str, ...]  # vendored files, sorted
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    differences: tuple[Difference, ...]
    mapped: bool  # the spec folder has a mapping file


@dataclass(frozen=True)
class SpecStatus:
    name: str
    version: str | None
    # "golang-...-dev 1.1.1-3", or "<kind> <file>" for non-Debian sources
    package: str | None
    intact: bool
    problems: tuple[str, ...]
    # {} for a provenance written before tags were recorded
    upstream: dict[str, str | None]
    mapped: bool


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- what a spec folder declares ------------------------------------------------


@functools.lru_cache(maxsize=None)
def _glob(pattern: str) -> re.Pattern[str]:
    parts = pattern.split("/")
    out = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":  # any number of folders; at the end: everything below
            out.append(r"[^/.][^/]*(?:/[^/.][^/]*)*" if last else r"(?:[^/.][^/]*/)*")
            continue
        seg = "" if part.startswith(".") else r"(?!\.)"
        seg += "".join(
            "[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in part
        )
        out.append(seg if last else seg + "/")
    return re.compile("".join(out) + r"\Z")


@dataclass(frozen=True)
class VendorRules:
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE

    def matches(self, rel: str) -> bool:
        """Whether a path of the upstream tree (relative to its top) is vendored."""
        return any(_glob(p).match(rel) for p in self.include) and not any(
            _glob(p).match(rel) for p in self.exclude
        )


@dataclass(frozen=True)
class SpecConfig:
    """What import and status read of a spec folder: its mapping file when there
    is one, else defaults (and the repository its provenance records)."""

    name: str
    module: str | None  # Go module path of the repository
    version_package: str
    version_format: str
    vendor: VendorRules
    mapped: bool


def _default_config(name: str, module: str | None) -> SpecConfig:
    """A spec without a mapping file: the defaults."""
    return SpecConfig(
        name,
        module,
        DEFAULT_VERSION_PACKAGE,
        DEFAULT_VERSION_FORMAT,
        VendorRules(),
        False,
    )


def _toml_error(file: str, e: tomllib.TOMLDecodeError) -> SpecSourceError:
    found = re.search(r"at line (\d+)", str(e))
    return SpecSourceError(
        f"{file}:{found.group(1) if found else 0}: not valid TOML: {e}"
    )


def spec_config(spec_dir: Path, display: str | None = None) -> SpecConfig:
    display = display or spec_dir.as_posix()
    path = spec_dir / MAPPING_FILE
    if not path.is_file():
        module = None
        if (spec_dir / PROVENANCE).is_file():
            upstream = read_provenance(spec_dir).get("upstream") or {}
            module = upstream.get("repository")
        return _default_config(spec_dir.name, module)
    file = f"{display}/{MAPPING_FILE}"
    text = path.read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise _toml_error(file, e) from None
    vendor = data.get("vendor", {})
    rules = {}
    for key in ("include", "exclude"):
        value = vendor.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not all(
            isinstance(v, str) and v for v in value
        ):
            line = text.count("\n", 0, max(text.find(f"{key} ="), 0)) + 1
            raise SpecSourceError(
                f"{file}:{line}: [vendor] {key} must be a list of glob patterns"
            )
        rules[key] = tuple(value)
    spec, go = data.get("spec", {}), data.get("go", {})
    return SpecConfig(
        name=spec_dir.name,
        module=go.get("module"),
        version_package=spec.get("version_package", DEFAULT_VERSION_PACKAGE),
        version_format=spec.get("version", DEFAULT_VERSION_FORMAT),
        vendor=VendorRules(**rules),
        mapped=True,
    )


def _known_specs(spec_root: Path) -> list[SpecConfig]:
    if not spec_root.is_dir():
        return []
    return [
        spec_config(d)
        for d in sorted(spec_root.iterdir())
        if d.is_dir()
        and not d.name.startswith(".")
        and ((d / MAPPING_FILE).is_file() or (d / PROVENANCE).is_file())
    ]


# --- reading a source ---------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    root: Path  # the spec's top folder in the source
    display: str  # how messages name it: "x.tar/runtime-spec-1.3.0"
    import_path: str | None  # from a Debian gocode path
    deb_root: Path | None  # filesystem root of an extracted Debian package


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
    found: _Found, given: str | None, repo: gitrepo.Repo | None
) -> tuple[str, str]:
    """(Go module path of the spec's repository, how it was found)."""
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
    url = repo.remote_url() if repo is not None else None
    if url and gitrepo.remote_path(url):
        return str(gitrepo.remote_path(url)), "the checkout's remote origin"
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
class _Tree:
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
    repo: gitrepo.Repo | None,
) -> _Tree:
    module, how = _repository(found, given_repo, repo)
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
        config = config or _default_config(name, module)
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
    return _Tree(
        config, found.display, files, (repository, how), package, package_version
    )


# --- git metadata of a checkout ---------------------------------------------------


@dataclass(frozen=True)
class _Git:
    head: str
    tags: tuple[str, ...]  # tags pointing at HEAD


def _git_state(repo: gitrepo.Repo, worktree: Path, tree: _Tree, root: Path) -> _Git:
    """HEAD and its tags; refuses a working tree whose vendored files are not
    those of HEAD, since provenance would then name the wrong commit."""
    head = repo.head()
    prefix = root.relative_to(worktree).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    committed = repo.tree_files(head)
    modified, untracked = [], []
    for rel, path in sorted(tree.files.items()):
        entry = committed.get(prefix + rel)
        if entry is None:
            untracked.append(rel)
        elif entry.mode == 0o120000 or repo.blob_id(path.read_bytes()) != entry.oid:
            modified.append(rel)
    missing = sorted(
        p.removeprefix(prefix)
        for p, entry in committed.items()
        if p.startswith(prefix)
        and entry.mode in (0o100644, 0o100755)
        and tree.spec.vendor.matches(p.removeprefix(prefix))
        and p.removeprefix(prefix) not in tree.files
    )
    changes = [
        f"{label}: {', '.join(names)}"
        for label, names in (
            ("modified", modified),
            ("untracked", untracked),
            ("deleted", missing),
        )
        if names
    ]
    if changes:
        raise SpecSourceError(
            f"{tree.display}: the checkout differs from its HEAD commit {head} "
            f"({'; '.join(changes)}); commit or stash the changes, or import a "
            "`git archive` of the tag"
        )
    tags = tuple(sorted(t for t, commit in repo.tags().items() if commit == head))
    return _Git(head, tags)


# --- importing ----------------------------------------------------------------


def _go_version(staging: Path, tree: _Tree) -> str:
    """The upstream version: the mapping file's [spec] version format with each
    {Name} replaced by that constant of the version package."""
    from .constants import VERSION_FIELD
    from .golang import GoError, read_package

    vp = tree.spec.version_package
    try:
        package = read_package(staging / vp, f"{tree.display}/{vp}")
    except GoError as e:
        raise SpecSourceError(str(e)) from e
    consts = {c.name: c.value for c in package.consts}
    fields = VERSION_FIELD.findall(tree.spec.version_format)
    missing = [n for n in fields if consts.get(n) is None]
    if missing:
        raise SpecSourceError(
            f"{tree.display}/{vp}: no constant {', '.join(missing)} for the version "
            f"{tree.spec.version_format!r}"
        )
    return VERSION_FIELD.sub(
        lambda m: str(consts[m.group(1)]), tree.spec.version_format
    )


def _check_parses(staging: Path, tree: _Tree) -> None:
    """Every vendored Go file is Go and every schema is JSON (errors name the
    file in the source): nothing broken is vendored."""
    from .errors import GeneratorError
    from .golang import GoError, check_syntax
    from .schema import Schemas

    for rel in sorted(tree.files):
        if rel.endswith(".go"):
            try:
                check_syntax(staging / rel, f"{tree.display}/{rel}")
            except GoError as e:
                raise SpecSourceError(str(e)) from e
    if (staging / "schema").is_dir():  # where the generator reads the schemas
        try:
            Schemas(staging / "schema", f"{tree.display}/schema")
        except GeneratorError as e:
            raise SpecSourceError(str(e)) from e


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


@dataclass(frozen=True)
class _Source:
    tree: _Tree
    info: dict[str, str | None]  # provenance "source"
    commit: tuple[str | None, str]  # (commit id, how it was found)
    git: _Git | None


def _open_source(
    source: Path, tmp: Path, known: list[SpecConfig], repository: str | None
) -> _Source:
    display = str(source)
    version_packages = {DEFAULT_VERSION_PACKAGE} | {c.version_package for c in known}
    repo = git = None
    control: dict[str, str] = {}
    commit: tuple[str | None, str]
    if source.is_dir():
        worktree = source.resolve()  # also locates the Debian root of a gocode dir
        found = _locate(worktree, display, version_packages)
        try:
            gitdir = gitrepo.find_gitdir(worktree)
            if gitdir is None and found.root != worktree:
                worktree = found.root
                gitdir = gitrepo.find_gitdir(worktree)
            repo = gitrepo.Repo(gitdir) if gitdir is not None else None
        except (gitrepo.GitError, OSError) as e:
            raise SpecSourceError(f"{display}: {e}") from e
        kind, sha = ("checkout" if repo else "directory"), None
    elif source.is_file():
        data = source.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if source.name.endswith(".deb"):
            control = _unpack_deb(data, tmp, display)
            kind, commit = "deb", (
                None,
                "unknown: a Debian package carries no commit id",
            )
        elif source.name.endswith(TARBALL_SUFFIXES):
            oid = tar_commit_id(data)
            _extract_tar(data, tmp, display)
            kind = "tarball"
            commit = (
                (
                    oid,
                    "the pax header git archive writes, read as git get-tar-commit-id does",
                )
                if oid
                else (
                    None,
                    "unknown: the tarball carries no commit id; git archive would have written one",
                )
            )
        else:
            raise SpecSourceError(
                f"{display}: unsupported source; expected a .deb, a tarball "
                f"({', '.join(TARBALL_SUFFIXES)}) or a directory"
            )
        found = _locate(tmp, display, version_packages)
    else:
        raise SpecSourceError(f"{display}: no such file or directory")
    tree = _read_tree(found, known, repository, repo)
    if control:  # the control file is authoritative for the binary package
        tree = _Tree(
            tree.spec, tree.display, tree.files, tree.repository,
            control.get("Package"), control.get("Version"),
        )  # fmt: skip
    if repo is not None:
        try:
            git = _git_state(repo, worktree, tree, found.root)
        except gitrepo.GitError as e:
            raise SpecSourceError(f"{display}: {e}") from e
        commit = (git.head, "HEAD of the checkout")
    elif source.is_dir():
        commit = (None, "unknown: the directory has no git metadata")
    info = {
        "kind": kind,
        "package": tree.package,
        "package_version": tree.package_version,
        "file": source.name or display,
        "sha256": sha,
    }
    return _Source(tree, info, commit, git)


def _tag(src: _Source, version: str, given: str | None) -> tuple[str | None, str]:
    """(tag, how it was found)."""
    if src.git is not None:
        if given:
            if given not in src.git.tags:
                raise SpecSourceError(
                    f"{src.tree.display}: tag {given!r} does not point at HEAD "
                    f"{src.git.head} (tags there: {', '.join(src.git.tags) or 'none'})"
                )
            return given, "--tag, checked: it points at HEAD"
        if not src.git.tags:
            return None, f"none: no tag points at HEAD {src.git.head}"
        preferred = f"v{version}"
        tag = preferred if preferred in src.git.tags else src.git.tags[0]
        others = [t for t in src.git.tags if t != tag]
        also = f"; also there: {', '.join(others)}" if others else ""
        return tag, f"the tag pointing at HEAD{also}"
    if given:
        return given, "given with --tag; not checked: the source carries no tags"
    if "dev" in version:
        return None, f"none: {version} is a development version, not a release"
    return f"v{version}", "inferred from the Go version constants; not checked"


def import_spec(
    source: Path, spec_root: Path, tag: str | None = None, repository: str | None = None
) -> ImportResult:
    """Vendor the spec found in ``source`` into ``spec_root/<name>``.

    The new folder is built beside the old one and swapped in; on any error the
    old folder is left as it was."""
    spec_root = Path(spec_root)
    known = _known_specs(spec_root)
    with tempfile.TemporaryDirectory(prefix="ocigen-source-") as tmp:
        src = _open_source(Path(source), Path(tmp), known, repository)
        return _install(src, tag, spec_root)


def _install(src: _Source, given_tag: str | None, spec_root: Path) -> ImportResult:
    tree = src.tree
    dest = spec_root / tree.spec.name
    old_files: dict[str, str] = {}
    if (dest / PROVENANCE).exists():
        old_files = read_provenance(dest)["files"]
    spec_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{tree.spec.name}.new-", dir=spec_root))
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
        _check_parses(staging, tree)
        version = _go_version(staging, tree)
        tag, tag_how = _tag(src, version, given_tag)
        differences = _load_differences(
            staging / DIFFERENCES, tree.package, tree.package_version
        )
        upstream = {
            "repository": tree.repository[0],
            "repository_from": tree.repository[1],
            "tag": tag,
            "tag_from": tag_how,
            "commit": src.commit[0],
            "commit_from": src.commit[1],
        }
        provenance = {
            "spec": tree.spec.name,
            "version": version,
            "upstream": upstream,
            "source": src.info,
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
        spec=tree.spec.name,
        version=version,
        spec_dir=dest,
        source=src.info,
        upstream=upstream,
        files=tuple(sorted(hashes)),
        added=tuple(sorted(set(hashes) - set(old_files))),
        removed=tuple(sorted(set(old_files) - set(hashes))),
        changed=tuple(
            sorted(r for r in hashes if r in old_files and old_files[r] != hashes[r])
        ),
        differences=tuple(differences),
        mapped=(dest / MAPPING_FILE).is_file(),
    )


# --- checking -----------------------------------------------------------------


def verify_provenance(spec_dir: Path) -> list[str]:
    """Problems with the vendored files of ``spec_dir``; empty when intact."""
    try:
        provenance = read_provenance(spec_dir)
        rules = spec_config(spec_dir).vendor
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
            if rules.matches(rel) and rel not in recorded:
                problems.append(f"extra vendored file: {rel}")
    return problems


def spec_status(spec_root: Path) -> list[SpecStatus]:
    statuses = []
    for spec_dir in sorted(p for p in Path(spec_root).iterdir() if p.is_dir()):
        if spec_dir.name.startswith("."):
            continue  # an import in progress, or one that crashed
        problems = verify_provenance(spec_dir)
        version = package = None
        upstream: dict[str, str | None] = {}
        try:
            provenance = read_provenance(spec_dir)
            version = provenance.get("version")
            upstream = provenance.get("upstream") or {}
            src = provenance.get("source", {})
            package = (
                f"{src.get('package')} {src.get('package_version')}"
                if src.get("package")
                else f"{src.get('kind')} {src.get('file')}"
            )
        except SpecSourceError:
            pass
        statuses.append(
            SpecStatus(
                spec_dir.name, version, package, not problems, tuple(problems),
                upstream, (spec_dir / MAPPING_FILE).is_file(),
            )  # fmt: skip
        )
    return statuses


# --- command line -------------------------------------------------------------


def _error(message: str) -> int:
    print(f"ocigen: error: {message}", file=sys.stderr)
    return 2


def describe_upstream(upstream: dict[str, str | None]) -> str:
    """ "tag v1.3.0, commit <id>" as status and import print it."""
    if not upstream:
        return "tag and commit not recorded"
    tag = upstream.get("tag") or "none"
    if upstream.get("tag") and str(upstream.get("tag_from", "")).startswith("inferred"):
        tag += " (inferred)"
    return f"tag {tag}, commit {upstream.get('commit') or 'unknown'}"


def _cmd_import(args: argparse.Namespace) -> int:
    try:
        result = import_spec(
            Path(args.path),
            Path(args.spec_root),
            tag=args.tag,
            repository=args.repository,
        )
    except (SpecSourceError, OSError) as e:
        return _error(str(e))
    src, up = result.source, result.upstream
    origin = (
        f"{src['package']} {src['package_version']}" if src["package"] else src["file"]
    )
    print(
        f"imported {result.spec} {result.version} ({up['repository']}, "
        f"{describe_upstream(up)}) from {origin} into {result.spec_dir}: "
        f"{len(result.files)} files ({len(result.added)} added, "
        f"{len(result.changed)} changed, {len(result.removed)} removed)"
    )
    for key in ("repository", "tag", "commit"):
        print(f"  {key}: {up[key] or '-'} ({up[key + '_from']})")
    for d in result.differences:
        print(f"  differs from upstream: {d.file}: {d.description}")
    if not result.mapped:
        print(
            f"  {result.spec_dir} has no {MAPPING_FILE}: write the mapping file before "
            "`ocigen generate` (see docs/updating.md)"
        )
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    root = Path(args.spec_root)
    if not root.is_dir():
        return _error(f"{root}: no such directory")
    statuses = spec_status(root)
    for s in statuses:
        state = "intact" if s.intact else f"{len(s.problems)} problem(s)"
        if not s.mapped:
            state += f", no {MAPPING_FILE} yet (needed before generate)"
        print(
            f"{s.name} {s.version or '?'}: {describe_upstream(s.upstream)} "
            f"({s.package or 'unknown source'}): {state}"
        )
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
        if isinstance(node, ast.Assign) and [
            getattr(t, "id", None) for t in node.targets
        ] == ["SPEC_VERSIONS"]:
            try:
                versions = ast.literal_eval(node.value)
            except ValueError:
                return None
            if isinstance(versions, dict):
                return ", ".join(f"{k} {v}" for k, v in versions.items())
    return None


def _generated_status(spec_root: Path, out: Path) -> int:
    """Is ``out`` what the vendored specs generate?  0 yes (or nothing to check),
    1 stale, 2 the specs do not generate."""
    from generator import files, pipeline
    from generator.errors import GeneratorError

    if not out.is_dir():
        print(f"{out}: not checked (no such directory)")
        return 0
    if not _known_specs(spec_root):
        print(f"{out}: not checked (no spec folder with {MAPPING_FILE})")
        return 0
    try:
        rendered = pipeline.render(
            pipeline.load(spec_root, spec_root.as_posix()), spec_root
        )
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
    spec = subparsers.add_parser("spec", help="vendor and check the specs under spec/")
    commands = spec.add_subparsers(dest="spec_command", required=True)
    imp = commands.add_parser(
        "import",
        help="vendor a spec from a git archive of a tag, a checkout, a .deb or a tarball",
    )
    imp.add_argument(
        "path",
        help="a `git archive` tarball of a release tag (.tar, .tar.gz, ...), an "
        "upstream checkout, a golang-*-dev .deb, or a folder holding one of these",
    )
    imp.add_argument(
        "--tag",
        help="the release tag the source was made from (checked against a "
        "checkout's refs; recorded as given for a tarball or a .deb)",
    )
    imp.add_argument(
        "--repository",
        help="the upstream repository as a Go module path (github.com/<owner>/<name>), "
        "when the source does not say (no go.mod, no git remote)",
    )
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
