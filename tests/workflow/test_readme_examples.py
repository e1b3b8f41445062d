"""The README's Python examples for the content helpers, parse_manifest, the
registry responses and the pydantic hooks run as written (each block marked ``<!-- example ... -->``)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(r"<!-- example \(run by tests/workflow/test_readme_examples\.py\) -->\n```python\n(.*?)```", re.S)


def _examples() -> list[str]:
    return _BLOCK.findall((ROOT / "README.md").read_text("utf-8"))


def test_the_readme_has_its_examples() -> None:
    assert len(_examples()) == 4


@pytest.mark.parametrize("code", _examples(), ids=lambda c: c.splitlines()[-1][:40])
def test_example_runs(code: str) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own code
