"""Hypothesis strategies for every generated model, built from the models' own
metadata (``dataclasses.fields``, ``typing.get_type_hints``, ``JSON_NAMES``).

Nothing here knows an OCI type by name.  A value is drawn field by field from
its Python type (biased toward shapes the schemas like: sha256 digests,
``type/subtype`` media types, boundary integers, awkward unicode), then
``validate()`` is asked; when it objects, the error's ``segments`` say which
value is wrong and its message says why (a pattern, an enum, a range, a digest,
a URI, a minimum length), so that one value is drawn again from a strategy made
from the message -- e.g. ``st.from_regex`` of the pattern the decoder reported.
Only values the generated decoders accept come out, and nearly every draw
succeeds (``REJECTED`` counts the others; test_parity.py bounds it).
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import json
import re
import sys
import types
import typing
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
try:
    import oci_spec  # noqa: F401
except ImportError:  # not installed: use the committed output
    sys.path.insert(0, str(REPO / "generated"))

from oci_spec import Timestamp, ValidationError  # noqa: E402
from support.source import type_hints  # noqa: E402

MODULES = (
    "image", "image.v1", "runtime", "runtime.features",
    "distribution", "distribution.v1", "distribution.v1.extensions",
)  # fmt: skip

# How many times one drawn value may be repaired before it is given up.
MAX_REPAIRS = 60


# --- the models ----------------------------------------------------------------


def model_classes() -> list[type]:
    """Every generated model class, in module order then Go declaration order."""
    out: list[type] = []
    for name in MODULES:
        mod = importlib.import_module(f"oci_spec.{name}")
        for obj in vars(mod).values():
            if (
                isinstance(obj, type)
                and dataclasses.is_dataclass(obj)
                and obj.__module__ == mod.__name__
                and "JSON_NAMES" in vars(obj)
            ):
                out.append(obj)
    return out


def go_name(cls: type) -> str:
    """The goref type name: oci_spec.runtime.features.Linux -> runtime.features.Linux."""
    return cls.__module__.removeprefix("oci_spec.") + "." + cls.__name__


@cache
def hints(cls: type) -> dict[str, Any]:
    return type_hints(cls)  # typing.get_type_hints, for either build


@cache
def model_fields(cls: type) -> tuple[tuple[str, str, Any], ...]:
    """(python name, wire name, type) of every JSON member, in Go order."""
    h = hints(cls)
    names: dict[str, str] = dict(cls.JSON_NAMES)  # type: ignore[attr-defined]
    return tuple((py, wire, h[py]) for py, wire in names.items())


@cache
def _wire_to_py(cls: type) -> dict[str, str]:
    return {wire: py for py, wire, _ in model_fields(cls)}


def _union_args(tp: Any) -> tuple[Any, ...] | None:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return typing.get_args(tp)
    return None


def _strip_none(tp: Any) -> tuple[Any, bool]:
    args = _union_args(tp)
    if args is None or type(None) not in args:
        return tp, False
    rest = tuple(a for a in args if a is not type(None))
    return (rest[0] if len(rest) == 1 else typing.Union[rest]), True  # noqa: UP007


def clear_unknown(value: Any) -> Any:
    """A deep copy without any ``unknown_fields`` (what Go keeps of it)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: clear_unknown(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "unknown_fields"
        }
        return dataclasses.replace(value, unknown_fields=None, **changes)
    if isinstance(value, list):
        return [clear_unknown(x) for x in value]
    if isinstance(value, dict):
        return {k: clear_unknown(x) for k, x in value.items()}
    return value


