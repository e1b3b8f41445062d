"""Mutation testing with cosmic-ray (``make mutation``; see docs/testing.md).

    .venv/bin/python tests/mutation/run.py                    # every target, every mutant
    .venv/bin/python tests/mutation/run.py runtime strict     # some targets
    .venv/bin/python tests/mutation/run.py --sample 40 bind   # every k-th mutant, about 40
    .venv/bin/python tests/mutation/run.py --report runtime   # results so far, no run

For each target file, cosmic-ray lists its mutants (``cosmic-ray init``, every
core operator) into ``.cache/mutation/<target>.sqlite``; each mutant is applied
by cosmic-ray (``use_mutation``) to a private copy, never to the committed file,
and a subset of the tests ``make test`` runs is run against that copy:

- the generated package (``_runtime.py``, ``_strict.py``): a copy of
  ``generated/oci_spec`` that the suites import through ``OCIGEN_PACKAGE_DIR``
  (tests/conftest.py), as tests/plants.py does; the Go-free suites, with 30
  hypothesis examples a property instead of 150;
- the generator (``bind.py`` ...): a copy of the tracked tree, first on
  ``sys.path`` and the working directory, so the goldens and the drift test
  (generated/ against a fresh render) judge the mutant's output.

A run resumes where it stopped (``--fresh`` starts over).  Mutants inside
annotations are not run: with ``from __future__ import annotations`` they are
never evaluated (mypy would see them; the tests cannot).  Survivors listed in
``tests/mutation/equivalent.toml`` (file, operator, the line before and after)
are reported as equivalent with their reason; any other survivor is
"untriaged", and the exit status is then 1.  The report (a Markdown table and
the survivors) is written to ``.cache/mutation/report.md``.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest import hookimpl as pytest_hookimpl

import cosmic_ray.plugins
from cosmic_ray.commands import init as cr_init
from cosmic_ray.mutating import use_mutation
from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkItem, WorkResult

REPO = Path(__file__).resolve().parents[2]
STATE = Path(os.environ.get("OCIGEN_MUTATION_STATE") or REPO / ".cache" / "mutation").resolve()
EQUIVALENT = Path(__file__).resolve().parent / "equivalent.toml"

# The Go-free suites that exercise the generated package, fastest and most
# pointed first (-x stops at the first failure).  test_generated_tree.py is left
# out: it reads the committed files, not the copy.
PACKAGE_TESTS = [
    "tests/output/test_runtime_edges.py",
    "tests/output/test_strict_edges.py",
    "tests/output/test_go_behaviour.py",
    "tests/output/test_runtime.py",
    "tests/output/test_image_api.py",
    "tests/fuzz/test_fuzz_limits.py",
    "tests/output/test_strict.py",
    "tests/output/test_upstream_fixtures.py",
    "tests/output/test_image_examples.py",
    "tests/output/test_media_types.py",
    "tests/output/test_runtime_example.py",
    "tests/output/test_runtime_spec_examples.py",
    "tests/output/test_content.py",
    "tests/output/test_distribution.py",
    "tests/output/test_structure.py",
    "tests/fuzz/test_fuzz_go_rules.py",
    "tests/fuzz/test_fuzz_messages.py",
    "tests/output/test_validate.py",
    "tests/output/test_pydantic.py",
    "tests/output/test_api_reference.py",
    "tests/fuzz/test_fuzz_robustness.py",
    "tests/fuzz/test_fuzz_schema_agreement.py",
]
# The generator's own tests (goldens of a tiny spec, errors, stages), then the
# drift test: the committed generated/ against what the mutant renders.
GENERATOR_TESTS = [
    "tests/generator",
    "tests/output/test_generated_tree.py::test_committed_tree_is_up_to_date",
]


@dataclass(frozen=True)
class Target:
    name: str
    file: str  # relative to the repository
    tests: tuple[str, ...]

    @property
    def in_package(self) -> bool:
        return self.file.startswith("generated/")


TARGETS = {
    t.name: t
    for t in [
        Target("runtime", "generated/oci_spec/_runtime.py", tuple(PACKAGE_TESTS)),
        Target("strict", "generated/oci_spec/_strict.py", tuple(PACKAGE_TESTS)),
        Target("bind", "generator/bind.py", tuple(GENERATOR_TESTS)),
        Target("types", "generator/types.py", tuple(GENERATOR_TESTS)),
        Target("lint", "generator/lint.py", tuple(GENERATOR_TESTS)),
        Target("render", "generator/render.py", tuple(GENERATOR_TESTS)),
    ]
}


# --- mutants that are never run -------------------------------------------------


def _annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(line, column) spans of every annotation and every ``if TYPE_CHECKING:``
    body; columns in characters, as cosmic-ray (parso) counts them."""
    lines = source.splitlines()

    def col(line: int, offset: int) -> int:
        return len(lines[line - 1].encode("utf-8")[:offset].decode("utf-8"))

    spans = []

    def add(node: ast.AST | None) -> None:
        if node is not None:
            start = (node.lineno, col(node.lineno, node.col_offset))  # type: ignore[attr-defined]
            end = (node.end_lineno, col(node.end_lineno, node.end_col_offset))  # type: ignore[attr-defined]
            spans.append((start, end))

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(node.returns)
            for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs,
                      node.args.vararg, node.args.kwarg]:  # fmt: skip
                if a is not None:
                    add(a.annotation)
        elif isinstance(node, ast.AnnAssign):
            add(node.annotation)
        elif isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                add(stmt)
    return spans


