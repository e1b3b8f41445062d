"""Fixtures for the differential tests against the upstream Go types.

``goref`` (session) is a running Go reference process (see toolchain.py and
goref/main.go).  When no Go >= 1.22 toolchain can be found or fetched, the tests
that use it are skipped with one line saying how to enable them; set
``OCIGEN_REQUIRE_GOREF=1`` to make that a failure instead (e.g. in CI).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import toolchain  # noqa: E402


@pytest.fixture(scope="session")
def goref_build() -> toolchain.GorefBuild:
    try:
        return toolchain.build_goref()
    except toolchain.Unavailable as exc:
        reason = toolchain.skip_reason(exc)
        if os.environ.get("OCIGEN_REQUIRE_GOREF") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def goref(goref_build: toolchain.GorefBuild) -> Iterator[toolchain.GoRef]:
    with toolchain.GoRef(goref_build.binary) as ref:
        yield ref
