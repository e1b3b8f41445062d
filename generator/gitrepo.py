"""Read what ``spec import`` needs from a git checkout without the git CLI.

HEAD, the tags pointing at it, the remote URL, and the blob ids of the commit's
files (to tell whether the working tree still is that commit).  Covers the
on-disk formats git writes by default: ``.git`` as a folder or as a
``gitdir:`` file (worktrees, submodules), loose and packed refs (with peeled
tags), loose objects and version-2 pack indexes with both delta kinds, and
alternates.  The reftable ref format is refused with a clear message.
"""

from __future__ import annotations

import hashlib
import mmap
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

_TYPES = {1: "commit", 2: "tree", 3: "blob", 4: "tag"}
_OFS_DELTA, _REF_DELTA = 6, 7


class GitError(Exception):
    """Git metadata that cannot be read; the message is written for the user."""


@dataclass(frozen=True)
class TreeEntry:
    mode: int
    oid: str


def find_gitdir(worktree: Path) -> Path | None:
    """The git directory of a checkout, or None when ``worktree`` has none."""
    dot_git = worktree / ".git"
    if dot_git.is_dir():
        return dot_git
    if dot_git.is_file():  # "gitdir: <path>" (linked worktrees, submodules)
        text = dot_git.read_text("utf-8", "replace").strip()
        if not text.startswith("gitdir:"):
            raise GitError(f"{dot_git}: not a gitdir file")
        target = Path(text.removeprefix("gitdir:").strip())
        gitdir = target if target.is_absolute() else worktree / target
        if not gitdir.is_dir():
            raise GitError(f"{dot_git}: points to {target}, which does not exist")
        return gitdir
    return None


def _config_value(text: str, section: str, key: str) -> str | None:
    """The last ``key`` of ``[section]`` in a git config file (enough for the few
    keys read here; includes and multi-line values are not followed)."""
    value = None
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            current = re.sub(r'\s+"', ' "', line.strip("[]")).lower()
            continue
        name, sep, val = line.partition("=")
        if sep and current == section.lower() and name.strip().lower() == key:
            value = val.split(" #")[0].split(" ;")[0].strip().strip('"')
    return value


