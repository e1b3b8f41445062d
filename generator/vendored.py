"""A vendored spec folder ``spec/<name>/``: what its mapping file declares about
vendoring, what ``provenance.json`` records, and whether the vendored files are
still the ones recorded.

What is vendored is declared by ``[vendor] include``/``exclude`` in the spec's
``ocigen.toml`` (``DEFAULT_INCLUDE``/``DEFAULT_EXCLUDE`` otherwise).
``provenance.json`` records the upstream repository, tag and commit (each with
how it was found), the source file and the sha256 of every vendored file, so
that ``spec status`` can tell when the vendored copy was edited.  Files of the
folder that are not vendored (``ocigen.toml``, ``strict.toml``,
``upstream-differences.toml``, ...) are the maintainers'.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import MAPPING_FILE

PROVENANCE = "provenance.json"

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
    is one, else the defaults (and the repository its provenance records)."""

    name: str
    module: str | None  # Go module path of the repository
    version_package: str = DEFAULT_VERSION_PACKAGE
    version_format: str = DEFAULT_VERSION_FORMAT
    vendor: VendorRules = VendorRules()


def spec_config(spec_dir: Path) -> SpecConfig:
    path = spec_dir / MAPPING_FILE
    if not path.is_file():
        module = None
        if (spec_dir / PROVENANCE).is_file():
            upstream = read_provenance(spec_dir).get("upstream") or {}
            module = upstream.get("repository")
        return SpecConfig(spec_dir.name, module)
    file = f"{spec_dir.as_posix()}/{MAPPING_FILE}"
    text = path.read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        at = re.search(r"at line (\d+)", str(e))
        raise SpecSourceError(
            f"{file}:{at.group(1) if at else 0}: not valid TOML: {e}"
        ) from None
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
    )


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
