"""Vendoring: generated/oci_spec copied into a project as ``myproject/_vendor/oci_spec``
works in an isolated interpreter (``python -I -S``: no site-packages, no
environment, no script directory on sys.path), imports only the standard library
and opens no file outside its own folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "generated" / "oci_spec"
RUNTIME_CONFIG = ROOT / "tests" / "output" / "fixtures" / "runtime" / "config.json"

MANIFEST = (
    b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
    b'"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":'
    b'"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7",'
    b'"size":7023},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip",'
    b'"digest":"sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0",'
    b'"size":32654}],"annotations":{"com.example.key1":"value1"}}'
)

SMOKE = textwrap.dedent(
    '''
    import sys

    project_root, manifest_path, config_path = sys.argv[1:4]
    manifest_raw = open(manifest_path, "rb").read()
    config_raw = open(config_path, "rb").read()
    sys.path.insert(0, project_root)

    # What the package may use; imported before the hook so that reading the
    # standard library's own files is not counted.
    import __future__, base64, binascii, codecs, dataclasses, datetime, decimal, enum, json, re, typing
    import myproject._vendor  # the host project's own packages

    vendor = project_root + "/myproject/_vendor/oci_spec"
    opened, imported = [], []

    def hook(event, args):
        if event == "open" and isinstance(args[0], str):
            opened.append(args[0])
        elif event == "import":
            imported.append(args[0])

    sys.addaudithook(hook)

    from myproject._vendor.oci_spec import ValidationError
    from myproject._vendor.oci_spec.image.v1 import Manifest, MEDIA_TYPE_IMAGE_MANIFEST
    from myproject._vendor.oci_spec.runtime import Spec

    m = Manifest.from_json(manifest_raw)
    assert m.media_type == MEDIA_TYPE_IMAGE_MANIFEST
    assert m.layers[0].size == 32654
    assert m.to_json() == manifest_raw, m.to_json()
    assert Manifest.from_json(m.to_json()) == m

    s = Spec.from_json(config_raw)
    out = s.to_json()
    assert Spec.from_json(out).to_json() == out
    assert json.loads(out)["ociVersion"] == s.oci_version

    try:
        Manifest.from_json(manifest_raw.replace(b"sha256:9834", b"sha256:XYZ"))
    except ValidationError as e:
        assert "layers[0].digest" in str(e.path), e.path
    else:
        raise AssertionError("invalid digest accepted")

    assert any(p.startswith(vendor + "/") for p in opened)  # the hook saw the imports
    outside = sorted(p for p in set(opened) if not p.startswith(vendor + "/"))
    assert not outside, ("opened outside the package", outside)
    foreign = sorted(
        {n for n in imported if n.split(".")[0] not in ("myproject",) + tuple(sys.stdlib_module_names)}
    )
    assert not foreign, ("imported from outside the standard library", foreign)
    assert "oci_spec" not in sys.modules  # nothing assumes the top-level name
    assert not any(p.endswith("site-packages") for p in sys.path)
    print("ok", len(opened), "files opened, all inside the package")
    '''
)


def test_vendored_copy_runs_isolated_and_reads_only_its_own_files(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    vendor = project / "myproject" / "_vendor"
    shutil.copytree(PACKAGE, vendor / "oci_spec", ignore=shutil.ignore_patterns("__pycache__"))
    (project / "myproject" / "__init__.py").write_text("")
    (vendor / "__init__.py").write_text("")
    (tmp_path / "manifest.json").write_bytes(MANIFEST)
    script = tmp_path / "smoke.py"
    script.write_text(SMOKE)
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-B", str(script), str(project),
         str(tmp_path / "manifest.json"), str(RUNTIME_CONFIG)],
        cwd=tmp_path, capture_output=True, text=True, env={},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok ")
    assert not (vendor / "oci_spec" / "__pycache__").exists()  # -B: left as copied
