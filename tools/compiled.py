#!/usr/bin/env python3
"""The optional compiled build of ``generated/oci_spec``: the same source, compiled
with mypyc into a platform wheel (docs/packaging.md).

    .venv/bin/python tools/compiled.py wheel DIR   # build (or reuse) the wheel, copy it to DIR
    .venv/bin/python tools/compiled.py test [PYTEST ARGS]
        # run tests/output, tests/fuzz and tests/differential against the wheel's contents

The wheel is built once per content of generated/ (and per interpreter, mypy
and this script) under .cache/compiled/<key>/, then unpacked there: the suites
import exactly what the wheel installs.  A failed compile fails the command.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
PACKAGE = "oci_spec"
CACHE = ROOT / ".cache" / "compiled"
# Kept as Python: `python -m oci_spec` runs __main__ from its code object, which
# an extension module has not.
INTERPRETED = {"__main__.py"}
SUITES = ["tests/output", "tests/fuzz", "tests/differential"]
# Tests of what only the source shows, which a mypyc build does not carry at run
# time (docs/packaging.md, "What differs"); `make test` runs them on that source.
SOURCE_ONLY = {
    "tests/output/test_runtime.py::test_platform_docstrings":
        "class docstrings (mypyc drops them)",
    "tests/output/test_api_reference.py::test_page_agrees_with_the_package":
        "dataclasses.fields(T)[i].type: CPython keeps the annotation's text, mypyc "
        "evaluates it",
    "tests/fuzz/test_fuzz_linear.py::test_parse_operations_grow_linearly":
        "counts Python line events (sys.settrace); compiled code has none (the "
        "time-based linearity test runs)",
    "tests/fuzz/test_fuzz_linear.py::test_write_and_validate_operations_grow_linearly":
        "the same, for to_json and validate",
    "tests/fuzz/test_fuzz_no_dynamic_code.py::test_every_function_comes_from_a_package_file":
        "reads the code objects of Python functions; compiled ones have none",
}

SETUP = '''\
# Written by tools/compiled.py: the mypyc build of the package next to it.
import os

from mypyc.build import mypycify
from setuptools import setup

setup(
    # One shared library (separate=True, a library per module compiled in
    # parallel, crashed in ValidationError.__str__ with mypy 2.4.1).
    ext_modules=mypycify({modules!r}, opt_level="3"),
    options={{"build_ext": {{"parallel": os.cpu_count() or 1}}}},
)
'''


def sources() -> list[Path]:
    """Every file of the distribution (package and packaging files), sorted."""
    files = [GENERATED / "pyproject.toml", GENERATED / "README.md"]
    for p in sorted((GENERATED / PACKAGE).rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            files.append(p)
    return files


def key(files: list[Path]) -> str:
    h = hashlib.sha256()
    for extra in (sys.version, sysconfig.get_platform(), importlib.metadata.version("mypy"),
                  importlib.metadata.version("setuptools"), SETUP, repr(sorted(INTERPRETED))):
        h.update(extra.encode() + b"\0")
    for p in files:
        h.update(str(p.relative_to(GENERATED)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:20]


def compiled_modules(pkg: Path) -> list[str]:
    return [str(p.relative_to(pkg.parent)) for p in sorted(pkg.rglob("*.py"))
            if p.name not in INTERPRETED]


def build() -> tuple[Path, Path]:
    """(the wheel, the directory it is unpacked into), built if not cached."""
    files = sources()
    home = CACHE / key(files)
    done = home / "unpacked"
    wheels = sorted((home / "wheel").glob("*.whl"))
    if done.is_dir() and len(wheels) == 1:
        return wheels[0], done
    # One build is kept: the others are for contents generated/ no longer has.
    for old in CACHE.glob("*"):
        shutil.rmtree(old, ignore_errors=True)
    src = home / "src"
    for p in files:
        dest = src / p.relative_to(GENERATED)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, dest)
    (src / "setup.py").write_text(SETUP.format(modules=compiled_modules(src / PACKAGE)))
    started = time.monotonic()
    print(f"compiled: building the mypyc wheel in {home.relative_to(ROOT)} "
          "(a few minutes)", file=sys.stderr, flush=True)
    log = home / "build.log"
    with log.open("w") as out:
        # The PEP 517 hook itself, without build isolation (the venv's pinned
        # setuptools and mypy): pip would run setup.py, hence mypyc, twice.
        p = subprocess.run(
            [sys.executable, "-c", "import sys; from setuptools import build_meta; "
             "build_meta.build_wheel(sys.argv[1])", str(home / "wheel")],
            stdout=out, stderr=subprocess.STDOUT, cwd=src,
        )
    if p.returncode != 0:
        sys.stderr.write(log.read_text()[-6000:])
        raise SystemExit(f"compiled: the mypyc build failed (log: {log})")
    wheel, = sorted((home / "wheel").glob("*.whl"))
    tmp = home / "unpacking"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(tmp)
    check(tmp / PACKAGE)
    tmp.rename(done)
    print(f"compiled: {wheel.name} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return wheel, done


def check(pkg: Path) -> None:
    """Every module except INTERPRETED must be an extension module in the wheel."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    missing = [m for m in compiled_modules(pkg)
               if not (pkg.parent / (m[: -len(".py")] + suffix)).is_file()]
    if missing:
        raise SystemExit(f"compiled: the wheel lacks extension modules for {missing}")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("wheel", "test"):
        print(__doc__, file=sys.stderr)
        return 2
    wheel, unpacked = build()
    if argv[0] == "wheel":
        dest = Path(argv[1] if len(argv) > 1 else "dist")
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(wheel, dest / wheel.name)
        print(dest / wheel.name)
        return 0
    env = dict(os.environ, OCIGEN_PACKAGE_DIR=str(unpacked), OCIGEN_COMPILED="1")
    for test, why in SOURCE_ONLY.items():
        print(f"compiled: not run (source only): {test}: {why}", file=sys.stderr)
    deselect = [a for t in SOURCE_ONLY for a in ("--deselect", t)]
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *SUITES, *deselect, *argv[1:]],
        cwd=ROOT, env=env,
    ).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
