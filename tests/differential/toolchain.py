"""Go toolchain and the ``goref`` reference binary for the differential tests.

``build_goref()`` returns a built ``goref`` binary (see ``goref/main.go``),
building it into ``<repo>/.cache/goref/`` when main.go, the vendored Go sources
or the toolchain changed, and raises ``Unavailable`` when no Go can be had
(``missing_go_message`` says how to get it; conftest.py stops the test run
with it).  ``GoRef`` wraps a long-running goref process.

Toolchain policy:

1. ``$OCIGEN_GO`` (path of a ``go`` binary) or a ``go`` on PATH, if it is Go
   >= 1.22 (1.22 made encoding/json write ``\\b`` and ``\\f`` as such instead of
   ``\\u0008``/``\\u000c``, which is what current tools produce).
2. A toolchain extracted earlier into ``<repo>/.cache/go-toolchain/``.
3. Otherwise, as root and unless ``OCIGEN_INSTALL_GO=0``: ``apt-get download``
   Debian trixie's ``golang-1.2x-go`` + ``golang-1.2x-src`` (the version that
   trixie's ``golang-go`` depends on) through a private apt configuration in
   ``.cache/go-toolchain/apt`` whose mirror is read from this machine's own apt
   sources, and ``dpkg-deb -x`` them into ``.cache/go-toolchain/root``.  Nothing
   is installed system-wide.  The Go toolchain binaries are statically linked,
   so trixie's run on bookworm.

go-digest (``github.com/opencontainers/go-digest``) comes from
``$OCIGEN_GO_DIGEST_SRC``, an installed ``golang-github-opencontainers-go-digest-dev``
(/usr/share/gocode), or is fetched the same way as the toolchain.

The image-spec / runtime-spec / distribution-spec Go packages are the repo's
vendored copies under ``spec/`` (``$OCIGEN_IMAGE_SPEC_SRC`` /
``$OCIGEN_RUNTIME_SPEC_SRC`` / ``$OCIGEN_DISTRIBUTION_SPEC_SRC`` override).

``build_program`` builds any such Go program in GOPATH mode against local
sources (``GoProgram``: main.go, import path -> source folder, the minimum Go
version it needs); ``build_goref`` is one, test_go_omitzero.py's gozero
(Go >= 1.24, for encoding/json's omitzero) another.

Run ``python tests/differential/toolchain.py`` to build and print the binary.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
GOREF_SRC = HERE / "goref" / "main.go"
CACHE = REPO / ".cache"
GOREF_CACHE = CACHE / "goref"
TOOLCHAIN_CACHE = CACHE / "go-toolchain"

MIN_GO = (1, 22)
DEBIAN_SUITE = "trixie"
GO_DIGEST_DEB = "golang-github-opencontainers-go-digest-dev"
KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")

SKIP_ENV = "OCIGEN_SKIP_GO"

# Package directories (relative to each source root) that goref imports; their
# *.go files feed the build hash.
_GO_PACKAGES = {
    "image-spec": ["specs-go", "specs-go/v1"],
    "runtime-spec": ["specs-go", "specs-go/features"],
    # GOPATH mode ignores specs-go/go.mod (module .../distribution-spec/specs-go):
    # the import path .../distribution-spec/specs-go/v1 is the folder's.
    "distribution-spec": ["specs-go/v1", "specs-go/v1/extensions"],
    "go-digest": ["."],
}


class Unavailable(Exception):
    """The Go reference cannot be had here; the message says why."""


class BuildError(RuntimeError):
    """goref failed to compile: a bug, never a reason to skip."""


# --------------------------------------------------------------------------
# small helpers


def _log(msg: str) -> None:
    if os.environ.get("OCIGEN_GOREF_QUIET") != "1":
        print(f"[goref] {msg}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Inter-process lock (pytest-xdist workers may build concurrently)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _go_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for every go invocation: offline, no user config, no
    telemetry or state written outside .cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(
        GOTOOLCHAIN="local",  # never switch to (= download) another toolchain
        GOPROXY="off",
        GOFLAGS="",
        GOENV="off",
        GONOSUMDB="*",
        GOSUMDB="off",
        GOWORK="off",
        CGO_ENABLED="0",
        # Go >= 1.23 keeps telemetry counters in os.UserConfigDir().
        XDG_CONFIG_HOME=str(GOREF_CACHE / "xdg-config"),
    )
    if extra:
        env.update(extra)
    return env


@dataclass(frozen=True)
class GoToolchain:
    go: Path
    version: str  # e.g. "go1.24.4"
    goroot: Path | None  # set for toolchains extracted from .debs

    def env(self, **extra: str) -> dict[str, str]:
        env = _go_env(extra)
        if self.goroot is not None:
            env["GOROOT"] = str(self.goroot)
        return env


def _parse_version(v: str) -> tuple[int, int] | None:
    m = re.match(r"go(\d+)\.(\d+)", v)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _probe_go(go: Path, goroot: Path | None = None) -> GoToolchain | None:
    """A toolchain for `go` if it runs and is >= MIN_GO, else None."""
    env = _go_env()
    if goroot is not None:
        env["GOROOT"] = str(goroot)
    try:
        out = subprocess.run(
            [str(go), "env", "GOVERSION"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    version = out.stdout.strip()
    if out.returncode != 0 or not version:
        return None
    parsed = _parse_version(version)
    if parsed is not None and parsed < MIN_GO:
        _log(f"ignoring {go}: {version} < go{MIN_GO[0]}.{MIN_GO[1]}")
        return None
    return GoToolchain(go=go, version=version, goroot=goroot)


# --------------------------------------------------------------------------
# Debian packages through a private apt configuration


def _debian_mirror() -> tuple[str, Path]:
    """(mirror URI, keyring) of this machine's main Debian archive entry."""
    entries: list[tuple[str, str, str | None]] = []  # (uri, suite, signed_by)
    sources_d = Path("/etc/apt/sources.list.d")
    deb822 = sorted(sources_d.glob("*.sources")) if sources_d.is_dir() else []
    for f in deb822:
        for stanza in re.split(r"\n\s*\n", f.read_text(errors="replace")):
            fields: dict[str, str] = {}
            for line in stanza.splitlines():
                if line.startswith("#") or ":" not in line or line[:1].isspace():
                    continue
                key, _, value = line.partition(":")
                fields[key.strip().lower()] = value.strip()
            if "deb" not in fields.get("types", "").split():
                continue
            if fields.get("enabled", "yes").lower() == "no":
                continue
            for uri in fields.get("uris", "").split():
                for suite in fields.get("suites", "").split():
                    entries.append((uri, suite, fields.get("signed-by")))
    one_line = [Path("/etc/apt/sources.list")]
    one_line += sorted(sources_d.glob("*.list")) if sources_d.is_dir() else []
    for f in one_line:
        if not f.is_file():
            continue
        for line in f.read_text(errors="replace").splitlines():
            m = re.match(r"\s*deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)", line)
            if not m:
                continue
            opts = dict(o.split("=", 1) for o in (m.group(1) or "").split() if "=" in o)
            entries.append((m.group(2), m.group(3), opts.get("signed-by")))
    for uri, suite, signed_by in entries:
        # The main archive, not -security / -updates / -backports.
        if "-" in suite or "security" in uri:
            continue
        if not re.search(r"/debian/?$", uri):
            continue
        keyring = KEYRING if KEYRING.is_file() else Path(signed_by or "")
        if not keyring.is_file():
            raise Unavailable(f"no Debian archive keyring ({KEYRING})")
        return uri.rstrip("/"), keyring
    raise Unavailable("no Debian mirror in /etc/apt sources")


