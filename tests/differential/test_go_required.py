"""Without Go, the test run fails (CI) unless the developer skips explicitly.

Runs pytest in a subprocess on a copy of this directory's conftest.py and
toolchain.py with one test that needs goref, where no Go can be had: no ``go``
on PATH, no toolchain under the copy's ``.cache/`` and fetching disabled
(``OCIGEN_INSTALL_GO=0``).  Needs no Go itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

NEEDS_GO = """
def test_uses_go(goref):
    assert goref.go_version()


def test_without_go():
    pass
"""


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    tests = tmp_path / "tests" / "differential"
    tests.mkdir(parents=True)
    for name in ("conftest.py", "toolchain.py"):
        shutil.copy(HERE / name, tests / name)
    (tests / "test_needs_go.py").write_text(NEEDS_GO)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    no_go = tmp_path / "bin"
    no_go.mkdir()
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OCIGEN_", "GO", "PYTEST_"))
    }
    base.update(PATH=str(no_go), OCIGEN_INSTALL_GO="0", **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", str(tmp_path / "tests")],
        cwd=tmp_path,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_go_fails_the_run_with_instructions(tmp_path: Path) -> None:
    res = _run(tmp_path)
    out = res.stdout + res.stderr
    assert res.returncode != 0, out
    assert "the differential tests need Go >= 1.22" in out, out
    assert "fetching it is disabled (OCIGEN_INSTALL_GO=0)" in out, out
    assert "put go >= 1.22 on PATH" in out, out
    assert "OCIGEN_SKIP_GO=1 make test" in out, out
    assert "passed" not in out, out  # stopped before any test ran


def test_explicit_skip_passes_and_says_why(tmp_path: Path) -> None:
    res = _run(tmp_path, OCIGEN_SKIP_GO="1")
    out = res.stdout + res.stderr
    assert res.returncode == 0, out
    assert "1 passed, 1 skipped" in out, out
    assert "OCIGEN_SKIP_GO=1: Go not available" in out, out
