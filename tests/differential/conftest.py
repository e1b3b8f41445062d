"""Fixtures for the differential tests against the upstream Go types.

``goref`` (session) is a running Go reference process (see toolchain.py and
goref/main.go).  The differential tests are part of ``make test`` (and so of
CI): when tests that need Go are collected and no Go >= 1.22 toolchain can be
found or fetched, the run stops before any test with a message saying how to
get Go, or how to skip those tests explicitly: ``OCIGEN_SKIP_GO=1``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import toolchain  # noqa: E402

GO_FIXTURES = {"goref", "goref_build"}
SKIP_ENV = toolchain.SKIP_ENV
missing_go_message = toolchain.missing_go_message

_build: toolchain.GorefBuild | None = None
_unavailable: str | None = None


def _needs_go(item: pytest.Item) -> bool:
    return bool(GO_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)  # after `-m` / `-k` deselection
def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    """Find (or fetch) Go once, before any test runs, if a collected test needs it."""
    global _build, _unavailable
    needing = [item for item in items if _needs_go(item)]
    if not needing:
        return
    try:
        _build = toolchain.build_goref()
        return
    except toolchain.Unavailable as exc:
        _unavailable = str(exc)
    if os.environ.get(SKIP_ENV) == "1":
        skip = pytest.mark.skip(
            reason=f"{SKIP_ENV}=1: Go not available ({_unavailable})"
        )
        for item in needing:
            item.add_marker(skip)
        return
    pytest.exit(missing_go_message(_unavailable), returncode=3)


@pytest.fixture(scope="session")
def goref_build() -> toolchain.GorefBuild:
    if _build is not None:
        return _build
    # Not collected through the hook (e.g. a plugin reordered things): try now.
    try:
        return toolchain.build_goref()
    except toolchain.Unavailable as exc:
        if os.environ.get(SKIP_ENV) == "1":
            pytest.skip(f"{SKIP_ENV}=1: Go not available ({exc})")
        pytest.fail(missing_go_message(str(exc)), pytrace=False)


@pytest.fixture(scope="session")
def goref(goref_build: toolchain.GorefBuild) -> Iterator[toolchain.GoRef]:
    with toolchain.GoRef(goref_build.binary) as ref:
        yield ref