class _PrivateApt:
    """apt-get/apt-cache on a private state dir for Debian `DEBIAN_SUITE`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
            raise Unavailable("apt-get/dpkg-deb not found")
        uri, keyring = _debian_mirror()
        for d in (
            "lists/partial",
            "cache/archives/partial",
            "etc/sources.list.d",
            "etc/preferences.d",
            "debs",
        ):
            (root / d).mkdir(parents=True, exist_ok=True)
        (root / "status").touch()
        (root / "etc/sources.list").write_text(
            f"deb [signed-by={keyring}] {uri} {DEBIAN_SUITE} main\n"
        )
        self.opts: list[str] = []
        for key, value in {
            "Dir::State": root,
            "Dir::State::lists": root / "lists",
            "Dir::State::status": root / "status",
            "Dir::Cache": root / "cache",
            "Dir::Cache::archives": root / "cache/archives",
            "Dir::Etc::sourcelist": root / "etc/sources.list",
            "Dir::Etc::sourceparts": root / "etc/sources.list.d",
            "Dir::Etc::preferences": root / "etc/preferences",
            "Dir::Etc::preferencesparts": root / "etc/preferences.d",
            "APT::Sandbox::User": "root",
            "APT::Default-Release": "",
        }.items():
            self.opts += ["-o", f"{key}={value}"]
        self._updated = False

    def _run(self, tool: str, *args: str, cwd: Path | None = None) -> str:
        cmd = [tool, *self.opts, *args]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", LC_ALL="C")
        res = subprocess.run(
            cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600
        )
        if res.returncode != 0:
            tail = (res.stderr or res.stdout).strip().splitlines()[-3:]
            raise Unavailable(f"`{tool} {' '.join(args)}` failed: {' | '.join(tail)}")
        return str(res.stdout)

    def update(self) -> None:
        if not self._updated:
            _log(f"apt-get update (private config, suite {DEBIAN_SUITE})")
            self._run("apt-get", "update")
            self._updated = True

    def golang_version(self) -> str:
        """'1.24' for the golang-1.24-go that the suite's golang-go depends on."""
        self.update()
        out = self._run("apt-cache", "depends", "golang-go")
        m = re.search(r"Depends: golang-(1\.\d+)-go\b", out)
        if m:
            return m.group(1)
        out = self._run("apt-cache", "search", "--names-only", r"^golang-1\.[0-9]+-go$")
        versions: list[tuple[str, str]] = re.findall(
            r"^golang-(1\.(\d+))-go ", out, re.M
        )
        if not versions:
            raise Unavailable(f"no golang-1.x-go package in Debian {DEBIAN_SUITE}")
        return max(versions, key=lambda v: int(v[1]))[0]

    def download_extract(self, packages: list[str], dest: Path) -> list[str]:
        """Download `packages` and extract them into `dest`; returns .deb names."""
        self.update()
        debs_dir = self.root / "debs"
        for old in debs_dir.glob("*.deb"):
            old.unlink()
        self._run("apt-get", "download", *packages, cwd=debs_dir)
        debs = sorted(debs_dir.glob("*.deb"))
        dest.mkdir(parents=True, exist_ok=True)
        for deb in debs:
            subprocess.run(["dpkg-deb", "-x", str(deb), str(dest)], check=True)
            deb.unlink()  # extracted; no need to keep ~50 MB of .debs
        return [d.name for d in debs]


