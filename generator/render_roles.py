"""Render what the roles of the specs add to the package (generator/roles.py):
the content helpers, the pydantic hooks' runtime and schemas, and the
``validate`` command.  Called by ``render.Renderer``; every name a template
prints comes from the model here."""

from __future__ import annotations

from typing import Any, Callable

from . import names
from .errors import GeneratorError
from .model import Content, Refs, Spec, StrictStep, TypeName
from .roles import merged_digest, step

Text = Callable[..., str]  # Renderer._text(template, out_path, **context)
Format = Callable[[str, str], str]  # format_python(text, out_path)


def runtime_modules(top: str, specs: list[Spec]) -> dict[str, str]:
    """Shared modules the roles add: {dotted module: template}.  Model modules
    import names from them like from the runtime."""
    out = {f"{top}._pydantic": "_pydantic.py.j2"}
    if merged_digest(specs) is not None:
        out[f"{top}._content"] = "_content.py.j2"
    return out


def context(top: str, specs: list[Spec]) -> dict[str, Any]:
    """What the runtime templates need: the digest format, the package name."""
    return {"digest": merged_digest(specs), "package": top}


def module_context(spec: Spec, module: str) -> dict[str, Any]:
    """Extra context of a model module's template: the class -> schema key table,
    and the content helpers when the module holds the content descriptor."""
    content = spec.roles.content
    hosts = content is not None and content.descriptor.module == module
    return {
        "schema_sites": dict(spec.roles.schema_sites),
        "content": content if hosts else None,
        "role_exports": list(EXPORTS) if hosts else [],
    }


# The public names _content_api.py.j2 adds to the descriptor's module.
EXPORTS = ("MEDIA_TYPES", "descriptor_for", "digest_of", "parse_manifest", "verify")


def package_files(text: Text, fmt: Format, specs: list[Spec], top: str) -> dict[str, str]:
    """The files the roles add beside the model modules."""
    source = "ocigen's roles templates"
    files: dict[str, str] = {}
    schemas = sorted(kv for s in specs for kv in s.roles.schemas)
    path = names.module_file(f"{top}._schemas")
    files[path] = fmt(text("_schemas.py.j2", path, schemas=schemas, source=source), path)
    ctx = validate_context(specs, top)
    if ctx is not None:
        path = names.module_file(f"{top}._validate")
        files[path] = fmt(text("_validate.py.j2", path, source=source, **ctx), path)
        path = names.module_file(f"{top}.__main__")
        files[path] = fmt(text("main.py.j2", path, package=top, source=source), path)
    return files


# --- the validate command ------------------------------------------------------


def _field(specs: list[Spec], t: TypeName, wire: str) -> StrictStep | None:
    """The member of type ``t`` with JSON name ``wire``, if it has one."""
    for spec in specs:
        for m in spec.modules:
            for s in m.structs:
                if m.name == t.module and s.py_name == t.name:
                    return next((step(f) for f in s.fields if f.wire_name == wire), None)
    return None


