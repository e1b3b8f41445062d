"""tests/mutation/equivalent.toml stays true to the code (part of ``make test``).

Each entry names a surviving mutant judged equivalent (``make mutation``,
docs/testing.md) by its file, cosmic-ray operator and the changed line before
and after.  When the code changes, an entry whose line is gone would silently
excuse nothing (or a different line later): every entry's line must still be
in its file, and the mutated line must differ from it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ENTRIES = tomllib.loads((Path(__file__).parent / "equivalent.toml").read_text(encoding="utf-8")).get("equivalent", [])
TARGETS = {
    "generated/oci_spec/_runtime.py", "generated/oci_spec/_strict.py", "generator/bind.py",
    "generator/types.py", "generator/lint.py", "generator/render.py",
}  # fmt: skip


def _id(e: dict[str, str]) -> str:
    return f"{Path(e['file']).name}:{e['operator'].removeprefix('core/')}:{e['before'][:40]}"


@pytest.mark.parametrize("entry", ENTRIES, ids=[_id(e) for e in ENTRIES])
def test_entry_names_a_line_of_its_file(entry: dict[str, str]) -> None:
    assert set(entry) == {"file", "operator", "before", "after", "reason"}
    assert entry["file"] in TARGETS
    assert entry["operator"].startswith("core/")
    assert entry["reason"].strip()
    assert entry["before"] != entry["after"]
    lines = {ln.strip() for ln in (REPO / entry["file"]).read_text(encoding="utf-8").splitlines()}
    for part in entry["before"].split("\n"):  # a change over several lines: one per line
        assert part in lines, f"{entry['file']} has no line {part!r} any more: update or drop the entry"


def test_entries_are_unique() -> None:
    keys = [(e["file"], e["operator"], e["before"], e["after"]) for e in ENTRIES]
    assert len(keys) == len(set(keys))
