"""The distribution files beside the package: ``generated/pyproject.toml`` and
``generated/README.md``, rendered from ``templates/dist_*.j2``.

The distribution version encodes both spec versions (see ``docs/packaging.md``)::

    <EPOCH>.<image-spec packed>.<runtime-spec packed>[.<REVISION>][.dev0]

where a spec version ``X.Y.Z`` packs to the integer ``X*10000 + Y*100 + Z``
(image-spec 1.1.1 -> 10101, runtime-spec 1.2.1 -> 10201), so that
``oci-spec 1.10101.10201`` is image-spec 1.1.1 with runtime-spec 1.2.1.  It is
a plain PEP 440 release (no local version, so an index such as PyPI accepts
it) and it grows whenever either spec moves forward.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from .errors import GeneratorError
from .render import environment
from .model import Spec

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DIST_NAME = "ocigen-oci-spec"

# Bump EPOCH when the generated API changes incompatibly for a reason other than
# a spec update (a template or naming change); it keeps versions increasing.
EPOCH = 1
# Bump REVISION for a release whose output changed with the same spec versions
# (a generator fix); reset it to 0 when either spec version changes.
REVISION = 0

# Spec order inside the version number; every one must be present.
VERSION_SPECS = ("image-spec", "runtime-spec")
_SPEC_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)(.*)$")

# (template, output path relative to the output root)
DIST_FILES = (
    ("dist_pyproject.toml.j2", "pyproject.toml"),
    ("dist_README.md.j2", "README.md"),
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


def dist_version(specs: list[Spec], epoch: int = EPOCH, revision: int = REVISION) -> str:
    by_name = {s.name: s.version for s in specs}
    missing = [n for n in VERSION_SPECS if n not in by_name]
    if missing:
        raise GeneratorError("spec", 0, f"distribution version needs {', '.join(missing)}")
    parts = [str(epoch)]
    dev = False
    for name in VERSION_SPECS:
        number, is_dev = pack(by_name[name])
        parts.append(str(number))
        dev = dev or is_dev
    if revision:
        parts.append(str(revision))
    return ".".join(parts) + (".dev0" if dev else "")


def unpack(version: str) -> dict[str, str]:
    """The spec versions a distribution version encodes (inverse of
    ``dist_version``, development suffixes aside)."""
    fields = version.split(".")
    out = {}
    for name, packed in zip(VERSION_SPECS, fields[1:]):
        n = int(packed)
        out[name] = f"{n // 10000}.{n // 100 % 100}.{n % 100}"
    return out


def render(specs: list[Spec], templates: Path = TEMPLATES) -> dict[str, str]:
    """{output path: text} of the distribution files; none for a spec tree that
    lacks one of ``VERSION_SPECS`` (a test tree, say): the version needs both."""
    if not all(any(s.name == name for s in specs) for name in VERSION_SPECS):
        return {}
    env = environment(templates)
    context = {
        "dist_name": DIST_NAME,
        "version": dist_version(specs),
        "epoch": EPOCH,
        "revision": REVISION,
        "specs": specs,
        "packed": [
            (s.name, s.version, pack(s.version)[0])
            for name in VERSION_SPECS
            for s in specs
            if s.name == name
        ],
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
