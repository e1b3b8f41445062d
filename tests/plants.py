"""Plant one-line bugs in a copy of the generated package; see which tests catch them.

    .venv/bin/python tests/plants.py            # Go-free suites only
    .venv/bin/python tests/plants.py --go       # and the differential suites
    .venv/bin/python tests/plants.py NAME ...   # only these plants

Each plant replaces one line (the same line wherever a template repeated it)
of a copy of ``generated/oci_spec`` made in a temporary directory; the suites
then import that copy (``OCIGEN_PACKAGE_DIR``, see tests/conftest.py), so the
committed files are never touched.  Prints a Markdown table (docs/testing.md
keeps the last one) with the first few failing tests per plant; a plant no
test catches is a hole, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "generated" / "oci_spec"

GO_FREE = [
    "tests/output",
    "tests/fuzz/test_fuzz_go_rules.py",
    "tests/fuzz/test_fuzz_limits.py",
    "tests/fuzz/test_fuzz_messages.py",
]
# oci_spec compared with Go: the Go-behaviour documents and upstream's validator
# string by string (test_go_behaviour.py, the smoke test), generated values and
# the corpus (test_parity.py, whose failures hypothesis shrinks slowly: the run
# stops after three failures).
WITH_GO = [
    "tests/differential/test_go_behaviour_in_go.py",
    "tests/differential/test_goref_smoke.py",
    "tests/differential/test_parity.py",
]


@dataclass(frozen=True)
class Plant:
    name: str
    file: str  # under generated/oci_spec
    old: str
    new: str
    what: str


PLANTS = [
    Plant("utf16-key-order", "_runtime.py",
          "{k: m[k] for k in sorted(m)}", "{k: m[k] for k in sorted(m, key=lambda k: k.encode('utf-16-be'))}",
          "map keys sorted by UTF-16 code units instead of UTF-8 bytes"),
    Plant("url-safe-base64-out", "_runtime.py",
          "return base64.b64encode(v).decode(\"ascii\")", "return base64.urlsafe_b64encode(v).decode(\"ascii\")",
          "[]byte written with the URL-safe alphabet"),
    Plant("base64-in-url-alphabet", "_runtime.py",
          '_B64 = re.compile(r"[A-Za-z0-9+/]*={0,2}\\Z")', '_B64 = re.compile(r"[A-Za-z0-9+/_-]*={0,2}\\Z")',
          "[]byte read accepting the URL-safe alphabet"),
    Plant("base64-keeps-crlf", "_runtime.py",
          'v = v.replace("\\n", "").replace("\\r", "")', "v = v",
          "[]byte read without skipping \\r and \\n"),
    Plant("uint32-accepts-minus-one", "runtime/__init__.py",
          "if not 0 <= v <= 4294967295:", "if not -1 <= v <= 4294967295:",
          "uint32 members accept -1"),
    Plant("int64-max-plus-one", "image/v1/__init__.py",
          "if not -9223372036854775808 <= v <= 9223372036854775807:",
          "if not -9223372036854775808 <= v <= 9223372036854775808:",
          "int64 members accept 2**63"),
    Plant("size-not-required", "image/v1/__init__.py",
          'raise _missing("size") from None', "v = 0",
          "a descriptor without size accepted (a required member made optional)"),
    Plant("bool-is-an-int", "image/v1/__init__.py",
          "if type(v) is not int:", "if not isinstance(v, int):",
          "true/false accepted where Go has an integer"),
    Plant("sha384-sha512-unchecked", "_runtime.py",
          '_ALGORITHMS = {"sha256": 64, "sha384": 96, "sha512": 128}', '_ALGORITHMS = {"sha256": 64}',
          "sha384/sha512 digests: length and hex not checked"),
    Plant("digest-upper-hex", "_runtime.py",
          '_HEX = "0123456789abcdef"', '_HEX = "0123456789abcdefABCDEF"',
          "upper-case hex accepted in digests"),
    Plant("no-u2028-escape", "_runtime.py",
          '    ("\\u2028", "\\\\u2028"),\n', "",
          "U+2028 written raw"),
    Plant("no-ampersand-escape", "_runtime.py",
          '    ("&", "\\\\u0026"),\n', "",
          "& written raw"),
    Plant("f-escape-before-go-1.22", "_runtime.py",
          '    ("<", "\\\\u003c"),\n', '    ("<", "\\\\u003c"),\n    ("\\\\f", "\\\\u000c"),\n',
          "\\f written as \\u000c (Go < 1.22)"),
    Plant("fraction-zeros-kept", "_runtime.py",
          'text += ("." + "%09d" % nanos).rstrip("0")', 'text += "." + "%09d" % nanos',
          "RFC 3339 fraction written with its trailing zeros"),
    Plant("zero-offset-not-z", "_runtime.py",
          '    if seconds == 0:  # Go: "Z" only for a zero offset, +00:00 for one under a minute\n        return "Z"',
          '    if seconds == 0:  # Go: "Z" only for a zero offset, +00:00 for one under a minute\n        return "+00:00"',
          "+00:00 written instead of Z"),
    Plant("microseconds-only", "_runtime.py",
          'nanos = int(frac[:9].ljust(9, "0"))',
          'nanos = int(frac[:6].ljust(9, "0"))',
          "fraction read to microseconds only"),
    Plant("go-text-keeps-fraction-zeros", "_runtime.py",
          'exact = len(frac) <= 9 and frac[-1] != "0"', 'exact = len(frac) <= 9',
          "a parsed timestamp written back with its fraction's trailing zeros"),
    Plant("go-text-keeps-zero-offset", "_runtime.py",
          't._text = s if exact and (z is not None or offset != 0) else None',
          't._text = s if exact else None',
          "a parsed +00:00 timestamp written back as +00:00, not Z"),
    Plant("unicode-digits-in-time", "_runtime.py",
          '(?:(Z)|([+-])(\\d\\d):(\\d\\d))\\Z",\n    re.ASCII,', '(?:(Z)|([+-])(\\d\\d):(\\d\\d))\\Z",\n    0,',
          "timestamps accept non-ASCII digits"),
    Plant("struct-value-omitted", "image/v1/__init__.py",
          '    d["config"] = _enc_ImageConfig(o.config)\n',
          '    d.update({"config": c} if (c := _enc_ImageConfig(o.config)) else {})\n',
          "omitempty drops an empty struct value (Image.config)"),
    Plant("nil-slice-as-empty", "runtime/__init__.py",
          'd["fds"] = None if v is None else v', 'd["fds"] = [] if v is None else v',
          "a nil slice without omitempty written [] instead of null"),
    Plant("one-fffd-per-run", "_runtime.py",
          'return "\\ufffd" * (err.end - err.start), err.end', 'return "\\ufffd", err.end',
          "one U+FFFD per invalid UTF-8 run instead of per byte"),
    Plant("lone-surrogates-kept", "_runtime.py",
          'if "\\\\" in text and _SURROGATE_ESCAPE.search(text):',
          'if False and _SURROGATE_ESCAPE.search(text):',
          "lone surrogate escapes not turned into U+FFFD while reading"),
    Plant("interface-int-as-float", "_runtime.py",
          "return int(text)  # json writes", "return float(text)  # json writes",
          "interface{} integer-valued float64 written 1.0"),
    Plant("interface-exponent-from-1e20", "_runtime.py",
          "if a < 1e-6 or a >= 1e21:", "if a < 1e-6 or a >= 1e20:",
          "interface{} numbers in exponent form from 1e20"),
    Plant("interface-exponent-zero-kept", "_runtime.py",
          'digits = exponent[0], exponent[1:].lstrip("0") or "0"', 'digits = exponent[0], exponent[1:]',
          "interface{} exponent written 1e-07"),
    Plant("interface-exact-to-2-63", "_runtime.py",
          "_EXACT = 1 << 53", "_EXACT = 1 << 63",
          "interface{} integers up to 2**63 kept exact"),
    Plant("env-dollar-before-newline", "image/v1/__init__.py",
          '    _P0 = re.compile("^[^=]+=.*\\\\Z", re.ASCII).search', '    _P0 = re.compile("^[^=]+=.*$", re.ASCII).search',
          "Env pattern's $ matches before a final newline (Python, not RE2)"),
    Plant("uri-first-bracket", "_runtime.py",
          'close = host.rfind("]")', 'close = host.find("]")',
          "URI: the first ']' closes an IP literal"),
    Plant("uri-ipv6-zone", "_runtime.py",
          'if "[" not in host or "]" not in host or "%" in name:', 'if "[" not in host or "]" not in host:',
          "URI: an IPv6 zone accepted"),
    Plant("depth-limit-off-by-one", "_runtime.py",
          "if depth > _MAX_DEPTH:", "if depth > _MAX_DEPTH + 1:",
          "nesting limit 501 instead of 500"),
    Plant("unknown-members-unchecked", "_runtime.py",
          "        if type(x) is dict or type(x) is list:\n            _nested(k, x)\n",
          "        if False:\n            _nested(k, x)\n",
          "unknown members' depth not checked"),
]  # fmt: skip


def apply(plant: Plant, root: Path) -> int:
    path = root / "oci_spec" / plant.file
    text = path.read_text(encoding="utf-8")
    count = text.count(plant.old)
    if not count:
        return 0  # the code it plants into is not there (an older package)
    path.write_text(text.replace(plant.old, plant.new), encoding="utf-8")
    return count


def failing(paths: list[str], package_dir: Path, *options: str) -> list[str]:
    env = dict(os.environ, OCIGEN_PACKAGE_DIR=str(package_dir), OCIGEN_GOREF_QUIET="1")
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", *options, *paths],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1800,
    )
    return re.findall(r"^FAILED (\S+)", res.stdout, re.M)


def short(test: str) -> str:
    file, _, name = test.partition("::")
    return f"`{Path(file).stem}::{name[:70]}`"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--go", action="store_true", help="also run the differential suites")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    plants = [p for p in PLANTS if not args.names or p.name in args.names]
    print("| plant | what | caught without Go by | caught by the differential tests |")
    print("|---|---|---|---|")
    holes = 0
    for plant in plants:
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(PACKAGE, Path(tmp) / "oci_spec", ignore=shutil.ignore_patterns("__pycache__"))
            if not apply(plant, Path(tmp)):
                print(f"| `{plant.name}` | {plant.what} | n/a | n/a |", flush=True)
                continue
            free = failing(GO_FREE, Path(tmp))
            go = failing(WITH_GO, Path(tmp), "--maxfail=3") if args.go else []
        cells = [
            ", ".join(short(t) for t in free[:3]) + (f" (+{len(free) - 3})" if len(free) > 3 else ""),
            ", ".join(short(t) for t in go[:3]),
        ]
        if not free:
            holes += 1
            cells[0] = "**not caught**"
        if args.go and not go:
            cells[1] = "**not caught**"
        print(f"| `{plant.name}` | {plant.what} | {cells[0]} | {cells[1] if args.go else '-'} |", flush=True)
    return 1 if holes else 0


if __name__ == "__main__":
    sys.exit(main())
