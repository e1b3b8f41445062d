"""A profiling target: run one oci_spec operation on one bench document in a
tight loop for a while (py-spy samples this process from outside).

    python bench/workload.py decode|encode DOCUMENT SECONDS
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# bench/run.py points this at its snapshot of generated/.
GENERATED = os.environ.get("OCIGEN_BENCH_GENERATED", str(HERE.parent / "generated"))
sys.path[:0] = [GENERATED, str(HERE)]

import documents  # noqa: E402


def model(kind: str) -> type:
    if kind == "runtime":
        from oci_spec.runtime import Spec

        return Spec
    from oci_spec.image import v1

    return {"manifest": v1.Manifest, "index": v1.Index, "config": v1.Image}[kind]


def main() -> None:
    op, doc, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    kind, raw = documents.all_documents()[doc]
    cls = model(kind)
    obj = cls.from_json(raw)
    end = time.perf_counter() + seconds
    if op == "decode":
        while time.perf_counter() < end:
            cls.from_json(raw)
    else:
        while time.perf_counter() < end:
            obj.to_json()


if __name__ == "__main__":
    main()