class Repo:
    def __init__(self, gitdir: Path) -> None:
        self.gitdir = gitdir
        common = gitdir / "commondir"  # linked worktree: refs and objects live there
        self.common = (
            (gitdir / common.read_text("utf-8").strip()).resolve()
            if common.is_file()
            else gitdir
        )
        config = self.common / "config"
        self.config = config.read_text("utf-8", "replace") if config.is_file() else ""
        if (_config_value(self.config, "extensions", "refstorage") or "") == "reftable":
            raise GitError(
                f"{gitdir}: uses the reftable ref format, which ocigen does not read; "
                "import a `git archive` of the tag instead"
            )
        algo = _config_value(self.config, "extensions", "objectformat") or "sha1"
        if algo not in ("sha1", "sha256"):
            raise GitError(f"{gitdir}: unknown object format {algo!r}")
        self.algo = algo
        self.hexlen = 40 if algo == "sha1" else 64
        self.object_dirs = self._object_dirs(self.common / "objects")
        self._packs: list[tuple[Path, bytes]] | None = None
        self._cache: dict[str, tuple[str, bytes]] = {}

    # -- refs --------------------------------------------------------------

    def _is_oid(self, text: str) -> bool:
        return len(text) == self.hexlen and re.fullmatch(r"[0-9a-f]+", text) is not None

    def _packed_refs(self) -> tuple[dict[str, str], dict[str, str]]:
        """(ref -> id, ref -> peeled commit id) from packed-refs."""
        refs: dict[str, str] = {}
        peeled: dict[str, str] = {}
        path = self.common / "packed-refs"
        if not path.is_file():
            return refs, peeled
        last = None
        for line in path.read_text("utf-8", "replace").splitlines():
            if line.startswith("^") and last is not None:
                peeled[last] = line[1:].strip()
            elif line and not line.startswith("#"):
                oid, _, name = line.partition(" ")
                refs[name.strip()] = oid
                last = name.strip()
        return refs, peeled

    def _loose_refs(self, prefix: str) -> dict[str, str]:
        refs = {}
        base = self.common / prefix
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file():
                    name = path.relative_to(self.common).as_posix()
                    refs[name] = path.read_text("utf-8", "replace").strip()
        return refs

    def resolve(self, ref: str) -> str:
        """The object id a ref (or ``HEAD``) names, following symbolic refs."""
        for _ in range(10):
            if self._is_oid(ref):
                return ref
            name = ref.removeprefix("ref:").strip()
            for base in (self.gitdir, self.common):  # per-worktree first (HEAD)
                path = base / name
                if path.is_file():
                    ref = path.read_text("utf-8", "replace").strip()
                    break
            else:
                packed, _ = self._packed_refs()
                if name not in packed:
                    raise GitError(f"{self.gitdir}: {name} names no commit")
                ref = packed[name]
        raise GitError(f"{self.gitdir}: symbolic ref loop at {ref}")

    def head(self) -> str:
        return self.peel(self.resolve("HEAD"))

    def tags(self) -> dict[str, str]:
        """Every tag -> the commit it points at (annotated tags peeled)."""
        packed, peeled = self._packed_refs()
        refs = {n: o for n, o in packed.items() if n.startswith("refs/tags/")}
        loose = self._loose_refs("refs/tags")
        refs.update(loose)
        out = {}
        for name, value in sorted(refs.items()):
            oid = self.resolve(value)
            if name in peeled and name not in loose:
                oid = peeled[name]
            else:
                try:
                    oid = self.peel(oid)
                except GitError:
                    continue  # a tag of a tree or blob: not a release
            out[name.removeprefix("refs/tags/")] = oid
        return out

    def remote_url(self, remote: str = "origin") -> str | None:
        return _config_value(self.config, f'remote "{remote}"', "url")

    # -- objects -----------------------------------------------------------

    def _object_dirs(self, objects: Path, depth: int = 0) -> list[Path]:
        dirs = [objects]
        alternates = objects / "info" / "alternates"
        if alternates.is_file() and depth < 5:
            for line in alternates.read_text("utf-8").splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    other = Path(line) if Path(line).is_absolute() else objects / line
                    dirs += self._object_dirs(other.resolve(), depth + 1)
        return dirs

    def _pack_indexes(self) -> list[tuple[Path, bytes]]:
        if self._packs is None:
            self._packs = [
                (idx.with_suffix(".pack"), idx.read_bytes())
                for d in self.object_dirs
                for idx in sorted((d / "pack").glob("pack-*.idx"))
            ]
        return self._packs

    def _find_in_pack(self, oid: str) -> tuple[Path, int] | None:
        raw = bytes.fromhex(oid)
        size = len(raw)
        for pack, idx in self._pack_indexes():
            if idx[:8] != b"\xfftOc\x00\x00\x00\x02":
                raise GitError(
                    f"{pack.with_suffix('.idx')}: not a version 2 pack index"
                )
            fanout = struct.unpack_from(">256I", idx, 8)
            count = fanout[255]
            lo = fanout[raw[0] - 1] if raw[0] else 0
            hi = fanout[raw[0]]
            names = 8 + 256 * 4
            while lo < hi:  # binary search in the sorted object names
                mid = (lo + hi) // 2
                name = idx[names + mid * size : names + (mid + 1) * size]
                if name < raw:
                    lo = mid + 1
                elif name > raw:
                    hi = mid
                else:
                    offsets = names + count * size + count * 4
                    (off,) = struct.unpack_from(">I", idx, offsets + mid * 4)
                    if off & 0x80000000:  # index into the 64-bit offset table
                        (off,) = struct.unpack_from(
                            ">Q", idx, offsets + count * 4 + (off & 0x7FFFFFFF) * 8
                        )
                    return pack, off
        return None

    def read(self, oid: str) -> tuple[str, bytes]:
        """(type, content) of an object."""
        if oid not in self._cache:
            try:
                self._cache[oid] = self._read(oid)
            except (zlib.error, ValueError, IndexError, struct.error) as e:
                raise GitError(f"{self.gitdir}: object {oid} is corrupt ({e})") from e
        return self._cache[oid]

    def _read(self, oid: str) -> tuple[str, bytes]:
        for d in self.object_dirs:
            path = d / oid[:2] / oid[2:]
            if path.is_file():
                data = zlib.decompress(path.read_bytes())
                header, _, body = data.partition(b"\0")
                kind = header.split(b" ")[0].decode()
                break
        else:
            found = self._find_in_pack(oid)
            if found is None:
                raise GitError(f"{self.gitdir}: object {oid} not found")
            with (
                open(found[0], "rb") as f,
                mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as pack,
            ):
                kind, body = self._pack_object(pack, found[1])
        return kind, body

    def _pack_object(self, pack: mmap.mmap, offset: int) -> tuple[str, bytes]:
        byte = pack[offset]
        kind = (byte >> 4) & 7
        size = byte & 15
        shift, pos = 4, offset + 1
        while byte & 0x80:
            byte = pack[pos]
            size |= (byte & 0x7F) << shift
            shift, pos = shift + 7, pos + 1
        if kind == _OFS_DELTA:
            byte = pack[pos]
            back = byte & 0x7F
            pos += 1
            while byte & 0x80:  # git's offset encoding adds one per continuation
                byte = pack[pos]
                back = ((back + 1) << 7) | (byte & 0x7F)
                pos += 1
            base_kind, base = self._pack_object(pack, offset - back)
            return base_kind, _apply_delta(base, _inflate(pack, pos, size))
        if kind == _REF_DELTA:
            length = self.hexlen // 2
            base_kind, base = self.read(pack[pos : pos + length].hex())
            return base_kind, _apply_delta(base, _inflate(pack, pos + length, size))
        if kind not in _TYPES:
            raise GitError(f"pack object of unknown type {kind} at offset {offset}")
        return _TYPES[kind], _inflate(pack, pos, size)

    def peel(self, oid: str) -> str:
        """The commit a tag (or a chain of tags) points at."""
        for _ in range(10):
            kind, body = self.read(oid)
            if kind == "commit":
                return oid
            if kind != "tag":
                raise GitError(f"{oid} is a {kind}, not a commit")
            oid = body.split(b"\n", 1)[0].removeprefix(b"object ").decode()
        raise GitError(f"{oid}: tag chain too long")

    def tree_files(self, commit: str) -> dict[str, TreeEntry]:
        """Every path of the commit's tree (blobs, links, submodules) -> entry."""
        kind, body = self.read(commit)
        if kind != "commit" or not body.startswith(b"tree "):
            raise GitError(f"{commit} is not a commit")
        out: dict[str, TreeEntry] = {}
        stack = [("", body[5 : 5 + self.hexlen].decode())]
        while stack:
            prefix, tree = stack.pop()
            _, data = self.read(tree)
            pos = 0
            while pos < len(data):
                space = data.index(b" ", pos)
                nul = data.index(b"\0", space)
                mode = int(data[pos:space], 8)
                name = data[space + 1 : nul].decode("utf-8", "surrogateescape")
                oid = data[nul + 1 : nul + 1 + self.hexlen // 2].hex()
                pos = nul + 1 + self.hexlen // 2
                if mode == 0o40000:
                    stack.append((f"{prefix}{name}/", oid))
                else:
                    out[prefix + name] = TreeEntry(mode, oid)
        return out

    def blob_id(self, data: bytes) -> str:
        return hashlib.new(self.algo, b"blob %d\0" % len(data) + data).hexdigest()


def _inflate(pack: mmap.mmap, pos: int, size: int) -> bytes:
    d = zlib.decompressobj()
    out = b""
    chunk = max(size, 4096)
    while not d.eof:
        piece = pack[pos : pos + chunk]
        if not piece:
            raise GitError("truncated pack")
        out += d.decompress(piece)
        pos += chunk
    if len(out) != size:
        raise GitError("corrupt pack object (size mismatch)")
    return out


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        shift, pos = shift + 7, pos + 1
        if not byte & 0x80:
            return value, pos


def _apply_delta(base: bytes, delta: bytes) -> bytes:
    src_size, pos = _varint(delta, 0)
    dst_size, pos = _varint(delta, pos)
    if src_size != len(base):
        raise GitError("corrupt delta (base size mismatch)")
    out = bytearray()
    while pos < len(delta):
        op = delta[pos]
        pos += 1
        if op & 0x80:  # copy from the base: offset and size bytes per bit set
            offset = size = 0
            for i in range(4):
                if op & (1 << i):
                    offset |= delta[pos] << (8 * i)
                    pos += 1
            for i in range(3):
                if op & (0x10 << i):
                    size |= delta[pos] << (8 * i)
                    pos += 1
            out += base[offset : offset + (size or 0x10000)]
        elif op:  # insert the next op bytes
            out += delta[pos : pos + op]
            pos += op
        else:
            raise GitError("corrupt delta (opcode 0)")
    if len(out) != dst_size:
        raise GitError("corrupt delta (result size mismatch)")
    return bytes(out)


def remote_path(url: str) -> str | None:
    """``host/owner/name`` of a remote URL (https, ssh, scp-like), else None."""
    m = re.fullmatch(
        r"(?:[a-z+]+://)?(?:[^@/]+@)?([^/:]+\.[^/:]+)(?::\d+)?[:/](.+?)(?:\.git)?/?",
        url,
    )
    if m is None or url.startswith("file:"):
        return None
    return f"{m.group(1)}/{m.group(2)}"
