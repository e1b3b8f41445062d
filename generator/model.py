"""The intermediate model: plain, frozen, typed data that templates render.

Go and the JSON Schema are bound into this model by ``bind`` (with ``types``
and ``constants``); ``lint`` and ``strict`` are passes over it.  Nothing
downstream sees a Go declaration or a schema node.  Types form a closed set of kinds whose
constraints are fields (see ``TypeRef``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import ClassVar, Iterator, Literal

# --- type kinds ---------------------------------------------------------------


class Kind(enum.Enum):
    """The closed set of type kinds.  Every ``TypeRef`` class names its kind;
    templates and passes branch on it (``t.kind == Kind.LIST``)."""

    STR = "str"
    ENUM = "enum"
    INT = "int"
    BOOL = "bool"
    BYTES = "bytes"
    TIME = "time"
    ANY = "any"
    OBJECT = "object"
    STRUCT = "struct"
    LIST = "list"
    MAP = "map"

    @property
    def json_type(self) -> str | None:
        """The JSON Schema type of the values Go writes for this kind (None: any)."""
        return _JSON_TYPE[self]

    @property
    def noun(self) -> str:
        """What error messages say was expected."""
        return _JSON_TYPE[self] or "value"


# The one table of JSON types: []byte and time.Time are strings on the wire.
_JSON_TYPE: dict[Kind, str | None] = {
    Kind.STR: "string", Kind.ENUM: "string", Kind.INT: "integer", Kind.BOOL: "boolean",
    Kind.BYTES: "string", Kind.TIME: "string", Kind.ANY: None, Kind.OBJECT: "object",
    Kind.STRUCT: "object", Kind.LIST: "array", Kind.MAP: "object",
}  # fmt: skip


@dataclass(frozen=True)
class StrType:
    kind: ClassVar[Kind] = Kind.STR
    patterns: tuple[str, ...] = ()  # Python regexes (re.search), translated from the schema's
    enum: tuple[str, ...] | None = None  # schema enum
    format: str | None = None  # "digest", "uri", ... (see runtime checks)
    known: tuple[str, ...] = ()  # values accepted without running the pattern


@dataclass(frozen=True)
class IntType:
    kind: ClassVar[Kind] = Kind.INT
    bits: int
    signed: bool
    minimum: int | None = None  # effective bounds: Go type ∩ schema
    maximum: int | None = None


@dataclass(frozen=True)
class BoolType:
    kind: ClassVar[Kind] = Kind.BOOL


@dataclass(frozen=True)
class BytesType:
    """Go ``[]byte``: padded standard base64 on the wire."""

    kind: ClassVar[Kind] = Kind.BYTES


@dataclass(frozen=True)
class TimeType:
    """Go ``time.Time``: RFC 3339 with nanoseconds."""

    kind: ClassVar[Kind] = Kind.TIME


@dataclass(frozen=True)
class AnyType:
    """Go ``interface{}``: any JSON value, kept as decoded."""

    kind: ClassVar[Kind] = Kind.ANY
    json_types: tuple[str, ...] | None = None  # the schema's "type", if it says


@dataclass(frozen=True)
class ObjectType:
    """Go ``struct{}``: a JSON object whose members Go ignores; we keep them."""

    kind: ClassVar[Kind] = Kind.OBJECT


@dataclass(frozen=True)
class ListType:
    kind: ClassVar[Kind] = Kind.LIST
    item: TypeRef
    min_items: int | None = None
    item_nullable: bool = False
    # No schema for the items and a Go value type: a null item decodes to Go's
    # zero value ("", 0, false), as encoding/json leaves the element zero.
    item_null_zero: bool = False


@dataclass(frozen=True)
class MapType:
    kind: ClassVar[Kind] = Kind.MAP
    value: TypeRef
    # Schema patternProperties: value constraints apply to keys matching this
    # (re.search semantics); other keys get the Go type check only.
    key_pattern: str | None = None
    value_nullable: bool = False
    # Schema "properties" on a Go map: those keys' values get their own constraints.
    keyed: tuple[tuple[str, TypeRef], ...] = ()
    # No schema for the values and a Go value type: a null value is stored as
    # Go's zero value ("", 0, false), as encoding/json stores the zero element.
    value_null_zero: bool = False
    go_type: str = field(default="", compare=False)  # Go spelling, for messages


@dataclass(frozen=True)
class StructType:
    kind: ClassVar[Kind] = Kind.STRUCT
    name: str  # Python class name
    module: str  # dotted module of the class, e.g. "pkg.spec.v1"
    decoder: str  # name of the decoder function bound to this schema site


@dataclass(frozen=True)
class EnumType:
    kind: ClassVar[Kind] = Kind.ENUM
    name: str
    module: str
    base: StrType  # schema constraints on the wire string
    open: bool  # the schema accepts values beyond the Go constants
    narrowed: bool  # the schema accepts only some of the Go constants


TypeRef = (
    StrType
    | IntType
    | BoolType
    | BytesType
    | TimeType
    | AnyType
    | ObjectType
    | ListType
    | MapType
    | StructType
    | EnumType
)

def walk(t: TypeRef) -> Iterator[TypeRef]:
    """A type and every type inside it: list items, map values (keyed ones too)
    and an enum's wire string."""
    yield t
    if isinstance(t, ListType):
        yield from walk(t.item)
    elif isinstance(t, MapType):
        yield from walk(t.value)
        for _, keyed in t.keyed:
            yield from walk(keyed)
    elif isinstance(t, EnumType):
        yield t.base


