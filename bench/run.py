#!/usr/bin/env python3
"""``make bench``: oci_spec against every alternative, side by side in one run.

Prints a Markdown report and writes it to docs/benchmarks.md.  Nothing here
gates on absolute times: targets are reported as met or missed, never
asserted.  Rival models are generated into a temporary folder at bench time.

    .venv/bin/python bench/run.py [--quick] [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Replaced in main() by a snapshot of generated/oci_spec taken at start, so that
# a concurrent `make generate` cannot change the code under measurement mid-run.
GENERATED = ROOT / "generated"
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import documents  # noqa: E402
import hashing  # noqa: E402
import regex_bench  # noqa: E402
import rivals  # noqa: E402
import targets  # noqa: E402
import timing  # noqa: E402

JSON = "json (floor)"
OCI = "oci_spec"
OCIC = targets.COMPILED  # the compiled build of the same source (tools/compiled.py)
PYD = {"default": "pydantic (dcg default)", "best": "pydantic (dcg best)"}
MSGSPEC = "msgspec (hand-written)"


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, *lines: str) -> None:
        for line in lines:
            self.lines.append(line)
            print(line, flush=True)

    def table(self, head: list[str], rows: list[list[str]]) -> None:
        self("| " + " | ".join(head) + " |")
        self("|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|")
        for r in rows:
            self("| " + " | ".join(r) + " |")
        self("")


def fmt_ns(ns: float) -> str:
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            v = ns / scale
            return f"{v:.3g} {unit}" if v < 100 else f"{v:.0f} {unit}"
    return f"{ns:.0f} ns"


def fmt_bytes(n: float) -> str:
    return f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n:.0f} B"


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**MISSED**"


# -- machine ---------------------------------------------------------------------


LOAD_AT_START = os.getloadavg()  # main() sets it again when the run starts


def machine() -> list[str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    load = ", ".join(f"{x:.2f}" for x in LOAD_AT_START)
    load_end = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    versions = []
    for dist in ("pydantic", "pydantic_core", "datamodel-code-generator", "msgspec",
                 "jsonschema-rs", "jsonschema", "fastjsonschema"):
        try:
            versions.append(f"{dist} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{dist} (not installed)")
    return [
        f"- CPU: {cpu} ({os.cpu_count()} logical cores, {usable} usable)",
        f"- Python: {platform.python_implementation()} {platform.python_version()} "
        f"({platform.platform()})",
        f"- Load average at start (1/5/15 min): {load}; at the end: {load_end} "
        f"(other processes share the machine: compare figures within this run)",
        f"- Bench dependencies (requirements-bench.txt): {', '.join(versions)}",
    ]


# -- alternatives -------------------------------------------------------------------

Alt = tuple[Callable[[bytes], Any], Callable[[Any], bytes] | None]


def fastjsonschema_safe(schema: Any) -> Any:
    """fastjsonschema rewrites every unescaped ``$`` of a pattern into ``\\Z``,
    including inside ``[...]`` (its documented limitation), which breaks the
    image-spec mediaType pattern; escape ``$`` inside classes (same meaning)."""
    if isinstance(schema, dict):
        out = {k: fastjsonschema_safe(v) for k, v in schema.items()}
        if isinstance(schema.get("pattern"), str):
            out["pattern"] = _escape_class_dollar(schema["pattern"])
        if isinstance(schema.get("patternProperties"), dict):
            out["patternProperties"] = {
                _escape_class_dollar(k): v for k, v in out["patternProperties"].items()
            }
        return out
    if isinstance(schema, list):
        return [fastjsonschema_safe(x) for x in schema]
    return schema


def _escape_class_dollar(p: str) -> str:
    out, in_class, i = [], False, 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            out.append(p[i : i + 2])
            i += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        out.append("\\$" if c == "$" and in_class else c)
        i += 1
    return "".join(out)


def build_alternatives(ws: rivals.Workspace) -> dict[str, dict[str, Alt]]:
    from msgspec_models import DECODERS, ENCODER
    from oci_spec.image.v1 import Image, Index, Manifest
    from oci_spec.runtime import Spec

    oci = {"manifest": Manifest, "index": Index, "config": Image, "runtime": Spec}
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    factories = rivals.validators()
    out: dict[str, dict[str, Alt]] = {}
    for kind, model in oci.items():
        alts: dict[str, Alt] = {
            JSON: (json.loads, lambda o, d=dumps: d(o).encode()),
            OCI: (model.from_json, lambda o: o.to_json()),
        }
        for flavour, label in PYD.items():
            pm = ws.models.get(flavour, {}).get(kind)
            if pm is not None:
                alts[label] = (
                    pm.model_validate_json,
                    lambda o: o.model_dump_json(by_alias=True, exclude_none=True).encode(),
                )
        if kind in DECODERS:
            alts[MSGSPEC] = (DECODERS[kind].decode, ENCODER.encode)
        spec = "runtime" if kind == "runtime" else "image"
        schema = json.loads(ws.bundles[spec][kind].read_text())
        for name, factory in factories.items():
            try:
                check = factory(fastjsonschema_safe(schema) if name == "fastjsonschema"
                                else schema)
            except Exception as e:  # noqa: BLE001 - reported
                ws.errors.append(f"{name} cannot compile the {kind} schema: {e}")
                continue
            alts[name] = (lambda raw, c=check: c(json.loads(raw)), None)
        out[kind] = alts
    return out


def add_compiled(alts: dict[str, dict[str, Alt]], errors: list[str]) -> Path | None:
    """Add the mypyc build (OCIC) beside the pure package: built or reused by
    tools/compiled.py, imported under the same package name after the pure
    modules are set aside (they keep working: their imports are bound), then
    the pure modules are put back for the rest of the run."""
    sys.path.insert(0, str(ROOT / "tools"))
    import compiled as build

    try:
        _wheel, unpacked = build.build()
    except SystemExit as e:
        errors.append(f"the mypyc build failed: {e}")
        return None
    pure = {k: v for k, v in sys.modules.items() if k == "oci_spec" or k.startswith("oci_spec.")}
    for k in pure:
        del sys.modules[k]
    sys.path.insert(0, str(unpacked))
    try:
        from oci_spec.image.v1 import Image, Index, Manifest
        from oci_spec.runtime import Spec

        import importlib.machinery

        if not str(sys.modules["oci_spec._runtime"].__file__).endswith(
                tuple(importlib.machinery.EXTENSION_SUFFIXES)):
            errors.append("the mypyc build imported as Python, not as extension modules")
        for kind, model in (("manifest", Manifest), ("index", Index), ("config", Image),
                            ("runtime", Spec)):
            alts[kind][OCIC] = (model.from_json, lambda o: o.to_json())
    finally:
        sys.path.remove(str(unpacked))
        for k in [k for k in sys.modules if k == "oci_spec" or k.startswith("oci_spec.")]:
            del sys.modules[k]
        sys.modules.update(pure)
    return unpacked


def compiled_imports(unpacked: Path | None) -> list[tuple[str, str, list[Path]]]:
    if unpacked is None:
        return []
    return [(f"{m} (compiled)", m, [unpacked]) for m in ("oci_spec.image.v1", "oci_spec.runtime")]


# -- sections -----------------------------------------------------------------------


def bench_codec(
    docs: dict[str, tuple[str, bytes]], alts: dict[str, dict[str, Alt]], rounds: int,
    target_ns: int, errors: list[str],
) -> tuple[dict, dict, dict]:
    dec: dict[str, dict[str, float]] = {}
    enc: dict[str, dict[str, float]] = {}
    same: dict[str, dict[str, bool]] = {}
    for name, (kind, raw) in docs.items():
        go = alts[kind][OCI][0](raw).to_json()
        if go != raw:
            errors.append(f"{name}: oci_spec's to_json differs from the document's Go bytes")
        dfns, efns = {}, {}
        same[name] = {}
        for alt, (decode, encode) in alts[kind].items():
            try:
                obj = decode(raw)
                if obj is False:
                    raise ValueError("validator says the document is invalid")
            except Exception as e:  # noqa: BLE001 - reported
                errors.append(f"{alt} rejects {name}: {type(e).__name__}: {str(e)[:200]}")
                continue
            dfns[alt] = lambda d=decode: d(raw)
            if encode is not None:
                try:
                    same[name][alt] = encode(obj) == go
                    efns[alt] = lambda e=encode, o=obj: e(o)
                except Exception as e:  # noqa: BLE001 - reported
                    errors.append(f"{alt} cannot encode {name}: {e}")
        dec[name] = timing.interleaved(dfns, rounds, target_ns)
        enc[name] = timing.interleaved(efns, rounds, target_ns)
    return dec, enc, same


def retained(decode: Callable[[bytes], Any], raw: bytes) -> tuple[int, Any]:
    decode(raw)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    obj = decode(raw)
    gc.collect()
    size = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return size, obj


def memory_lines(decode: Callable[[bytes], Any], raw: bytes, top: int) -> list[tuple[str, int, int]]:
    decode(raw)
    gc.collect()
    tracemalloc.start(1)
    before = tracemalloc.take_snapshot()
    obj = decode(raw)  # noqa: F841 - kept alive for the snapshot
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    rows = []
    for st in after.compare_to(before, "lineno")[:top]:
        fr = st.traceback[0]
        rows.append((f"{fr.filename.split('/snapshot/')[-1]}:{fr.lineno}", st.size_diff,
                     st.count_diff))
    return rows


def subprocess_env(pycache: Path, pythonpath: list[Path]) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    return env


def import_cmd(module: str, paths: list[Path], pycache: Path, extra: tuple[str, ...] = ()) -> list[str]:
    """A clean interpreter (-I -S: no site, so no .pth hooks such as the editable
    ocigen finder that pre-imports re/enum/pathlib; no environment variables)
    with exactly ``paths`` and the venv's site-packages on sys.path."""
    import sysconfig

    path = [*map(str, paths), sysconfig.get_paths()["purelib"]]
    code = (f"import sys; sys.path[:0] = {path!r}; import time; "
            f"t = time.perf_counter_ns(); import {module}; "
            "print(time.perf_counter_ns() - t)")
    return [sys.executable, "-I", "-S", "-X", f"pycache_prefix={pycache}", *extra, "-c", code]


