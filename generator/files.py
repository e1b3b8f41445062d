"""Compare a rendered file set with a directory, or replace the directory with it.

``check``, ``diff`` and ``generate`` share the rendering; only this last step
differs.  Writing is all or nothing: the new tree is built beside the old one
and swapped in with renames.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

# The folders under the output root that ocigen owns; anything else there (the
# distribution's packaging files) is left alone.
OWNED = ("oci_spec", "lint")


@dataclass(frozen=True)
class Drift:
    stale: tuple[str, ...]
    missing: tuple[str, ...]
    orphan: tuple[str, ...]
    diff: str

    @property
    def clean(self) -> bool:
        return not (self.stale or self.missing or self.orphan)


def _existing(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for owned in OWNED:
        base = root / owned
        if base.is_dir():
            for p in sorted(base.rglob("*")):
                if p.is_file() and "__pycache__" not in p.parts:
                    found[p.relative_to(root).as_posix()] = p
    return found


def compare(files: dict[str, str], root: Path) -> Drift:
    have = _existing(root)
    stale: list[str] = []
    missing: list[str] = []
    chunks: list[str] = []
    for rel, text in files.items():
        path = have.get(rel)
        if path is None:
            missing.append(rel)
            chunks.extend(difflib.unified_diff([], text.splitlines(True), "/dev/null", f"b/{rel}"))
            continue
        old = path.read_text(encoding="utf-8")
        if old != text:
            stale.append(rel)
            chunks.extend(
                difflib.unified_diff(old.splitlines(True), text.splitlines(True), f"a/{rel}", f"b/{rel}")
            )
    orphan = sorted(set(have) - set(files))
    for rel in orphan:
        old = have[rel].read_text(encoding="utf-8", errors="replace")
        chunks.extend(difflib.unified_diff(old.splitlines(True), [], f"a/{rel}", "/dev/null"))
    return Drift(tuple(stale), tuple(missing), tuple(orphan), "".join(chunks))


def write(files: dict[str, str], root: Path) -> None:
    """Replace the owned folders of ``root`` with exactly ``files``: everything is
    written to a staging folder first, so a failure leaves the old tree as it was."""
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ocigen-", dir=root))
    try:
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        for owned in OWNED:
            target = root / owned
            old = root / f".{owned}.old"
            if old.exists():
                shutil.rmtree(old)
            if target.exists():
                os.rename(target, old)
            if (staging / owned).exists():
                os.rename(staging / owned, target)
        for owned in OWNED:
            shutil.rmtree(root / f".{owned}.old", ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
