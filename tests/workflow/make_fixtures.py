"""Rebuild the spec fixtures under tests/workflow/fixtures/.

The previous releases (``spec-previous/``, ``spec-older/``), from Debian's .debs
or ``git archive`` tarballs of release tags::

    .venv/bin/python tests/workflow/make_fixtures.py --dest spec-previous \
        golang-github-opencontainers-image-spec-dev_1.1.0-2_all.deb \
        runtime-spec-v1.2.1.tar
    .venv/bin/python tests/workflow/make_fixtures.py --dest spec-older \
        golang-github-opencontainers-specs-dev_1.2.0-2_all.deb

image-spec's main branch (``image-spec-main/``), from a tar of one commit::

    git --git-dir=<image-spec clone>/.git archive --prefix=image-spec/ \
        -o image-spec-main.tar <commit>
    .venv/bin/python tests/workflow/make_fixtures.py --dest image-spec-main \
        --commit <commit> image-spec-main.tar

Each source is imported with ``ocigen spec import``'s code into a scratch spec
root, then compacted to what the generator reads (schema/*.json,
specs-go/**/*.go) plus the license file (``copyright`` or ``LICENSE``);
provenance.json keeps the source, version and hashes of the kept files, and
records the pruning (and the commit, if given) under ``fixture``.  The mapping
files (``ocigen.toml``, and ``strict.toml`` where the spec has one) are copies
of the current ones in spec/, ``ocigen.toml`` without its ``[[corrections]]``
(they fix defects of later schemas); fixtures/README.md says what each holds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generator.spec_import import import_spec  # noqa: E402
from generator.vendored import PROVENANCE  # noqa: E402

FIXTURES = ROOT / "tests" / "workflow" / "fixtures"
MAPPING_FILES = ("ocigen.toml", "strict.toml")


def kept(rel: str) -> bool:
    parts = rel.split("/")
    if parts[0] == "schema":
        return len(parts) == 2 and rel.endswith(".json")
    if parts[0] == "specs-go":
        return rel.endswith(".go") and not rel.endswith("_test.go")
    return rel in ("copyright", "LICENSE")


def main(sources: list[str], dest_root: Path, commit: str | None) -> None:
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
                (f"Upstream commit {commit}. " if commit else "")
                + "Compacted test fixture: only the files ocigen reads (schema/*.json, "
                "specs-go/**/*.go) and the license file are kept; "
                f"{len(dropped)} other vendored files were dropped."
            )
            (dest / PROVENANCE).write_text(
                json.dumps(provenance, sort_keys=True, indent=2) + "\n", "utf-8"
            )
            for name in MAPPING_FILES:
                if (ROOT / "spec" / result.spec / name).is_file():
                    text = (ROOT / "spec" / result.spec / name).read_text("utf-8")
                    cut = text.find("\n# Where the")  # the corrections, last in ocigen.toml
                    (dest / name).write_text(text if cut < 0 else text[:cut] + "\n", "utf-8")
            print(f"{result.spec} {result.version}: {len(files)} files kept, {len(dropped)} dropped")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", help=".deb, tarball or checkout")
    parser.add_argument("--dest", default="spec-previous", help="folder under tests/workflow/fixtures")
    parser.add_argument("--commit", help="the upstream commit the source was taken from")
    args = parser.parse_args()
    main(args.sources, FIXTURES / args.dest, args.commit)
