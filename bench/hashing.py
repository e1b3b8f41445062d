"""Verifying a 1 GiB blob: oci_spec against hashlib alone, on the same file.

The file is written once (1 GiB of pseudo-random bytes, so the page cache holds
it after the first read); each round then reads it with, in turn:

- ``hashlib.file_digest(f, "sha256")``: hashlib's own loop, the floor;
- ``v1.verify(f, descriptor)``: size and digest, streamed;
- ``python -m oci_spec validate`` on an image layout whose index points at it
  (in-process ``main``), which also checks the file's size first.

Throughput is the median over the rounds; memory is tracemalloc's peak while
``verify`` runs (the buffer it reads into).  Run alone with
``.venv/bin/python bench/hashing.py [--quick]``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

SIZE = 1 << 30
TARGET = 0.90  # oci_spec's throughput / hashlib's, at least


def _write(path: Path, size: int) -> str:
    block = hashlib.shake_256(b"ocigen bench").digest(1 << 20)
    h = hashlib.sha256()
    with open(path, "wb") as f:
        for i in range(size >> 20):
            chunk = block[i % 251 :] + block[: i % 251]  # not one repeated block
            f.write(chunk)
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def run(tmp: Path, quick: bool = False, size: int = SIZE) -> dict[str, Any]:
    from oci_spec._validate import main
    from oci_spec.image import v1

    layout = tmp / "hash-layout"
    blobs = layout / "blobs" / "sha256"
    blobs.mkdir(parents=True)
    blob = tmp / "blob"
    digest = _write(blob, size)
    os.replace(blob, blobs / digest[7:])
    blob = blobs / digest[7:]
    desc = v1.Descriptor(media_type="application/octet-stream", digest=digest, size=size)
    (layout / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    (layout / "index.json").write_text(json.dumps(
        {"schemaVersion": 2, "manifests": [{"mediaType": desc.media_type, "digest": digest, "size": size}]}))

    def floor() -> None:
        with open(blob, "rb") as f:
            assert "sha256:" + hashlib.file_digest(f, "sha256").hexdigest() == digest

    def verify() -> None:
        with open(blob, "rb") as f:
            v1.verify(f, desc)

    def validate() -> None:
        assert main(["validate", str(layout)], stdout=io.StringIO(), stderr=io.StringIO()) == 0

    cases: dict[str, Callable[[], None]] = {
        "hashlib.file_digest (floor)": floor,
        "oci_spec.image.v1.verify": verify,
        "python -m oci_spec validate (layout)": validate,
    }
    floor()  # fills the page cache
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(3 if quick else 7):
        for name, fn in cases.items():  # interleaved: drift hits every case alike
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    tracemalloc.start()
    verify()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    base = statistics.median(times["hashlib.file_digest (floor)"])
    rows = {
        name: {
            "median_s": statistics.median(v),
            "mib_s": size / statistics.median(v) / (1 << 20),
            "ratio": base / statistics.median(v),
        }
        for name, v in times.items()
    }
    worst = min(r["ratio"] for n, r in rows.items() if not n.startswith("hashlib"))
    return {"size": size, "rows": rows, "peak": peak, "worst": worst, "ok": worst >= TARGET,
            "rounds": len(times["hashlib.file_digest (floor)"])}


def report(rep: Any, result: dict[str, Any]) -> None:
    """The Markdown section of docs/benchmarks.md (rep: bench/run.py's Report)."""
    rep("## Verifying a blob", "")
    rep(f"One {result['size'] >> 20} MiB file (pseudo-random bytes, in the page cache), read "
        f"{result['rounds']} times by each, interleaved: hashlib's own `file_digest` loop is "
        "the floor; `v1.verify` checks size and SHA-256 streaming; `validate` checks an image "
        f"layout whose index points at the blob. Target: ≥ {TARGET:.0%} of hashlib's "
        "throughput, flat memory.", "")
    rep.table(["reader", "median", "throughput", "of hashlib's"], [
        [name, f"{r['median_s']:.3f} s", f"{r['mib_s']:.0f} MiB/s", f"{r['ratio']:.1%}"]
        for name, r in result["rows"].items()])
    rep(f"Peak traced memory while `verify` hashes {result['size'] >> 20} MiB: "
        f"{result['peak'] / (1 << 20):.2f} MiB (its one read buffer).", "")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "generated"))
    with tempfile.TemporaryDirectory(prefix="ocigen-hash-") as tmp:
        result = run(Path(tmp), args.quick)

    class Print:
        def __call__(self, *lines: str) -> None:
            print(*lines, sep="\n")

        def table(self, head: list[str], rows: list[list[str]]) -> None:
            print("| " + " | ".join(head) + " |")
            for r in rows:
                print("| " + " | ".join(r) + " |")

    report(Print(), result)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