Omit = Literal["never", "empty", "zero"]  # json tag: none, omitempty, omitzero


@dataclass(frozen=True)
class Origin:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Field:
    go_name: str
    py_name: str
    wire_name: str
    type: TypeRef  # with the constraints of the schema site it was bound at
    omit: Omit
    nullable: bool  # Go can hold nil here (pointer, slice, map, interface)
    required: bool  # required by the schema at this site
    null_ok: bool  # JSON null accepted on input (schema allows it, or no schema)
    doc: str = field(compare=False)
    deprecated: str | None = field(compare=False)
    platforms: tuple[str, ...]
    origin: Origin = field(compare=False)
    go_type: str = field(compare=False)  # Go spelling, for docs and the API report
    schema_path: str | None = field(compare=False)  # "file.json#/pointer" bound to
    # The mapping file's [[corrections]] reason when it overrode the schema here.
    corrected: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Decoder:
    """One schema site of a struct: the same class, its own constraints."""

    name: str  # function name in the generated module
    struct: str  # Python class name
    fields: tuple[Field, ...]
    schema_path: str | None  # the first schema location bound to it
    # Every schema location (None: no schema) whose constraints it checks, in
    # binding order; sites with equal fields share one decoder.
    sites: tuple[str | None, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class StrictStep:
    """One JSON member on the way from a struct to the value a strict rule reads."""

    py_name: str
    wire_name: str
    kind: Kind  # of its type
    nullable: bool  # the Python value may be None
    required: bool  # the schema requires it at the struct's canonical site


@dataclass(frozen=True)
class StrictRule:
    """A MUST of the spec text that strict mode checks (spec/<name>/strict.toml)."""

    id: str  # stable, e.g. "descriptor-data-matches"
    kind: str  # closed set: generator/strict_file.py KINDS
    # The member the rule checks; error paths end here.  None for the kinds on
    # a whole struct or document (no-unknown-members, no-duplicate-names, utf-8).
    member: StrictStep | None
    message: str  # one line
    section: str  # "descriptor.md#properties"
    origin: Origin = field(compare=False)
    # equals-if-present, one-of: the allowed values; pattern: the regex
    values: tuple[str, ...] = ()
    when: tuple[StrictStep, ...] = ()  # required-if / forbidden-if: the condition's path
    when_in: tuple[str, ...] = ()  # ... its values (empty: the condition is "is set")
    when_unset: bool = False  # ... the condition is "is not set" instead
    # required-if / forbidden-if: the structs on the way to the member, when
    # the rule names a member below its type ("process.args"); the rule holds
    # only where they are all set.
    parents: tuple[StrictStep, ...] = ()
    # not-lower-semver: the lower bound; data: the size; not-less-than: the bound
    other: StrictStep | None = None
    digest: StrictStep | None = None  # data-matches-size-and-digest: the digest
    key: StrictStep | None = None  # unique-items-by: the member of each item
    windows: bool = False  # absolute-path: a Windows absolute path is accepted too
    positive_only: bool = False  # not-less-than: only a positive value is bounded
    map_key: str = ""  # map-value-format: the key whose value is checked
    format: str = ""  # map-value-format: "date-time"


@dataclass(frozen=True)
class Struct:
    go_name: str
    py_name: str
    module: str
    doc: str
    deprecated: str | None
    origin: Origin
    fields: tuple[Field, ...]  # as bound at the canonical site
    decoder: str  # canonical decoder (root schema, else first use)
    root_schema: str | None  # schema file this struct is the root type of
    # Go fields encoding/json drops because embedded fields share their JSON
    # name (Go field name, where it is declared).
    hidden: tuple[tuple[str, Origin], ...] = ()
    # Strict mode (generator/strict.py attaches these from spec/<name>/strict.toml):
    strict_rules: tuple[StrictRule, ...] = ()  # rules on this struct's own fields
    strict_walk: tuple[str, ...] = ()  # py names of fields leading to structs with rules
    # Rules on the JSON text of a document of this type (from_json only).
    strict_document: tuple[StrictRule, ...] = ()


@dataclass(frozen=True)
class EnumMember:
    py_name: str
    go_name: str
    value: str
    doc: str
    deprecated: str | None


@dataclass(frozen=True)
class Enum:
    go_name: str
    py_name: str
    module: str
    doc: str
    origin: Origin
    members: tuple[EnumMember, ...]


@dataclass(frozen=True)
class Constant:
    go_name: str
    py_name: str
    value: str | int | bool
    doc: str
    deprecated: str | None
    origin: Origin


@dataclass(frozen=True)
class StructValue:
    """A Go composite literal of a struct type, e.g. ``DescriptorEmptyJSON``."""

    go_name: str
    py_name: str
    struct: str
    values: tuple[tuple[str, str | int | bool | bytes], ...]  # py field name, value
    doc: str
    origin: Origin


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. "pkg.spec.v1"
    go_package: str  # directory inside the spec, e.g. "specs-go/v1"
    doc: str
    structs: tuple[Struct, ...]  # Go declaration order
    decoders: tuple[Decoder, ...]  # canonical first per struct, then variants
    enums: tuple[Enum, ...]
    constants: tuple[Constant, ...]
    values: tuple[StructValue, ...]
    imports: tuple[str, ...]  # other generated modules whose classes are used


@dataclass(frozen=True)
class Finding:
    """A disagreement between Go and the schema (the lint report)."""

    code: str
    where: str  # "Manifest.layers" or a schema path
    message: str
    origin: str  # "file:line" of the Go side, or the schema path

    def line(self) -> str:
        return f"{self.code}: {self.where}: {self.message} [{self.origin}]"


@dataclass(frozen=True)
class Spec:
    name: str  # the spec folder's name, e.g. "some-spec"
    version: str  # "1.1.1"
    package: str  # Python package of this spec, e.g. "pkg.spec"
    modules: tuple[Module, ...]
    findings: tuple[Finding, ...] = field(default=())
    # Go constants of the root module that make up the spec version.
    version_constants: tuple[str, ...] = ()
    roles: Roles = field(default_factory=lambda: Roles())  # generator/roles.py


# --- roles: parts of a spec the mapping file names (generator/roles.py) ---------
# The generated helpers that work with content (digests, descriptors, media
# types, image layouts, bundles) are rendered from these declarations; nothing
# in the generator knows which spec plays which part.


@dataclass(frozen=True)
class DigestAlgorithm:
    name: str  # "sha256"
    encoded: str  # Python regex (re.match) of the encoded part, anchored at its end
    hashlib: str  # hashlib's name of the hash that computes it
    expect: str  # what an error message says the encoded part must be


@dataclass(frozen=True)
class DigestFormat:
    """Content digests ``algorithm:encoded``, declared with their external Go type."""

    grammar: str  # Python regex (re.match) of any digest, anchored at its end
    canonical: str  # the algorithm digests are computed with by default
    canonical_pattern: str  # Python regex (re.match) of a digest of that algorithm
    algorithms: tuple[DigestAlgorithm, ...]  # checked exactly, and computable
    origin: Origin = field(compare=False)


@dataclass(frozen=True)
class TypeName:
    """A generated class a role names."""

    name: str  # Python class name
    module: str  # dotted module
    go_name: str
    decoder: str  # its canonical decoder
    required: tuple[str, ...]  # JSON members its canonical schema site requires


@dataclass(frozen=True)
class MediaType:
    value: str
    type: TypeName
    manifest: bool  # served by a registry's manifests endpoint
    const: str | None  # the Go constant it comes from, if any


@dataclass(frozen=True)
class RefStep:
    """A member of a struct that holds descriptors, directly or deeper down."""

    member: StrictStep
    container: Literal["one", "list", "map"]
    target: str  # "" for a descriptor, else the struct whose refs to follow


@dataclass(frozen=True)
class Refs:
    struct: TypeName
    steps: tuple[RefStep, ...]


@dataclass(frozen=True)
class Content:
    """The content descriptor and the documents named by media type."""

    descriptor: TypeName
    media_type: StrictStep
    digest: StrictStep
    size: StrictStep
    options: tuple[Field, ...]  # its other optional members: keywords of descriptor_for
    document_media_type: str  # the JSON member in which a document names its media type
    media_types: tuple[MediaType, ...]
    refs: tuple[Refs, ...]  # every struct that holds descriptors, inner ones first


@dataclass(frozen=True)
class Layout:
    """A directory of content-addressed blobs with a marker and an index file."""

    marker: str  # file name
    marker_type: TypeName
    version_member: tuple[StrictStep, ...]  # the marker's member naming the layout version
    version: str  # the version of the layout format the generated code knows
    index: str  # file name
    index_type: TypeName
    blobs: str  # directory name
    blob_path: str  # under it, with {algorithm} and {encoded}


@dataclass(frozen=True)
class Bundle:
    """A directory with a configuration file naming a root filesystem."""

    config: str  # file name
    type: TypeName
    root_path: tuple[StrictStep, ...]  # members leading to the root filesystem's path


@dataclass(frozen=True)
class Roles:
    digest: DigestFormat | None = None
    content: Content | None = None
    layout: Layout | None = None
    bundle: Bundle | None = None
    documents: tuple[TypeName, ...] = ()  # root types ([roots]), in mapping order
    # The spec's JSON Schemas for the pydantic hook: (key, compact JSON), key
    # "<spec>/<file>" for a vendored file with its $refs made "<spec>/<file>#<ptr>",
    # and "<module>.<Class>" for a struct no schema describes (built from the model).
    schemas: tuple[tuple[str, str], ...] = ()
    schema_sites: tuple[tuple[str, str], ...] = ()  # "<module>.<Class>" -> schema key