_apt: _PrivateApt | None = None


def _private_apt() -> _PrivateApt:
    """One private apt per process, so `apt-get update` runs at most once."""
    global _apt
    if _apt is None:
        _apt = _PrivateApt(TOOLCHAIN_CACHE / "apt")
    return _apt


def _record(debs: list[str]) -> None:
    """Note which .debs were extracted into .cache/go-toolchain/root."""
    with open(TOOLCHAIN_CACHE / "PACKAGES", "a") as fh:
        fh.writelines(f"{deb}\n" for deb in debs)


def _install_allowed() -> str | None:
    """None when fetching from Debian is allowed, else the reason it is not."""
    if os.environ.get("OCIGEN_INSTALL_GO") == "0":
        return "OCIGEN_INSTALL_GO=0"
    if os.geteuid() != 0:
        return "not running as root"
    return None


def _cached_go() -> GoToolchain | None:
    for goroot in sorted(
        (TOOLCHAIN_CACHE / "root/usr/lib").glob("go-1.*"),
        key=lambda p: (
            int(p.name.split(".")[-1]) if p.name.split(".")[-1].isdigit() else 0
        ),
        reverse=True,
    ):
        tc = _probe_go(goroot / "bin" / "go", goroot=goroot)
        if tc is not None:
            return tc
    return None


