"""Hostile-input suites: settings, and a count of the inputs they tried.

Sizes: every property test runs ``OCIGEN_FUZZ_EXAMPLES`` examples (default 150,
times a per-test weight) with ``derandomize=True`` and no deadline, so ``make
test`` is reproducible and short; ``make fuzz`` runs 50 times as many.  The
session prints how many inputs went to ``from_json``/``from_dict`` in total,
which named Go-side rules explained disagreements with python-jsonschema, and
which documented round-trip exceptions were met.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import fuzzlib  # noqa: E402

settings.register_profile(
    "ocigen-fuzz",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    counts = fuzzlib.COUNTS
    if not counts:
        return
    tr = terminalreporter
    total = sum(counts.values())
    tr.write_sep("-", "ocigen fuzz")
    tr.write_line(
        f"inputs tried: {total} (OCIGEN_FUZZ_EXAMPLES={fuzzlib.examples()})"
    )
    for name, n in sorted(counts.items()):
        tr.write_line(f"  {name}: {n}")
    if fuzzlib.EXPLAINED:
        tr.write_line("disagreements with python-jsonschema explained by a named rule:")
        for name, n in sorted(fuzzlib.EXPLAINED.items()):
            tr.write_line(f"  {name}: {n}")
    if fuzzlib.TOLERATED:
        tr.write_line("documented round-trip exceptions met (test_fuzz_robustness.ROUND_TRIP_EXCEPTIONS):")
        for name, n in sorted(fuzzlib.TOLERATED.items()):
            tr.write_line(f"  {name}: {n}")