def _not_run(item: WorkItem, spans: list[Any]) -> bool:
    (m,) = item.mutations
    return any(start <= tuple(m.start_pos) and tuple(m.end_pos) <= end for start, end in spans)


NOT_RUN = "annotation or TYPE_CHECKING block: never evaluated at run time"


def init(target: Target, db_path: Path) -> None:
    source = (REPO / target.file).read_text(encoding="utf-8")
    spans = _annotation_spans(source)
    with use_db(str(db_path), WorkDB.Mode.create) as db:
        cr_init([Path(target.file)], db, {})  # relative paths: main() works in REPO
        skipped = [item.job_id for item in db.work_items if _not_run(item, spans)]
        if skipped:
            db.set_multiple_results(skipped, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output=NOT_RUN))


# --- running ----------------------------------------------------------------------
#
# Each worker process copies the tree once and imports the heavy libraries the
# suites use (pytest, hypothesis, jsonschema, pydantic, black, ...) but nothing of
# the code under test; each mutant's tests then run in a forked child, which
# imports the mutated module afresh.  A pytest process per mutant would spend
# ~4 s starting.
#
# Which tests: before the mutants, the target's suites run once with a line
# tracer on the target file (_trace), recording which tests execute each line.
# A mutant first runs only the tests that execute its statement (a test that
# never reaches the mutated code behaves exactly as before); a line executed
# at import or collection time, or in a fixture, widens that to every test, or
# to every test of the fixture's file.  Tests that start a subprocess are always
# included (the tracer does not see into it).  A mutant that survives the
# selection is run again against the whole subset, so every reported survivor
# survived every test of its target; only a mutant on a line that no test
# executes at all is reported without a run.

PRELOAD = [
    "pytest", "_pytest.python", "hypothesis", "hypothesis.strategies", "jsonschema", "referencing",
    "pydantic", "fastapi", "fastapi.testclient", "starlette.testclient", "httpx", "anyio",
    "jinja2", "black", "tree_sitter", "tree_sitter_go", "markdown_it", "mypy.api",
]  # fmt: skip

_WORKER: dict[str, Any] = {}


def _copy_tree(dest: Path, in_package: bool) -> None:
    if in_package:
        shutil.copytree(REPO / "generated" / "oci_spec", dest / "oci_spec",
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
        return
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True, capture_output=True).stdout
    for rel in tracked.decode().split("\0"):
        if rel and (REPO / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, dest / rel)
    # black's output cache (content-keyed): a cold render takes ~10 s.
    if (REPO / ".cache" / "black").is_dir():
        shutil.copytree(REPO / ".cache" / "black", dest / ".cache" / "black")


