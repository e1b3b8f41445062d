"""Runs the ```python block of docs/runtime-example.md and checks its output."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "runtime-example.md"


def python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", DOC.read_text("utf-8"), re.S | re.M)


def test_doc_has_one_python_block() -> None:
    assert len(python_blocks()) == 1


def test_runtime_example_runs_and_writes_a_valid_config(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    runtime_schema: Callable[[str], Any],
) -> None:
    (code,) = python_blocks()
    monkeypatch.chdir(tmp_path)
    exec(compile(code, str(DOC), "exec"), {"__name__": "__example__"})
    written = tmp_path / "config.json"
    assert written.is_file()
    doc = json.loads(written.read_bytes())
    errors = [e.message for e in runtime_schema("config-schema.json").iter_errors(doc)]
    assert errors == []
    # the locked-down properties the example promises
    proc = doc["process"]
    assert proc["noNewPrivileges"] is True
    assert proc["user"] == {"uid": 65534, "gid": 65534}
    assert proc["capabilities"] == {}  # empty sets: omitempty drops them
    assert doc["root"] == {"path": "rootfs", "readonly": True}
    linux = doc["linux"]
    assert linux["resources"]["memory"]["limit"] == 256 * 1024 * 1024
    assert linux["resources"]["pids"] == {"limit": 64}
    assert linux["resources"]["devices"] == [{"allow": False, "access": "rwm"}]
    assert "/proc/kcore" in linux["maskedPaths"]
    assert [n["type"] for n in linux["namespaces"]] == [
        "pid",
        "network",
        "ipc",
        "uts",
        "mount",
        "cgroup",
    ]
    assert os.getcwd() == str(tmp_path)
