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
TESTS = str(ROOT / "tests")
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
