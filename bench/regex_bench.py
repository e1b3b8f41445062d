"""Adversarial-regex check of every compiled schema pattern in the generated
modules (``_P0``, ``_P1``... bound ``.search`` methods) and of the regexes the
shared runtime helpers apply to input (``oci_spec._runtime``).

For each pattern, candidate near-miss inputs ``seed + filler * n + suffix`` are
built from the pattern's own literals (its anchored prefix, the separators it
names, letters and digits) and tried at a small n; the slowest few are then
timed at n = 1e3, 1e4, 1e5.  Linear matching means t(1e5)/t(1e3) ~ 100, i.e.
a growth exponent log(t(1e5)/t(1e3)) / log(100) ~ 1.
"""

from __future__ import annotations

import importlib
import inspect
import math
import re
import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable

MODULES = ("oci_spec.image.v1", "oci_spec.runtime", "oci_spec.runtime.features")
_META = set(".^$*+?{}[]\\|()")
_SIZES = (1_000, 10_000, 100_000)


@dataclass
class Result:
    where: str
    pattern: str
    method: str
    family: str
    times: dict[int, float]  # n -> seconds per call
    exponent: float | None
    linear: bool
    note: str = ""


def collect() -> list[tuple[str, re.Pattern[str], str, Callable[[str], Any]]]:
    """(where, pattern, method, callable) for every input-facing regex."""
    found = []
    for name in MODULES:
        mod = importlib.import_module(name)  # an import error is the bench's error
        for attr in sorted(vars(mod), key=lambda a: (len(a), a)):
            if re.fullmatch(r"_P\d+", attr):
                fn = getattr(mod, attr)
                if getattr(fn, "__self__", None) is None:  # compiled on first use
                    fn("")
                    fn = getattr(mod, attr)
                pat = getattr(fn, "__self__", None)
                if isinstance(pat, re.Pattern):
                    found.append((f"{name}.{attr}", pat, fn.__name__, fn))
    rt = importlib.import_module("oci_spec._runtime")
    src = inspect.getsource(rt)
    used = dict(re.findall(r"\b(_[A-Z][A-Z0-9_]*)\.(match|search|fullmatch)\(", src))
    for attr, method in sorted(used.items()):
        pat = getattr(rt, attr, None)
        if isinstance(pat, re.Pattern) and attr != "_IDENT":  # _IDENT: error path only
            found.append((f"oci_spec._runtime.{attr}", pat, method, getattr(pat, method)))
    return found


def _literal_prefix(p: str) -> str:
    out = []
    i = 1 if p.startswith("^") else 0
    while i < len(p) and p[i] not in _META:
        out.append(p[i])
        i += 1
    if out and i < len(p) and p[i] in "*+?{":
        out.pop()  # the last literal is quantified
    return "".join(out)


def candidates(p: str) -> list[tuple[str, str, str]]:
    puncts = sorted({c for c in p if not c.isalnum() and c.isprintable() and c not in "^$\\"}
                    | {" ", "!", "%"})
    prefix = _literal_prefix(p)
    seeds = sorted({"", prefix, "a:", "a=", "a:" + "//", prefix + "a"})
    fillers = ["a", "A", "0", "Z", "f"] + puncts + [a + b for a in "a0" for b in puncts]
    suffixes = ["!", "\n", "\n!", "\x00", "=", ""]
    return [(s, f, x) for s in seeds for f in fillers for x in suffixes]


def _family(seed: str, filler: str, suffix: str) -> str:
    head = f"{seed!r} + " if seed else ""
    tail = f" + {suffix!r}" if suffix else ""
    return f"{head}{filler!r}*n{tail}"


def _time_call(fn: Callable[[str], Any], s: str, budget: float = 0.05) -> float:
    fn(s)
    t = time.perf_counter_ns()
    fn(s)
    one = (time.perf_counter_ns() - t) / 1e9
    loops = max(1, min(1000, int(budget / 5 / max(one, 1e-7))))
    samples = []
    for _ in range(5):
        t = time.perf_counter_ns()
        for _ in range(loops):
            fn(s)
        samples.append((time.perf_counter_ns() - t) / 1e9 / loops)
    return statistics.median(samples)


def run(worst: int = 2) -> list[Result]:
    results = []
    for where, pat, method, fn in collect():
        # Rank the candidate families at n = 300 by time per call.
        ranked = []
        for seed, filler, suffix in candidates(pat.pattern):
            s = seed + filler * (300 // len(filler)) + suffix
            t = time.perf_counter_ns()
            for _ in range(3):
                fn(s)
            ranked.append(((time.perf_counter_ns() - t) / 3, seed, filler, suffix))
        ranked.sort(reverse=True)
        picks: list[Result] = []
        for _t, seed, filler, suffix in ranked[:worst]:
            times: dict[int, float] = {}
            note = ""
            for n in _SIZES:
                s = seed + filler * (n // len(filler)) + suffix
                times[n] = _time_call(fn, s)
                if n == 10_000 and times[n] > 30 * times[1_000] and times[n] > 1e-3:
                    note = "stopped before n=1e5: superlinear from 1e3 to 1e4"
                    break
            if 100_000 in times:
                exp = math.log(times[100_000] / times[1_000]) / math.log(100)
            else:
                exp = math.log(times[10_000] / times[1_000]) / math.log(10)
            picks.append(Result(where, pat.pattern, method, _family(seed, filler, suffix),
                                times, exp, exp <= 1.25, note))
        # Report the worst-growing family of this pattern.
        picks.sort(key=lambda r: -(r.exponent or 0))
        results.append(picks[0])
    return results
