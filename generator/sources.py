"""Load one vendored spec: its mapping file, its Go packages and its schemas,
with the lookups every later stage needs (which declaration a Go type name
means, in which package).  Nothing here interprets what it loads."""

from __future__ import annotations

from pathlib import Path

from . import config as config_mod
from . import golang
from .errors import GeneratorError
from .schema import Schemas


class Sources:
    def __init__(self, spec_dir: Path, display: str) -> None:
        self.cfg = config_mod.load(spec_dir, display)
        self.spec_dir = spec_dir
        self.display = display
        self.packages: dict[str, golang.GoPackage] = {}
        for pkg_dir, _module in self.cfg.packages:
            directory = spec_dir / pkg_dir
            if not directory.is_dir():
                raise self.config_error(
                    f'"{pkg_dir}"', f"Go package directory {pkg_dir!r} does not exist"
                )
            self.packages[pkg_dir] = golang.read_package(directory, f"{display}/{pkg_dir}")
        self.module_of = dict(self.cfg.packages)  # Go package dir -> Python module
        self.external = dict(self.cfg.external)
        self.schemas = Schemas(spec_dir / "schema", f"{display}/schema")
        # Every non-empty string constant: values a pattern check may skip.
        self.known_strings = tuple(
            c.value
            for pkg in self.packages.values()
            for c in pkg.consts
            if isinstance(c.value, str) and c.value
        )

    def config_error(self, needle: str, message: str) -> GeneratorError:
        """An error at the mapping file line that mentions ``needle``."""
        return GeneratorError(
            self.cfg.file, config_mod.line_of(self.spec_dir, needle), message
        )

    def resolve_name(
        self, pkg_dir: str, gtype: golang.GoType, pos: golang.Pos
    ) -> tuple[str, str] | str:
        """(package dir, name) of a spec-declared type, or the key of an external
        type ("import/path.Name")."""
        if gtype.kind == "ident":
            return pkg_dir, gtype.name
        path = dict(self.packages[pkg_dir].imports).get(gtype.package)
        if path is None:
            raise GeneratorError(pos.file, pos.line, f"unknown package {gtype.package!r}")
        prefix = self.cfg.module + "/"
        if path.startswith(prefix) and path[len(prefix) :] in self.packages:
            return path[len(prefix) :], gtype.name
        return f"{path}.{gtype.name}"

    def find_struct(self, pkg_dir: str, name: str) -> golang.GoStruct | None:
        for s in self.packages[pkg_dir].structs:
            if s.name == name:
                return s
        return None

    def find_named(self, pkg_dir: str, name: str) -> golang.GoNamedType | None:
        for t in self.packages[pkg_dir].named_types:
            if t.name == name:
                return t
        return None

    def enum_consts(self, pkg_dir: str, named: golang.GoNamedType) -> list[golang.GoConst]:
        """The constants of a named string type: its enumeration members."""
        if not (named.underlying.kind == "ident" and named.underlying.name == "string"):
            return []
        return [c for c in self.packages[pkg_dir].consts if c.type_name == named.name]

    def type_key(self, ref: str) -> tuple[str, str]:
        """The (package dir, struct name) a mapping-file reference "dir.Type" names."""
        pkg_dir, _, name = ref.rpartition(".")
        if pkg_dir not in self.packages:
            raise self.config_error(ref, f"{ref!r}: no Go package {pkg_dir!r} in [packages]")
        if self.find_struct(pkg_dir, name) is None:
            raise self.config_error(ref, f"{ref!r}: no struct {name!r} in {pkg_dir}")
        return pkg_dir, name
