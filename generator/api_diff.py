"""``ocigen diff``: what a spec update changes in the generated Python API.

Two spec trees (folders holding ``<name>/ocigen.toml``) are bound into the model
and compared spec by spec, module by module, type by type.  Every entry carries
a label from a Python caller's point of view:

* **breaking**: code or data that worked against the old package may fail
  against the new one: something removed, a new required field (constructors
  need it), an annotation change, a narrowed constraint (new or changed
  pattern, smaller range, fewer enum values, more items required, optional ->
  required, null no longer accepted, fewer platforms) or a changed value;
* **non-breaking**: only additions and widenings (new optional field, new type,
  constant or enum member, a relaxed constraint, a new deprecation note).

Changed patterns are always breaking: whether one regex accepts a superset of
another is not decided here, so the report errs on the safe side.

Entries follow Go declaration order: the new tree's order, removed items where
they stood in the old one.  The default comparison (``ocigen diff`` with no
``--from``) is ``spec/`` as committed at ``HEAD`` (what the committed
``generated/`` was produced from) against the working tree's ``spec/``.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence, TypeVar

from . import pipeline
from .errors import GeneratorError
from .model import (
    Decoder,
    Enum,
    EnumType,
    Field,
    IntType,
    ListType,
    MapType,
    Module,
    Spec,
    StrType,
    Struct,
    StructType,
    TypeRef,
)
from .render import py_type
from .render_docs import OMIT_TAG as _OMIT_TAG
from .render_docs import code as _c
from .render_docs import int_range as _int_range
from .render_docs import omit_words

BREAKING = "breaking"
NON_BREAKING = "non-breaking"


@dataclass(frozen=True)
class Change:
    module: str  # dotted Python module
    subject: str  # "Descriptor", "Descriptor.media_type", "MEDIA_TYPE_X", "Arch.SH"
    change: str  # "added" | "removed" | "changed"
    detail: str  # human-readable, Markdown-free
    breaking: bool

    @property
    def label(self) -> str:
        return BREAKING if self.breaking else NON_BREAKING


@dataclass(frozen=True)
class LintChange:
    change: str  # "new" | "resolved"
    line: str  # "code: where: message"


@dataclass(frozen=True)
class SpecDiff:
    name: str
    from_version: str | None  # None: the spec is new
    to_version: str | None  # None: the spec was removed
    changes: tuple[Change, ...]
    lint: tuple[LintChange, ...]

    @property
    def breaking(self) -> int:
        return sum(c.breaking for c in self.changes)


# --- ordering -----------------------------------------------------------------

K = TypeVar("K")


def merged_order(old: Sequence[K], new: Sequence[K]) -> list[K]:
    """The keys of ``new`` in order, each key only in ``old`` placed right after
    its nearest preceding old key (or first), so removals appear where they were."""
    out = [k for k in new]
    present = set(new)
    last_index = -1
    for k in old:
        if k in present:
            last_index = out.index(k)
        else:
            last_index += 1
            out.insert(last_index, k)
            present.add(k)
    return out


# --- types and constraints ----------------------------------------------------


def _values(values: Iterable[str]) -> str:
    return ", ".join(_c(repr(v)) for v in values)


def type_changes(old: TypeRef, new: TypeRef, where: str = "") -> list[tuple[str, bool]]:
    """(description, breaking) for each constraint that differs between two
    bindings of the same field; ``where`` prefixes nested positions ("items")."""
    at = f"{where}: " if where else ""
    if old.kind != new.kind:
        return [(f"{at}type changed from {_c(old.kind.value)} to {_c(new.kind.value)}", True)]
    out: list[tuple[str, bool]] = []
    if isinstance(old, StrType) and isinstance(new, StrType):
        out += _str_changes(old, new, at)
    elif isinstance(old, IntType) and isinstance(new, IntType):
        (olo, ohi), (nlo, nhi) = _int_range(old), _int_range(new)
        if nlo != olo:
            out.append((f"{at}minimum {olo} → {nlo}", nlo > olo))
        if nhi != ohi:
            out.append((f"{at}maximum {ohi} → {nhi}", nhi < ohi))
    elif isinstance(old, ListType) and isinstance(new, ListType):
        if old.min_items != new.min_items:
            o, n = old.min_items or 0, new.min_items or 0
            out.append((f"{at}minItems {o} → {n}", n > o))
        if old.item_nullable != new.item_nullable:
            out.append((
                f"{at}null items {'no longer' if old.item_nullable else 'now'} accepted",
                old.item_nullable,
            ))
        out += type_changes(old.item, new.item, f"{where}items" if not where else f"{where} items")
    elif isinstance(old, MapType) and isinstance(new, MapType):
        if old.key_pattern != new.key_pattern:
            out.append((
                f"{at}constrained keys: pattern {_c(str(old.key_pattern))} → {_c(str(new.key_pattern))}",
                True,
            ))
        if old.value_nullable != new.value_nullable:
            out.append((
                f"{at}null values {'no longer' if old.value_nullable else 'now'} accepted",
                old.value_nullable,
            ))
        out += type_changes(old.value, new.value, f"{where}values" if not where else f"{where} values")
        # Per-key constraints (schema "properties" on a Go map); getattr keeps
        # this working with models built before MapType had them.
        ko = dict(getattr(old, "keyed", ()))
        kn = dict(getattr(new, "keyed", ()))
        for key in merged_order(list(ko), list(kn)):
            at_key = f"{where + ' ' if where else ''}value of key {_c(key)}"
            if key not in kn:
                out.append((f"{at_key}: own constraints removed", False))
            elif key not in ko:
                out.append((f"{at_key}: now constrained", True))
            else:
                out += type_changes(ko[key], kn[key], at_key)
    elif isinstance(old, StructType) and isinstance(new, StructType):
        if (old.module, old.name) != (new.module, new.name):
            out.append((f"{at}struct {_c(old.name)} → {_c(new.name)}", True))
    elif isinstance(old, EnumType) and isinstance(new, EnumType):
        if (old.module, old.name) != (new.module, new.name):
            out.append((f"{at}enumeration {_c(old.name)} → {_c(new.name)}", True))
        if old.open != new.open:
            out.append((
                f"{at}values beyond the {_c(new.name)} members "
                f"{'no longer' if old.open else 'now'} accepted",
                old.open,
            ))
        out += _str_changes(old.base, new.base, at)
    return out


def _str_changes(old: StrType, new: StrType, at: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    gone = [p for p in old.patterns if p not in new.patterns]
    came = [p for p in new.patterns if p not in old.patterns]
    if len(gone) == len(came):
        for o, n in zip(gone, came):
            out.append((f"{at}pattern changed from {_c(o)} to {_c(n)}", True))
    else:
        out += [(f"{at}pattern removed: {_c(p)}", False) for p in gone]
        out += [(f"{at}pattern added: {_c(p)}", True) for p in came]
    if old.enum != new.enum:
        if old.enum is None:
            out.append((f"{at}now limited to {_values(new.enum or ())}", True))
        elif new.enum is None:
            out.append((f"{at}no longer limited to an enum", False))
        else:
            removed = [v for v in old.enum if v not in new.enum]
            added = [v for v in new.enum if v not in old.enum]
            if removed:
                out.append((f"{at}enum values removed: {_values(removed)}", True))
            if added:
                out.append((f"{at}enum values added: {_values(added)}", False))
    if old.format != new.format:
        out.append((
            f"{at}format {_c(str(old.format))} → {_c(str(new.format))}",
            new.format is not None,
        ))
    removed_known = [v for v in old.known if v not in new.known]
    added_known = [v for v in new.known if v not in old.known]
    if removed_known:
        out.append((f"{at}values no longer exempt from the pattern: {_values(removed_known)}", True))
    if added_known:
        out.append((f"{at}values now exempt from the pattern: {_values(added_known)}", False))
    return out


def _platforms(p: tuple[str, ...]) -> str:
    return ", ".join(p) if p else "all"


def omit_change(old: Field, new: Field) -> tuple[str, bool]:
    """A changed json tag omit rule: breaking when ``to_json()`` writes another set
    of values (OCI content is addressed by its bytes' digest)."""
    before, after = omit_words(old), omit_words(new)
    tags = f"json tag {_OMIT_TAG[old.omit]} → {_OMIT_TAG[new.omit]}"
    if before == after:
        return (f"{tags}: same output ({before})", False)
    return (f"{tags}: {before} → {after} (`to_json()` output changes)", True)


def field_changes(old: Field, new: Field) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    if old.wire_name != new.wire_name:
        out.append((f"JSON name {_c(old.wire_name)} → {_c(new.wire_name)}", True))
    old_ann, new_ann = py_type(old), py_type(new)
    if old_ann != new_ann:
        out.append((f"annotation {_c(old_ann)} → {_c(new_ann)}", True))
    if old.required != new.required:
        out.append(("optional → required" if new.required else "required → optional", new.required))
    if old.null_ok != new.null_ok:
        out.append((f"JSON null {'no longer' if old.null_ok else 'now'} accepted", old.null_ok))
    if old.omit != new.omit:
        out.append(omit_change(old, new))
    if old.platforms != new.platforms:
        narrowed = bool(new.platforms) and (
            not old.platforms or not set(old.platforms) <= set(new.platforms)
        )
        out.append((
            f"platforms {_platforms(old.platforms)} → {_platforms(new.platforms)}",
            narrowed,
        ))
    out += type_changes(old.type, new.type)
    if old.deprecated != new.deprecated and new.deprecated:
        out.append((f"deprecated: {new.deprecated}", False))
    return out


# --- modules --------------------------------------------------------------------


def _field_summary(f: Field) -> str:
    req = "required" if f.required else "optional"
    return f"JSON {_c(f.wire_name)}: {_c(py_type(f))}, {req}"


def _diff_fields(
    module: str,
    owner: str,
    old: tuple[Field, ...],
    new: tuple[Field, ...],
    site: str = "",
    seen: set[tuple[str, str]] | None = None,
) -> list[Change]:
    out: list[Change] = []
    o = {f.py_name: f for f in old}
    n = {f.py_name: f for f in new}
    suffix = f" (at {_c(site)})" if site else ""
    for name in merged_order([f.py_name for f in old], [f.py_name for f in new]):
        subject = f"{owner}.{name}"
        if name not in n:
            if seen is None:
                out.append(Change(module, subject, "removed", f"field removed ({_field_summary(o[name])})", True))
            continue
        if name not in o:
            if seen is None:
                f = n[name]
                out.append(Change(
                    module, subject, "added",
                    f"new {'required' if f.required else 'optional'} field ({_field_summary(f)})",
                    f.required,
                ))
            continue
        for detail, breaking in field_changes(o[name], n[name]):
            if seen is not None:
                if (subject, detail) in seen:
                    continue
            out.append(Change(module, subject, "changed", detail + suffix, breaking))
    return out


def _sites(module: Module) -> dict[tuple[str, str], Decoder]:
    """Variant decoders (schema sites with their own constraints), keyed by
    (struct, schema path or its ordinal among the struct's unnamed sites)."""
    canonical = {s.decoder for s in module.structs}
    out: dict[tuple[str, str], Decoder] = {}
    for d in module.decoders:
        if d.name in canonical:
            continue
        key = d.schema_path or "another site"
        n = 2
        while (d.struct, key) in out:
            key = f"{d.schema_path or 'another site'} #{n}"
            n += 1
        out[(d.struct, key)] = d
    return out


def _diff_struct(module: str, old: Struct | None, new: Struct | None) -> list[Change]:
    if new is None:
        assert old is not None
        return [Change(module, old.py_name, "removed", f"type removed (Go {_c(old.go_name)})", True)]
    if old is None:
        return [Change(module, new.py_name, "added", f"new type (Go {_c(new.go_name)}, {len(new.fields)} fields)", False)]
    out: list[Change] = []
    if old.root_schema != new.root_schema:
        out.append(Change(
            module, new.py_name, "changed",
            f"root type of {_c(str(new.root_schema))} (was {_c(str(old.root_schema))})",
            old.root_schema is not None,
        ))
    if old.deprecated != new.deprecated and new.deprecated:
        out.append(Change(module, new.py_name, "changed", f"deprecated: {new.deprecated}", False))
    out += _diff_fields(module, new.py_name, old.fields, new.fields)
    return out


def _diff_enum(module: str, old: Enum | None, new: Enum | None) -> list[Change]:
    if new is None:
        assert old is not None
        return [Change(module, old.py_name, "removed", f"enumeration removed (Go {_c(old.go_name)})", True)]
    if old is None:
        values = _values(m.value for m in new.members)
        return [Change(module, new.py_name, "added", f"new enumeration: {values}", False)]
    out: list[Change] = []
    o = {m.py_name: m for m in old.members}
    n = {m.py_name: m for m in new.members}
    for name in merged_order(list(o), list(n)):
        subject = f"{new.py_name}.{name}"
        if name not in n:
            out.append(Change(module, subject, "removed", f"member removed ({_c(repr(o[name].value))})", True))
        elif name not in o:
            out.append(Change(module, subject, "added", f"new member ({_c(repr(n[name].value))})", False))
        else:
            if o[name].value != n[name].value:
                out.append(Change(module, subject, "changed", f"value {_c(repr(o[name].value))} → {_c(repr(n[name].value))}", True))
            if o[name].deprecated != n[name].deprecated and n[name].deprecated:
                out.append(Change(module, subject, "changed", f"deprecated: {n[name].deprecated}", False))
    return out


def _order_by_origin(items: Iterable[tuple[str, object, int]]) -> list[str]:
    return [name for name, _, _ in sorted(items, key=lambda t: (str(t[1]), t[2]))]


def diff_module(
    old: Module | None, new: Module | None, version_constants: tuple[str, ...] = ()
) -> list[Change]:
    """The changes of one module; ``version_constants`` are the Go constants that
    make up the spec version (a new value is a version bump, not a break)."""
    if new is None:
        assert old is not None
        return [Change(old.name, old.name, "removed", "module removed", True)]
    name = new.name
    out: list[Change] = []
    if old is None:
        out.append(Change(name, name, "added", "new module", False))
        old = Module(name, new.go_package, "", (), (), (), (), (), ())
    # Types: structs and enumerations in Go declaration order (file, line).
    decls_old = {s.py_name: s for s in old.structs}
    decls_new = {s.py_name: s for s in new.structs}
    enums_old = {e.py_name: e for e in old.enums}
    enums_new = {e.py_name: e for e in new.enums}

    def order(module: Module) -> list[str]:
        items = [(s.py_name, s.origin.file, s.origin.line) for s in module.structs]
        items += [(e.py_name, e.origin.file, e.origin.line) for e in module.enums]
        return _order_by_origin(items)

    for type_name in merged_order(order(old), order(new)):
        if type_name in decls_old or type_name in decls_new:
            out += _diff_struct(name, decls_old.get(type_name), decls_new.get(type_name))
        if type_name in enums_old or type_name in enums_new:
            out += _diff_enum(name, enums_old.get(type_name), enums_new.get(type_name))
        # Schema sites of this struct with their own constraints.
        if type_name in decls_old and type_name in decls_new:
            seen = {(c.subject, c.detail) for c in out}
            sites_old, sites_new = _sites(old), _sites(new)
            keys = merged_order(
                [k for k in sites_old if k[0] == type_name],
                [k for k in sites_new if k[0] == type_name],
            )
            for key in keys:
                fo = sites_old[key].fields if key in sites_old else decls_old[type_name].fields
                fn = sites_new[key].fields if key in sites_new else decls_new[type_name].fields
                out += _diff_fields(name, type_name, fo, fn, key[1], seen)
    # Constants and struct values.
    co = {c.py_name: c for c in old.constants}
    cn = {c.py_name: c for c in new.constants}
    for cname in merged_order(list(co), list(cn)):
        if cname not in cn:
            out.append(Change(name, cname, "removed", f"constant removed ({_c(repr(co[cname].value))})", True))
        elif cname not in co:
            out.append(Change(name, cname, "added", f"new constant ({_c(repr(cn[cname].value))})", False))
        elif co[cname].value != cn[cname].value:
            bump = cn[cname].go_name in version_constants
            what = "spec version" if bump else "value"
            out.append(Change(
                name, cname, "changed", f"{what} {_c(repr(co[cname].value))} → {_c(repr(cn[cname].value))}", not bump
            ))
    vo = {v.py_name: v for v in old.values}
    vn = {v.py_name: v for v in new.values}
    for vname in merged_order(list(vo), list(vn)):
        if vname not in vn:
            out.append(Change(name, vname, "removed", f"value removed ({_c(vo[vname].struct)})", True))
        elif vname not in vo:
            out.append(Change(name, vname, "added", f"new {_c(vn[vname].struct)} value", False))
        elif vo[vname].values != vn[vname].values or vo[vname].struct != vn[vname].struct:
            out.append(Change(name, vname, "changed", f"{_c(vn[vname].struct)} value changed", True))
    return out


def _lint_key(line: str, spec: str) -> str:
    """A finding without where it was found: the trailing ``[origin]`` is
    dropped and ``<root>/<spec>/dir/x.go:12`` references in the message become
    ``<spec>/dir/x.go``, so moved lines and another spec root do not make a
    finding new."""
    ref = re.compile(r"[^\s()\[\]]*?(?<![\w.-])(" + re.escape(spec) + r"/[^\s():\[\]]+?):\d+")
    return ref.sub(r"\1", line.rsplit(" [", 1)[0])


def diff_spec(old: Spec | None, new: Spec | None) -> SpecDiff:
    some = new or old
    assert some is not None
    changes: list[Change] = []
    mo = {m.name: m for m in old.modules} if old else {}
    mn = {m.name: m for m in new.modules} if new else {}
    for mname in merged_order(list(mo), list(mn)):
        changes += diff_module(
            mo.get(mname), mn.get(mname), some.version_constants if mname == some.package else ()
        )
    lo = [_lint_key(f.line(), some.name) for f in old.findings] if old else []
    ln = [_lint_key(f.line(), some.name) for f in new.findings] if new else []
    lint = [LintChange("new", line) for line in ln if line not in lo]
    lint += [LintChange("resolved", line) for line in lo if line not in ln]
    return SpecDiff(
        some.name,
        old.version if old else None,
        new.version if new else None,
        tuple(changes),
        tuple(lint),
    )


def diff_specs(old: list[Spec], new: list[Spec]) -> list[SpecDiff]:
    so = {s.name: s for s in old}
    sn = {s.name: s for s in new}
    return [diff_spec(so.get(n), sn.get(n)) for n in merged_order(list(so), list(sn))]


# --- reports ------------------------------------------------------------------


def _title(d: SpecDiff) -> str:
    return f"{d.name} {d.from_version or '(none)'} → {d.to_version or '(removed)'}"


def markdown(diffs: list[SpecDiff]) -> str:
    title = ", ".join(_title(d) for d in diffs)
    lines = [f"# API changes: {title}", ""]
    total = sum(len(d.changes) for d in diffs)
    breaking = sum(d.breaking for d in diffs)
    lint = sum(1 for d in diffs for x in d.lint if x.change == "new")
    lines += [
        f"{total} change(s), **{breaking} breaking**, {total - breaking} non-breaking; "
        f"{lint} new lint finding(s). Labels are from a Python caller's point of view "
        "(see `ocigen diff --help`).",
        "",
    ]
    for d in diffs:
        lines += [f"## {_title(d)}", ""]
        if not d.changes:
            lines += ["No API changes.", ""]
        for i, c in enumerate(d.changes):
            if i == 0 or d.changes[i - 1].module != c.module:
                lines += [f"### `{c.module}`", ""]
            label = "**breaking**" if c.breaking else "non-breaking"
            lines.append(f"- {label} · {c.change} · `{c.subject}`: {c.detail}")
            if i + 1 == len(d.changes) or d.changes[i + 1].module != c.module:
                lines.append("")
        lines += ["### Lint findings", ""]
        if not d.lint:
            lines += ["No new or resolved findings.", ""]
        else:
            lines += [f"- {x.change}: {_c(x.line)}" for x in d.lint] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def to_json(diffs: list[SpecDiff]) -> str:
    data = {
        "specs": [
            {
                "name": d.name,
                "from_version": d.from_version,
                "to_version": d.to_version,
                "breaking": d.breaking,
                "changes": [{**asdict(c), "label": c.label} for c in d.changes],
                "lint": [asdict(x) for x in d.lint],
            }
            for d in diffs
        ]
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- sources --------------------------------------------------------------------


def spec_tree_at(rev: str, spec_root: Path, dest: Path) -> Path:
    """Extract ``spec_root`` as committed at ``rev`` into ``dest``; return the
    extracted spec root.  Uses ``git archive``; nothing else is read from git."""
    spec_root = spec_root.resolve()
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=spec_root, capture_output=True, text=True, check=True,
        ).stdout.strip()
        rel = spec_root.relative_to(Path(top).resolve()).as_posix()
        data = subprocess.run(
            ["git", "archive", "--format=tar", rev, "--", rel],
            cwd=top, capture_output=True, check=True,
        ).stdout
    except (OSError, ValueError, subprocess.CalledProcessError) as e:
        err = getattr(e, "stderr", b"") or b""
        msg = err.decode("utf-8", "replace").strip() if isinstance(err, bytes) else str(err)
        raise GeneratorError(str(spec_root), 0, f"cannot read spec/ at {rev}: {msg or e}") from None
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest / rel


def run(from_root: Path, to_root: Path) -> list[SpecDiff]:
    return diff_specs(pipeline.load(from_root, "from"), pipeline.load(to_root, "to"))


def cmd_diff(args: argparse.Namespace) -> int:
    to_root = Path(args.to or args.spec_root)
    with tempfile.TemporaryDirectory(prefix="ocigen-diff-") as tmp:
        if args.from_:
            from_root = Path(args.from_)
        else:
            from_root = spec_tree_at(args.rev, Path(args.spec_root), Path(tmp))
        diffs = run(from_root, to_root)
    if args.only:
        diffs = [d for d in diffs if d.name in args.only]
        if not diffs:
            raise GeneratorError(str(to_root), 0, f"no spec named {', '.join(args.only)}")
    text = to_json(diffs) if args.format == "json" else markdown(diffs)
    sys.stdout.write(text)
    if args.fail_on_breaking and any(d.breaking for d in diffs):
        return 1
    return 0


def add_cli(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "diff",
        help="report API changes between two spec trees (default: spec/ at HEAD vs working tree)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--from", dest="from_", metavar="DIR", help="old spec root (default: --spec-root at --rev)")
    p.add_argument("--to", metavar="DIR", help="new spec root (default: --spec-root)")
    p.add_argument("--rev", default="HEAD", help="git revision for the default --from (default: HEAD)")
    p.add_argument("--only", action="append", metavar="SPEC", help="report only this spec (repeatable): a folder name under the spec root")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.add_argument("--fail-on-breaking", action="store_true", help="exit 1 if any change is breaking")
    p.set_defaults(func=cmd_diff)
