"""What ``spec import`` asks the git program about a checkout: HEAD, the tags
pointing at it, the origin remote, HEAD's files and the blob ids of files on
disk (to tell whether the working tree still is that commit).

Every call is ``git -C <folder> --no-optional-locks ...`` with list arguments
and an environment without ``GIT_*`` variables: run from a git hook (which sets
``GIT_DIR``, ``GIT_INDEX_FILE``, ...) or a shell that exports them, git would
otherwise read another repository.  ``GIT_CEILING_DIRECTORIES`` keeps git from
taking a repository above the checkout, and replace refs are ignored, so HEAD's
tree is the commit's own.  None of the commands used runs filters or hooks.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

NO_GIT = (
    "importing a checkout needs the git program, which is not installed; "
    "import a `git archive` tarball of the tag instead"
)
_OID = re.compile(rb"[0-9a-f]{40}|[0-9a-f]{64}")
_LS_TREE = re.compile(
    rb"([0-7]{6}) (blob|tree|commit) ([0-9a-f]{40}|[0-9a-f]{64})\t(.+)", re.S
)


class GitError(Exception):
    """git failed or answered what ``spec import`` cannot use; the message is
    written for the user (git's own message included)."""


@dataclass(frozen=True)
class TreeEntry:
    mode: int  # 0o100644, 0o100755, 0o120000 (link), 0o160000 (submodule)
    oid: str


def has_git_metadata(folder: Path) -> bool:
    """Whether ``folder`` is the top of a checkout (``.git`` folder, or the
    ``gitdir:`` file of a linked worktree or submodule)."""
    return os.path.lexists(folder / ".git")


class Checkout:
    """A folder of a checkout whose top is ``top``; paths are relative to
    ``folder``, and only what lies below it is listed."""

    def __init__(self, folder: Path, top: Path) -> None:
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        self.env.update(
            GIT_CEILING_DIRECTORIES=str(top.parent),
            GIT_NO_REPLACE_OBJECTS="1",
            LC_ALL="C",  # git's messages, which errors quote, in one language
        )

    def _run(self, *args: str, ok: tuple[int, ...] = (0,)) -> tuple[int, bytes]:
        try:
            done = subprocess.run(
                ["git", "-C", str(self.folder), "--no-optional-locks", *args],
                env=self.env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
            )
        except FileNotFoundError:
            raise GitError(NO_GIT) from None
        if done.returncode not in ok:
            lines = done.stderr.decode("utf-8", "replace").splitlines()
            said = list(dict.fromkeys(line.strip() for line in lines if line.strip()))
            raise GitError(
                f"`git {args[0]}` failed (exit {done.returncode})"
                + (f": {' / '.join(said)}" if said else "")
            )
        return done.returncode, done.stdout

    def head(self) -> str:
        """The commit HEAD names (annotated tags peeled)."""
        _, out = self._run("rev-parse", "--verify", "HEAD^{commit}")
        if _OID.fullmatch(out.removesuffix(b"\n")) is None:
            raise GitError(f"`git rev-parse` answered {out!r}, not a commit id")
        return out[:-1].decode("ascii")

    def tags_at(self, commit: str) -> tuple[str, ...]:
        """The tags pointing at ``commit``, directly or through a tag object."""
        _, out = self._run(
            "for-each-ref", f"--points-at={commit}", "--format=%(refname)", "refs/tags/"
        )
        tags = []
        for line in out.splitlines():
            if not line.startswith(b"refs/tags/"):
                raise GitError(f"`git for-each-ref` answered {line!r}, not a tag")
            tags.append(line.removeprefix(b"refs/tags/").decode("utf-8", "replace"))
        return tuple(sorted(tags))

    def origin_url(self) -> str | None:
        """The origin remote's URL, None when there is no origin (git exits 2)."""
        code, out = self._run("remote", "get-url", "origin", ok=(0, 2))
        url = out.decode("utf-8", "replace").strip()
        return url if code == 0 and url else None

    def tree(self, commit: str) -> dict[str, TreeEntry]:
        """Every file, link and submodule of the commit below the folder."""
        _, out = self._run("ls-tree", "-r", "-z", "--end-of-options", commit)
        files = {}
        for record in out.split(b"\0")[:-1]:
            m = _LS_TREE.fullmatch(record)
            if m is None:
                raise GitError(f"`git ls-tree` answered {record!r}")
            files[os.fsdecode(m[4])] = TreeEntry(int(m[1], 8), m[3].decode("ascii"))
        return files

    def blob_ids(self, paths: list[str]) -> list[str]:
        """The blob id of each file's bytes as they are (no eol conversion or
        clean filter: what was read is what is vendored)."""
        if not paths:
            return []
        _, out = self._run("hash-object", "--no-filters", "--", *paths)
        ids = out.splitlines()
        if len(ids) != len(paths) or not all(_OID.fullmatch(i) for i in ids):
            raise GitError(f"`git hash-object` answered {out!r} for {len(paths)} files")
        return [i.decode("ascii") for i in ids]


def remote_path(url: str) -> str | None:
    """``host/owner/name`` of a remote URL (https, ssh, scp-like), else None."""
    m = re.fullmatch(
        r"(?:[a-z+]+://)?(?:[^@/]+@)?([^/:]+\.[^/:]+)(?::\d+)?[:/](.+?)(?:\.git)?/?",
        url,
    )
    if m is None or url.startswith("file:"):
        return None
    return f"{m.group(1)}/{m.group(2)}"
