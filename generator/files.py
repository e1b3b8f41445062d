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

# Top-level entries of the output root that ocigen owns even when a rendering
# leaves them out: the lint reports, the API reference and the distribution's
# metadata (pipeline.lint_report, names.API_DIR, packaging.DIST_FILES).
ALWAYS_OWNED = ("lint", "api", "pyproject.toml", "README.md")


def owned(files: dict[str, str]) -> tuple[str, ...]:
    """The top-level entries of the output root that ocigen owns: what the
    rendering writes (the package folder) and ``ALWAYS_OWNED``.  Anything else
    there (build artefacts, a virtualenv, ...) is left alone."""
    return tuple(sorted({rel.split("/", 1)[0] for rel in files} | set(ALWAYS_OWNED)))


@dataclass(frozen=True)
class Drift:
    stale: tuple[str, ...]
    missing: tuple[str, ...]
    orphan: tuple[str, ...]
    diff: str

    @property
    def clean(self) -> bool:
        return not (self.stale or self.missing or self.orphan)


def existing(root: Path, names: tuple[str, ...]) -> dict[str, Path]:
    """The files under the top-level entries ``names`` of ``root``:
    {relative path: path}."""
    found: dict[str, Path] = {}
    for name in names:
        base = root / name
        if base.is_dir():
            for p in sorted(base.rglob("*")):
                if p.is_file() and "__pycache__" not in p.parts:
                    found[p.relative_to(root).as_posix()] = p
        elif base.is_file():
            found[name] = base
    return found


def compare(files: dict[str, str], root: Path) -> Drift:
    have = existing(root, owned(files))
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
    """Replace the owned entries of ``root`` with exactly ``files``.

    Everything is written to a staging folder first; then each owned entry is
    swapped in by renames, journalled so that a failure part-way puts every
    entry back as it was."""
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ocigen-", dir=root))
    journal: list[tuple[str, Path, Path]] = []  # ("moved"|"placed", from, to)
    try:
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        try:
            for name in owned(files):
                target, old, new = root / name, root / f".{name}.old", staging / name
                _remove(old)
                if target.exists():
                    os.rename(target, old)
                    journal.append(("moved", target, old))
                if new.exists():
                    os.rename(new, target)
                    journal.append(("placed", new, target))
        except BaseException:
            for _action, src, dst in reversed(journal):
                os.rename(dst, src)  # undo: the placed tree back to staging, the old one back
            raise
        for name in owned(files):
            _remove(root / f".{name}.old")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
