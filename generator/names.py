"""Every name the generator makes up, in one place.

Python names for Go declarations (attributes, constants, enumeration members),
the names of the helpers each generated module defines for its types (decoder,
encoder, zero value, enumeration lookup, key set), and module paths.  Templates
reach these through filters of the same names, so a definition and its uses
cannot drift apart.
"""

from __future__ import annotations

import keyword
import re

# Class attributes every generated model defines; a field may not take them.
RESERVED = frozenset(
    {"from_json", "from_dict", "to_json", "to_dict", "validate", "unknown_fields"}
)

_WORD = re.compile(r"[A-Z]{2,}s(?=[A-Z]|$)|[A-Z]+\d*(?=[A-Z][a-z]|$)|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+")


def snake(name: str) -> str:
    """Go MixedCaps to snake_case, keeping initialisms whole (DiffIDs -> diff_ids)."""
    words = [w for part in name.split("_") for w in _WORD.findall(part)]
    if "".join(words) != name.replace("_", ""):
        raise ValueError(f"cannot split Go name {name!r}")
    out = "_".join(w.lower() for w in words)
    return out + "_" if keyword.iskeyword(out) or out in RESERVED else out


def attribute(wire: str) -> str:
    """The Python attribute of a JSON member: snake_case of the name Go writes,
    acronym runs kept whole (``ociVersion`` -> ``oci_version``,
    ``throttleReadIOPSDevice`` -> ``throttle_read_iops_device``, ``os.version``
    -> ``os_version``); a keyword or a model method gets a trailing underscore."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", wire) if p]
    if not parts or parts[0][0].isdigit():
        raise ValueError(f"JSON member {wire!r} has no Python attribute name")
    out = "_".join(snake(p[0].upper() + p[1:]).rstrip("_") for p in parts)
    return out + "_" if keyword.iskeyword(out) or out in RESERVED else out


def upper_snake(name: str) -> str:
    return snake(name).rstrip("_").upper()


def enum_member(type_name: str, const: str) -> str:
    """``ArchX86_64`` of ``Arch`` -> ``X86_64``: the constant without its type's prefix."""
    name = upper_snake(const)
    prefix = upper_snake(type_name) + "_"
    if name.startswith(prefix) and name[len(prefix) :][:1].isalpha():
        return name[len(prefix) :]
    return name


# --- helpers a generated module defines per type ------------------------------


def decoder(struct: str, n: int) -> str:
    """The decoder of the ``n``-th distinct schema site of a struct (1-based)."""
    return f"_dec_{struct}" + (f"_{n}" if n > 1 else "")


def encoder(struct: str) -> str:
    return f"_enc_{struct}"


def zero(struct: str) -> str:
    """The function returning Go's zero value of a struct."""
    return f"_zero_{struct}"


def is_zero(struct: str) -> str:
    """The function telling whether a struct value is Go's zero value (omitzero)."""
    return f"_is_zero_{struct}"


def members(enum: str) -> str:
    """The wire value -> member table of an enumeration."""
    return f"_M_{enum}"


def keys(struct: str) -> str:
    """The frozenset of a struct's JSON member names."""
    return f"_KEYS_{struct}"


def strict_walker(struct: str) -> str:
    """The strict-mode walker of a struct (``templates/_strict.py.j2``)."""
    return f"_strict_{struct}"


def strict_document(struct: str) -> str:
    """The strict-mode checks of a document's JSON text (``templates/_strict.py.j2``)."""
    return f"_strict_doc_{struct}"


def folds(struct: str) -> str:
    """The table of a struct's JSON member names by Go's case folding."""
    return f"_FOLD_{struct}"


def pattern(index: int) -> str:
    return f"_P{index}"


def value_set(index: int) -> str:
    return f"_S{index}"


# --- modules ------------------------------------------------------------------


def module_path(module: str) -> str:
    """The file of a generated model module: every one is a package ``__init__``."""
    return module.replace(".", "/") + "/__init__.py"


def module_file(module: str) -> str:
    """The file of a plain module (the shared runtime helpers)."""
    return module.replace(".", "/") + ".py"


def relative(target: str, current: str) -> str:
    """Relative import of module ``target`` from package module ``current``."""
    cur, tgt = current.split("."), target.split(".")
    common = 0
    while common < min(len(cur), len(tgt)) and cur[common] == tgt[common]:
        common += 1
    return "." * (len(cur) - common + 1) + ".".join(tgt[common:])


# --- the API reference (generator/render_docs.py) -----------------------------

API_DIR = "api"  # top-level entry of the output root (files.ALWAYS_OWNED)


def api_page(module: str) -> str:
    """The API reference page of a generated module, under the output root."""
    return f"{API_DIR}/{module}.md"


def api_index() -> str:
    """The API reference's index page (shown by a repository browser for the folder)."""
    return f"{API_DIR}/README.md"
