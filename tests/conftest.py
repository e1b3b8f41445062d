"""Make the committed generated package importable as ``oci_spec``, and the
tests' own helpers (``tests/support``) as ``support``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
SPEC = ROOT / "spec"
for path in (GENERATED, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
