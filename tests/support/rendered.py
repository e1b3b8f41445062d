"""A spec root generated into a temporary folder and imported under another
name, so that it cannot be confused with the committed ``oci_spec`` (the
package promises that all its imports are relative)."""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from generator import files, pipeline, render


def write_renamed(spec_root: Path, out: Path, name: str) -> None:
    """Generate ``spec_root`` into ``out`` with its top package renamed to ``name``."""
    specs = pipeline.load(spec_root)
    files.write(pipeline.render(specs), out)
    os.rename(out / render.top_package(specs), out / name)


@contextlib.contextmanager
def importing(out: Path, name: str) -> Iterator[ModuleType]:
    """Package ``name`` of folder ``out``, imported; removed from sys.modules
    and sys.path afterwards."""
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]


@contextlib.contextmanager
def imported(spec_root: Path, out: Path, name: str) -> Iterator[ModuleType]:
    """``spec_root`` generated into ``out`` and imported as ``name``."""
    write_renamed(spec_root, out, name)
    with importing(out, name) as pkg:
        yield pkg