def import_ms(module: str, paths: list[Path], pycache: Path, reps: int) -> list[float]:
    cmd = import_cmd(module, paths, pycache)
    subprocess.run(cmd, check=True, capture_output=True)  # writes the bytecode
    out = []
    for _ in range(reps):
        p = subprocess.run(cmd, check=True, capture_output=True, text=True)
        out.append(int(p.stdout.strip()) / 1e6)
    return out


def importtime(module: str, paths: list[Path], pycache: Path
               ) -> tuple[list[tuple[str, int, int]], list[tuple[str, str, int]]]:
    """``-X importtime`` of one import: (rows by self time, and the modules the
    oci_spec modules import directly with their cumulative time)."""
    p = subprocess.run(import_cmd(module, paths, pycache, ("-X", "importtime")),
                       capture_output=True, text=True, check=True)
    rows = []
    for line in p.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((m.group(4), int(m.group(1)), int(m.group(2)), len(m.group(3))))
    direct = []
    for i, (name, _self, cum, depth) in enumerate(rows):
        # Post-order: the parent is the next line that is less indented.
        parent = next((r[0] for r in rows[i + 1:] if r[3] < depth), "")
        if parent.startswith("oci_spec") and not name.startswith("oci_spec"):
            direct.append((parent, name, cum))
    direct.sort(key=lambda r: -r[2])
    by_self = sorted(((n, s_, c) for n, s_, c, _d in rows), key=lambda r: -r[1])
    return by_self, direct