def validate_context(specs: list[Spec], top: str) -> dict[str, Any] | None:
    """The context of _validate.py.j2, or None when no spec declares a role the
    command checks."""
    contents = [s.roles.content for s in specs if s.roles.content is not None]
    layouts = [(s, s.roles.layout) for s in specs if s.roles.layout is not None]
    bundles = [(s, s.roles.bundle) for s in specs if s.roles.bundle is not None]
    if not (contents or layouts or bundles):
        return None
    for what, found in (("[content]", contents), ("[layout]", layouts), ("[bundle]", bundles)):
        if len(found) > 1:
            raise GeneratorError("spec", 0, f"{what} is declared by more than one spec")
    content: Content | None = contents[0] if contents else None
    aliases: dict[str, str] = {}

    def cls(t: TypeName) -> str:
        alias = aliases.setdefault(t.module, f"_m{len(aliases)}")
        return f"{alias}.{t.name}"

    # Every document type: root types of every spec, then media-type types.
    types: list[TypeName] = []
    for spec in specs:
        types += spec.roles.documents
    if content is not None:
        types += [mt.type for mt in content.media_types]
    unique: list[TypeName] = []
    for t in types:
        if all((u.module, u.name) != (t.module, t.name) for u in unique):
            unique.append(t)
    short = [t.name for t in unique]
    refs = {(r.struct.module, r.struct.name): r for r in (content.refs if content else ())}
    if len({name for _, name in refs}) != len(refs):
        raise GeneratorError("spec", 0, "two structs holding descriptors share a class name")

    def index(t: TypeName) -> int:
        return next(i for i, u in enumerate(unique) if (u.module, u.name) == (t.module, t.name))

    def shown(t: TypeName) -> str:
        if short.count(t.name) == 1:
            return t.name
        return t.module.removeprefix(top + ".") + "." + t.name

    docs = []
    for t in unique:
        # A descriptor's media type is that of the content it points at, not its own.
        own = content is not None and (t.module, t.name) != (content.descriptor.module, content.descriptor.name)
        media = _field(specs, t, content.document_media_type) if content and own else None
        docs.append(
            {
                "name": shown(t),
                "cls": cls(t),
                "required": t.required,
                "refs": _refs_function(t) if (t.module, t.name) in refs else None,
                "media_member": media if media is not None and not media.nullable else None,
            }
        )
    ctx: dict[str, Any] = {
        "package": top,
        "docs": docs,
        "media_types": [(mt.value, index(mt.type)) for mt in content.media_types] if content else [],
        "media_members": (content.document_media_type,) if content else (),
        "refs": [_refs_context(r, cls) for r in refs.values()],
        "descriptor": cls(content.descriptor) if content else "Any",
        "content": content,
        "layout": None,
        "bundle": None,
    }
    kinds = []
    if layouts:
        spec, layout = layouts[0]
        ctx["layout"] = {
            "spec": spec.name,
            "marker": layout.marker,
            "marker_type": cls(layout.marker_type),
            "marker_doc": index(layout.marker_type),
            "version_member": layout.version_member,
            "version_at": tuple(s.wire_name for s in layout.version_member),
            "version": layout.version,
            "index": layout.index,
            "index_doc": index(layout.index_type),
            "blobs": layout.blobs,
            "blob_path": layout.blob_path,
        }
        kinds.append(f"a layout (it has no {layout.marker})")
    if bundles:
        spec, bundle = bundles[0]
        if all((u.module, u.name) != (bundle.type.module, bundle.type.name) for u in unique):
            raise GeneratorError("spec", 0, f"[bundle] type {bundle.type.go_name} is not a root type")
        ctx["bundle"] = {
            "spec": spec.name,
            "config": bundle.config,
            "type": cls(bundle.type),
            "doc": index(bundle.type),
            "root_path": bundle.root_path,
            "root_at": tuple(s.wire_name for s in bundle.root_path),
        }
        kinds.append(f"a bundle (it has no {bundle.config})")
    ctx["dir_kinds"] = " or ".join(kinds) if kinds else "a document"
    ctx["aliases"] = sorted(
        _import_as(module, alias, top) for module, alias in aliases.items()
    )
    return ctx


def _import_as(module: str, alias: str, top: str) -> str:
    """``from . import x as alias`` for a module of the package, from a plain
    module at the package's top."""
    parent, _, leaf = module.rpartition(".")
    return f"from .{parent.removeprefix(top).removeprefix('.')} import {leaf} as {alias}"


def _refs_function(t: TypeName) -> str:
    return f"_refs_{t.name}"


def _refs_context(r: Refs, cls: Callable[[TypeName], str]) -> dict[str, Any]:
    return {
        "name": r.struct.name,
        "type": cls(r.struct),
        "function": _refs_function(r.struct),
        "steps": [
            {"member": s.member, "container": s.container, "target": s.target,
             "function": f"_refs_{s.target}" if s.target else ""}
            for s in r.steps
        ],
    }  # fmt: skip
