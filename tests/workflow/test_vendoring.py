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


def _vendor(tmp_path: Path) -> tuple[Path, Path]:
    """generated/oci_spec copied as myproject/_vendor/oci_spec: (project root, vendor dir)."""
    project = tmp_path / "proj"
    vendor = project / "myproject" / "_vendor"
    shutil.copytree(PACKAGE, vendor / "oci_spec", ignore=shutil.ignore_patterns("__pycache__"))
    (project / "myproject" / "__init__.py").write_text("")
    (vendor / "__init__.py").write_text("")
    return project, vendor


def test_vendored_copy_runs_isolated_and_reads_only_its_own_files(tmp_path: Path) -> None:
    project, vendor = _vendor(tmp_path)
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


VALIDATE = textwrap.dedent(
    '''
    import runpy, sys

    project_root, layout = sys.argv[1:3]
    sys.path.insert(0, project_root)
    imported = []
    sys.addaudithook(lambda event, args: imported.append(args[0]) if event == "import" else None)
    sys.argv = ["python -m myproject._vendor.oci_spec", "validate", "--json", layout]
    try:
        runpy.run_module("myproject._vendor.oci_spec", run_name="__main__", alter_sys=True)
    except SystemExit as e:
        code = e.code
    foreign = sorted(
        {n for n in imported if n.split(".")[0] not in ("myproject",) + tuple(sys.stdlib_module_names)}
    )
    assert not foreign, ("imported from outside the standard library", foreign)
    assert "oci_spec" not in sys.modules
    sys.exit(code)
    '''
)


def test_vendored_validate_command_uses_the_standard_library_only(tmp_path: Path) -> None:
    import hashlib
    import json

    project, _ = _vendor(tmp_path)
    layout = tmp_path / "layout"
    (layout / "blobs" / "sha256").mkdir(parents=True)
    (layout / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    digest = hashlib.sha256(MANIFEST).hexdigest()
    (layout / "blobs" / "sha256" / digest).write_bytes(MANIFEST)
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json",
         "digest": f"sha256:{digest}", "size": len(MANIFEST)}]}))  # fmt: skip
    script = tmp_path / "validate.py"
    script.write_text(VALIDATE)
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-B", str(script), str(project), str(layout)],
        cwd=tmp_path, capture_output=True, text=True, env={},
    )  # fmt: skip
    # The manifest's config and layer blobs are not in the layout: exactly those two.
    assert result.returncode == 1, result.stdout + result.stderr
    problems = json.loads(result.stdout)["results"][0]["problems"]
    assert [p["location"] for p in problems] == ["config", "layers[0]"]
    assert all(p["message"].endswith("does not exist") for p in problems)


DISTRIBUTION = textwrap.dedent(
    '''
    import sys

    generated = sys.argv[1]
    assert not any("site-packages" in p for p in sys.path), sys.path  # -I -S
    sys.path.insert(0, generated)

    from oci_spec import ValidationError
    from oci_spec.distribution.v1 import ErrorResponse, TagList, ERROR_CODE_NAME_UNKNOWN
    from oci_spec.distribution.v1.extensions import ExtensionList

    body = b'{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}'
    e = ErrorResponse.from_json(body, strict=True)
    assert e.errors[0].code == ERROR_CODE_NAME_UNKNOWN
    try:
        ErrorResponse.from_json(b'{"errors":[{"code":"DENIED","detail":{"a":1}}]}')
    except ValidationError as err:
        assert err.path == "errors[0].detail", err.path
    else:
        raise AssertionError("an object in detail was accepted")
    assert TagList.from_json(b'{"name":"r","tags":["v1"]}').to_json() == b'{"name":"r","tags":["v1"]}'
    assert ExtensionList.from_json(b'{"extensions":[]}').extensions == []
    stdlib = ("oci_spec", "__main__") + tuple(sys.stdlib_module_names)
    foreign = sorted(n for n in sys.modules if n.split(".")[0] not in stdlib)
    assert not foreign, foreign
    assert all(m.__file__.startswith(generated) for n, m in sys.modules.items()
               if n.startswith("oci_spec") and getattr(m, "__file__", None))
    print("ok")
    '''
)


def test_distribution_imports_isolated_with_only_generated_on_the_path(tmp_path: Path) -> None:
    script = tmp_path / "distribution.py"
    script.write_text(DISTRIBUTION)
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-B", str(script), str(ROOT / "generated")],
        cwd=tmp_path, capture_output=True, text=True, env={},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "ok\n"