def _setup(target: Target, root: Path) -> None:
    """Environment of this process and its children: the copy under test."""
    _copy_tree(root, target.in_package)
    os.environ["OCIGEN_SKIP_GO"] = "1"
    os.environ["OCIGEN_FUZZ_EXAMPLES"] = os.environ.get("OCIGEN_MUTATION_FUZZ_EXAMPLES", "30")
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    sys.dont_write_bytecode = True  # never a stale .pyc of a mutant
    if target.in_package:
        os.environ["OCIGEN_PACKAGE_DIR"] = str(root)
        module = root / "oci_spec" / Path(target.file).name
        _WORKER["module_name"] = "oci_spec." + Path(target.file).stem
        tests = [str(REPO / t) for t in target.tests]
        args = ["--rootdir", str(REPO), "-c", str(REPO / "pyproject.toml")]
        path = []
        _WORKER["nodeid_root"] = f"{REPO}/"  # node ids are relative to the rootdir, not to the copy
    else:
        os.environ["PYTHONPATH"] = str(root)
        os.environ["OCIGEN_CACHE"] = str(root / ".cache")
        module = root / target.file
        _WORKER["module_name"] = target.file.removesuffix(".py").replace("/", ".")
        tests = list(target.tests)
        args = ["--rootdir", str(root), "-c", str(root / "pyproject.toml")]
        path = [str(root)]
        _WORKER["nodeid_root"] = ""
    os.chdir(root)  # hypothesis and friends write here, not in the repository
    _WORKER.update(root=root, module=module, tests=tests, args=["-x", "-q", "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning", *args],
                   path=path)  # fmt: skip


def _preload() -> None:
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:  # an optional suite dependency
            pass


def _wait(pid: int, timeout: float) -> int | None:
    """The exit code of child ``pid`` (leader of its own process group), or
    None when it ran past ``timeout`` seconds and was killed."""
    deadline = time.monotonic() + timeout
    while True:
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(raw)
        if time.monotonic() > deadline:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.01)


def _pytest(tests: list[str], timeout: float, plugin: Any = None) -> tuple[int | None, str]:
    """Run pytest on ``tests`` in a forked child: (exit status or None on timeout, output tail)."""
    with tempfile.TemporaryFile() as out:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 3
            try:
                os.setsid()
                os.dup2(out.fileno(), 1)
                os.dup2(out.fileno(), 2)
                sys.path[:0] = _WORKER["path"]
                import pytest

                if plugin is not None:
                    plugin.start()  # before pytest imports the conftests (and with them the target)
                code = int(pytest.main([*_WORKER["args"], *tests], plugins=[plugin] if plugin else []))
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        status = _wait(pid, timeout)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return status, text[-3000:]


