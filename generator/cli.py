"""``ocigen``: generate | check | lint | diff | spec import | spec status.

Exit codes: 0 done / up to date, 1 differences found, 2 error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import api_diff, files, pipeline, spec_import
from .errors import GeneratorError

REGENERATE = "make generate  (or: ocigen generate)"


def _paths(args: argparse.Namespace) -> tuple[Path, Path]:
    return Path(args.spec_root), Path(args.out)


def cmd_generate(args: argparse.Namespace) -> int:
    spec_root, out = _paths(args)
    specs = pipeline.load(spec_root, args.spec_root)
    rendered = pipeline.render(specs, spec_root)
    for spec in specs:
        for f in spec.findings:
            print(f"warning: {spec.name}: {f.line()}", file=sys.stderr)
    drift = files.compare(rendered, out)
    files.write(rendered, out)
    changed = len(drift.stale) + len(drift.missing) + len(drift.orphan)
    print(f"ocigen: wrote {len(rendered)} files to {args.out} ({changed} changed)")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    spec_root, out = _paths(args)
    rendered = pipeline.render(pipeline.load(spec_root, args.spec_root), spec_root)
    drift = files.compare(rendered, out)
    if drift.clean:
        print(f"ocigen: {args.out} is up to date ({len(rendered)} files)")
        return 0
    sys.stdout.write(drift.diff)
    for label, names in (("stale", drift.stale), ("missing", drift.missing), ("orphan", drift.orphan)):
        for name in names:
            print(f"{label}: {args.out}/{name}")
    print(f"ocigen: {args.out} is out of date; run: {REGENERATE}")
    return 1


def cmd_lint(args: argparse.Namespace) -> int:
    spec_root, _ = _paths(args)
    for spec in pipeline.load(spec_root, args.spec_root):
        sys.stdout.write(pipeline.lint_report(spec))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ocigen", description=__doc__)
    parser.add_argument("--spec-root", default="spec", help="folder of vendored specs")
    parser.add_argument("--out", default="generated", help="output folder")
    sub = parser.add_subparsers(dest="command", required=True)
    # The folder options are accepted after the command too (ocigen generate --out X).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--spec-root", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("--out", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    for name, func, text in (
        ("generate", cmd_generate, "regenerate the output folder"),
        ("check", cmd_check, "exit 1 if the output folder is stale"),
        ("lint", cmd_lint, "print where Go disagrees with the schemas or the text"),
    ):
        sub.add_parser(name, help=text, parents=[common]).set_defaults(func=func)
    api_diff.add_cli(sub)
    spec_import.add_cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except GeneratorError as e:
        print(f"ocigen: error: {e}", file=sys.stderr)
        return 2