def describe_source() -> str:
    """What was measured: the commit and whether generated/ had local changes."""
    def git(*a: str) -> str:
        p = subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True)
        return p.stdout.strip() if p.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "generated/oci_spec")
    return f"commit {head}" + (" with uncommitted changes in generated/oci_spec" if dirty
                               else ", generated/oci_spec as committed")


def ocigen_forms(out: Path) -> list[list[str]]:
    exe = str(Path(sys.executable).with_name("ocigen"))
    return [[exe, "generate", "--out", str(out)], [exe, "--out", str(out), "generate"]]


# -- main ---------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    args = ap.parse_args()
    rounds = 5 if args.quick else 15
    target_ns = 2_000_000 if args.quick else 4_000_000
    reps = 5 if args.quick else 15
    gen_reps = 1 if args.quick else 3

    global LOAD_AT_START
    LOAD_AT_START = os.getloadavg()
    started = time.perf_counter()
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    tmp = Path(tempfile.mkdtemp(prefix="ocigen-bench-"))
    pycache = tmp / "pycache"
    errors: list[str] = []
    progress = lambda what: print(  # noqa: E731
        f"[bench {time.perf_counter() - started:6.1f}s] {what}", file=sys.stderr, flush=True)

    global GENERATED
    snapshot = tmp / "snapshot"
    shutil.copytree(GENERATED / "oci_spec", snapshot / "oci_spec",
                    ignore=shutil.ignore_patterns("__pycache__"))
    source = describe_source()
    GENERATED = snapshot
    sys.path.insert(0, str(snapshot))
    os.environ["OCIGEN_BENCH_GENERATED"] = str(snapshot)  # for bench/workload.py
    try:
        for mod in regex_bench.MODULES:
            __import__(mod)
    except Exception as e:  # noqa: BLE001
        print(f"bench: the generated package does not import ({type(e).__name__}: {e}); "
              "is generated/ being regenerated? Run again.", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
        return 1

    try:
        progress("bundling schemas, generating pydantic models with datamodel-code-generator")
        ws = rivals.prepare(tmp)
        errors += ws.errors
        docs = documents.all_documents()
        alts = build_alternatives(ws)
        progress("the mypyc build of oci_spec (tools/compiled.py; cached per content)")
        compiled = add_compiled(alts, errors)
        errors += [e for e in ws.errors if e not in errors]
        # Everything loaded so far (rival libraries, generated models) is static:
        # keep it out of the collections run between samples.
        gc.collect()
        gc.freeze()

        progress("decode+validate / encode, all alternatives interleaved")
        dec, enc, same = bench_codec(docs, alts, rounds, target_ns, errors)

        progress("scale: 1k / 10k / 50k layers (fresh process)")
        from oci_spec.image.v1 import Manifest

        p = subprocess.run([sys.executable, str(HERE / "scale.py")]
                           + (["--quick"] if args.quick else []),
                           capture_output=True, text=True, check=True)
        scale = {int(k): tuple(v) for k, v in json.loads(p.stdout).items()}

        progress("retained memory (tracemalloc)")
        raw200 = docs["manifest-200"][1]
        mem = {}
        for alt, (decode, _enc) in alts["manifest"].items():
            if alt in dec["manifest-200"] and _enc is not None:
                mem[alt] = retained(decode, raw200)[0]

        progress("import time, fresh processes")
        imports: dict[str, list[float]] = {}
        for label, mod, paths in (
            *((m, m, [GENERATED]) for m in targets.IMPORT_MS),
            *compiled_imports(compiled),
            ("pydantic (the library alone)", "pydantic", []),
            *((f"{PYD[f]}: image_manifest_schema", f"dcg_{f}.image.image_manifest_schema",
               [tmp]) for f in PYD),
            ("msgspec_models (hand-written, incl. msgspec)", "msgspec_models", [HERE]),
        ):
            try:
                imports[label] = import_ms(mod, paths, pycache, reps)
            except subprocess.CalledProcessError as e:
                errors.append(f"import {mod} failed: {e.stderr[-300:]}")
        imp_top, imp_direct = importtime("oci_spec.image.v1", [GENERATED], pycache)
        # Each import above its bound gets its own -X importtime profile.
        imp_missed = {m: importtime(m, [GENERATED], pycache)
                      for m in targets.missed_imports(imports)}

        progress("generator wall time, fresh processes (ocigen, datamodel-code-generator)")
        gen: dict[str, list[float]] = {}
        gen_cmd: list[str] = []
        gen_notes: list[str] = []
        env_gen = subprocess_env(pycache, [])
        for form in ocigen_forms(tmp / "ocigen-warm"):  # the first run is the warm-up
            p = subprocess.run(form, capture_output=True, text=True, cwd=ROOT, env=env_gen)
            if p.returncode == 0:
                gen_cmd = form
                break
            last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
            shown_form = " ".join(form[1:]).replace(str(tmp), "$TMP")
            gen_notes.append(f"`ocigen {shown_form}` exited {p.returncode} "
                             f"({last.replace(str(tmp), '$TMP')}); tried the other "
                             "argument order.")
        if gen_cmd:
            # Cold: an empty black cache (OCIGEN_CACHE) for every run; warm: the
            # cache a previous run left, as on a developer's machine.
            # `ocigen check` compares with the folder the generate run wrote (exit 0).
            shared = dict(env_gen, OCIGEN_CACHE=str(tmp / "black-cache-shared"))
            for i in range(gen_reps):
                out = tmp / f"ocigen-{i}"
                cmd = [str(out) if c == str(tmp / "ocigen-warm") else c for c in gen_cmd]
                check = [c if c != "generate" else "check" for c in cmd]
                for name, argv in (("generate", cmd), ("check", check)):
                    cold_env = dict(env_gen, OCIGEN_CACHE=str(tmp / f"black-cache-{name}-{i}"))
                    t, err = rivals.time_cold(argv, 1, cwd=ROOT, env=cold_env)
                    gen.setdefault(targets.gen_key(name, "cold"), []).extend(t)
                    if err:
                        errors.append(f"ocigen {name}: {err}")
                    if i == 0 and name == "generate":
                        rivals.time_cold(argv, 1, cwd=ROOT, env=shared)  # fills the cache
                    t, err = rivals.time_cold(argv, 1, cwd=ROOT, env=shared)
                    gen.setdefault(targets.gen_key(name, "warm"), []).extend(t)
                    if err:
                        errors.append(f"ocigen {name} (warm): {err}")
        dcg_shown = {}
        for flavour in rivals.FLAVOURS:
            for spec, src in (("image-spec", tmp / "schemas-image"),
                              ("runtime-spec", ws.bundles["runtime"]["runtime"])):
                dst = tmp / f"gen-{flavour}-{spec}"
                cmd = rivals.dcg_command(flavour, str(src), str(dst) + ("" if spec == "image-spec" else ".py"))
                rivals.time_cold(cmd, 1, env=env_gen)  # warm-up (bytecode)
                times, err = rivals.time_cold(cmd, gen_reps, env=env_gen)
                if err:
                    errors.append(f"datamodel-codegen {flavour} {spec}: {err}")
                gen[f"datamodel-codegen {flavour} ({spec})"] = times
                dcg_shown[f"{flavour} {spec}"] = rivals.shown(cmd).replace(str(tmp), "$TMP")
        if not gen_cmd:
            errors.extend(gen_notes)
            gen_notes = []
        gen_profile = []  # (what, rows): a cProfile of each generator state above its bound
        for state, goal in targets.GENERATE_S.items():
            slow = [c for c in ("generate", "check")
                    if statistics.median(gen.get(targets.gen_key(c, state)) or [0]) > goal]
            if not gen_cmd or not slow:
                continue
            progress(f"ocigen {'/'.join(slow)} ({state}) missed its target: profiling (cProfile)")
            prof = tmp / f"ocigen-{state}.prof"
            cache = tmp / ("black-cache-prof" if state == "cold" else "black-cache-shared")
            cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), gen_cmd[0],
                   *[str(tmp / "ocigen-prof") if c == str(tmp / "ocigen-warm") else c
                     for c in gen_cmd[1:]]]
            subprocess.run(cmd, capture_output=True, cwd=ROOT, preexec_fn=one_core,
                           env=dict(env_gen, OCIGEN_CACHE=str(cache)))
            gen_profile.append((f"`ocigen generate`, {targets.GEN_STATES[state]}",
                                pstats_rows(prof, 14)))

        progress("adversarial regex inputs")
        regex = regex_bench.run()

        progress("verifying a 1 GiB blob: oci_spec and hashlib on the same file")
        blob = hashing.run(tmp, args.quick)

        progress("profiles of the hot paths")
        m200 = Manifest.from_json(raw200)
        prof_dec = timing.cprofile(lambda: Manifest.from_json(raw200), 200)
        prof_enc = timing.cprofile(lambda: m200.to_json(), 200)
        import sysconfig

        roots = [str(GENERATED), sysconfig.get_paths()["stdlib"]]
        spy_seconds = 1.0 if args.quick else 2.0
        lines: dict[str, tuple[str, list, int]] = {}
        missed_dec = targets.missed_decode(dec, OCI, JSON)
        missed_enc = targets.missed_encode(enc, OCI, JSON)
        spied = [("decode", "manifest-200"), ("encode", "manifest-200")]
        spied += [("decode", d) for d in missed_dec if d != "manifest-200"]
        spied += [("encode", d) for d in missed_enc if d != "manifest-200"]
        for op, doc in spied:
            got = timing.pyspy_lines([sys.executable, str(HERE / "workload.py"), op, doc],
                                     spy_seconds, 10, roots)
            if got is not None:
                lines[f"{op} {doc}"] = ("py-spy", *got)
            elif doc == "manifest-200":
                kind, raw = docs[doc]
                dec_fn, enc_fn = alts[kind][OCI]
                obj = dec_fn(raw)
                ls = timing.LineSampler()
                ls.run((lambda: dec_fn(raw)) if op == "decode" else (lambda: enc_fn(obj)),
                       spy_seconds)
                lines[f"{op} {doc}"] = ("signal sampler", ls.top(10), ls.samples)
        mem_top = memory_lines(Manifest.from_json, raw200, 8)
        missed_profiles = []
        for doc, (kind, raw) in docs.items():
            decode, encode = alts[kind][OCI]
            if doc != "manifest-200" and doc in missed_dec:
                missed_profiles.append((f"decode {doc}", timing.cprofile(
                    lambda d=decode, r=raw: d(r), 100, 8)))
            if doc != "manifest-200" and doc in missed_enc:
                obj = decode(raw)
                missed_profiles.append((f"encode {doc}", timing.cprofile(
                    lambda e=encode, o=obj: e(o), 100, 8)))
        elapsed = time.perf_counter() - started

        rep = Report()
        write_report(rep, stamp, source, docs, dec, enc, same, scale, mem, imports, imp_top[:10],
                     imp_direct, imp_missed, gen,
                     gen_cmd, gen_notes, gen_profile, dcg_shown, ws, regex, prof_dec,
                     prof_enc, lines, mem_top, missed_profiles, errors, elapsed,
                     args.quick, blob)
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(rep.lines) + "\n", encoding="utf-8")
        print(f"\nwrote {out} in {elapsed:.0f} s", file=sys.stderr)
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def one_core() -> None:
    """Run a profiled generator on one core: black then formats in the profiled
    process itself (no worker processes), so its share shows."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def pstats_rows(path: Path, top: int) -> list[tuple[str, int, float, float]]:
    import io
    import pstats

    st = pstats.Stats(str(path), stream=io.StringIO())
    rows = []
    for (file, line, name), (_cc, nc, tt, ct, _c) in st.stats.items():  # type: ignore[attr-defined]
        short = timing.short_path(file.replace(str(ROOT) + "/", ""))
        rows.append((f"{name} ({short}:{line})" if line else name, nc, tt, ct))
    rows.sort(key=lambda r: -r[3])
    return rows[:top]


# -- the report ---------------------------------------------------------------------


def write_report(rep: Report, stamp: str, source: str, docs, dec, enc, same, scale, mem, imports, imp_top,
                 imp_direct, imp_missed, gen, gen_cmd, gen_notes, gen_profile, dcg_shown, ws, regex, prof_dec,
                 prof_enc, lines, mem_top, missed_profiles, errors, elapsed,
                 quick, blob=None) -> None:
    med = statistics.median
    target_rows = targets.pure_rows(dec, enc, same, imports, mem, gen, scale, OCI, JSON, fmt_ns,
                                    fmt_bytes)
    target_rows += targets.compiled_rows(dec, enc, same, imports, JSON, (PYD["best"], MSGSPEC),
                                  "oci_spec.image.v1", "oci_spec.image.v1 (compiled)")

    rep("# Benchmarks", "")
    rep("Generated by `make bench` (`bench/run.py`); do not edit by hand. Every figure "
        "below was measured side by side in one run of one process (fresh subprocesses "
        "only for import and generator times). Medians; nothing is gated on absolute "
        "times.", "")
    rep(f"Run: {stamp}, {elapsed:.0f} s{' (--quick: fewer repetitions)' if quick else ''}; "
        f"measured {source} (a snapshot taken at start).", "")
    rep(*machine(), "")
    if any(OCIC in d for d in dec.values()):
        rep(f"`{OCIC}` is the same generated source compiled with mypyc (`make "
            "wheel-compiled`, `tools/compiled.py`), imported from its unpacked wheel "
            "in the same process; its targets are the `mypyc:` rows.", "")

    rep("Documents (built deterministically by `bench/documents.py`, Go's bytes: struct "
        "field order, sorted maps, HTML escapes): `manifest-5` / `manifest-200` (gzip "
        "layers, a config descriptor, 5 annotations), `index-10` (10 platforms, each with an "
        "annotation), `config-30` (image config with 30 history entries, nanosecond "
        "timestamps, `&&` in `created_by`), `runtime` (runc-shaped `config.json`: process, "
        "mounts, namespaces, id mappings, resources, seccomp with 50 syscall rules). "
        "Every document round-trips byte for byte through oci_spec.", "")
    rep("## Targets", "")
    rep("The targets of the performance issue, pure Python (the package users vendor) "
        "and the optional compiled build of the same source. Ratios are to `json.loads` / "
        "`json.dumps` measured side by side in this run; absolute times (import, "
        "generator) depend on the machine and its load (above). Every target missed has "
        "a profile under [Profiles](#profiles-of-the-oci_spec-hot-paths-manifest-200).", "")
    rep.table(*targets.table(target_rows))

    if blob:
        hashing.report(rep, blob)

    rep("## Decode + validate", "")
    rep("Bytes in, validated value out: `T.from_json(raw)` for oci_spec, "
        "`Model.model_validate_json(raw)` for pydantic, `Decoder(T).decode(raw)` for "
        "msgspec, `validator(json.loads(raw))` for the schema validators (they build no "
        "model). Median time per document; the ratio is to `json.loads` on the same bytes.",
        "")
    names = [a for a in [JSON, OCI, OCIC, *PYD.values(), MSGSPEC, "jsonschema-rs",
                         "python-jsonschema", "fastjsonschema"]
             if any(a in d for d in dec.values())]
    rows = []
    for doc, (kind, raw) in docs.items():
        base = dec[doc][JSON]
        rows.append([doc, f"{len(raw):,}"] + [
            f"{fmt_ns(dec[doc][a])} · {dec[doc][a] / base:.2f}×" if a in dec[doc] else "n/a"
            for a in names])
    rep.table(["document", "bytes", *names], rows)

    rep("## Encode", "")
    rep("Value out to bytes: `x.to_json()`; pydantic `model_dump_json(by_alias=True, "
        "exclude_none=True)`; msgspec `Encoder(order=\"deterministic\")` (sorted map keys); "
        "the floor is `json.dumps(d, ensure_ascii=False, separators=(\",\", \":\")).encode()` "
        "of the `json.loads` dict. Ratio to the floor on the same document; **=Go** marks "
        "output byte-identical to oci_spec's Go-exact bytes (checked per document), "
        "≠Go output that differs.", "")
    enames = [a for a in names if any(a in d for d in enc.values())]
    rows = []
    for doc in docs:
        base = enc[doc][JSON]
        rows.append([doc] + [
            (f"{fmt_ns(enc[doc][a])} · {enc[doc][a] / base:.2f}× "
             f"{'**=Go**' if same[doc].get(a) else '≠Go'}") if a in enc[doc] else "n/a"
            for a in enames])
    rep.table(["document", *enames], rows)
    rep("Why the rivals differ from Go's bytes: pydantic writes fields in schema property "
        "order (Go writes struct declaration order, e.g. `digest` before `size`) and "
        "timestamps with microseconds; msgspec keeps Go's field order but writes "
        "microsecond timestamps; neither applies Go's HTML escapes (`&&` in `created_by` "
        "becomes `\\u0026\\u0026` in Go). `json.dumps` of the parsed dict differs only by "
        "those escapes.", "")

    rep("## Import time", "")
    rep("`python -I -S -X pycache_prefix=$TMP -c 'import sys; sys.path[:0]=[...]; import "
        "time; t=time.perf_counter_ns(); import M; print(...)'`: a fresh, clean interpreter "
        "(no site hooks, so nothing but the interpreter's own start-up modules is "
        f"preloaded), median of {len(imports['oci_spec.image.v1'])} runs after one "
        "unmeasured run that writes the bytecode; interpreter start-up is not included.",
        "")
    rep.table(["module", "median", "min", "max"], [
        [f"`{k}`", f"{med(v):.1f} ms", f"{min(v):.1f} ms", f"{max(v):.1f} ms"]
        for k, v in imports.items()])
    rep("`-X importtime` of `import oci_spec.image.v1` (same clean interpreter, one run), "
        "largest self times:", "")
    rep.table(["module", "self", "cumulative"],
              [[f"`{m}`", f"{s / 1000:.2f} ms", f"{c / 1000:.2f} ms"] for m, s, c in imp_top])
    rep("What the oci_spec modules import directly, same run (cumulative: the module and "
        "everything it is first to import, so shared dependencies such as `re` and `enum` "
        "are charged to whichever module imports them first):", "")
    rep.table(["imported by", "module", "cumulative"],
              [[f"`{p}`", f"`{m}`", f"{c / 1000:.2f} ms"] for p, m, c in imp_direct])

    rep("## Retained memory", "")
    rep("tracemalloc: bytes still allocated after decoding manifest-200 (the raw bytes "
        "excluded, garbage collected), one warm-up decode before.", "")
    rep.table(["alternative", "retained", "ratio to json.loads"], [
        [a, fmt_bytes(v), f"{v / mem[JSON]:.2f}×"] for a, v in mem.items()])

    rep("## Generator wall time", "")
    rep("Fresh process each run, median of the runs shown, after one unmeasured warm-up "
        "run (bytecode written to a temporary cache). ocigen renders every vendored spec "
        "(`check` renders them too and compares with the folder `generate` wrote); "
        "datamodel-code-generator gets the bundled image-spec roots (one directory, 4 "
        "files) and, separately, the bundled runtime `config-schema.json`. Bundling itself "
        f"took {ws.bundle_ms:.0f} ms in-process.", "")
    rows = []
    for k, v in gen.items():
        rows.append([k, f"{med(v):.2f} s" if v else "failed", ", ".join(f"{x:.2f}" for x in v)])
    rep.table(["generator", "median", "runs (s)"], rows)
    if gen_cmd:
        shown = ["$TMP/out" if "ocigen-warm" in c else c for c in gen_cmd[1:]]
        rep(f"ocigen command (from the repository root): `ocigen {' '.join(shown)}`"
            + (" — " + " ".join(gen_notes) if gen_notes else ""), "")

    rep("## Scale: oci_spec decode per layer", "")
    rep("`Manifest.from_json` on manifests of n layers (median of a few runs each).", "")
    rows = []
    for n, (size, j, o, j_gc, o_gc) in scale.items():
        rows.append([f"{n:,}", f"{size / 1e6:.2f} MB", f"{j / n:.0f}", f"{o / n:.0f}",
                     f"{o / j:.2f}×", f"{j_gc / n:.0f}", f"{o_gc / n:.0f}", f"{o_gc / j_gc:.2f}×"])
    rep.table(["layers", "JSON size", "json.loads ns/layer", "oci_spec ns/layer", "ratio",
               "json.loads ns/layer (GC on)", "oci_spec ns/layer (GC on)", "ratio (GC on)"],
              rows)
    ns = list(scale)
    first, last = scale[ns[0]], scale[ns[-1]]
    k = ns[-1] / ns[0]
    grow = {name: last[i] / first[i] / k for name, i in
            (("json", 1), ("oci", 2), ("json_gc", 3), ("oci_gc", 4))}
    rel, rel_gc = targets.scale_growth(scale)
    rep(f"ns/layer from {ns[0]:,} to {ns[-1]:,} layers grows {grow['oci']:.2f}× for oci_spec "
        f"and {grow['json']:.2f}× for `json.loads` itself (GC off; caches and the allocator "
        f"make large documents dearer for both); with the cyclic GC on, as users run it, "
        f"{grow['oci_gc']:.2f}× and {grow['json_gc']:.2f}×. Relative to `json.loads` "
        f"(the ratio column) oci_spec grows {rel:.2f}× (GC off) and {rel_gc:.2f}× (GC on) → "
        f"{'**linear**' if max(rel, rel_gc) <= targets.LINEAR else '**NOT linear**'} "
        f"(threshold {targets.LINEAR}×). Measured in a fresh process (`bench/scale.py`) so that "
        "collections traverse only what the decode allocates.", "")

    rep("## Adversarial regex inputs", "")
    rep("Every compiled schema pattern of the generated modules (`_P*`, bound `.search`) "
        "and every regex `oci_spec._runtime` applies to input. For each, near-miss "
        "families `seed + filler*n + suffix` built from the pattern's own literals were "
        "ranked at n=300; the worst growing of the two slowest is shown. Growth exponent "
        "= log(t(1e5)/t(1e3))/log(100): 1 is linear, 2 quadratic.", "")
    rows = []
    for r in regex:
        pat = r.pattern if len(r.pattern) <= 48 else r.pattern[:45] + "…"
        rows.append([f"`{r.where}`", f"`{pat}`".replace("|", "\\|"), r.method,
                     f"`{r.family}`".replace("|", "\\|")]
                    + [fmt_ns(r.times[n] * 1e9) if n in r.times else "—"
                       for n in (1_000, 10_000, 100_000)]
                    + [f"{r.exponent:.2f}", ("linear" if r.linear else "**SUPERLINEAR**")
                       + (f" ({r.note})" if r.note else "")])
    rep.table(["regex", "pattern", "call", "worst input", "n=1e3", "n=1e4", "n=1e5",
               "exponent", "verdict"], rows)

    rep("## Profiles of the oci_spec hot paths (manifest-200)", "")
    rep("cProfile, 200 calls, top 10 by cumulative time:", "")
    for title, prof in (("decode `Manifest.from_json`", prof_dec), ("encode `to_json`", prof_enc)):
        rep(f"**{title}**", "")
        rep.table(["function", "calls", "tottime", "cumtime"],
                  [[f"`{f}`", f"{n:,}", f"{t * 1e3:.1f} ms", f"{c * 1e3:.1f} ms"]
                   for f, n, t, c in prof])
    rep("Line profiles: py-spy samples the workload (`bench/workload.py OP DOC SECONDS`, "
        "a tight loop) from outside the process at 1 kHz, so each sample names the exact "
        "line running, C calls included (json's scanner shows as `raw_decode`). Only "
        "samples inside `from_json`/`to_json` count; top 10 lines by self share, with "
        "their cumulative share (the line and everything it called). Without py-spy "
        "(or ptrace), an in-process SIGALRM sampler stands in; its samples land on the "
        "next call or loop edge, so read it by function rather than by line.", "")
    for title, (tool, rows, n) in lines.items():
        rep(f"**{title}** ({tool}, {n:,} samples)", "")
        rep.table(["line", "self", "cumulative", "source"],
                  [[f"`{loc}`", f"{s:.1f}%", f"{c:.1f}%", f"`{src}`".replace("|", "\\|")]
                   for loc, s, c, src in rows])
    for title, prof in missed_profiles:
        rep(f"**{title}** (above its bound; cProfile, 100 calls, top 8 by cumulative time)", "")
        rep.table(["function", "calls", "tottime", "cumtime"],
                  [[f"`{f}`", f"{n:,}", f"{t * 1e3:.1f} ms", f"{c * 1e3:.1f} ms"]
                   for f, n, t, c in prof])
    for mod, (top, direct) in imp_missed.items():
        rep(f"**`import {mod}`** (above its bound; `-X importtime`, one run, largest "
            "self times, and what the oci_spec modules import directly):", "")
        rep.table(["module", "self", "cumulative"],
                  [[f"`{m}`", f"{s_ / 1000:.2f} ms", f"{c / 1000:.2f} ms"] for m, s_, c in top[:12]])
        rep.table(["imported by", "module", "cumulative"],
                  [[f"`{p}`", f"`{m}`", f"{c / 1000:.2f} ms"] for p, m, c in direct[:10]])
    if targets.any_missed(target_rows, "retained memory"):
        rep("**retained memory** (tracemalloc, by allocating line):", "")
        rep.table(["line", "bytes", "blocks"],
                  [[f"`{loc}`", f"{b:,}", f"{n:,}"] for loc, b, n in mem_top])
    for what, prof in gen_profile:
        rep(f"**{what}** (above its bound; cProfile of one run pinned to one core, so that "
            "black formats in the profiled process instead of one worker per core; top by "
            "cumulative time; `check` renders exactly as `generate` does):", "")
        rep.table(["function", "calls", "tottime", "cumtime"],
                  [[f"`{f}`", f"{n:,}", f"{t:.2f} s", f"{c:.2f} s"]
                   for f, n, t, c in prof])

    rep("## How the rivals were built", "")
    rep("The vendored schemas are draft-04 with nested `id`s and cross-file relative "
        "`$ref`s that resolve to opencontainers.org URLs, which datamodel-code-generator "
        "cannot fetch offline. `bench/bundle.py` resolves every `$ref` through a "
        "`referencing` registry serving the vendored files by file name (as "
        "`generator/schema.py` does), turns each target into one `definitions` entry of a "
        "self-contained schema per root (`$ref: #/definitions/<name>`) and drops the "
        "`id`s:", "")
    rep("```sh",
        "python bench/bundle.py spec/image-spec/schema $TMP/schemas-image \\",
        "    config-schema.json image-index-schema.json image-layout-schema.json image-manifest-schema.json",
        "python bench/bundle.py spec/runtime-spec/schema $TMP/schemas-runtime config-schema.json")
    for k, v in dcg_shown.items():
        rep(f"# {k}", v)
    rep("```", "")
    rep(f"\"best\" is the dated preset `{rivals.PRESET}` (inlines root-model wrappers "
        "with `--collapse-root-models`, `Annotated` constraints, the built-in formatter) "
        "plus `--strict-types str int bool`; \"default\" uses no options (a `RootModel` "
        "class per constrained string, lax coercion).", "")
    rep("What each alternative checks: oci_spec = schema + go-digest grammar and "
        "sha256/384/512 encoded form + `Env` `KEY=value` + absolute URIs + Go integer "
        "bounds + RFC 3339 timestamps; pydantic = types, patterns, bounds (mapStringString "
        "key patterns approximated, date-time as datetime, no go-digest form); msgspec = "
        "types + the schema patterns as `Meta(pattern=)` + bounds (no go-digest form); "
        "jsonschema-rs / python-jsonschema / fastjsonschema = the bundled draft-04 schema "
        "only (python-jsonschema without a format checker; fastjsonschema after escaping "
        "`$` inside character classes, see `fastjsonschema_safe`).", "")
    if errors:
        rep("## Problems met during this run", "")
        rep(*[f"- {e}" for e in errors], "")


if __name__ == "__main__":
    sys.exit(main())
