"""``python -m oci_spec validate``: documents, image layouts (directories and
tars) and bundles, with broken variants of each.

Layouts are built here with hashlib (the oracle for every digest), never with
the package's own helpers.  Most cases call ``oci_spec._validate.main``
in-process; a few run the command as users do."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from oci_spec._validate import main

GENERATED = Path(__file__).resolve().parents[2] / "generated"
RUNTIME_CONFIG = Path(__file__).resolve().parent / "fixtures" / "runtime" / "config.json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["validate", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


class Layout:
    """An image layout under construction: blobs named by hashlib's digests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "blobs" / "sha256").mkdir(parents=True)
        (root / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')

    def blob(self, data: bytes, media_type: str, **extra: Any) -> dict[str, Any]:
        hexdigest = hashlib.sha256(data).hexdigest()
        (self.root / "blobs" / "sha256" / hexdigest).write_bytes(data)
        return {"mediaType": media_type, "digest": f"sha256:{hexdigest}", "size": len(data), **extra}

    def doc(self, doc: dict[str, Any], media_type: str, **extra: Any) -> dict[str, Any]:
        return self.blob(json.dumps(doc).encode(), media_type, **extra)

    def path(self, descriptor: dict[str, Any]) -> Path:
        return self.root / "blobs" / "sha256" / descriptor["digest"].partition(":")[2]

    def index(self, *manifests: dict[str, Any]) -> None:
        doc = {"schemaVersion": 2, "mediaType": INDEX, "manifests": list(manifests)}
        (self.root / "index.json").write_text(json.dumps(doc))


def image(layout: Layout, layers: list[bytes], **manifest_extra: Any) -> dict[str, Any]:
    """A manifest with a config and layers; its descriptor."""
    descs = [layout.blob(b, LAYER) for b in layers]
    config = {
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [d["digest"] for d in descs]},
    }  # fmt: skip
    manifest = {
        "schemaVersion": 2, "mediaType": MANIFEST,
        "config": layout.doc(config, CONFIG), "layers": descs, **manifest_extra,
    }  # fmt: skip
    return layout.doc(manifest, MANIFEST)


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    """A valid layout: index.json -> a nested index -> two manifests, one of
    them with a subject; plus an artifact of unknown media types."""
    lay = Layout(tmp_path / "layout")
    first = image(lay, [b"layer one", b"layer two"])
    second = image(lay, [b"layer three"], subject=first)
    nested = lay.doc({"schemaVersion": 2, "mediaType": INDEX, "manifests": [first, second]}, INDEX)
    artifact = lay.blob(b"\x00\x01opaque", "application/vnd.example.sbom.v1+binary")
    lay.index(nested, artifact, dict(first, annotations={"org.opencontainers.image.ref.name": "v1"}))
    return lay


def tar_of(root: Path, out: Path, prefix: str = "./") -> Path:
    with tarfile.open(out, "w") as t:
        for p in sorted(root.rglob("*")):
            t.add(p, arcname=prefix + p.relative_to(root).as_posix(), recursive=False)
    return out


def lines(out: str) -> list[str]:
    return out.splitlines()


# --- image layouts -----------------------------------------------------------------------


def test_valid_layout_directory_and_tar(layout: Layout, tmp_path: Path) -> None:
    assert run(str(layout.root)) == (0, "", "")
    tar = tar_of(layout.root, tmp_path / "layout.tar")
    assert run(str(tar)) == (0, "", "")
    assert run(str(tar_of(layout.root, tmp_path / "plain.tar", prefix=""))) == (0, "", "")
    code, out, _ = run("--json", str(layout.root), str(tar))
    report = json.loads(out)
    assert code == 0 and report["valid"] is True
    assert [r["kind"] for r in report["results"]] == ["layout", "layout-tar"]
    # 2 manifests, 2 configs, 3 layers, the nested index, the artifact: 9 blobs.
    assert [r["blobs"] for r in report["results"]] == [9, 9]


def test_missing_blob(layout: Layout) -> None:
    manifest = next(p for p in (layout.root / "blobs" / "sha256").iterdir() if b'"config"' in p.read_bytes())
    layer = json.loads(manifest.read_bytes())["layers"][0]
    layout.path(layer).unlink()
    code, out, _ = run(str(layout.root))
    rel = f"blobs/sha256/{layer['digest'][7:]}"
    assert code == 1
    assert lines(out) == [f"{manifest}: layers[0]: blob {rel} does not exist"]
    # The spec lets a layout leave blobs to another store: --allow-missing.
    assert run("--allow-missing", str(layout.root)) == (0, "", "")