class _Trace:
    """pytest plugin: which tests execute which lines of one file."""

    def __init__(self, filename: str, fd: int) -> None:
        self.filename = filename
        self.fd = fd
        self.context = ""  # "" at import and collection time
        self.hits: dict[int, set[str]] = {}
        self.order: list[str] = []
        self.spawners: set[str] = set()
        self.durations: dict[str, float] = {}

    def _global(self, frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != self.filename:
            return None
        self.hits.setdefault(frame.f_lineno, set()).add(self.context)
        return self._local

    def _local(self, frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            self.hits.setdefault(frame.f_lineno, set()).add(self.context)
        return self._local

    def start(self) -> None:
        import threading

        trace = self

        class Popen(subprocess.Popen):  # type: ignore[type-arg]
            def __init__(self, *a: Any, **k: Any) -> None:
                trace.spawners.add(trace.context.removeprefix("fixture:"))
                super().__init__(*a, **k)

        subprocess.Popen = Popen  # type: ignore[misc]
        sys.settrace(self._global)
        threading.settrace(self._global)

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self.order.append(nodeid)

    def pytest_runtest_setup(self, item: Any) -> None:
        # fixtures may be shared by later tests of the file: count their lines for the file
        self.context = f"fixture:{item.nodeid}"

    def pytest_runtest_call(self, item: Any) -> None:
        self.context = item.nodeid

    def pytest_runtest_teardown(self, item: Any) -> None:
        self.context = f"fixture:{item.nodeid}"

    def pytest_runtest_logfinish(self) -> None:
        self.context = ""

    def pytest_runtest_logreport(self, report: Any) -> None:
        self.durations[report.nodeid] = self.durations.get(report.nodeid, 0.0) + report.duration

    def pytest_sessionfinish(self) -> None:
        sys.settrace(None)
        data = {"order": self.order, "spawners": sorted(self.spawners), "durations": self.durations,
                "hits": {str(k): sorted(v) for k, v in sorted(self.hits.items())}}  # fmt: skip
        with os.fdopen(self.fd, "wb") as f:  # the parent reads it: this plugin lives in a forked child
            f.write(json.dumps(data).encode())


def _trace(target: Target, scratch: str, trace_path: Path) -> float:
    """Run the target's tests unmutated, traced; they must pass.  Returns the time they took untraced."""
    key = _trace_key(target)
    if trace_path.exists():
        old = json.loads(trace_path.read_text())
        if old.get("key") == key or os.environ.get("OCIGEN_MUTATION_REUSE_TRACE"):
            return float(old["took"])
    root = Path(tempfile.mkdtemp(prefix="trace", dir=scratch))
    saved = os.getcwd(), dict(os.environ)
    try:
        _setup(target, root)
        start = time.monotonic()
        status, out = _pytest(_WORKER["tests"], 3600)
        took = time.monotonic() - start
        if status != 0:
            raise SystemExit(f"{target.name}: the tests fail without a mutant:\n{out}")
        with tempfile.TemporaryFile() as f:
            status, out = _pytest(_WORKER["tests"], 3600, _Trace(str(_WORKER["module"]), os.dup(f.fileno())))
            f.seek(0)
            data = f.read()
        if status != 0:
            raise SystemExit(f"{target.name}: the traced tests fail:\n{out}")
        trace_path.write_text(json.dumps({"key": key, "took": took, **json.loads(data)}))
        return took
    finally:
        os.chdir(saved[0])
        os.environ.clear()
        os.environ.update(saved[1])
        sys.dont_write_bytecode = False


def _trace_key(target: Target) -> str:
    """What a trace depends on: the target file and the tests."""
    h = hashlib.sha256()
    tests = [p for p in sorted((REPO / "tests").rglob("*.py")) if "mutation" not in p.parts]
    for path in [REPO / target.file, *tests]:
        h.update(str(path).encode() + b"\0" + path.read_bytes())
    h.update(os.environ.get("OCIGEN_MUTATION_FUZZ_EXAMPLES", "").encode())
    h.update(" ".join(target.tests).encode())
    return h.hexdigest()


def _statement_lines(source: str) -> dict[int, range]:
    """For each line, the lines of the innermost statement there (a compound
    statement's header only)."""
    spans: dict[int, range] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        end = body[0].lineno - 1 if isinstance(body, list) and body and isinstance(body[0], ast.stmt) else node.end_lineno
        end = max(node.lineno, end or node.lineno)
        lines = range(node.lineno, end + 1)
        for ln in lines:
            if ln not in spans or len(lines) < len(spans[ln]):
                spans[ln] = lines
    return spans


def _select(m: Any) -> list[str] | None:
    """The tests that execute the mutant's statement, in suite order; None: all of them."""
    trace, spans = _WORKER["trace"], _WORKER["spans"]
    lines: set[int] = set(range(m.start_pos[0], m.end_pos[0] + 1))
    for ln in list(lines):
        lines.update(spans.get(ln, ()))
    if lines & _WORKER["memoized"] or _function_of(m) is None:
        return None  # a module-level statement or class body: it runs at import
    contexts: set[str] = set()
    for ln in lines:
        contexts.update(trace["hits"].get(str(ln), ()))
    if "" in contexts:
        return None
    chosen = set()
    for c in contexts:
        if c.startswith("fixture:"):
            file = c.removeprefix("fixture:").split("::")[0]
            chosen.update(t for t in trace["order"] if t.split("::")[0] == file)
        else:
            chosen.add(c)
    if chosen:
        chosen.update(trace["spawners"])
    return _quickest_first([t for t in trace["order"] if t in chosen])


def _quickest_first(tests: list[str]) -> list[str]:
    """The tests by their traced duration (stable): a mutant is mostly killed by a quick, pointed test."""
    durations = _WORKER["trace"].get("durations") or {}
    return sorted(tests, key=lambda t: durations.get(t, 0.0))


def _memoized_lines(source: str) -> set[int]:
    """Lines whose result a cache keeps across tests: a ``.setdefault(`` into a
    module-level cache, and the functions it calls.  The first test to need a
    value runs them; later tests, which may depend on it, do not."""
    tree = ast.parse(source)
    lines: set[int] = set()
    called: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault":
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
            called.update(a.func.id for a in ast.walk(node) if isinstance(a, ast.Call) and isinstance(a.func, ast.Name))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in called:
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _timeout(tests: list[str], limit: float) -> float:
    """Three times what the tests took in the traced run (itself slower than
    a plain one), plus collection; at most ``limit``.  A mutant that makes
    them slower than that (a loop that never ends, a huge message) is killed."""
    durations: dict[str, float] = _WORKER["trace"].get("durations") or {}
    if not durations:
        return limit
    per_file: dict[str, float] = {}
    for nodeid, d in durations.items():
        file = nodeid.split("::")[0]
        per_file[file] = per_file.get(file, 0.0) + d
    expected = 0.0
    for t in tests:  # node ids, or files and directories (absolute for the package)
        t = t.removeprefix(f"{REPO}/")
        if "::" in t:
            expected += durations.get(t, 0.0)
        else:
            expected += sum(d for f, d in per_file.items() if f == t or f.startswith(t.rstrip("/") + "/"))
    return min(limit, 3 * expected + 15)


def _stages(selected: list[str] | None) -> list[list[str]]:
    """The tests to run, in stages: the selected tests of the first two files
    (cheap to collect, and the most pointed), then the others."""
    tests = _WORKER["tests"] if selected is None else selected
    files: list[str] = []
    for t in tests:
        f = t.split("::")[0]
        if f not in files:
            files.append(f)
    if len(files) <= 2:
        return [tests]
    first = [t for t in tests if t.split("::")[0] in files[:2]]
    return [first, [t for t in tests if t not in set(first)]]


# --- the session server: mutants inside a function body --------------------------
#
# Collecting the tests costs seconds a mutant (importing the test modules,
# parametrizing over the corpora).  A mutant inside a function's body changes
# nothing but that function's code object, so each worker keeps one pytest
# session that has collected the target's tests against the unmutated copy
# (_Server), and for each such mutant forks it: the child compiles the mutated
# file, puts the mutated function's code object into the loaded function
# (every module that imported it holds the same function object) and runs the
# selected tests, stopping at the first failure.  The file on disk is mutated
# too, for the tests that start a subprocess.  Any other mutant (module-level
# statements, class bodies, signatures and defaults) runs in a fresh pytest
# child that imports the mutated file (_pytest).


def _functions(source: str) -> list[tuple[str, int, int]]:
    """(qualified name, first body line, last line) of each module-level
    function and each method of a module-level class (in if/try blocks too)."""
    out: list[tuple[str, int, int]] = []

    def walk(stmts: list[ast.stmt], prefix: str, in_class: bool) -> None:
        for node in stmts:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out.append((prefix + node.name, node.body[0].lineno, node.end_lineno or node.lineno))
            elif isinstance(node, ast.ClassDef) and not in_class:
                walk(node.body, prefix + node.name + ".", True)
            elif isinstance(node, (ast.If, ast.Try)) and not in_class:
                for block in (node.body, node.orelse, getattr(node, "finalbody", []),
                              *[h.body for h in getattr(node, "handlers", [])]):  # fmt: skip
                    walk(block, prefix, in_class)

    walk(ast.parse(source).body, "", False)
    return out


def _function_of(m: Any) -> str | None:
    """The function whose body holds the mutant, if the mutant is nothing else."""
    for name, first, last in _WORKER["functions"]:
        if first <= m.start_pos[0] and m.end_pos[0] <= last:
            return name
    return None


def _code_of(code: Any, qualname: str) -> Any:
    for c in code.co_consts:
        if hasattr(c, "co_qualname"):
            if c.co_qualname == qualname:
                return c
            found = _code_of(c, qualname)
            if found is not None:
                return found
    return None


class _Server:
    """pytest plugin: collects, then serves mutants over a pipe instead of running the tests."""

    def __init__(self, conn: Any, module_name: str, module_file: str) -> None:
        self.conn = conn
        self.module_name = module_name
        self.module_file = module_file

    @pytest_hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: Any) -> bool:
        items = {i.nodeid: i for i in session.items}
        order = list(items)
        known = set(_WORKER["trace"]["order"])
        extra = [items[t] for t in order if t not in known]  # tests added since the trace: always run
        self.conn.send(("ready", len(items)))
        while True:
            try:
                request = self.conn.recv()
            except EOFError:
                return True
            qualname, source, tests, timeout = request
            chosen = [items[t] for t in (tests if tests is not None else order) if t in items]
            missing = [t for t in (tests or []) if t not in items]
            if missing:
                self.conn.send((4, f"not collected: {missing[:3]}"))
                continue
            self.conn.send(self._run(qualname, source, extra + [i for i in chosen if i not in extra], timeout))

    def _run(self, qualname: str, source: str, items: list[Any], timeout: float) -> tuple[int | None, str]:
        with tempfile.TemporaryFile() as out:
            pid = os.fork()
            if pid == 0:
                code = 3
                try:
                    os.setsid()
                    code = self._child(qualname, source, items, out)
                except BaseException:
                    import traceback

                    out.write(traceback.format_exc().encode())
                finally:
                    out.flush()
                    os._exit(code)
            status = _wait(pid, timeout)
            out.seek(0)
            return status, out.read().decode("utf-8", "replace")[-3000:]

    def _child(self, qualname: str, source: str, items: list[Any], out: Any) -> int:
        from _pytest.runner import runtestprotocol

        module = sys.modules[self.module_name]
        new = _code_of(compile(source, self.module_file, "exec"), qualname)
        target: Any = module
        for part in qualname.split("."):
            target = vars(target)[part] if isinstance(target, type) else getattr(target, part)
        for attr in ("__func__", "fget"):  # classmethod, staticmethod, property
            target = getattr(target, attr, target)
        if new is None or not hasattr(target, "__code__"):
            out.write(f"cannot patch {qualname}".encode())
            return 4
        target.__code__ = new
        for i, item in enumerate(items):
            reports = runtestprotocol(item, nextitem=items[i + 1] if i + 1 < len(items) else None, log=False)
            for r in reports:
                if r.failed:
                    out.write(f"{r.nodeid} failed ({r.when})\n{str(r.longrepr)[-2500:]}".encode())
                    return 1
        out.write(f"{len(items)} passed".encode())
        return 0


def _start_server() -> None:
    """Fork this worker's session server (collection against the unmutated copy)."""
    import multiprocessing.connection

    mine, theirs = multiprocessing.Pipe()
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            mine.close()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            sys.path[:0] = _WORKER["path"]
            import pytest

            server = _Server(theirs, _WORKER["module_name"], str(_WORKER["module"]))
            code = int(pytest.main([*_WORKER["args"], *_WORKER["tests"]], plugins=[server]))
        finally:
            os._exit(code)
    theirs.close()
    kind, n = mine.recv()
    _WORKER["server"] = mine
    _WORKER["server_pid"] = pid


def _serve(qualname: str, source: str, tests: list[str] | None, timeout: float) -> tuple[int | None, str]:
    conn = _WORKER["server"]
    conn.send((qualname, source, tests, timeout))
    return conn.recv()  # type: ignore[no-any-return]


def _worker_init(target: Target, scratch: str, trace_path: Path) -> None:
    _setup(target, Path(tempfile.mkdtemp(prefix="w", dir=scratch)))
    _WORKER["trace"] = json.loads(trace_path.read_text())
    source = _WORKER["module"].read_text(encoding="utf-8")
    _WORKER["spans"] = _statement_lines(source)
    _WORKER["memoized"] = _memoized_lines(source)
    _WORKER["functions"] = _functions(source)
    known_files = {t.split("::")[0] for t in _WORKER["trace"]["order"]}
    _WORKER["extra_files"] = [t for t in target.tests if "::" not in t and t.endswith(".py") and t not in known_files]
    _preload()
    if not _WORKER.get("no_server"):
        _start_server()


def _run_one(item: WorkItem, timeout: float) -> tuple[str, WorkResult]:
    (m,) = item.mutations
    module = _WORKER["module"]
    operator = cosmic_ray.plugins.get_operator(m.operator_name)(**(m.operator_args or {}))
    start = time.monotonic()
    with use_mutation(module, operator, m.occurrence) as (before, after):
        if after is None:
            return item.job_id, WorkResult(worker_outcome=WorkerOutcome.NO_TEST)
        diff = "\n".join(difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", lineterm=""))
        selected = _select(m)
        extra = _WORKER["extra_files"]
        if selected == [] and not extra:
            status, out, how = 0, "", "no test executes this line"
        else:
            how = f"{len(selected)} selected tests" if selected is not None else "all tests"
            qualname = _function_of(m) if "server" in _WORKER else None
            if qualname is not None:
                how += f", in the session ({qualname})"
                expected = selected if selected is not None else _WORKER["trace"]["order"]
                status, out = _serve(qualname, after, _quickest_first(expected), _timeout(expected, timeout))
            if qualname is None or status == 4:  # not patchable: a fresh pytest
                root = _WORKER["nodeid_root"] if selected is not None else ""
                stages = _stages(selected) if selected != [] else []
                if extra and selected is not None:
                    stages.insert(0, [str(REPO / f) if _WORKER["nodeid_root"] else f for f in extra])
                for stage in stages:
                    status, out = _pytest([root + t for t in stage], _timeout(stage, timeout))
                    if status != 0:
                        break
    elapsed = time.monotonic() - start
    if status is None:
        test, out = TestOutcome.KILLED, "timeout"
    elif status == 0:
        test = TestOutcome.SURVIVED
    elif status in (1, 2):  # failed, or broke collection (an import error)
        test = TestOutcome.KILLED
    else:
        test = TestOutcome.INCOMPETENT
    output = f"{elapsed:.1f}s {how}\n{out}"
    return item.job_id, WorkResult(worker_outcome=WorkerOutcome.NORMAL, test_outcome=test, output=output, diff=diff)


def _order(items: list[WorkItem]) -> list[WorkItem]:
    """A stable order: position in the file, operator, occurrence."""
    return sorted(items, key=lambda i: (tuple(i.mutations[0].start_pos), i.mutations[0].operator_name,
                                        i.mutations[0].occurrence))  # fmt: skip


def sampled(items: list[WorkItem], sample: int | None) -> list[WorkItem]:
    """Every k-th of the mutants that run (stable order), k = ceil(runnable / sample)."""
    ordered = _order(items)
    if not sample or sample >= len(ordered):
        return ordered
    k = -(-len(ordered) // sample)
    return ordered[::k]


def run(target: Target, db_path: Path, jobs: int, timeout: float | None, sample: int | None,
        only: set[str] | None = None) -> None:
    with use_db(str(db_path), WorkDB.Mode.open) as db:
        results = dict((i.job_id, r) for i, r in db.completed_work_items)
        runnable = [i for i in db.work_items if getattr(results.get(i.job_id), "worker_outcome", None)
                    != WorkerOutcome.SKIPPED]  # fmt: skip
        done_ids = set(results)
        total = db.num_work_items
    chosen = sampled(runnable, sample)
    pending = [i for i in chosen if i.job_id not in done_ids and (only is None or i.job_id in only)]
    # Mutants inside function bodies first: they run in the forked session, in
    # about a second; the others each need a fresh pytest of every test.
    _WORKER["functions"] = _functions((REPO / target.file).read_text(encoding="utf-8"))
    pending.sort(key=lambda i: _function_of(i.mutations[0]) is None)
    what = f"a sample of {len(chosen)} (every {-(-len(runnable) // len(chosen))}th)" if sample else "all"
    print(f"{target.name}: {total} mutants, {len(runnable)} to run, {what}; {len(pending)} pending, {jobs} workers",
          flush=True)  # fmt: skip
    if not pending:
        return
    STATE.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix=f"{target.name}-", dir=STATE)
    try:
        trace_path = STATE / f"{target.name}.trace.json"
        took = _trace(target, scratch, trace_path)
        limit = timeout or max(60.0, 5 * took)
        print(f"  tests take {took:.0f} s unmutated; timeout {limit:.0f} s", flush=True)
        start = time.monotonic()
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs, initializer=_worker_init, initargs=(target, scratch, trace_path)) as pool:
            done = 0
            for job_id, result in pool.imap_unordered(_run_one_star, [(i, limit) for i in pending]):
                with use_db(str(db_path), WorkDB.Mode.open) as db:
                    db.set_result(job_id, result)
                done += 1
                if done % 25 == 0 or done == len(pending):
                    rate = (time.monotonic() - start) / done
                    print(f"  {done}/{len(pending)} ({rate:.1f} s a mutant)", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run_one_star(args: tuple[WorkItem, float]) -> tuple[str, WorkResult]:
    return _run_one(*args)


# --- reporting --------------------------------------------------------------------


def _changed_lines(diff: str) -> tuple[str, str]:
    before = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    after = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    return "\n".join(before), "\n".join(after)


def _equivalents() -> dict[tuple[str, str, str, str], str]:
    if not EQUIVALENT.exists():
        return {}
    table = tomllib.loads(EQUIVALENT.read_text(encoding="utf-8"))
    return {(e["file"], e["operator"], e["before"], e["after"]): e["reason"] for e in table.get("equivalent", [])}


def outcome(result: WorkResult) -> str:
    if result.worker_outcome == WorkerOutcome.SKIPPED:
        return "not run"
    if result.worker_outcome == WorkerOutcome.NO_TEST:
        return "no mutation"
    if result.test_outcome == TestOutcome.SURVIVED:
        return "survived"
    if result.test_outcome == TestOutcome.KILLED:
        return "timeout" if result.output and result.output.endswith("\ntimeout") else "killed"
    return "incompetent"


def report(target: Target, db_path: Path, sample: int | None) -> tuple[Counter[str], list[str]]:
    """Counts per outcome, and the survivors as Markdown lines (untriaged first).
    With ``sample``, only the sampled mutants' results count."""
    equivalents = _equivalents()
    counts: Counter[str] = Counter()
    untriaged, equivalent = [], []
    with use_db(str(db_path), WorkDB.Mode.open) as db:
        counts["mutants"] = db.num_work_items
        completed = list(db.completed_work_items)
        runnable = [i for i, r in completed if r.worker_outcome != WorkerOutcome.SKIPPED]
        runnable += [i for i in db.pending_work_items]
    chosen = {i.job_id for i in sampled(runnable, sample)}
    counts["not sampled"] = len(runnable) - len(chosen)
    for item, result in sorted(completed, key=lambda p: tuple(p[0].mutations[0].start_pos)):
        kind = outcome(result)
        if kind != "not run" and item.job_id not in chosen:
            continue
        counts[kind] += 1
        if kind != "survived":
            continue
        (m,) = item.mutations
        before, after = _changed_lines(result.diff or "")
        op = m.operator_name.removeprefix("core/")
        reason = equivalents.get((target.file, m.operator_name, before, after))
        shown = before.replace("\n", " ⏎ "), after.replace("\n", " ⏎ ")
        line = f"- `{target.file}:{m.start_pos[0]}` {op}: `{shown[0]}` -> `{shown[1]}`"
        if reason is None:
            untriaged.append(line)
        else:
            equivalent.append(f"{line} (equivalent: {reason})")
    counts["pending"] = counts["mutants"] - sum(v for k, v in counts.items() if k != "mutants")
    counts["equivalent"] = len(equivalent)
    counts["untriaged"] = len(untriaged)
    return counts, untriaged + equivalent


def summary_row(target: Target, c: Counter[str]) -> str:
    run = c["killed"] + c["timeout"] + c["survived"]
    killed = c["killed"] + c["timeout"]
    score = f"{100 * killed / run:.1f} %" if run else "-"
    real = run - c["equivalent"]
    score2 = f"{100 * killed / real:.1f} %" if real else "-"
    return (f"| `{target.file}` | {c['mutants']} | {c['not run']} | {c['not sampled']} | {c['pending']} | {run} "
            f"| {c['killed']} | {c['timeout']} | {c['survived']} | {c['equivalent']} | {c['incompetent']} "
            f"| {score} | {score2} |")  # fmt: skip


HEADER = (
    "| file | mutants | not run (annotations) | not sampled | pending | run | killed | timeout | survived "
    "| of which equivalent | incompetent | killed of run | killed of run, equivalents excluded |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", help=f"some of {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results")
    parser.add_argument("--report", action="store_true", help="only report what earlier runs found")
    parser.add_argument("--retest-survivors", action="store_true",
                        help="run the survivors of earlier runs again (after new tests; the killed stay killed)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--timeout", type=float, help="seconds a mutant's tests may take (default: 5x the unmutated run)")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="run about N of the mutants: every k-th in file order (the report says so)")
    args = parser.parse_args()
    if unknown := set(args.targets) - set(TARGETS):
        parser.error(f"unknown target {', '.join(sorted(unknown))}")
    targets = [TARGETS[n] for n in (args.targets or TARGETS)]
    os.chdir(REPO)
    STATE.mkdir(parents=True, exist_ok=True)
    lines, rows = [], []
    for target in targets:
        db_path = STATE / f"{target.name}.sqlite"
        if not args.report and (args.fresh or not db_path.exists()):
            db_path.unlink(missing_ok=True)
            init(target, db_path)
        if not db_path.exists():
            continue
        only = None
        if args.retest_survivors and not args.report:
            with sqlite3.connect(db_path) as db:
                only = {r[0] for r in db.execute("SELECT job_id FROM work_results WHERE test_outcome = 'SURVIVED'")}
                db.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'")
        if not args.report:
            start = time.monotonic()
            run(target, db_path, args.jobs, args.timeout, args.sample, only)
            print(f"{target.name}: {time.monotonic() - start:.0f} s", flush=True)
        counts, survivors = report(target, db_path, args.sample)
        rows.append(summary_row(target, counts))
        lines += survivors
    text = "\n".join([HEADER, *rows, "", "Survivors:", "", *lines, ""])
    (STATE / "report.md").write_text(text, encoding="utf-8")
    print(text)
    return 1 if any("(equivalent:" not in ln for ln in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
