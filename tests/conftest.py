"""Make the committed generated package importable as ``oci_spec``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
SPEC = ROOT / "spec"
if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))
