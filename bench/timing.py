"""Timing and profiling helpers: perf_counter_ns, warm-up, interleaved rounds,
medians; cProfile summaries and a small statistical line profiler."""

from __future__ import annotations

import cProfile
import gc
import io
import linecache
import pstats
import sysconfig
import signal
import statistics
import time
from collections import Counter
from typing import Any, Callable

Fn = Callable[[], Any]


def calibrate(fn: Fn, target_ns: int) -> int:
    """Warm up, then the number of calls that makes one sample ~target_ns."""
    for _ in range(3):
        fn()
    t = time.perf_counter_ns()
    fn()
    one = max(time.perf_counter_ns() - t, 1)
    return max(1, min(100_000, target_ns // one))


def sample(fn: Fn, loops: int) -> float:
    """ns per call over one sample of ``loops`` calls."""
    t = time.perf_counter_ns()
    for _ in range(loops):
        fn()
    return (time.perf_counter_ns() - t) / loops


def interleaved(
    fns: dict[str, Fn], rounds: int, target_ns: int, gc_off: bool = True, warmup: int = 2,
    inner: int = 3,
) -> dict[str, float]:
    """Median ns/call of each function.  One sample of each per round, the
    order rotated every round, so that drifting machine load and position
    effects hit every alternative alike; ``warmup`` rounds are discarded.  A
    round's sample is the best of ``inner`` short runs of ~target_ns/inner
    (timeit's min-of-repeats), which drops runs in which another process
    preempted this one; the result is the median of the rounds.  GC is
    disabled while sampling, as ``timeit`` does, and collected between
    samples."""
    loops = {k: calibrate(f, target_ns // inner) for k, f in fns.items()}
    samples: dict[str, list[float]] = {k: [] for k in fns}
    keys = list(fns)
    was = gc.isenabled()
    try:
        for r in range(warmup + rounds):
            shift = r % len(keys)
            for k in keys[shift:] + keys[:shift]:
                gc.collect()
                if gc_off:
                    gc.disable()
                ns = min(sample(fns[k], loops[k]) for _ in range(inner))
                if was:
                    gc.enable()
                if r >= warmup:
                    samples[k].append(ns)
    finally:
        if was:
            gc.enable()
    return {k: statistics.median(v) for k, v in samples.items()}


# -- profiles ----------------------------------------------------------------------


_STDLIB = sysconfig.get_paths()["stdlib"] + "/"


def short_path(file: str) -> str:
    """A source file as the report shows it: relative to the package, the
    standard library or site-packages, never this machine's absolute path."""
    if file.startswith(_STDLIB):
        return file[len(_STDLIB):]
    return file.split("/generated/")[-1].split("/snapshot/")[-1].split("site-packages/")[-1]


def cprofile(fn: Fn, calls: int, top: int = 10) -> list[tuple[str, int, float, float]]:
    """(function, ncalls, tottime s, cumtime s) of the ``top`` by cumulative time."""
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        fn()
    prof.disable()
    st = pstats.Stats(prof, stream=io.StringIO())
    rows = []
    for (file, line, name), (cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        short = short_path(file)
        label = f"{name} ({short}:{line})" if line else name
        rows.append((label, nc, tt, ct))
    rows.sort(key=lambda r: -r[3])
    # Drop the harness itself (the lambda and this loop).
    rows = [r for r in rows if "bench/" not in r[0] and "<lambda>" not in r[0]]
    return rows[:top]


class LineSampler:
    """A tiny py-spy: a wall-clock timer (SIGALRM, ITIMER_REAL, high resolution
    unlike the tick-based ITIMER_PROF) every ``interval`` s records the
    interrupted Python line (self) and every line on the stack (cumulative).
    Time in C code (json's scanner, str methods) is charged to the Python line
    that called it; the workload runs in a tight loop, so wall time is its CPU
    time give or take other processes' load."""

    def __init__(self, interval: float = 0.00025) -> None:
        self.interval = interval
        self.self_counts: Counter[tuple[str, int, str]] = Counter()
        self.cum_counts: Counter[tuple[str, int, str]] = Counter()
        self.samples = 0

    def _handler(self, signum: int, frame: Any) -> None:
        self.samples += 1
        seen = set()
        f = frame
        first = True
        while f is not None:
            key = (f.f_code.co_filename, f.f_lineno or 0, f.f_code.co_name)
            if first:
                self.self_counts[key] += 1
                first = False
            if key not in seen:
                seen.add(key)
                self.cum_counts[key] += 1
            f = f.f_back

    def run(self, fn: Fn, seconds: float) -> None:
        old = signal.signal(signal.SIGALRM, self._handler)
        signal.setitimer(signal.ITIMER_REAL, self.interval, self.interval)
        try:
            end = time.perf_counter() + seconds
            while time.perf_counter() < end:
                fn()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0, 0)
            signal.signal(signal.SIGALRM, old)

    def top(self, top: int, skip: str = "/bench/") -> list[tuple[str, float, float, str]]:
        """(location, self %, cumulative %, source) of the hottest lines, the
        harness (files whose path contains ``skip``) left out."""
        rows = []
        n = max(self.samples, 1)
        for key, c in self.self_counts.most_common():
            file, line, name = key
            if skip in file or not line:
                continue
            src = linecache.getline(file, line).strip()
            short = short_path(file)
            rows.append((f"{short}:{line} ({name})", 100 * c / n,
                         100 * self.cum_counts[key] / n, src))
            if len(rows) == top:
                break
        return rows


def pyspy_lines(
    workload: list[str], seconds: float, top: int, roots: list[str]
) -> tuple[list[tuple[str, float, float, str]], int] | None:
    """Line-level profile by py-spy (sampling from outside the process, so
    exact lines, unlike an in-process signal sampler whose samples land at the
    next eval-breaker check).  ``workload`` is the command to run; only samples
    inside ``from_json``/``to_json`` count.  None when py-spy is unavailable or
    not permitted (ptrace)."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    spy = shutil.which("py-spy", path=os.path.dirname(sys.executable)) or shutil.which("py-spy")
    if spy is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "raw.txt")
        p = subprocess.run(
            [spy, "record", "-r", "1000", "--format", "raw", "-o", out, "--", *workload,
             str(seconds)],
            capture_output=True, text=True,
        )
        if p.returncode != 0 or not os.path.exists(out):
            return None
        self_c: Counter[str] = Counter()
        cum: Counter[str] = Counter()
        total = 0
        with open(out) as f:
            for line in f:
                stack, _, n = line.rstrip("\n").rpartition(" ")
                frames = stack.split(";")
                if not any(".from_json " in fr or ".to_json " in fr for fr in frames):
                    continue
                total += int(n)
                self_c[frames[-1]] += int(n)
                for fr in set(frames):
                    cum[fr] += int(n)
    rows = []
    for fr, c in self_c.most_common(top):
        name, _, loc = fr.rpartition(" (")
        file, _, line = loc.rstrip(")").rpartition(":")
        src = ""
        for root in roots:
            src = linecache.getline(os.path.join(root, file), int(line or 0)).strip()
            if src:
                break
        rows.append((f"{file}:{line} ({name})", 100 * c / total, 100 * cum[fr] / total, src))
    return rows, total
