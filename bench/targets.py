"""The Targets table of docs/benchmarks.md: each target of the performance issue
(pure Python, and the optional compiled build) with its goal, what this run
measured and the verdict.

One row per target; ``build`` says which build it is about, so a target of the
compiled build sits beside the pure-Python one.  The compiled rows read an
alternative named ``COMPILED`` in the same decode/encode/import results as
every other alternative: until a run measures it they say "not measured".
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Callable

PURE = "pure Python"
COMPILED_BUILD = "compiled (mypyc)"
COMPILED = "oci_spec (mypyc)"  # the alternative's label in the decode/encode results

# Pure Python: decode+validate / json.loads, per document.
DECODE = {"manifest-200": 2.4, "config-30": 2.5, "runtime": 2.0}
ENCODE = 1.3  # to_json / json.dumps, every document, byte-identical to Go
IMPORT_MS = {"oci_spec.image.v1": 20.0, "oci_spec.runtime": 30.0, "oci_spec.distribution.v1": 15.0}
GENERATE_S = {"cold": 5.0, "warm": 0.5}  # ocigen generate and ocigen check, every spec
MEMORY = 1.0  # retained bytes of decoded manifest-200 / json.loads dicts
LINEAR = 1.5  # growth of the per-layer ratio to json.loads from 1,000 to 50,000 layers

# Compiled: faster than both natively built rivals on these documents.
COMPILED_DECODE = ("manifest-200", "index-10", "config-30")
COMPILED_ENCODE = 1.0


@dataclass
class Row:
    target: str
    build: str
    goal: str
    measured: str
    ok: bool | None  # None: not measured in this run


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else "**met**" if ok else "**MISSED**"


def table(rows: list[Row]) -> tuple[list[str], list[list[str]]]:
    return (["target", "build", "goal", "measured", "verdict"],
            [[r.target, r.build, r.goal, r.measured, verdict(r.ok)] for r in rows])


def scale_growth(scale: dict[int, tuple[float, ...]]) -> tuple[float, float]:
    """How much the per-layer ratio to json.loads grows from the smallest to
    the largest manifest (GC off, GC on); 1.0 is perfectly linear."""
    ns = sorted(scale)
    first, last = scale[ns[0]], scale[ns[-1]]
    return ((last[2] / last[1]) / (first[2] / first[1]),
            (last[4] / last[3]) / (first[4] / first[3]))


def pure_rows(
    dec: dict[str, dict[str, float]], enc: dict[str, dict[str, float]],
    same: dict[str, dict[str, bool]], imports: dict[str, list[float]], mem: dict[str, float],
    gen: dict[str, list[float]], scale: dict[int, tuple[float, ...]], oci: str, floor: str,
    fmt_ns: Callable[[float], str], fmt_bytes: Callable[[float], str],
) -> list[Row]:
    med = statistics.median
    rows = []
    for doc, goal in DECODE.items():
        r = dec.get(doc, {})
        if oci in r:
            ratio = r[oci] / r[floor]
            rows.append(Row(f"decode+validate {doc} vs `json.loads`", PURE, f"≤ {goal}×",
                            f"{ratio:.2f}× ({fmt_ns(r[oci])} vs {fmt_ns(r[floor])})",
                            ratio <= goal))
    ratios = {d: enc[d][oci] / enc[d][floor] for d in enc if oci in enc[d]}
    go = all(same[d].get(oci, False) for d in ratios)
    worst = max(ratios.values())
    rows.append(Row("encode, every document vs `json.dumps`, Go's bytes", PURE, f"≤ {ENCODE}×",
                    ", ".join(f"{d} {x:.2f}×" for d, x in ratios.items())
                    + ("" if go else " (NOT Go's bytes)"), worst <= ENCODE and go))
    for mod, goal in IMPORT_MS.items():
        if imports.get(mod):
            ms = med(imports[mod])
            rows.append(Row(f"`import {mod}`, fresh clean interpreter", PURE, f"≤ {goal:.0f} ms",
                            f"{ms:.1f} ms", ms <= goal))
    for cmd in ("generate", "check"):
        for state, goal in GENERATE_S.items():
            key = gen_key(cmd, state)
            got = gen.get(key)
            rows.append(Row(f"`ocigen {cmd}`, every spec, {GEN_STATES[state]}", PURE,
                            f"≤ {goal} s", f"{med(got):.2f} s" if got else "failed",
                            med(got) <= goal if got else False))
    ratio = mem[oci] / mem[floor]
    rows.append(Row("retained memory, decoded manifest-200 vs `json.loads` dicts", PURE,
                    f"≤ {MEMORY:g}×",
                    f"{ratio:.2f}× ({fmt_bytes(mem[oci])} vs {fmt_bytes(mem[floor])})",
                    ratio <= MEMORY))
    off, on = scale_growth(scale)
    ns = sorted(scale)
    rows.append(Row(f"decode linear to {ns[-1]:,} layers (ratio to `json.loads` grows "
                    f"≤ {LINEAR}× from {ns[0]:,})", PURE, "linear",
                    f"{off:.2f}× (GC off), {on:.2f}× (GC on)", max(off, on) <= LINEAR))
    return rows


GEN_STATES = {"cold": "fresh process, empty black cache", "warm": "black cache warm"}


def gen_key(cmd: str, state: str) -> str:
    return f"ocigen {cmd}, every spec, {GEN_STATES[state]}"


def compiled_rows(
    dec: dict[str, dict[str, float]], enc: dict[str, dict[str, float]],
    same: dict[str, dict[str, bool]], imports: dict[str, list[float]], floor: str,
    rivals: tuple[str, ...], pure_import: str, compiled_import: str,
) -> list[Row]:
    """The compiled build's targets; "not measured" until the run has it."""
    med = statistics.median
    rows = []
    for doc in COMPILED_DECODE:
        r = dec.get(doc, {})
        there = [x for x in rivals if x in r]
        if COMPILED in r and there:
            best = min(r[x] for x in there)
            rows.append(Row(f"decode+validate {doc}: faster than {' and '.join(there)}",
                            COMPILED_BUILD, "< both",
                            f"{r[COMPILED] / r[floor]:.2f}× vs "
                            + ", ".join(f"{r[x] / r[floor]:.2f}×" for x in there),
                            r[COMPILED] < best))
        else:
            rows.append(Row(f"decode+validate {doc}: faster than pydantic (best) and msgspec",
                            COMPILED_BUILD, "< both", "—", None))
    ratios = {d: enc[d][COMPILED] / enc[d][floor] for d in enc if COMPILED in enc[d]}
    if ratios:
        go = all(same[d].get(COMPILED, False) for d in ratios)
        rows.append(Row("encode, every document vs `json.dumps`, Go's bytes", COMPILED_BUILD,
                        f"≤ {COMPILED_ENCODE}×",
                        ", ".join(f"{d} {x:.2f}×" for d, x in ratios.items()),
                        max(ratios.values()) <= COMPILED_ENCODE and go))
    else:
        rows.append(Row("encode, every document vs `json.dumps`, Go's bytes", COMPILED_BUILD,
                        f"≤ {COMPILED_ENCODE}×", "—", None))
    if imports.get(compiled_import) and imports.get(pure_import):
        c, p = med(imports[compiled_import]), med(imports[pure_import])
        rows.append(Row("import no slower than the pure-Python package", COMPILED_BUILD, "≤ pure",
                        f"{c:.1f} ms vs {p:.1f} ms", c <= p))
    else:
        rows.append(Row("import no slower than the pure-Python package", COMPILED_BUILD, "≤ pure",
                        "—", None))
    return rows


def missed_decode(dec: dict[str, dict[str, float]], oci: str, floor: str) -> list[str]:
    return [d for d, goal in DECODE.items() if oci in dec.get(d, {})
            and dec[d][oci] / dec[d][floor] > goal]


def missed_encode(enc: dict[str, dict[str, float]], oci: str, floor: str) -> list[str]:
    return [d for d in enc if oci in enc[d] and enc[d][oci] / enc[d][floor] > ENCODE]


def missed_imports(imports: dict[str, list[float]]) -> list[str]:
    return [m for m, goal in IMPORT_MS.items()
            if imports.get(m) and statistics.median(imports[m]) > goal]


def any_missed(rows: list[Row], *words: str) -> bool:
    return any(r.ok is False and all(w in r.target for w in words) for r in rows)

