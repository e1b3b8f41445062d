"""The generated source of a module and the type hints written in it, read the
same way whichever build is imported: the mypyc build (make test-compiled) has
no code objects and keeps class annotations evaluated, and lossily (`type` for
`X | None`), where CPython keeps their text; it installs the same .py files
beside its extension modules."""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path
from typing import Any


def source_file(module: str) -> Path:
    """The .py file of an imported module (``x.py`` beside ``x.cpython-*.so``)."""
    file = sys.modules[module].__file__ or ""
    return Path(file.split(".cpython-")[0].removesuffix(".py") + ".py")


@cache
def _tree(module: str) -> ast.Module:
    return ast.parse(source_file(module).read_text("utf-8"))


def class_node(cls: type) -> ast.ClassDef:
    return next(c for c in _tree(cls.__module__).body
                if isinstance(c, ast.ClassDef) and c.name == cls.__name__)


def type_hints(cls: type) -> dict[str, Any]:
    """typing.get_type_hints(cls) for a generated model (its own fields; the
    models have no bases), evaluated from the annotations' text."""
    namespace = vars(sys.modules[cls.__module__])
    return {
        st.target.id: eval(ast.unparse(st.annotation), namespace)  # noqa: S307 - our source
        for st in class_node(cls).body
        if isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name)
    }
