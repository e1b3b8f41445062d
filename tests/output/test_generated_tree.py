"""The committed generated/ tree: up to date, deterministic, typed, vendorable."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import files, pipeline

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"
PACKAGE = GENERATED / "oci_spec"


def _render() -> dict[str, str]:
    return pipeline.render(pipeline.load(ROOT / "spec", "spec"), ROOT / "spec")


def test_committed_tree_is_up_to_date() -> None:
    drift = files.compare(_render(), GENERATED)
    assert drift.clean, "generated/ is stale; run `make generate`\n" + drift.diff[:5000]


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.relative_to(PACKAGE).as_posix()
)
def test_every_module_is_blacks_fixed_point(path: Path) -> None:
    # The generator runs black's first pass only (render._format_once); black's
    # format_str gives the same bytes exactly when that output is a fixed point.
    import black

    from generator import render

    text = path.read_text(encoding="utf-8")
    assert black.format_str(text, mode=render.BLACK_MODE) == text, (
        f"{path.name}: black changes the generated module again; the template "
        "renders code whose first black pass is not final"
    )


@pytest.mark.parametrize("seeds", [("1", "4242")])
def test_generation_is_deterministic_across_hash_seeds(tmp_path: Path, seeds: tuple[str, str]) -> None:
    outs = []
    for seed in seeds:
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "generator", "--out", str(out), "generate"],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )
        outs.append(out)
    a = {p.relative_to(outs[0]): p.read_bytes() for p in sorted(outs[0].rglob("*")) if p.is_file()}
    b = {p.relative_to(outs[1]): p.read_bytes() for p in sorted(outs[1].rglob("*")) if p.is_file()}
    assert a == b
    committed = {Path(rel): p.read_bytes() for rel, p in files.existing(GENERATED, files.owned(_render())).items()}
    assert a == committed


def test_output_has_no_timestamps_or_absolute_paths() -> None:
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert str(ROOT) not in text, path
        assert "/tmp/" not in text and "/home/" not in text, path


def test_generated_package_passes_mypy_strict_for_python_310() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10",
         "--no-incremental", "--cache-dir", os.devnull, "oci_spec"],
        cwd=GENERATED, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


STDLIB = {"__future__", "base64", "binascii", "codecs", "dataclasses", "datetime", "os",
          "enum", "json", "re", "typing", "decimal", "hashlib", "types", "ipaddress",
          # the validate command (_validate.py, __main__.py)
          "argparse", "errno", "stat", "sys", "tarfile", "time"}
# Imported only inside the pydantic hooks' functions, when pydantic calls them.
LAZY = {"_pydantic.py": {"pydantic_core"}}


def _lazy_imports(tree: ast.Module) -> set[int]:
    """ids of the import nodes inside function bodies."""
    return {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for inner in ast.walk(node)
        if isinstance(inner, (ast.Import, ast.ImportFrom))
    }


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(GENERATED)))
def test_relative_imports_only_and_no_dynamic_code(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lazy = _lazy_imports(tree)
    allowed_lazy = LAZY.get(path.name, set())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split(".")[0] in STDLIB, f"{path}: import {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                top = (node.module or "").split(".")[0]
                ok = top in STDLIB or (top in allowed_lazy and id(node) in lazy)
                assert ok, f"{path}: from {node.module}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"eval", "exec", "compile", "__import__"}, path
        elif isinstance(node, ast.Attribute):
            assert node.attr not in {"import_module"}, path



@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(GENERATED)))
def test_every_import_is_used(path: Path) -> None:
    """Each module imports only the helpers it uses (ruff's F401): a name imported
    is read somewhere in the module or re-exported through ``__all__``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        (alias.asname or alias.name).split(".")[0]: node.lineno
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom)) and getattr(node, "module", None) != "__future__"
        for alias in node.names
    }
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    exported: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            exported = {c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)}
    unused = sorted(f"{name} (line {line})" for name, line in imported.items() if name not in read | exported)
    assert not unused, f"{path}: imported, never used: {', '.join(unused)}"

def test_versions() -> None:
    import oci_spec
    import oci_spec.image
    import oci_spec.distribution
    import oci_spec.runtime

    assert oci_spec.image.VERSION == "1.1.1"
    assert oci_spec.runtime.VERSION == "1.3.0"
    assert oci_spec.distribution.VERSION == "1.1.1"
    assert oci_spec.SPEC_VERSIONS == {"distribution-spec": "1.1.1", "image-spec": "1.1.1", "runtime-spec": "1.3.0"}
    assert issubclass(oci_spec.ValidationError, ValueError)


def test_lint_reports_are_committed_and_reviewed() -> None:
    for name in ("image-spec", "runtime-spec", "distribution-spec"):
        text = (GENERATED / "lint" / f"{name}.txt").read_text(encoding="utf-8")
        assert text.startswith(f"# ocigen lint: {name}")
