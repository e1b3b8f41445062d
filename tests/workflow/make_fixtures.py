"""Rebuild a spec root of previous releases under tests/workflow/fixtures/.

    .venv/bin/python tests/workflow/make_fixtures.py spec-previous \
        golang-github-opencontainers-image-spec-dev_1.1.0-2_all.deb \
        runtime-spec-v1.2.1.tar
    .venv/bin/python tests/workflow/make_fixtures.py spec-older \
        golang-github-opencontainers-specs-dev_1.2.0-2_all.deb

Each source (a .deb, or a ``git archive`` tarball of a release tag) is imported
with ``ocigen spec import``'s code into a scratch spec root, then compacted to
what the generator reads (schema/*.json, specs-go/**/*.go) plus the license
file; provenance.json keeps the source, version and hashes of the kept files,
and records the pruning under ``fixture``.  ``ocigen.toml`` is a copy of the
current mapping file of that spec without its ``[[corrections]]`` (they fix
defects of later schemas); fixtures/README.md says what each holds.
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

FIXTURES = ROOT / "tests" / "workflow" / "fixtures"


def kept(rel: str) -> bool:
    parts = rel.split("/")
    if parts[0] == "schema":
        return len(parts) == 2 and rel.endswith(".json")
    if parts[0] == "specs-go":
        return rel.endswith(".go") and not rel.endswith("_test.go")
    return rel in ("copyright", "LICENSE")


def main(dest_name: str, sources: list[str]) -> None:
    dest_root = FIXTURES / dest_name
    with tempfile.TemporaryDirectory() as tmp:
        for source in sources:
            result = import_spec(Path(source), Path(tmp))
            src, dest = result.spec_dir, dest_root / result.spec
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
            mapping = (ROOT / "spec" / result.spec / "ocigen.toml").read_text("utf-8")
            cut = mapping.find("\n# Where the")  # the corrections block, last in the file
            cut = mapping.find("\n[[corrections]]") if cut < 0 else cut
            (dest / "ocigen.toml").write_text(mapping if cut < 0 else mapping[:cut] + "\n", "utf-8")
            print(f"{result.spec} {result.version}: {len(files)} files kept, {len(dropped)} dropped")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
