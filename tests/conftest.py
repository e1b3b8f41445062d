"""Make the committed generated package importable as ``oci_spec``, and the
shared tables in tests/ (go_behaviour.py) importable from every suite."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
SPEC = ROOT / "spec"
if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))
TESTS = str(ROOT / "tests")
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
