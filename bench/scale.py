"""Scale: oci_spec decode time per layer for manifests of 1k / 10k / 50k layers.

Run by bench/run.py in a fresh process, so that the cyclic GC (on, as users run
it) traverses only what this measurement allocates, not the rival libraries.
Prints JSON: {layers: [bytes, json.loads ns, oci_spec ns (GC off), json.loads ns,
oci_spec ns (GC on)]}.

    python bench/scale.py [--quick]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [os.environ.get("OCIGEN_BENCH_GENERATED", str(HERE.parent / "generated")),
                str(HERE)]

import documents  # noqa: E402
import timing  # noqa: E402
from oci_spec.image.v1 import Manifest  # noqa: E402


def main() -> None:
    rounds = 3 if "--quick" in sys.argv else 5
    out = {}
    for n in (1_000, 10_000, 50_000):
        raw = documents.encode(documents.manifest(n, seed=7))
        fns = {"json": lambda r=raw: json.loads(r), "oci": lambda r=raw: Manifest.from_json(r)}
        off = timing.interleaved(fns, rounds, 1)
        on = timing.interleaved(fns, rounds, 1, gc_off=False)
        out[n] = [len(raw), off["json"], off["oci"], on["json"], on["oci"]]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
