"""generator/files.py: compare a rendered file set with a folder, and replace the
owned folders of that folder all or nothing; plus ``ocigen check`` exit codes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import cli, files, pipeline

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"

RENDERED = {
    "lint/a.txt": "finding one\n",
    "oci_spec/__init__.py": '"""Top."""\n',
    "oci_spec/py.typed": "",
    "oci_spec/sub/__init__.py": "X = 1\nY = 2\nZ = 3\n",
}


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root, hidden ones included."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def out(tmp_path: Path) -> Path:
    root = tmp_path / "generated"
    files.write(RENDERED, root)
    return root


# --- compare ---------------------------------------------------------------------


def test_compare_clean(out: Path) -> None:
    drift = files.compare(RENDERED, out)
    assert drift.clean
    assert (drift.stale, drift.missing, drift.orphan, drift.diff) == ((), (), (), "")


def test_compare_stale(out: Path) -> None:
    (out / "oci_spec/sub/__init__.py").write_text(
        "X = 1\nY = 20\nZ = 3\n", encoding="utf-8"
    )
    drift = files.compare(RENDERED, out)
    assert not drift.clean
    assert drift.stale == ("oci_spec/sub/__init__.py",)
    assert drift.missing == () and drift.orphan == ()
    assert drift.diff == (
        "--- a/oci_spec/sub/__init__.py\n"
        "+++ b/oci_spec/sub/__init__.py\n"
        "@@ -1,3 +1,3 @@\n"
        " X = 1\n"
        "-Y = 20\n"
        "+Y = 2\n"
        " Z = 3\n"
    )


def test_compare_missing(out: Path) -> None:
    (out / "lint/a.txt").unlink()
    drift = files.compare(RENDERED, out)
    assert drift.missing == ("lint/a.txt",)
    assert drift.stale == () and drift.orphan == ()
    assert (
        drift.diff == "--- /dev/null\n+++ b/lint/a.txt\n@@ -0,0 +1 @@\n+finding one\n"
    )


def test_compare_orphan(out: Path) -> None:
    (out / "oci_spec/sub/old.py").write_text("OLD = True\n", encoding="utf-8")
    drift = files.compare(RENDERED, out)
    assert drift.orphan == ("oci_spec/sub/old.py",)
    assert drift.stale == () and drift.missing == ()
    assert (
        drift.diff
        == "--- a/oci_spec/sub/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-OLD = True\n"
    )


def test_compare_all_three_at_once(out: Path) -> None:
    (out / "oci_spec/__init__.py").write_text('"""Changed."""\n', encoding="utf-8")
    (out / "oci_spec/py.typed").unlink()
    (out / "lint/b.txt").write_text("extra\n", encoding="utf-8")
    drift = files.compare(RENDERED, out)
    assert drift.stale == ("oci_spec/__init__.py",)
    assert drift.missing == ("oci_spec/py.typed",)
    assert drift.orphan == ("lint/b.txt",)
    for header in ("+++ b/oci_spec/__init__.py", "--- a/lint/b.txt"):
        assert header in drift.diff
    # An empty file has no lines, so difflib writes no hunk for it: only the
    # missing list names oci_spec/py.typed.
    assert "py.typed" not in drift.diff


def test_compare_ignores_unowned_files_and_pycache(out: Path) -> None:
    (out / "NOTES.txt").write_text("mine\n", encoding="utf-8")
    (out / "other").mkdir()
    (out / "other/x.py").write_text("x = 1\n", encoding="utf-8")
    cache = out / "oci_spec/__pycache__"
    cache.mkdir()
    (cache / "__init__.cpython-311.pyc").write_bytes(b"\0\1")
    assert files.compare(RENDERED, out).clean


def test_compare_on_missing_folder(tmp_path: Path) -> None:
    drift = files.compare(RENDERED, tmp_path / "nothing")
    assert drift.missing == tuple(RENDERED)
    assert drift.stale == () and drift.orphan == ()


# --- write -------------------------------------------------------------------------


def test_write_replaces_exactly_the_owned_folders(out: Path) -> None:
    (out / "oci_spec/sub/old.py").write_text("OLD = True\n", encoding="utf-8")
    (out / "lint/old.txt").write_text("old\n", encoding="utf-8")
    (out / "setup.cfg").write_text("[metadata]\n", encoding="utf-8")
    (out / "docs").mkdir()
    (out / "docs/a.md").write_text("# a\n", encoding="utf-8")
    (out / "oci_spec_extra").mkdir()  # shares a prefix with an owned folder
    (out / "oci_spec_extra/keep.py").write_text("K = 1\n", encoding="utf-8")

    new = {
        **RENDERED,
        "oci_spec/sub/__init__.py": "X = 1\n",
        "oci_spec/new.py": "N = 1\n",
    }
    files.write(new, out)

    assert snapshot(out) == {
        **{rel: text.encode() for rel, text in new.items()},
        "setup.cfg": b"[metadata]\n",
        "docs/a.md": b"# a\n",
        "oci_spec_extra/keep.py": b"K = 1\n",
    }
    assert sorted(p.name for p in out.iterdir()) == [
        "docs",
        "lint",
        "oci_spec",
        "oci_spec_extra",
        "setup.cfg",
    ]  # fmt: skip  (no staging or .old folders left behind)
    assert files.compare(new, out).clean


def test_write_drops_an_owned_folder_with_no_files(out: Path) -> None:
    only_pkg = {k: v for k, v in RENDERED.items() if k.startswith("oci_spec/")}
    files.write(only_pkg, out)
    assert not (out / "lint").exists()
    assert snapshot(out) == {rel: text.encode() for rel, text in only_pkg.items()}


def test_owned_top_level_files(out: Path) -> None:
    """The distribution metadata files are compared and replaced too; other
    top-level files are not."""
    name = "pyproject.toml"
    assert name in files.owned({})
    (out / name).write_text("old\n", encoding="utf-8")
    (out / "setup.cfg").write_text("[metadata]\n", encoding="utf-8")
    drift = files.compare(RENDERED, out)
    assert drift.orphan == (name,) and drift.stale == () and drift.missing == ()
    with_file = {**RENDERED, name: "new\n"}
    assert files.compare(with_file, out).stale == (name,)
    files.write(with_file, out)
    assert (out / name).read_text(encoding="utf-8") == "new\n"
    assert files.compare(with_file, out).clean
    files.write(RENDERED, out)  # no longer rendered: removed
    assert not (out / name).exists()
    assert (out / "setup.cfg").read_text(encoding="utf-8") == "[metadata]\n"


def test_write_creates_the_folder_and_uses_lf(tmp_path: Path) -> None:
    root = tmp_path / "a" / "b"
    files.write({"oci_spec/m.py": "A = 1\nB = 2\n"}, root)
    assert (root / "oci_spec/m.py").read_bytes() == b"A = 1\nB = 2\n"


def _failing_rename(
    monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> list[tuple[str, str]]:
    real = os.rename
    calls: list[tuple[str, str]] = []

    def rename(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        calls.append((str(src), str(dst)))
        if len(calls) == fail_at:
            raise OSError(f"injected failure on rename #{fail_at}")
        real(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    return calls


def test_failed_write_leaves_the_previous_tree(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (out / "setup.cfg").write_text("[metadata]\n", encoding="utf-8")
    before = snapshot(out)
    calls = _failing_rename(monkeypatch, 1)
    changed = {
        **RENDERED,
        "oci_spec/sub/__init__.py": "CHANGED = 1\n",
        "lint/z.txt": "z\n",
    }
    with pytest.raises(OSError, match="injected failure"):
        files.write(changed, out)
    assert len(calls) == 1
    assert snapshot(out) == before  # hidden files included: no staging folder left
    assert sorted(p.name for p in out.iterdir()) == ["lint", "oci_spec", "setup.cfg"]


@pytest.mark.parametrize("fail_at", [2, 3, 4])
def test_failed_write_at_a_later_rename_leaves_the_previous_tree(
    out: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    before = snapshot(out)
    _failing_rename(monkeypatch, fail_at)
    changed = {
        **RENDERED,
        "oci_spec/sub/__init__.py": "CHANGED = 1\n",
        "lint/a.txt": "changed\n",
    }
    with pytest.raises(OSError, match="injected failure"):
        files.write(changed, out)
    assert snapshot(out) == before


# --- ocigen check ------------------------------------------------------------------


def _cli(
    capsys: pytest.CaptureFixture[str], out: Path, command: str
) -> tuple[int, str, str]:
    code = cli.main(["--spec-root", str(FIXTURES), "--out", str(out), command])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def minispec_files() -> dict[str, str]:
    return pipeline.render(pipeline.load(FIXTURES))


def test_check_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], minispec_files: dict[str, str]
) -> None:
    out = tmp_path / "generated"

    # Nothing generated yet: every file is missing.
    code, stdout, _ = _cli(capsys, out, "check")
    assert code == 1
    for rel in minispec_files:
        assert f"missing: {out}/{rel}\n" in stdout
    assert stdout.endswith(f"ocigen: {out} is out of date; run: {cli.REGENERATE}\n")
    assert "ocigen generate" in cli.REGENERATE

    code, stdout, stderr = _cli(capsys, out, "generate")
    assert code == 0
    assert (
        stdout
        == f"ocigen: wrote {len(minispec_files)} files to {out} ({len(minispec_files)} changed)\n"
    )
    assert stderr.count("warning: mini-spec: ") == 11  # the lint findings

    code, stdout, stderr = _cli(capsys, out, "check")
    assert (code, stderr) == (0, "")
    assert stdout == f"ocigen: {out} is up to date ({len(minispec_files)} files)\n"

    # Stale, orphan and missing files: exit 1, a diff, the list, the command.
    module = out / "oci_spec/mini/v1/__init__.py"
    module.write_text(
        module.read_text(encoding="utf-8").replace("MAX_PARTS = 16", "MAX_PARTS = 17"),
        encoding="utf-8",
    )
    (out / "oci_spec/mini/stray.py").write_text("S = 1\n", encoding="utf-8")
    (out / "lint/mini-spec.txt").unlink()
    (out / "setup.cfg").write_text(
        "[metadata]\n", encoding="utf-8"
    )  # not owned: ignored
    code, stdout, stderr = _cli(capsys, out, "check")
    assert (code, stderr) == (1, "")
    assert (
        "--- a/oci_spec/mini/v1/__init__.py\n+++ b/oci_spec/mini/v1/__init__.py\n"
        in stdout
    )
    assert "-MAX_PARTS = 17\n+MAX_PARTS = 16\n" in stdout
    assert "+++ b/lint/mini-spec.txt\n" in stdout
    assert "--- a/oci_spec/mini/stray.py\n+++ /dev/null\n" in stdout
    assert f"stale: {out}/oci_spec/mini/v1/__init__.py\n" in stdout
    assert f"missing: {out}/lint/mini-spec.txt\n" in stdout
    assert f"orphan: {out}/oci_spec/mini/stray.py\n" in stdout
    assert stdout.endswith(f"ocigen: {out} is out of date; run: {cli.REGENERATE}\n")
    assert "setup.cfg" not in stdout

    # generate repairs it and leaves the unowned file alone.
    code, stdout, _ = _cli(capsys, out, "generate")
    assert code == 0 and stdout.endswith("(3 changed)\n")
    assert _cli(capsys, out, "check")[0] == 0
    assert (out / "setup.cfg").read_text(encoding="utf-8") == "[metadata]\n"


def test_check_does_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "generated"
    files.write({"oci_spec/old.py": "OLD = 1\n"}, out)
    before = snapshot(out)
    assert _cli(capsys, out, "check")[0] == 1
    assert snapshot(out) == before
