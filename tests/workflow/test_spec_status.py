"""``ocigen spec status``: vendored versions, provenance, and whether generated/
is what the vendored specs generate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import cli, pipeline

ROOT = Path(__file__).resolve().parents[2]
PREVIOUS = Path("tests/workflow/fixtures/spec-previous")


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Lint reports name files relative to the spec root as given ("spec/..."),
    # as `make generate` runs from the repository root.
    monkeypatch.chdir(ROOT)


def test_committed_tree_is_intact_and_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["spec", "status"]) == 0
    out = capsys.readouterr().out.splitlines()
    # The distribution-spec v1.1.1 tag is commit a139cc4... upstream.
    assert out[0] == (
        "distribution-spec 1.1.1: tag v1.1.1, commit a139cc423184af6078077b9b7ee336eddbd03f8f "
        "(tarball distribution-spec-v1.1.1.tar): intact"
    )
    # The image-spec v1.1.1 tag is commit 147f9c1... upstream.
    assert out[1] == (
        "image-spec 1.1.1: tag v1.1.1, commit 147f9c13cedb47a0c4d9a11a222961073d585877 "
        "(tarball image-spec-v1.1.1.tar): intact"
    )
    # The runtime-spec v1.3.0 tag is commit 9224913... upstream.
    assert out[2] == (
        "runtime-spec 1.3.0: tag v1.3.0, commit 92249139eea7161e13745abd4cb6d0ea02a3227a "
        "(tarball runtime-spec-v1.3.0.tar): intact"
    )
    assert out[3].startswith(
        "generated (generated from distribution-spec 1.1.1, image-spec 1.1.1, runtime-spec 1.3.0):"
        " up to date ("
    )


def test_stale_output_exits_1_and_names_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = pipeline.render(pipeline.load(Path("spec")), Path("spec"))
    monkeypatch.setattr(pipeline, "render", lambda specs, root=None: rendered)  # render once
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", out, ignore=shutil.ignore_patterns("__pycache__"))
    (out / "lint" / "image-spec.txt").write_text("edited\n")
    (out / "README.md").unlink()
    (out / "oci_spec" / "stray.py").write_text("")
    assert cli.main(["spec", "status", "--out", str(out)]) == 1
    text = capsys.readouterr().out
    assert ": out of date: 1 stale, 1 missing, 1 orphan file(s); run: make generate" in text
    for name in ("lint/image-spec.txt", "README.md", "oci_spec/stray.py"):
        assert f"  {out}/{name}\n" in text


def test_previous_releases_fixture_is_intact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The compacted fixtures are intact vendored specs (their provenance lists
    exactly the files kept)."""
    args = ["spec", "status", "--spec-root", str(PREVIOUS), "--out", str(tmp_path / "none")]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert (
        "image-spec 1.1.0: tag and commit not recorded "
        "(golang-github-opencontainers-image-spec-dev 1.1.0-2): intact"
    ) in out
    # upstream's v1.2.1 tag is commit 524fc0e...
    assert (
        "runtime-spec 1.2.1: tag v1.2.1 (inferred), commit 524fc0e1b8ab0180e2fc9abd31837a0f4ed1fd6b "
        "(tarball runtime-spec-v1.2.1.tar): intact"
    ) in out


def test_no_output_folder_is_not_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["spec", "status", "--out", str(tmp_path / "none")]) == 0
    assert f"{tmp_path / 'none'}: not checked (no such directory)" in capsys.readouterr().out
