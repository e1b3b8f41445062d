"""The workflow documents stay true: docs/updating.md embeds the reviewed golden
report verbatim, and .pre-commit-hooks.yaml declares the ocigen-check hook."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "workflow" / "golden" / "image-spec-1.1.0-to-1.1.1.md"


def test_updating_md_embeds_the_golden_report() -> None:
    doc = (ROOT / "docs" / "updating.md").read_text("utf-8")
    m = re.search(
        r"<!-- report: tests/workflow/golden/image-spec-1\.1\.0-to-1\.1\.1\.md[^>]*-->\n"
        r"````markdown\n(.*?)````\n<!-- end report -->",
        doc,
        re.S,
    )
    assert m is not None, "docs/updating.md lost its report block"
    assert m.group(1) == GOLDEN.read_text("utf-8"), "paste the updated golden report into docs/updating.md"
    for link in re.findall(r"\]\(([^)#]+)\)", doc):
        if "://" not in link:
            assert (ROOT / "docs" / link).resolve().exists(), link


def _hooks() -> list[dict[str, str]]:
    """The small YAML subset the hooks file uses: a list of flat mappings."""
    hooks: list[dict[str, str]] = []
    for line in (ROOT / ".pre-commit-hooks.yaml").read_text("utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("- "):
            hooks.append({})
            line = "  " + line[2:]
        key, _, value = line.strip().partition(":")
        hooks[-1][key] = value.strip()
    return hooks


def test_pre_commit_hook() -> None:
    [hook] = _hooks()
    assert hook["id"] == "ocigen-check"
    assert (hook["entry"], hook["language"], hook["pass_filenames"]) == ("ocigen check", "python", "false")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts["ocigen"] == "generator.cli:main"  # what `language: python` installs
    files = re.compile(hook["files"])
    for path in ("spec/image-spec/ocigen.toml", "templates/module.py.j2", "generated/pyproject.toml",
                 "generator/bind.py"):  # fmt: skip
        assert files.search(path), path
    assert not files.search("docs/updating.md")
