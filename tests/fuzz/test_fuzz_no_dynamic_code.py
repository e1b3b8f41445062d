"""The generated package builds no code at run time.

tests/output/test_generated_tree.py already checks, per module, that imports
are relative or from a small stdlib set and that there are no calls to the
names eval/exec/compile/__import__ nor ``import_module``.  This adds what that
scan does not see:

* indirect routes to the same builtins: ``__builtins__``/``builtins``,
  ``globals()``/``locals()``/``vars()``, ``getattr``/``setattr``/``delattr``/
  ``hasattr`` with a computed attribute name;
* building types or code objects: 3-argument ``type()``, ``make_dataclass``,
  the functional Enum/namedtuple/NamedTuple/TypedDict APIs, ``types.*Type``,
  ``.exec``/``.eval`` attributes;
* regular expressions assembled at run time: every ``re.compile`` (and
  ``re.match``/``search``/``fullmatch``/``sub``...) takes a literal pattern
  (possibly joined with ``re.escape(...)`` parts, which are data), so no text
  becomes pattern syntax after generation;
* at import: every function reachable from the package's modules and classes
  was compiled from a file of the package, except the methods ``@dataclass``
  synthesises (__init__, __eq__ ...), whose source dataclasses builds from the
  field names already written literally in the module (and functions the
  standard library defines, such as enum's ``_generate_next_value_``).
"""

from __future__ import annotations

import ast
import importlib
import sysconfig
import types
from pathlib import Path

import pytest

import oci_spec

PACKAGE = Path(oci_spec.__file__).resolve().parent
MODULES = sorted(PACKAGE.rglob("*.py"))

REFLECTIVE = {"getattr", "setattr", "delattr", "hasattr"}
FORBIDDEN_NAMES = {"__builtins__", "builtins", "globals", "locals", "vars", "make_dataclass",
                   "namedtuple", "FunctionType", "CodeType", "LambdaType", "ModuleType",
                   "__loader__", "__spec__"}  # fmt: skip
FORBIDDEN_ATTRS = {"exec", "eval", "__import__", "import_module", "make_dataclass", "namedtuple",
                   "FunctionType", "CodeType", "ModuleType", "__code__", "__globals__",
                   "__builtins__", "__subclasses__"}  # fmt: skip
FUNCTIONAL_TYPES = {"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag", "NamedTuple", "TypedDict", "NewType"}
RE_FUNCS = {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def _literal_str(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _literal_pattern(node: ast.expr) -> bool:
    """A literal, or literals joined with re.escape(...) parts: escaped text is
    data inside the pattern, never pattern syntax."""
    if _literal_str(node):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_pattern(node.left) and _literal_pattern(node.right)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "escape"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "re"
    )


def _problems(tree: ast.AST) -> list[str]:
    out: list[str] = []
    for node in ast.walk(tree):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            out.append(f"{where}: name {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRS:
            out.append(f"{where}: attribute .{node.attr}")
        elif isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name):
                if f.id in REFLECTIVE and (len(node.args) < 2 or not _literal_str(node.args[1])):
                    out.append(f"{where}: {f.id} with a computed attribute name")
                if f.id == "type" and len(node.args) == 3:
                    out.append(f"{where}: type() with 3 arguments builds a class")
                if f.id in FUNCTIONAL_TYPES and node.args:
                    out.append(f"{where}: functional {f.id}(...) builds a type")
            elif isinstance(f, ast.Attribute):
                if (
                    isinstance(f.value, ast.Name)
                    and f.value.id == "re"
                    and f.attr in RE_FUNCS
                    and (not node.args or not _literal_pattern(node.args[0]))
                ):
                    out.append(f"{where}: re.{f.attr} with a pattern built at run time")
                if f.attr in FUNCTIONAL_TYPES and node.args:
                    out.append(f"{where}: functional .{f.attr}(...) builds a type")
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_no_indirect_dynamic_code(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _problems(tree) == []


def test_scanner_sees_what_it_forbids() -> None:
    bad = """
import re
x = getattr(o, name)
y = __builtins__["ev" + "al"]
T = type("T", (), {})
E = enum.Enum("E", "A B")
P = re.compile("a" + suffix)
globals()["f"] = 1
"""
    found = _problems(ast.parse(bad))
    assert len(found) == 6, found
    ok = 'import re\nx = getattr(o, "nanosecond", 0)\nP = re.compile("a\\\\Z", re.ASCII)\nQ = re.compile("x" + re.escape(m) + "y")\n'
    assert _problems(ast.parse(ok)) == []


STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()
DATACLASS_SYNTHESISED = {"__init__", "__eq__", "__repr__", "__hash__", "__setattr__",
                         "__delattr__", "__lt__", "__le__", "__gt__", "__ge__",
                         "__getstate__", "__setstate__", "__match_args__"}  # fmt: skip


def _module_names() -> list[str]:
    names = []
    for path in MODULES:
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


@pytest.mark.parametrize("name", _module_names())
def test_every_function_comes_from_a_package_file(name: str) -> None:
    mod = importlib.import_module(name)
    files = {str(p) for p in MODULES}
    seen = 0
    for attr, value in vars(mod).items():
        if getattr(value, "__module__", None) != mod.__name__:
            continue  # re-exported from another module of the package: checked there
        candidates: list[tuple[str, object]] = []
        if isinstance(value, types.FunctionType) and value.__module__ == mod.__name__:
            candidates.append((attr, value))
        elif isinstance(value, type) and value.__module__ == mod.__name__:
            for meth, f in vars(value).items():
                candidates.append((f"{attr}.{meth}", getattr(f, "__func__", f)))
        for label, f in candidates:
            if not isinstance(f, types.FunctionType):
                continue
            seen += 1
            filename = f.__code__.co_filename
            if filename in files:
                continue
            if filename != "<string>" and Path(filename).resolve().is_relative_to(STDLIB):
                continue  # e.g. enum's _generate_next_value_, dataclasses' __repr__ wrapper
            assert filename == "<string>" and label.rsplit(".", 1)[-1] in DATACLASS_SYNTHESISED, (
                f"{name}.{label} was compiled from {filename!r}"
            )
    own = [v for v in vars(mod).values() if isinstance(v, (type, types.FunctionType)) and v.__module__ == mod.__name__]
    assert seen or not own