def test_size_and_digest_mismatches(tmp_path: Path) -> None:
    lay = Layout(tmp_path / "l")
    good = lay.blob(b"content", LAYER)
    lay.path(good).write_bytes(b"CONTENT")  # same size, other bytes
    short = dict(lay.blob(b"short", LAYER), size=6)
    lay.index(good, short)
    code, out, _ = run(str(lay.root))
    index = lay.root / "index.json"
    assert code == 1
    assert lines(out) == [
        f"{index}: manifests[0].digest: blob blobs/sha256/{good['digest'][7:]}: content has digest "
        f"sha256:{hashlib.sha256(b'CONTENT').hexdigest()}; the descriptor says {good['digest']}",
        f"{index}: manifests[1].size: blob blobs/sha256/{short['digest'][7:]} is 5 bytes; "
        "the descriptor says 6",
    ]


def test_blobs_that_are_not_files(tmp_path: Path) -> None:
    lay = Layout(tmp_path / "l")
    a, b, c, d = (lay.blob(x, LAYER) for x in (b"a", b"b", b"c", b"d"))
    outside = tmp_path / "outside"
    outside.write_bytes(b"c")
    lay.path(a).unlink()
    lay.path(a).mkdir()
    lay.path(b).unlink()
    lay.path(b).symlink_to(lay.path(b))  # a loop
    lay.path(c).unlink()
    lay.path(c).symlink_to(outside)  # the right content, outside the layout
    lay.path(d).unlink()
    os.mkfifo(lay.path(d))  # would block a reader forever
    lay.index(a, b, c, d)
    code, out, _ = run(str(lay.root))
    assert code == 1
    got = [line.split(": ", 2)[1:] for line in lines(out)]
    assert [(where, msg.split(" ", 2)[2]) for where, msg in got] == [
        ("manifests[0]", "is a directory, not a file"),
        ("manifests[1]", "is a symbolic link loop"),
        ("manifests[2]", "is a symbolic link to a file outside the directory"),
        ("manifests[3]", "is not a regular file"),
    ]


def test_bad_documents_inside_a_layout(tmp_path: Path) -> None:
    lay = Layout(tmp_path / "l")
    broken = lay.blob(b'{"schemaVersion": 2, "config": ', MANIFEST)  # malformed JSON
    invalid = lay.doc({"schemaVersion": 2, "mediaType": MANIFEST, "config": {"mediaType": CONFIG},
                       "layers": []}, MANIFEST)  # fmt: skip
    other = image(lay, [b"x"])
    mislabelled = dict(other, mediaType=INDEX)  # the blob is a manifest
    unknown = dict(lay.blob(b"x", LAYER), digest="md5:" + "0" * 32)
    lay.index(broken, invalid, mislabelled, unknown)
    code, out, _ = run(str(lay.root))
    index = lay.root / "index.json"
    assert code == 1
    assert lines(out) == [
        f"{lay.path(broken)}: $: invalid JSON: Expecting value: line 1 column 32 (char 31)",
        f"{lay.path(invalid)}: config.digest: required property is missing",
        f"{lay.path(other)}: manifests: required property is missing",
        f"{index}: manifests[3].digest: cannot verify md5:{'0' * 32}: the algorithm is not one "
        "of sha256, sha384, sha512",
    ]


def test_index_member_media_type_is_checked_against_the_document(tmp_path: Path) -> None:
    lay = Layout(tmp_path / "l")
    manifest = image(lay, [b"x"])
    # An index blob whose own mediaType says "manifest".
    nested = lay.doc({"schemaVersion": 2, "mediaType": MANIFEST, "manifests": [manifest]}, INDEX)
    lay.index(nested)
    code, out, _ = run(str(lay.root))
    assert code == 1
    assert lines(out) == [
        f"{lay.path(nested)}: mediaType: the document's media type {MANIFEST!r} is not {INDEX!r}, "
        f"the media type of its descriptor at {lay.root / 'index.json'}: manifests[0]"
    ]