def wire_normal(value: Any) -> Any:
    """``value`` as it reads back from its own JSON: an empty list, map or bytes in a
    field that the encoder omits when empty (Go ``omitempty``) becomes None,
    since both are written alike.  Known members only (use after clear_unknown)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        written = value.to_dict()  # type: ignore[attr-defined]
        changes = {}
        for py, wire, _ in model_fields(type(value)):
            x = getattr(value, py)
            if isinstance(x, (list, dict, bytes)) and not x and wire not in written:
                changes[py] = None
            else:
                changes[py] = wire_normal(x)
        return dataclasses.replace(value, **changes)
    if isinstance(value, list):
        return [wire_normal(x) for x in value]
    if isinstance(value, dict):
        return {k: wire_normal(x) for k, x in value.items()}
    return value


def walk_models(value: Any) -> Iterator[Any]:
    """Every model instance inside ``value`` (itself included)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield value
        for f in dataclasses.fields(value):
            if f.name != "unknown_fields":
                yield from walk_models(getattr(value, f.name))
    elif isinstance(value, list):
        for x in value:
            yield from walk_models(x)
    elif isinstance(value, dict):
        for k in sorted(value):
            yield from walk_models(value[k])


# --- scalars ---------------------------------------------------------------------

# Characters whose encoding differs between JSON encoders: HTML escapes, the JS
# line separators, control characters with and without short escapes, DEL,
# quote, backslash, slash, non-ASCII in 2, 3 and 4 UTF-8 bytes, U+FFFD, BOM,
# the largest code point.
SPECIAL = (
    '<>&\u2028\u2029\x00\x01\x1f\x7f"\\/\b\f\n\r\t é\u0080\u07ff'
    "\u0800\ufffd\ufeff\U0001f600\U0010ffff"
)

text = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=st.sampled_from(SPECIAL + "aZ0.:/-_+="), max_size=10),
)

_HEX_CHARS = "0123456789abcdef"


@st.composite
def digests(draw: st.DrawFn) -> str:
    algo, size = draw(
        st.sampled_from([("sha256", 64), ("sha384", 96), ("sha512", 128)])
    )
    hexs = draw(st.text(alphabet=_HEX_CHARS, min_size=size, max_size=size))
    return f"{algo}:{hexs}"


media_types = st.one_of(
    st.sampled_from(
        [
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.config.v1+json",
            "application/vnd.oci.image.layer.v1.tar+gzip",
            "application/vnd.oci.empty.v1+json",
            "application/vnd.example+type",
        ]
    ),
    st.from_regex(r"application/vnd\.[a-z0-9][a-z0-9.-]{0,12}\+json", fullmatch=True),
)

uris = st.builds(
    "{}://{}/{}".format,
    st.sampled_from(["https", "http", "oci", "s3"]),
    st.from_regex(r"[a-z][a-z0-9.-]{0,10}(:[0-9]{1,5})?", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9._~%/-]{0,12}", fullmatch=True).map(
        lambda s: s.replace("%", "%25")
    ),
)

strings = st.one_of(text, digests(), media_types, uris)

INT_BOUNDARIES = sorted(
    {0, 1, -1, 2, 7, 100, 255, 256, 1000, 65535, 65536}
    | {
        s * (2**b) + d
        for b in (15, 16, 31, 32, 53, 63, 64)
        for s in (1, -1)
        for d in (-1, 0, 1)
    }
)
integers = st.one_of(
    st.sampled_from([i for i in INT_BOUNDARIES if -(2**63) <= i < 2**64]),
    st.integers(-1000, 100_000),
    st.integers(-(2**63), 2**64 - 1),
)

_OFFSETS = [0, 60, -60, 330, -210, 23 * 60 + 59, -(23 * 60 + 59), 14 * 60]