def _install_go() -> GoToolchain:
    why_not = _install_allowed()
    if why_not:
        raise Unavailable(f"no Go >= 1.22 and fetching it is disabled ({why_not})")
    with _locked(TOOLCHAIN_CACHE / ".lock"):
        tc = _cached_go()  # another process may have fetched it meanwhile
        if tc is not None:
            return tc
        apt = _private_apt()
        ver = apt.golang_version()
        pkgs = [f"golang-{ver}-go", f"golang-{ver}-src"]
        if _find_go_digest() is None:
            pkgs.append(GO_DIGEST_DEB)  # one download for everything
        _log(f"fetching {' + '.join(pkgs)} from Debian {DEBIAN_SUITE}")
        t0 = time.monotonic()
        debs = apt.download_extract(pkgs, TOOLCHAIN_CACHE / "root")
        _record(debs)
        goroot = TOOLCHAIN_CACHE / "root/usr/lib" / f"go-{ver}"
        tc = _probe_go(goroot / "bin" / "go", goroot=goroot)
        if tc is None:
            raise Unavailable(f"the extracted {goroot}/bin/go does not run here")
        _log(f"{tc.version} ready in {time.monotonic() - t0:.1f}s ({', '.join(debs)})")
        return tc


def find_go() -> GoToolchain:
    explicit = os.environ.get("OCIGEN_GO")
    if explicit:
        tc = _probe_go(Path(explicit))
        if tc is None:
            raise Unavailable(f"OCIGEN_GO={explicit} is not a working go >= 1.22")
        return tc
    on_path = shutil.which("go")
    if on_path:
        tc = _probe_go(Path(on_path))
        if tc is not None:
            return tc
    return _cached_go() or _install_go()


# --------------------------------------------------------------------------
# Go sources


def _is_src(root: Path, name: str) -> bool:
    return all((root / pkg).is_dir() for pkg in _GO_PACKAGES[name]) and any(
        (root / _GO_PACKAGES[name][-1]).glob("*.go")
    )


def _spec_src(name: str) -> Path:
    env_name = f"OCIGEN_{name.upper().replace('-', '_')}_SRC"
    candidates = [os.environ.get(env_name), str(REPO / "spec" / name)]
    for cand in candidates:
        if cand and _is_src(Path(cand), name):
            return Path(cand).resolve()
    raise BuildError(f"no Go sources for {name} (looked in spec/{name}; ${env_name})")


_GO_DIGEST_REL = "usr/share/gocode/src/github.com/opencontainers/go-digest"


def _find_go_digest() -> Path | None:
    candidates = [
        os.environ.get("OCIGEN_GO_DIGEST_SRC"),
        str(REPO / "spec" / "go-digest"),
        "/" + _GO_DIGEST_REL,  # an installed golang-github-opencontainers-go-digest-dev
        str(TOOLCHAIN_CACHE / "root" / _GO_DIGEST_REL),
    ]
    for cand in candidates:
        if cand and (Path(cand) / "digest.go").is_file():
            return Path(cand).resolve()
    return None


def _go_digest_src() -> Path:
    found = _find_go_digest()
    if found is not None:
        return found
    why_not = _install_allowed()
    if why_not:
        raise Unavailable(f"no go-digest sources and fetching is disabled ({why_not})")
    with _locked(TOOLCHAIN_CACHE / ".lock"):
        dest = TOOLCHAIN_CACHE / "root" / _GO_DIGEST_REL
        if not (dest / "digest.go").is_file():
            _log(f"fetching {GO_DIGEST_DEB} from Debian {DEBIAN_SUITE}")
            debs = _private_apt().download_extract(
                [GO_DIGEST_DEB], TOOLCHAIN_CACHE / "root"
            )
            _record(debs)
        if not (dest / "digest.go").is_file():
            raise Unavailable(f"{GO_DIGEST_DEB} did not provide {_GO_DIGEST_REL}")
        return dest.resolve()


def go_sources() -> dict[str, Path]:
    return {
        "image-spec": _spec_src("image-spec"),
        "runtime-spec": _spec_src("runtime-spec"),
        "distribution-spec": _spec_src("distribution-spec"),
        "go-digest": _go_digest_src(),
    }


@dataclass(frozen=True)
class GoProgram:
    """A Go main package built in GOPATH mode against local sources."""

    name: str  # of the binary and its cache entries
    main: Path  # main.go, the whole program
    # GOPATH import path -> (source root, package dirs under it that the program
    # imports; their *.go files feed the build hash)
    packages: dict[str, tuple[Path, tuple[str, ...]]]
    min_go: tuple[int, int] = MIN_GO


def _build_hash(tc: GoToolchain, program: GoProgram) -> str:
    h = hashlib.sha256()
    h.update(f"{tc.version}\0{tc.go}\0".encode())
    h.update(program.main.read_bytes())
    for path, (root, pkgs) in sorted(program.packages.items()):
        for pkg in pkgs:
            for f in sorted((root / pkg).glob("*.go")):
                h.update(f"{path}/{pkg}/{f.name}\0".encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:20]