def test_layout_files(tmp_path: Path) -> None:
    lay = Layout(tmp_path / "l")
    lay.index()
    (lay.root / "oci-layout").write_text('{"imageLayoutVersion": "2.0.0"}')
    code, out, _ = run(str(lay.root))
    # The schema already pins the version (the layout's own check agrees).
    assert (code, lines(out)) == (1, [
        f"{lay.root / 'oci-layout'}: imageLayoutVersion: expected one of \"1.0.0\"; found \"2.0.0\""])  # fmt: skip
    (lay.root / "oci-layout").write_text("{}")
    (lay.root / "index.json").unlink()
    (lay.root / "blobs" / "sha256").rmdir()
    (lay.root / "blobs").rmdir()
    code, out, _ = run(str(lay.root))
    assert (code, lines(out)) == (1, [
        f"{lay.root / 'oci-layout'}: imageLayoutVersion: required property is missing",
        f"{lay.root / 'blobs'}: $: is missing or not a directory (a layout has one)",
        f"{lay.root / 'index.json'}: $: does not exist",
    ])  # fmt: skip


def test_strict_adds_the_spec_text_rules(tmp_path: Path) -> None:
    lay = Layout(tmp_path / "l")
    layer = lay.blob(b"x", LAYER)
    config = lay.doc({"architecture": "amd64", "os": "linux",
                      "rootfs": {"type": "layers", "diff_ids": [layer["digest"]]}}, CONFIG)  # fmt: skip
    text = (
        '{"schemaVersion": 2, "mediaType": "%s", "config": %s, "layers": [%s],'
        ' "annotations": {"a": "1", "a": "2"}}' % (MANIFEST, json.dumps(config), json.dumps(layer))
    )
    manifest = lay.blob(text.encode(), MANIFEST)
    lay.index(manifest)
    assert run(str(lay.root)) == (0, "", "")
    code, out, _ = run("--strict", str(lay.root))
    assert (code, lines(out)) == (1, [
        f"{lay.path(manifest)}: annotations.a: annotation keys MUST be unique "
        "[manifest-annotations-unique-keys, annotations.md#rules]"])  # fmt: skip


def test_huge_blobs_are_streamed(tmp_path: Path) -> None:
    lay = Layout(tmp_path / "l")
    n = 320 << 20
    h = hashlib.sha256()
    zeros = bytes(1 << 20)
    for _ in range(n >> 20):
        h.update(zeros)
    big = {"mediaType": LAYER, "digest": "sha256:" + h.hexdigest(), "size": n}
    with open(lay.path(big), "wb") as f:
        f.truncate(n)  # sparse: no disk used
    huge = {"mediaType": LAYER, "digest": "sha256:" + "1" * 64, "size": 10 << 30}
    with open(lay.path(huge), "wb") as f:
        f.truncate((10 << 30) + 1)  # a sparse 10 GiB blob one byte too long
    lay.index(big, huge)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Terminal()
    out = io.StringIO()
    tracemalloc.start()
    try:
        code = main(["validate", str(lay.root)], stdout=out, stderr=err)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 1
    assert lines(out.getvalue()) == [
        f"{lay.root / 'index.json'}: manifests[1].size: blob blobs/sha256/{'1' * 64} is "
        f"{(10 << 30) + 1} bytes; the descriptor says {10 << 30}"
    ]
    assert peak < 4 << 20, peak
    # A progress line for the large blob on the terminal, cleared when done.
    progress = err.getvalue()
    assert f"\rhashing blobs/sha256/{h.hexdigest()}: 0% of 320 MiB" in progress
    assert progress.endswith("\r")


# --- tars -------------------------------------------------------------------------------------


def test_tar_member_names_leaving_the_archive_are_never_used(layout: Layout, tmp_path: Path) -> None:
    tar = tar_of(layout.root, tmp_path / "evil.tar")
    with tarfile.open(tar, "a") as t:
        for name in ("../escaped", "/absolute", "blobs/../../up"):
            info = tarfile.TarInfo(name)
            info.size = 3
            t.addfile(info, io.BytesIO(b"bad"))
        link = tarfile.TarInfo("blobs/sha256/" + "b" * 64)
        link.type, link.linkname = tarfile.SYMTYPE, "../../../etc/passwd"
        t.addfile(link)
    before = sorted(p.as_posix() for p in tmp_path.rglob("*"))
    code, out, _ = run(str(tar))
    assert code == 1
    assert lines(out) == [
        f"{tar}!/../escaped: $: member name leaves the archive; ignored",
        f"{tar}!//absolute: $: member name absolute; ignored",
        f"{tar}!/blobs/../../up: $: member name leaves the archive; ignored",
    ]
    assert sorted(p.as_posix() for p in tmp_path.rglob("*")) == before  # nothing written
    assert not (tmp_path.parent / "escaped").exists()