@st.composite
def timestamps(draw: st.DrawFn) -> Timestamp:
    """Zones: UTC, an explicit +00:00, and offsets; fractions: none, ms, us, ns,
    and ones with trailing zeros."""
    year = draw(st.one_of(st.sampled_from([1, 1970, 2024, 9999]), st.integers(1, 9999)))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    hour, minute, second = (
        draw(st.integers(0, 23)),
        draw(st.integers(0, 59)),
        draw(st.integers(0, 59)),
    )
    nanos = draw(
        st.one_of(
            st.just(0),
            st.integers(0, 999).map(lambda n: n * 1_000_000),
            st.integers(0, 999_999).map(lambda n: n * 1000),
            st.integers(0, 999_999_999),
            st.sampled_from([100_000_000, 120_000_000, 999_999_999, 1]),
        )
    )
    offset = draw(st.sampled_from(_OFFSETS))
    tz = (
        timezone.utc
        if offset == 0 and draw(st.booleans())
        else timezone(timedelta(minutes=offset))
    )
    if (year == 1 and offset > 0) or (year == 9999 and offset < 0):
        # the instant would fall outside years 1..9999 in UTC (Python's datetime)
        tz = timezone.utc
    return Timestamp(year, month, day, hour, minute, second, 0, tz, nanosecond=nanos)


# Numbers in ``interface{}`` (Any) values become float64 in Go; _any_out
# spells every finite float as Go does.  Integers stay within 2**53 so that a
# value read back (a float past 2**53) compares equal to the one drawn.
_floats = st.floats(allow_nan=False, allow_infinity=False)
SAFE_INT = 2**53

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-SAFE_INT, SAFE_INT) | _floats | text,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(text, inner, max_size=3),
    max_leaves=6,
)


def _unknown_fields(cls: type) -> st.SearchStrategy[dict[str, Any] | None]:
    # Go matches member names case-insensitively (with Unicode simple folding,
    # e.g. U+017F for "s"), so a key folding to a known name is not unknown to
    # Go: leave those to the targeted tests.
    known = {w.casefold() for _, w, _ in model_fields(cls)}
    keys = st.one_of(
        text, st.sampled_from(["x-extra", "_", "annotations2", "🙂"])
    ).filter(lambda k: k.casefold() not in known)
    return st.one_of(
        st.none(), st.dictionaries(keys, json_values, min_size=1, max_size=3)
    )


# --- per-type strategies -----------------------------------------------------------


@cache
def for_type(tp: Any) -> st.SearchStrategy[Any]:
    inner, optional = _strip_none(tp)
    base = _for_type(inner)
    if optional:
        return st.one_of(st.none(), base)
    return base


@cache
def _for_type(tp: Any) -> st.SearchStrategy[Any]:
    args = _union_args(tp)
    if args is not None:
        return st.one_of(*(_for_type(a) for a in args))
    origin = typing.get_origin(tp)
    if origin is list:
        (elem,) = typing.get_args(tp)
        big = dataclasses.is_dataclass(elem)
        return st.lists(for_type(elem), max_size=2 if big else 4)
    if origin is dict:
        _, val = typing.get_args(tp)
        if val is not Any and typing.get_origin(val) is dict:
            # map[string]struct{}: Go keeps only the keys
            return st.dictionaries(text, st.just({}), max_size=3)
        big = dataclasses.is_dataclass(val)
        return st.dictionaries(text, for_type(val), max_size=2 if big else 4)
    if tp is Any:
        return json_values
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            return instances(tp)
        if issubclass(tp, enum.Enum):
            return st.sampled_from(list(tp))
        if tp is bool:
            return st.booleans()
        if tp is int:
            return integers
        if tp is str:
            return strings
        if tp is bytes:
            return st.one_of(st.just(b""), st.binary(max_size=40))
        if issubclass(tp, datetime):
            return timestamps()
    raise TypeError(f"no strategy for {tp!r}")


@cache
def instances(cls: type) -> st.SearchStrategy[Any]:
    """Valid instances of a generated model class."""
    return _instances(cls)


@st.composite
def _instances(draw: st.DrawFn, cls: type) -> Any:
    kwargs: dict[str, Any] = {}
    for py, _, tp in model_fields(cls):
        kwargs[py] = draw(for_type(tp))
    kwargs["unknown_fields"] = draw(_unknown_fields(cls))
    value = cls(**kwargs)
    for _ in range(MAX_REPAIRS):
        try:
            value.validate()
        except ValidationError as e:
            if not _repair(draw, value, cls, e):
                REJECTED[cls.__name__] = REJECTED.get(cls.__name__, 0) + 1
                reject()
        else:
            return value
    REJECTED[cls.__name__] = REJECTED.get(cls.__name__, 0) + 1
    reject()


