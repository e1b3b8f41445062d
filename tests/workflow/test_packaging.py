"""The distribution beside the package: generated/pyproject.toml and README.md are
rendered, the version encodes both spec versions as a public PEP 440 version,
and a wheel built offline installs ``oci_spec`` with ``py.typed`` into a fresh
virtual environment."""

from __future__ import annotations

import dataclasses
import email
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.version import Version

from generator import packaging, pipeline
from generator.errors import GeneratorError
from generator.model import Spec

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"
DIST_NAME = tomllib.loads((ROOT / "spec" / "distribution.toml").read_text("utf-8"))["name"]


DIST = packaging.Distribution(
    file="spec/distribution.toml", name="x", summary="s", keywords=(),
    version_specs=("image-spec", "runtime-spec"), epoch=1, revision=0, example="",
)  # fmt: skip


def _specs(image: str, runtime: str) -> list[Spec]:
    return [Spec("image-spec", image, "oci_spec.image", ()), Spec("runtime-spec", runtime, "oci_spec.runtime", ())]


def _version(image: str, runtime: str, **changes: int) -> str:
    return packaging.dist_version(dataclasses.replace(DIST, **changes), _specs(image, runtime))


def test_version_scheme() -> None:
    # Written by hand from docs/packaging.md's rule.
    assert _version("1.1.1", "1.2.1") == "1.10101.10201"
    assert _version("1.1.1", "1.2.1", revision=2) == "1.10101.10201.2"
    assert _version("1.1.1", "1.3.0-dev") == "1.10101.10300.dev0"
    assert _version("2.0.0", "10.0.12", epoch=3) == "3.20000.100012"
    assert packaging.unpack(DIST, "1.10101.10201") == {"image-spec": "1.1.1", "runtime-spec": "1.2.1"}
    with pytest.raises(GeneratorError, match="< 100"):
        _version("1.100.0", "1.2.1")
    with pytest.raises(GeneratorError, match="X.Y.Z"):
        _version("1.1", "1.2.1")
    with pytest.raises(GeneratorError, match="no vendored spec runtime-spec"):
        packaging.dist_version(DIST, _specs("1.1.1", "1.2.1")[:1])
    three = _specs("1.1.1", "1.3.0") + [Spec("distribution-spec", "1.1.1", "oci_spec.distribution", ())]
    with pytest.raises(GeneratorError, match="does not list distribution-spec: append it"):
        packaging.dist_version(DIST, three)
    more = dataclasses.replace(DIST, version_specs=DIST.version_specs + ("distribution-spec",))
    assert packaging.dist_version(more, three) == "1.10101.10300.10101"
    # The committed three specs (docs/packaging.md): one segment each, then the revision.
    assert packaging.dist_version(dataclasses.replace(more, epoch=2), three) == "2.10101.10300.10101"
    assert packaging.dist_version(dataclasses.replace(more, epoch=2, revision=1), three) == (
        "2.10101.10300.10101.1"
    )
    assert packaging.unpack(more, "2.10101.10300.10101.1") == {
        "image-spec": "1.1.1", "runtime-spec": "1.3.0", "distribution-spec": "1.1.1",
    }  # fmt: skip
    assert packaging.render(_specs("1.1.1", "1.2.1"), None) == {}  # no distribution.toml


def test_versions_are_public_pep440_and_increase_with_either_spec() -> None:
    history = [
        ("1.1.0", "1.2.0"), ("1.1.0", "1.2.1"), ("1.1.1", "1.2.0"),
        ("1.1.1", "1.2.1"), ("1.1.1", "1.3.0"), ("1.2.0", "1.0.0"), ("2.0.0", "1.0.0"),
    ]  # fmt: skip
    versions = [Version(_version(*h)) for h in history]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    for v in versions:
        assert v.local is None and v.is_prerelease is False and str(v) == str(Version(str(v)))
    rev = Version(_version("1.1.1", "1.2.1", revision=1))
    assert versions[3] < rev < versions[4]
    dev = Version(_version("1.1.1", "1.3.0-dev"))
    assert dev.is_devrelease and versions[3] < dev < versions[4]
    # Appending a third spec keeps versions increasing.
    three = Version("1.10101.10300.10101")
    assert versions[4] < three


def test_committed_distribution_files() -> None:
    specs = pipeline.load(ROOT / "spec")
    dist = packaging.load(ROOT / "spec")
    assert dist is not None
    rendered = packaging.render(specs, dist)
    for name in ("pyproject.toml", "README.md"):
        assert (GENERATED / name).read_text("utf-8") == rendered[name], f"run make generate ({name})"
    project = tomllib.loads(rendered["pyproject.toml"])["project"]
    assert project["version"] == packaging.dist_version(dist, specs)
    assert packaging.unpack(dist, project["version"]) == {s.name: s.version for s in specs}
    assert project["name"] == dist.name and project["dependencies"] == []
    for s in specs:
        assert f"{s.name} {s.version}" in rendered["README.md"]


def test_wheel_builds_offline_and_installs_into_a_fresh_venv(tmp_path: Path) -> None:
    # Build from a copy: an in-tree build leaves build/ and *.egg-info behind.
    src = tmp_path / "src"
    shutil.copytree(GENERATED, src, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", str(src), "-w", str(dist)],
        check=True, capture_output=True,
    )  # fmt: skip
    [wheel] = dist.glob("*.whl")
    version = tomllib.loads((GENERATED / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert wheel.name == f"{DIST_NAME.replace('-', '_')}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        meta = email.message_from_bytes(zf.read(next(n for n in names if n.endswith("METADATA"))))
    packaged = {n for n in names if not n.split("/")[0].endswith(".dist-info")}
    expected = {p.relative_to(GENERATED).as_posix() for p in (GENERATED / "oci_spec").rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}  # fmt: skip
    assert packaged == expected and "oci_spec/py.typed" in packaged  # no lint/, no tests
    assert meta["Version"] == version and meta["Requires-Python"] == ">=3.10"
    assert meta["License-Expression"] == "Apache-2.0"
    assert not meta.get_all("Requires-Dist")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # pip of this environment installs into the new one (pip --python), offline.
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index",
         "--no-deps", "--quiet", str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    probe = (
        "import importlib.metadata as md, pathlib, oci_spec\n"
        "from oci_spec.image.v1 import Manifest\n"
        "from oci_spec.distribution.v1 import ErrorResponse\n"
        "p = pathlib.Path(oci_spec.__file__).parent\n"
        "assert (p / 'py.typed').is_file()\n"
        "assert 'site-packages' in str(p), p\n"
        "print(md.version('" + DIST_NAME + "'), dict(oci_spec.SPEC_VERSIONS))\n"
    )
    out = subprocess.run([str(python), "-I", "-c", probe], check=True, capture_output=True, text=True, cwd=tmp_path)
    assert out.stdout.strip() == (
        f"{version} {{'distribution-spec': '1.1.1', 'image-spec': '1.1.1', 'runtime-spec': '1.3.0'}}"
    )