def test_tar_links_are_followed_inside_the_archive_only(tmp_path: Path) -> None:
    lay = Layout(tmp_path / "l")
    a = lay.blob(b"aaa", LAYER)
    b, c = lay.blob(b"bbb", LAYER), lay.blob(b"ccc", LAYER)
    lay.index(a, b, c)
    tar = tar_of(lay.root, tmp_path / "links.tar")
    with tarfile.open(tar, "a") as t:
        # A later member of a name replaces the earlier one, as tar extraction does.
        for desc, target in ((b, "../../outside"), (c, lay.path(c).name)):
            link = tarfile.TarInfo("./blobs/sha256/" + desc["digest"][7:])
            link.type, link.linkname = tarfile.SYMTYPE, target
            t.addfile(link)
    code, out, _ = run(str(tar))
    assert code == 1
    assert lines(out) == [
        f"{tar}!/index.json: manifests[1]: blob blobs/sha256/{b['digest'][7:]} does not exist",
        f"{tar}!/index.json: manifests[2]: blob blobs/sha256/{c['digest'][7:]} is a symbolic link loop",
    ]


def test_truncated_tar(layout: Layout, tmp_path: Path) -> None:
    tar = tar_of(layout.root, tmp_path / "full.tar")
    data = tar.read_bytes()
    with tarfile.open(tar) as t:
        last = [m for m in t.getmembers() if m.isreg()][-1]
    # In the first header, in the middle, in the data of the last file.
    for cut in (700, len(data) // 2, last.offset_data + last.size // 2):
        short = tmp_path / f"cut{cut}.tar"
        short.write_bytes(data[:cut])
        code, out, err = run(str(short))
        assert code == 1 and out and not err, (cut, out)
        assert all(line.startswith(f"{short}") for line in lines(out))


def test_compressed_tar_is_refused(layout: Layout, tmp_path: Path) -> None:
    tgz = tmp_path / "layout.tar.gz"
    with tarfile.open(tgz, "w:gz") as t:
        t.add(layout.root, arcname=".")
    code, out, _ = run(str(tgz))
    assert (code, lines(out)[0].startswith(f"{tgz}: $: invalid JSON")) == (1, True)


# --- bundles ------------------------------------------------------------------------------------


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    root = tmp_path / "bundle"
    root.mkdir()
    (root / "config.json").write_bytes(RUNTIME_CONFIG.read_bytes())
    (root / "rootfs").mkdir()
    return root


def test_bundle(bundle: Path) -> None:
    assert run(str(bundle)) == (0, "", "")
    (bundle / "rootfs").rmdir()
    code, out, _ = run(str(bundle))
    assert (code, lines(out)) == (1, [
        f"{bundle / 'config.json'}: root.path: root filesystem {bundle / 'rootfs'} does not exist"])  # fmt: skip
    (bundle / "rootfs").write_text("a file")
    code, out, _ = run(str(bundle))
    assert (code, lines(out)) == (1, [
        f"{bundle / 'config.json'}: root.path: root filesystem {bundle / 'rootfs'} is not a directory"])  # fmt: skip


def test_bundle_with_an_absolute_root_and_without_one(bundle: Path, tmp_path: Path) -> None:
    config = json.loads((bundle / "config.json").read_text())
    config["root"] = {"path": str(tmp_path)}
    (bundle / "config.json").write_text(json.dumps(config))
    assert run(str(bundle)) == (0, "", "")
    del config["root"]
    (bundle / "config.json").write_text(json.dumps(config))
    assert run(str(bundle)) == (0, "", "")


def test_bundle_config_problems(bundle: Path) -> None:
    config = json.loads((bundle / "config.json").read_text())
    config["process"]["cwd"] = "relative"
    (bundle / "config.json").write_text(json.dumps(config))
    assert run(str(bundle)) == (0, "", "")  # the schema allows it; the spec text does not
    code, out, _ = run("--strict", str(bundle))
    assert code == 1 and lines(out) == [
        f"{bundle / 'config.json'}: process.cwd: cwd MUST be an absolute path; found \"relative\" "
        "[process-cwd-absolute, config.md#process]"
    ]
    (bundle / "config.json").write_text("{")
    code, out, _ = run(str(bundle))
    assert code == 1 and lines(out)[0].startswith(f"{bundle / 'config.json'}: $: invalid JSON")


# --- documents -----------------------------------------------------------------------------------


def test_documents_by_media_type_shape_or_type(layout: Layout, tmp_path: Path) -> None:
    manifests = [p for p in (layout.root / "blobs" / "sha256").iterdir() if b'"config"' in p.read_bytes()]
    configs = [p for p in (layout.root / "blobs" / "sha256").iterdir() if b'"rootfs"' in p.read_bytes()]
    descriptor = tmp_path / "descriptor.json"  # names its target's media type
    descriptor.write_text(json.dumps({"mediaType": MANIFEST, "digest": "sha256:" + "a" * 64, "size": 1}))
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"ociVersion": "1.2.1", "id": "c", "status": "running",
                                 "pid": 4, "bundle": "/b"}))  # fmt: skip
    paths = [str(p) for p in (*manifests, *configs, descriptor, state, RUNTIME_CONFIG, layout.root / "oci-layout")]
    code, out, _ = run("--json", *paths)
    assert code == 0, out
    types = [r["type"] for r in json.loads(out)["results"]]
    assert types == ["Manifest"] * len(manifests) + ["Image"] * len(configs) + [
        "Descriptor", "State", "Spec", "ImageLayout"]  # fmt: skip
    assert run("--type", "image", str(configs[0])) == (0, "", "")
    assert run("--type", CONFIG, str(configs[0])) == (0, "", "")
    code, out, _ = run("--type", "Manifest", str(configs[0]))
    assert (code, lines(out)) == (1, [f"{configs[0]}: schemaVersion: required property is missing"])