REJECTED: dict[str, int] = {}
"""Per class, how many drawn values could not be repaired into valid ones."""


# --- repairs -------------------------------------------------------------------------

_PATTERN = re.compile(r" does not match pattern (.*)\Z", re.S)
_RANGE = re.compile(r"expected an integer (>=|<=) (-?\d+), found")
_ENUM = re.compile(r"expected one of (.*); found", re.S)
_MIN_ITEMS = re.compile(r"expected at least (\d+) items")


@cache
def _regex(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(re.compile(pattern, re.ASCII), fullmatch=True)


def _strategy_from_message(tp: Any, message: str) -> st.SearchStrategy[Any] | None:
    """A strategy of values meeting the constraint that ``message`` reports."""
    base, _ = _strip_none(tp)
    if m := _PATTERN.search(message):
        return _regex(m.group(1))
    if "digest" in message and base is str:
        return digests()
    if "is not an absolute URI" in message:
        return uris
    if m := _ENUM.search(message):
        # The message lists the first alternatives, then ", … (N more)".
        shown = re.sub(r", … \(\d+ more\)\Z", "", m.group(1))
        return st.sampled_from(json.loads(f"[{shown}]"))
    if m := _RANGE.search(message):
        bound = int(m.group(2))
        if m.group(1) == ">=":
            return st.one_of(st.just(bound), st.integers(bound, bound + 2**31))
        return st.one_of(st.just(bound), st.integers(bound - 2**31, bound))
    if message == "required property is missing":
        # a Go omitempty field the schema requires: its zero value is dropped
        return _for_type(base).filter(bool)
    if m := _MIN_ITEMS.search(message):
        if typing.get_origin(base) is list:
            (elem,) = typing.get_args(base)
            n = int(m.group(1))
            return st.lists(for_type(elem), min_size=n, max_size=n + 1)
    return None


def _repair(draw: st.DrawFn, root: Any, root_cls: type, err: ValidationError) -> bool:
    """Replace the value ``err`` points at; False when that is not possible."""
    holder: Any = None
    key: Any = None
    cur: Any = root
    tp: Any = root_cls
    for seg in err.segments:
        base, _ = _strip_none(tp)
        if dataclasses.is_dataclass(base) and isinstance(seg, str):
            py = _wire_to_py(base).get(seg)
            if py is None:
                unknown = getattr(cur, "unknown_fields", None) or {}
                if seg in unknown:  # the schema forbids extra members here
                    del unknown[seg]
                    return True
                return False
            holder, key, tp, cur = cur, py, hints(base)[py], getattr(cur, py)
        elif typing.get_origin(base) is list and isinstance(seg, int):
            holder, key, tp, cur = cur, seg, typing.get_args(base)[0], cur[seg]
        elif typing.get_origin(base) is dict and isinstance(seg, str):
            val_tp = typing.get_args(base)[1]
            if seg not in cur:
                return False
            if not dataclasses.is_dataclass(_strip_none(val_tp)[0]) and str(
                err.message
            ).startswith(json.dumps(seg[:60], ensure_ascii=False)):
                del cur[seg]  # the key itself is wrong
                return True
            holder, key, tp, cur = cur, seg, val_tp, cur[seg]
        else:
            return False
    if holder is None:
        return False  # a constraint on the document as a whole
    base, _ = _strip_none(tp)
    strategy = _strategy_from_message(tp, err.message)
    if strategy is None:
        if dataclasses.is_dataclass(base) or typing.get_origin(base) in (list, dict):
            strategy = _for_type(base)  # valid alone, maybe not here: redraw
        else:
            return False
    new = draw(strategy)
    if dataclasses.is_dataclass(holder):
        setattr(holder, key, new)
    else:
        holder[key] = new
    return True
