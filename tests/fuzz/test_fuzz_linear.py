"""Linear cost: parsing work grows with the document, not faster.

Measured two ways, both robust on a loaded 2-core CI:

* operations: the Python line and call events executed inside the generated
  package (sys.settrace), per element, for a document 10x larger; deterministic,
  so the bound is tight.  Covers the success path, the error path (a bad element
  at the end: error paths re-scan to find the position), to_json and validate.
* time: a 50,000-layer manifest parses, and its time per layer is compared with
  a 5,000-layer one (perf_counter, min of several runs, gc off); the ratio must
  stay under 3.

(Regex backtracking on long strings is a benchmark concern: see bench/.)
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import oci_spec
from fuzzlib import COUNTS
from oci_spec import ValidationError
from oci_spec.image import v1
from oci_spec.runtime import Spec

PACKAGE = str(Path(oci_spec.__file__).resolve().parent)


def count_ops(fn: Callable[[], Any]) -> int:
    """Line and call events executed in the generated package while fn runs."""
    n = 0

    def local(frame: Any, event: str, arg: Any) -> Any:
        nonlocal n
        n += 1
        return local

    def global_(frame: Any, event: str, arg: Any) -> Any:
        nonlocal n
        if frame.f_code.co_filename.startswith(PACKAGE):
            n += 1
            return local
        return None

    old = sys.gettrace()
    sys.settrace(global_)
    try:
        fn()
    except ValidationError:
        pass
    finally:
        sys.settrace(old)
    return n


SHA = "sha256:%064x"


def _layer(i: int, bad: bool = False) -> str:
    digest = "sha256:" + "g" * 64 if bad else SHA % i
    return (
        '{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip",'
        f'"digest":"{digest}","size":{i},"annotations":{{"i":"{i}"}},'
        '"urls":["https://example.com/x"]}'
    )


def manifest(n: int, bad: bool = False) -> bytes:
    layers = ",".join(_layer(i, bad and i == n - 1) for i in range(n))
    return (
        '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
        f'"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{SHA % 1}","size":7}},'
        f'"layers":[{layers}]}}'
    ).encode()


def index(n: int, bad: bool = False) -> bytes:
    ms = ",".join(
        '{"mediaType":"application/vnd.oci.image.manifest.v1+json",'
        f'"digest":"{SHA % i}","size":{i},"platform":{{"architecture":"amd64","os":"{"" if bad and i == n - 1 else "linux"}","os.features":["a"]}}}}'.replace('"os":""', '"os":5')
        for i in range(n)
    )
    return f'{{"schemaVersion":2,"manifests":[{ms}]}}'.encode()


def image(n: int, bad: bool = False) -> bytes:
    diff = ",".join(f'"{SHA % i}"' for i in range(n))
    hist = ",".join(
        f'{{"created":"{"2015-13-01T00:00:00Z" if bad and i == n - 1 else "2015-10-31T22:22:56.015925234Z"}","created_by":"x"}}'
        for i in range(n)
    )
    env = ",".join(f'"K{i}=v"' for i in range(n))
    return (
        '{"architecture":"amd64","os":"linux",'
        f'"config":{{"Env":[{env}]}},"rootfs":{{"type":"layers","diff_ids":[{diff}]}},"history":[{hist}]}}'
    ).encode()


def spec(n: int, bad: bool = False) -> bytes:
    mounts = ",".join(
        f'{{"destination":"/m{i}","type":"bind","source":"/s{i}","options":["rbind","ro"],'
        f'"uidMappings":[{{"containerID":0,"hostID":{i},"size":{-1 if bad and i == n - 1 else 1}}}]}}'
        for i in range(n)
    )
    ann = ",".join(f'"k{i}":"v{i}"' for i in range(n))
    return f'{{"ociVersion":"1.2.1","mounts":[{mounts}],"annotations":{{{ann}}}}}'.encode()


def unknown_members(n: int, bad: bool = False) -> bytes:
    extra = ",".join(f'"x{i}":{{"a":[{i},null,true]}}' for i in range(n))
    tail = ',"imageLayoutVersion":"0.9"' if bad else ',"imageLayoutVersion":"1.0.0"'
    return ("{" + extra + tail + "}").encode()


BUILDERS: dict[str, tuple[type[Any], Callable[[int, bool], bytes]]] = {
    "manifest-layers": (v1.Manifest, manifest),
    "index-manifests": (v1.Index, index),
    "image-diff-ids-history-env": (v1.Image, image),
    "spec-mounts-annotations": (Spec, spec),
    "unknown-members": (v1.ImageLayout, unknown_members),
}

SMALL, LARGE = 1_000, 10_000


def _per_element(cls: type[Any], build: Callable[[int, bool], bytes], bad: bool, what: str) -> tuple[float, float]:
    out = []
    for n in (SMALL, LARGE):
        data = build(n, bad)
        COUNTS["linear"] += 1
        if what == "parse":
            ops = count_ops(lambda: cls.from_json(data))
        else:
            value = cls.from_json(data)
            ops = count_ops(getattr(value, what))
        out.append(ops / n)
    return out[0], out[1]


@pytest.mark.parametrize("name", list(BUILDERS))
@pytest.mark.parametrize("bad", [False, True], ids=["valid", "bad-last-element"])
def test_parse_operations_grow_linearly(name: str, bad: bool) -> None:
    cls, build = BUILDERS[name]
    if bad:
        with pytest.raises(ValidationError):
            cls.from_json(build(10, True))
    else:
        cls.from_json(build(10, False))
    small, large = _per_element(cls, build, bad, "parse")
    assert small > 0
    assert large / small < 1.25, f"{name}: {small:.1f} ops/element at {SMALL}, {large:.1f} at {LARGE}"


@pytest.mark.parametrize("what", ["to_json", "validate", "to_dict"])
def test_write_and_validate_operations_grow_linearly(what: str) -> None:
    small, large = _per_element(v1.Manifest, manifest, False, what)
    assert large / small < 1.25, f"{what}: {small:.1f} ops/layer at {SMALL}, {large:.1f} at {LARGE}"


def _best_time(fn: Callable[[], Any], repeat: int = 5) -> float:
    best = float("inf")
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t)
    finally:
        if gc_was:
            gc.enable()
    return best


def test_50000_layer_manifest_parses_in_linear_time() -> None:
    big, small = manifest(50_000), manifest(5_000)
    m = v1.Manifest.from_json(big)
    assert len(m.layers) == 50_000 and m.layers[-1].size == 49_999
    COUNTS["linear"] += 2
    t_small = _best_time(lambda: v1.Manifest.from_json(small)) / 5_000
    t_big = _best_time(lambda: v1.Manifest.from_json(big), repeat=3) / 50_000
    assert t_big / t_small < 3, f"{t_small * 1e6:.2f} us/layer at 5,000 layers, {t_big * 1e6:.2f} at 50,000"


def test_50000_layer_error_position_in_linear_time() -> None:
    big, small = manifest(50_000, bad=True), manifest(5_000, bad=True)

    def parse(data: bytes) -> None:
        try:
            v1.Manifest.from_json(data)
        except ValidationError as e:
            assert e.path.startswith("layers[") and e.path.endswith("].digest")
        else:
            raise AssertionError("accepted")

    parse(big)
    t_small = _best_time(lambda: parse(small)) / 5_000
    t_big = _best_time(lambda: parse(big), repeat=3) / 50_000
    assert t_big / t_small < 3, f"{t_small * 1e6:.2f} us/layer at 5,000 layers, {t_big * 1e6:.2f} at 50,000"