def test_document_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"schemaVersion": 2,')
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"mediaType": "application/vnd.example+json", "x": 1}')
    array = tmp_path / "array.json"
    array.write_text("[]")
    code, out, _ = run(str(bad), str(unknown), str(array))
    assert code == 1
    assert lines(out) == [
        f"{bad}: $: invalid JSON: Expecting property name enclosed in double quotes: "
        "line 1 column 21 (char 20)",
        f"{unknown}: $: mediaType 'application/vnd.example+json' is not a media type this validator "
        "knows; no media type given, and the document has the required members of none of: "
        "Descriptor (mediaType, digest, size); Manifest (schemaVersion, config, layers); Index "
        "(schemaVersion, manifests); Image (architecture, os, rootfs); ImageLayout "
        "(imageLayoutVersion); Spec (ociVersion); State (ociVersion, id, status, bundle); Features "
        "(ociVersionMin, ociVersionMax) (give --type)",
        f"{array}: $: is not a JSON object",
    ]


def test_usage_and_io_errors(tmp_path: Path) -> None:
    code, out, err = run(str(tmp_path / "missing"))
    assert (code, lines(out)) == (2, [f"{tmp_path / 'missing'}: $: does not exist"])
    assert run("--type", "Nonsense", str(tmp_path))[0] == 2
    assert run()[0] == 2  # no PATH
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, _ = run(str(empty))
    assert code == 1 and "is a directory, but not a layout" in out


def test_exit_status_is_the_worst(layout: Layout, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert run(str(layout.root), str(bad))[0] == 1
    assert run(str(layout.root), str(bad), str(tmp_path / "missing"))[0] == 2


def test_as_users_run_it(layout: Layout, tmp_path: Path) -> None:
    # The package under test (tests/conftest.py): the compiled build's __main__ too.
    env = {**os.environ, "PYTHONPATH": os.environ.get("OCIGEN_PACKAGE_DIR") or str(GENERATED)}
    ok = subprocess.run([sys.executable, "-m", "oci_spec", "validate", str(layout.root)],
                        capture_output=True, text=True, env=env)  # fmt: skip
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")
    layout.path(json.loads((layout.root / "index.json").read_text())["manifests"][1]).unlink()
    bad = subprocess.run([sys.executable, "-m", "oci_spec", "validate", "--json", str(layout.root)],
                         capture_output=True, text=True, env=env)  # fmt: skip
    assert bad.returncode == 1
    report = json.loads(bad.stdout)
    assert report["valid"] is False
    assert report["results"][0]["problems"][0]["location"] == "manifests[1]"
    usage = subprocess.run([sys.executable, "-m", "oci_spec"], capture_output=True, text=True, env=env)
    assert usage.returncode == 2 and "usage:" in usage.stderr
