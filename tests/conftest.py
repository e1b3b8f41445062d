"""Make the committed generated package importable as ``oci_spec``, and the
tests' own helpers (``tests/support``) as ``support``, and the shared tables in
tests/ (go_behaviour.py) importable from every suite."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
SPEC = ROOT / "spec"
# tests/plants.py runs the suites against a copy of the package with one bug
# planted; the committed files under generated/ stay as they are.
PACKAGE_DIR = os.environ.get("OCIGEN_PACKAGE_DIR") or str(GENERATED)
if PACKAGE_DIR not in sys.path:
    sys.path.insert(0, PACKAGE_DIR)
if os.environ.get("OCIGEN_COMPILED"):
    # tools/compiled.py runs the suites against the mypyc build: each module must
    # come from its extension module, never from a .py fallback next to it.
    import importlib
    import importlib.machinery

    _pkg = Path(PACKAGE_DIR) / "oci_spec"
    for _py in sorted(_pkg.rglob("*.py")):
        if _py.name == "__main__.py":
            continue
        _name = ".".join(_py.relative_to(PACKAGE_DIR).with_suffix("").parts)
        _name = _name.removesuffix(".__init__")
        _file = importlib.import_module(_name).__file__ or ""
        if not _file.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
            raise RuntimeError(f"OCIGEN_COMPILED: {_name} was imported from {_file}")
TESTS = str(ROOT / "tests")
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
