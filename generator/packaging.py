"""The distribution beside the package: ``generated/pyproject.toml`` and
``generated/README.md``, rendered from ``templates/dist_*.j2`` with what
``spec/distribution.toml`` declares (name, summary, the order of the spec
versions in the distribution version, epoch, revision, the README example).

The distribution version encodes every spec version (see ``docs/packaging.md``)::

    <epoch>.<packed spec 1>.<packed spec 2>...[.<revision>][.dev0]

where a spec version ``X.Y.Z`` packs to the integer ``X*10000 + Y*100 + Z``
(1.1.1 -> 10101, 1.3.0 -> 10300).  It is a plain PEP 440 release (no local
version, so an index accepts it) and it grows whenever a spec moves forward.
A spec tree without ``distribution.toml`` (a test fixture) gets no
distribution files.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .config import toml_error_line
from .errors import GeneratorError
from .model import Spec
from .render import TEMPLATES, environment, top_package

DISTRIBUTION_FILE = "distribution.toml"
_SPEC_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)(.*)$")

# (template, output path relative to the output root)
DIST_FILES = (
    ("dist_pyproject.toml.j2", "pyproject.toml"),
    ("dist_README.md.j2", "README.md"),
)


@dataclass(frozen=True)
class Distribution:
    file: str  # display path of distribution.toml
    name: str
    summary: str
    keywords: tuple[str, ...]
    version_specs: tuple[str, ...]
    epoch: int
    revision: int
    example: str
    lines: tuple[tuple[str, int], ...] = ()  # key -> line, for errors

    def line(self, key: str) -> int:
        return dict(self.lines).get(key, 0)


def load(spec_root: Path, display: str = "spec") -> Distribution | None:
    path = spec_root / DISTRIBUTION_FILE
    if not path.is_file():
        return None
    file = f"{display}/{DISTRIBUTION_FILE}"
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise GeneratorError(file, toml_error_line(e), f"not valid TOML: {e}") from None
    lines = tuple(
        (m.group(1), text.count("\n", 0, m.start()) + 1)
        for m in re.finditer(r"^(\w+)\s*=", text, re.M)
    )
    known = {"name", "summary", "keywords", "version_specs", "epoch", "revision", "example"}
    for key in data:
        if key not in known:
            raise GeneratorError(file, dict(lines).get(key, 0), f"unknown key {key!r}")
    for key in known - {"keywords", "example"}:
        if key not in data:
            raise GeneratorError(file, 0, f"{key!r} is missing")
    return Distribution(
        file=file,
        name=str(data["name"]),
        summary=str(data["summary"]),
        keywords=tuple(data.get("keywords", ())),
        version_specs=tuple(data["version_specs"]),
        epoch=int(data["epoch"]),
        revision=int(data["revision"]),
        example=str(data.get("example", "")).strip("\n"),
        lines=lines,
    )


def pack(version: str) -> tuple[int, bool]:
    """``"1.2.1"`` -> ``(10201, False)``; the flag says the spec is a
    development version (a VersionDev suffix such as ``"-dev"``)."""
    m = _SPEC_VERSION.match(version)
    if m is None:
        raise GeneratorError("spec", 0, f"cannot pack spec version {version!r} (expected X.Y.Z)")
    major, minor, patch = (int(g) for g in m.groups()[:3])
    if minor > 99 or patch > 99:
        raise GeneratorError(
            "spec", 0, f"spec version {version!r}: minor and patch must be < 100 to pack"
        )
    return major * 10000 + minor * 100 + patch, bool(m.group(4))


def dist_version(dist: Distribution, specs: list[Spec]) -> str:
    by_name = {s.name: s.version for s in specs}
    unknown = [n for n in dist.version_specs if n not in by_name]
    if unknown:
        raise GeneratorError(
            dist.file, dist.line("version_specs"), f"no vendored spec {', '.join(unknown)}"
        )
    missing = [n for n in by_name if n not in dist.version_specs]
    if missing:
        raise GeneratorError(
            dist.file,
            dist.line("version_specs"),
            f"version_specs does not list {', '.join(missing)}: append it",
        )
    parts = [str(dist.epoch)]
    dev = False
    for name in dist.version_specs:
        number, is_dev = pack(by_name[name])
        parts.append(str(number))
        dev = dev or is_dev
    if dist.revision:
        parts.append(str(dist.revision))
    return ".".join(parts) + (".dev0" if dev else "")


def unpack(dist: Distribution, version: str) -> dict[str, str]:
    """The spec versions a distribution version encodes (inverse of
    ``dist_version``, development suffixes aside)."""
    fields = version.split(".")
    out = {}
    for name, packed in zip(dist.version_specs, fields[1:]):
        n = int(packed)
        out[name] = f"{n // 10000}.{n // 100 % 100}.{n % 100}"
    return out


def render(
    specs: list[Spec], dist: Distribution | None, templates: Path = TEMPLATES
) -> dict[str, str]:
    """{output path: text} of the distribution files."""
    if dist is None:
        return {}
    env = environment(templates)
    by_name = {s.name: s for s in specs}
    context = {
        "dist": dist,
        "package": top_package(specs),
        "version": dist_version(dist, specs),
        "specs": [by_name[n] for n in dist.version_specs],
        "packed": [(n, by_name[n].version, pack(by_name[n].version)[0]) for n in dist.version_specs],
    }
    out: dict[str, str] = {}
    for template, path in DIST_FILES:
        try:
            out[path] = env.get_template(template).render(**context)
        except jinja2.TemplateSyntaxError as e:
            raise GeneratorError(f"templates/{template}", e.lineno, e.message or "") from None
        except jinja2.TemplateError as e:
            raise GeneratorError(f"templates/{template}", 0, f"{type(e).__name__}: {e}") from None
    return out
