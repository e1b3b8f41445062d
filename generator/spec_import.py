"""``ocigen spec import``: vendor a source into ``spec/<name>/``, with its
provenance; and ``ocigen spec status``: are the vendored specs intact, is the
output folder what they generate.

An import reads the source (spec_source.py), checks that every vendored Go file
parses, every schema is JSON and the version constants are there, then builds
the new folder beside the old one and swaps it in: a failed import changes
nothing.  Files of the folder that the previous import did not vendor are kept.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import shutil
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import files, pipeline
from .config import MAPPING_FILE
from .constants import VERSION_FIELD
from .errors import GeneratorError
from .golang import GoError, check_syntax, read_package
from .schema import Schemas
from .spec_source import Source, Tree, open_source
from .vendored import (
    PROVENANCE,
    SpecConfig,
    SpecSourceError,
    read_provenance,
    spec_config,
    spec_status,
)

DIFFERENCES = "upstream-differences.toml"


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


def known_specs(spec_root: Path) -> list[SpecConfig]:
    """The spec folders under ``spec_root`` (mapped, or imported and not yet)."""
    return (
        [spec_config(d) for d in pipeline.spec_dirs(spec_root)]
        if spec_root.is_dir()
        else []
    )


# --- importing ----------------------------------------------------------------


def _go_version(staging: Path, tree: Tree) -> str:
    """The upstream version: the mapping file's [spec] version format with each
    {Name} replaced by that constant of the version package."""
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


def _check_parses(staging: Path, tree: Tree) -> None:
    """Every vendored Go file is Go and every schema is JSON (errors name the
    file in the source): nothing broken is vendored."""
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


def _tag(src: Source, version: str, given: str | None) -> tuple[str | None, str]:
    """(tag, how it was found)."""
    head, tags = src.commit[0], src.tags
    if tags is not None:
        if given:
            if given not in tags:
                raise SpecSourceError(
                    f"{src.tree.display}: tag {given!r} does not point at HEAD "
                    f"{head} (tags there: {', '.join(tags) or 'none'})"
                )
            return given, "--tag, checked: it points at HEAD"
        if not tags:
            return None, f"none: no tag points at HEAD {head}"
        preferred = f"v{version}"
        tag = preferred if preferred in tags else tags[0]
        others = [t for t in tags if t != tag]
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
    known = known_specs(spec_root)
    with tempfile.TemporaryDirectory(prefix="ocigen-source-") as tmp:
        src = open_source(Path(source), Path(tmp), known, repository)
        return _install(src, tag, spec_root)


def _install(src: Source, given_tag: str | None, spec_root: Path) -> ImportResult:
    tree = src.tree
    dest = spec_root / tree.spec.name
    old_files: dict[str, str] = {}
    if (dest / PROVENANCE).exists():
        old_files = read_provenance(dest)["files"]
    spec_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{tree.spec.name}.new-", dir=spec_root))
    try:
        os.chmod(staging, 0o755)
        if dest.is_dir():
            _keep_hand_written(dest, staging, old_files, tree)
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
        _swap_in(staging, dest)
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


def _keep_hand_written(
    dest: Path, staging: Path, old_files: dict[str, str], tree: Tree
) -> None:
    """Copy what the previous import did not vendor (links as links) into
    ``staging``; refuse to replace such a file with a vendored one."""
    for dirpath, dirnames, filenames in os.walk(dest):
        links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
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


def _swap_in(staging: Path, dest: Path) -> None:
    """Replace ``dest`` with ``staging`` by renames, the old folder put back if
    the second rename fails."""
    if not dest.exists():
        os.replace(staging, dest)
        return
    trash = staging.with_name(staging.name.replace(".new-", ".old-"))
    os.replace(dest, trash)
    try:
        os.replace(staging, dest)
    except BaseException:
        os.replace(trash, dest)
        raise
    shutil.rmtree(trash, ignore_errors=True)


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
    try:
        tree = ast.parse((out / "oci_spec" / "__init__.py").read_text("utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and [
            getattr(t, "id", None) for t in node.targets
        ] == ["SPEC_VERSIONS"]:
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
    if not out.is_dir():
        print(f"{out}: not checked (no such directory)")
        return 0
    if not known_specs(spec_root):
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
