"""Rebuild tests/workflow/fixtures/spec-previous/ from the previous releases' .debs.

    .venv/bin/python tests/workflow/make_fixtures.py \
        golang-github-opencontainers-image-spec-dev_1.1.0-2_all.deb \
        golang-github-opencontainers-specs-dev_1.2.0-2_all.deb

Each .deb is imported with ``ocigen spec import``'s code into a scratch spec
root, then compacted to what the generator reads (schema/*.json,
specs-go/**/*.go) plus the license file (``copyright``); provenance.json keeps
the package, version and hashes of the kept files, and records the pruning under
``fixture``.  ``ocigen.toml`` is a copy of the current mapping file of that spec
(no adjustment was needed for image-spec 1.1.0 or runtime-spec 1.2.0).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generator.spec_source import PROVENANCE, import_spec  # noqa: E402

DEST = ROOT / "tests" / "workflow" / "fixtures" / "spec-previous"


def kept(rel: str) -> bool:
    parts = rel.split("/")
    if parts[0] == "schema":
        return len(parts) == 2 and rel.endswith(".json")
    if parts[0] == "specs-go":
        return rel.endswith(".go") and not rel.endswith("_test.go")
    return rel == "copyright"


def main(debs: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for deb in debs:
            result = import_spec(Path(deb), Path(tmp))
            src, dest = result.spec_dir, DEST / result.spec
            shutil.rmtree(dest, ignore_errors=True)
            provenance = json.loads((src / PROVENANCE).read_text("utf-8"))
            files = {rel: h for rel, h in provenance["files"].items() if kept(rel)}
            for rel in files:
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src / rel, dest / rel)
            dropped = sorted(set(provenance["files"]) - set(files))
            provenance["files"] = files
            provenance["fixture"] = (
                "Compacted test fixture: only the files ocigen reads (schema/*.json, "
                "specs-go/**/*.go) and the license file are kept; "
                f"{len(dropped)} other vendored files were dropped."
            )
            (dest / PROVENANCE).write_text(
                json.dumps(provenance, sort_keys=True, indent=2) + "\n", "utf-8"
            )
            shutil.copyfile(ROOT / "spec" / result.spec / "ocigen.toml", dest / "ocigen.toml")
            print(f"{result.spec} {result.version}: {len(files)} files kept, {len(dropped)} dropped")


if __name__ == "__main__":
    main(sys.argv[1:])