# --------------------------------------------------------------------------
# building goref


@dataclass(frozen=True)
class GorefBuild:
    binary: Path
    toolchain: GoToolchain
    sources: dict[str, Path]
    built: bool  # False when the cached binary was reused
    seconds: float


def build_program(program: GoProgram) -> tuple[Path, GoToolchain, bool]:
    """Build (or reuse) ``program``: (binary, toolchain, built?).  Raises
    Unavailable (no Go, or one older than program.min_go) or BuildError."""
    tc = find_go()
    parsed = _parse_version(tc.version)
    if parsed is not None and parsed < program.min_go:
        want = ".".join(map(str, program.min_go))
        raise Unavailable(f"{program.name} needs Go >= {want}, found {tc.version}")
    key = _build_hash(tc, program)
    binary = GOREF_CACHE / f"{program.name}-{key}"
    with _locked(GOREF_CACHE / ".lock"):
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary, tc, False
        gopath = GOREF_CACHE / f"gopath-{program.name}"
        shutil.rmtree(gopath, ignore_errors=True)
        for path, (root, _) in program.packages.items():
            link = gopath / "src" / path
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(root, target_is_directory=True)
        pkg = gopath / "src" / program.name
        pkg.mkdir(parents=True)
        shutil.copy2(program.main, pkg / "main.go")
        tmp = GOREF_CACHE / f".{program.name}-{key}.tmp{os.getpid()}"
        env = tc.env(
            GO111MODULE="off",
            GOPATH=str(gopath),
            GOCACHE=str(GOREF_CACHE / "gocache"),
            GOMODCACHE=str(GOREF_CACHE / "gomodcache"),
        )
        res = subprocess.run(
            [str(tc.go), "build", "-trimpath", "-o", str(tmp), "."],
            cwd=pkg,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if res.returncode != 0:
            raise BuildError(f"go build of {program.name} failed:\n{res.stderr}{res.stdout}")
        os.replace(tmp, binary)
        for old in GOREF_CACHE.glob(f"{program.name}-*"):  # keep the cache small
            if old != binary:
                old.unlink(missing_ok=True)
        return binary, tc, True


def build_goref() -> GorefBuild:
    """Build (or reuse) goref; raises Unavailable or BuildError."""
    t0 = time.monotonic()
    find_go()  # no Go is Unavailable (a message to the developer), before any BuildError
    sources = go_sources()
    program = GoProgram(
        "goref",
        GOREF_SRC,
        {
            f"github.com/opencontainers/{name}": (root, tuple(_GO_PACKAGES[name]))
            for name, root in sources.items()
        },
    )
    binary, tc, built = build_program(program)
    secs = time.monotonic() - t0
    if built:
        _log(f"built {binary.name} with {tc.version} in {secs:.1f}s")
    return GorefBuild(binary, tc, sources, built, secs)


def missing_go_message(why: str) -> str:
    return (
        f"the differential tests need Go >= 1.22, and none can be had here: {why}.\n"
        "  Get Go: put go >= 1.22 on PATH (or set OCIGEN_GO=/path/to/go), or run as"
        " root with access to a Debian mirror: the test setup then fetches Debian's"
        " Go packages into .cache/go-toolchain (nothing is installed system-wide;"
        " OCIGEN_INSTALL_GO=0 forbids the fetch).\n"
        f"  Or skip them, explicitly: {SKIP_ENV}=1 make test"
        " (CI must not: it runs them or fails)."
    )


# --------------------------------------------------------------------------
# talking to goref


Result = tuple[bool, bytes | str]


class GoRef:
    """A long-running goref process; one request line in, one answer line out.

    ``roundtrip(type, raw)`` returns ``(True, json.Marshal output)`` or
    ``(False, json.Unmarshal error text)``.
    """

    def __init__(self, binary: Path | str) -> None:
        self.binary = Path(binary)
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    # process management -------------------------------------------------
    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._stderr = tempfile.NamedTemporaryFile(prefix="goref-stderr-")
        self._proc = subprocess.Popen(
            [str(self.binary)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        return self._proc

    def _died(self) -> RuntimeError:
        err = b""
        if self._stderr is not None:
            self._stderr.seek(0)
            err = self._stderr.read()
        code = self._proc.poll() if self._proc else None
        self._proc = None
        return RuntimeError(f"goref died (exit {code}): {err.decode(errors='replace')}")

    def close(self) -> None:
        with self._lock:
            if self._proc is not None:
                with contextlib.suppress(OSError):
                    assert self._proc.stdin is not None
                    self._proc.stdin.close()
                try:
                    self._proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
                self._proc = None
            if self._stderr is not None:
                self._stderr.close()
                self._stderr = None

    def __enter__(self) -> GoRef:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # requests ------------------------------------------------------------
    def _exchange(self, requests: list[bytes]) -> list[dict[str, object]]:
        """Send request lines and read as many answers.  A writer thread feeds
        stdin so that neither side blocks on a full pipe."""
        with self._lock:
            proc = self._start()
            assert proc.stdin is not None and proc.stdout is not None
            write_error: list[BaseException] = []

            def feed() -> None:
                try:
                    assert proc.stdin is not None
                    for req in requests:
                        proc.stdin.write(req)
                    proc.stdin.flush()
                except BaseException as exc:  # noqa: BLE001 - reported below
                    write_error.append(exc)

            writer = threading.Thread(target=feed, daemon=True)
            writer.start()
            answers = []
            for _ in requests:
                line = proc.stdout.readline()
                if not line.endswith(b"\n"):
                    writer.join(timeout=5)
                    raise self._died()
                answers.append(json.loads(line))
            writer.join()
            if write_error:
                raise self._died() from write_error[0]
            return answers

    @staticmethod
    def _request(type_name: str, raw: bytes) -> bytes:
        doc = base64.b64encode(raw).decode("ascii")
        return json.dumps({"type": type_name, "doc": doc}).encode() + b"\n"

    @staticmethod
    def _result(answer: dict[str, object]) -> Result:
        if answer["ok"]:
            out = answer.get("out")
            return True, base64.b64decode(out) if isinstance(out, str) else b""
        error = str(answer.get("error", ""))
        if error.startswith("goref: "):  # a protocol problem, not a Go answer
            raise ValueError(error)
        return False, error

    def roundtrip_many(self, type_name: str, docs: Iterable[bytes]) -> list[Result]:
        requests = [self._request(type_name, bytes(raw)) for raw in docs]
        return [self._result(a) for a in self._exchange(requests)]

    def roundtrip(self, type_name: str, raw: bytes) -> Result:
        return self.roundtrip_many(type_name, [raw])[0]

    def validate_digests(self, digests: Iterable[str | bytes]) -> list[str | None]:
        """go-digest's ``Digest(s).Validate()``: None if accepted, else the
        error text.  Any string (newlines included) can be checked."""
        raw = [
            d.encode("utf-8", "surrogateescape") if isinstance(d, str) else d
            for d in digests
        ]
        results = self.roundtrip_many("digest.Validate", raw)
        return [None if ok else str(msg) for ok, msg in results]

    def validate_digest(self, digest: str | bytes) -> str | None:
        return self.validate_digests([digest])[0]

    def check_strings(self, check: str, values: Iterable[str]) -> list[str | None]:
        """A pseudo type of goref (``format.uri``, ``config.Env``,
        ``digest.Validate``) on each string: None if accepted, else the error."""
        raw = [v.encode("utf-8", "surrogateescape") for v in values]
        return [None if ok else str(msg) for ok, msg in self.roundtrip_many(check, raw)]

    def list_types(self) -> list[str]:
        out = subprocess.run(
            [str(self.binary), "-list-types"], capture_output=True, check=True
        )
        return out.stdout.decode().split()

    def go_version(self) -> str:
        out = subprocess.run(
            [str(self.binary), "-version"], capture_output=True, check=True
        )
        return out.stdout.decode().strip()


def main() -> int:
    try:
        build = build_goref()
    except Unavailable as exc:
        print(missing_go_message(str(exc)))
        return 1
    print(build.binary)
    print(
        f"{build.toolchain.version} ({build.toolchain.go});"
        f" {'built' if build.built else 'cached'} in {build.seconds:.1f}s",
        file=sys.stderr,
    )
    for name, root in build.sources.items():
        print(f"  {name}: {root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
