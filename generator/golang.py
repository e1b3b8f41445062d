"""Read Go declarations with tree-sitter-go: structs, named types, consts, vars.

This is the only place that looks at Go source.  It reads a package the way the
Go toolchain would for the things the generator needs (struct fields and tags,
doc comments, constant values) and returns plain frozen data.  Anything outside
that closed set (generics, func or chan types, interfaces with methods, ...)
raises ``GoError`` with the file and line, rather than being silently skipped.
"""

from __future__ import annotations

import operator
import unicodedata
from dataclasses import KW_ONLY, dataclass, replace
from pathlib import Path
from typing import Any, Callable, Literal, Union

import tree_sitter_go
from tree_sitter import Language, Node, Parser

_PARSER = Parser(Language(tree_sitter_go.language()))

# --- data ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pos:
    file: str  # as passed in by the caller, e.g. "spec/some-spec/pkg/types.go"
    line: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class GoError(Exception):
    """Go source we cannot read: a syntax error or an unsupported construct."""

    def __init__(self, pos: Pos, message: str) -> None:
        super().__init__(f"{pos.file}:{pos.line}: {message}")
        self.pos = pos
        self.message = message


TypeKind = Literal[
    "ident", "qualified", "pointer", "slice", "array", "map", "struct", "interface"
]


@dataclass(frozen=True)
class GoType:
    kind: TypeKind
    name: str = ""  # ident / qualified: the type name
    package: str = ""  # qualified: the qualifier as written ("digest", "time")
    elem: GoType | None = None  # pointer, slice, array; map value
    key: GoType | None = None  # map key
    length: str = ""  # array length expression as written ("..." for [...]T)
    fields: tuple[GoField, ...] = ()  # struct literal type

    def __str__(self) -> str:
        if self.kind == "ident":
            return self.name
        if self.kind == "qualified":
            return f"{self.package}.{self.name}"
        if self.kind == "pointer":
            return f"*{self.elem}"
        if self.kind == "slice":
            return f"[]{self.elem}"
        if self.kind == "array":
            return f"[{self.length}]{self.elem}"
        if self.kind == "map":
            return f"map[{self.key}]{self.elem}"
        if self.kind == "interface":
            return "interface{}"
        if not self.fields:
            return "struct{}"
        return "struct{ " + "; ".join(f.spelling() for f in self.fields) + " }"


@dataclass(frozen=True)
class GoField:
    name: str  # embedded fields: the type's name ("Versioned" for specs.Versioned)
    type: GoType
    embedded: bool
    tag: str  # the tag's string value ("" if none)
    json_name: str | None  # None: no json tag, or an empty name part
    json_options: tuple[str, ...]  # in tag order: "omitempty", "omitzero", "string"
    json_skip: bool  # json:"-"
    platforms: tuple[str, ...]  # platform:"linux,solaris" (an OCI convention)
    doc: str
    deprecated: str | None
    pos: Pos

    @property
    def exported(self) -> bool:
        # encoding/json ignores unexported fields (except embedded structs).
        return self.name[:1].isupper()

    def tag_value(self, key: str) -> str | None:
        """reflect.StructTag.Lookup: the value for key, None if absent."""
        return _tag_lookup(self.tag, key)

    def spelling(self) -> str:
        text = str(self.type) if self.embedded else f"{self.name} {self.type}"
        return f"{text} `{self.tag}`" if self.tag else text


@dataclass(frozen=True)
class GoStruct:
    name: str
    fields: tuple[GoField, ...]
    doc: str
    deprecated: str | None
    pos: Pos

    def field(self, name: str) -> GoField:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name}.{name}")


@dataclass(frozen=True)
class GoNamedType:
    """A non-struct type declaration, ``type Arch string``."""

    name: str
    underlying: GoType  # as written; for an alias, the aliased type
    doc: str
    deprecated: str | None
    pos: Pos
    alias: bool = False  # type A = B


ConstValue = Union[str, int, bool]


@dataclass(frozen=True)
class GoConst:
    name: str
    type_name: str | None  # None for an untyped constant
    value: ConstValue | None  # None when not evaluable (floats, calls, imports)
    expr: str  # source text; for implicit repetition, the repeated expression
    doc: str
    deprecated: str | None
    group_doc: str  # doc comment of the enclosing const ( ... ) block
    pos: Pos


# Expressions of package-level var initializers (and, internally, of consts).


@dataclass(frozen=True)
class GoLit:
    value: ConstValue  # string, int (incl. rune literals) or bool literal
    pos: Pos


@dataclass(frozen=True)
class GoIdent:
    name: str  # includes the predeclared "nil" and "iota"
    package: str = ""  # qualifier as written for x.Name
    _: KW_ONLY
    pos: Pos


@dataclass(frozen=True)
class GoConversion:
    type: GoType
    arg: GoExpr
    pos: Pos


@dataclass(frozen=True)
class GoComposite:
    type: GoType | None  # None when elided inside an outer literal
    # Key: the field name (struct) or key identifier; a string literal key's
    # value; otherwise the key's source text.  None for positional elements.
    elements: tuple[tuple[str | None, GoExpr], ...]
    pos: Pos


@dataclass(frozen=True)
class GoCall:
    func: str  # "fmt.Sprintf", "DigestRegexp.String"
    args: tuple[GoExpr, ...]
    pos: Pos


@dataclass(frozen=True)
class GoUnary:
    op: str  # "-", "^", "!", "&" (for &T{...}), ...
    operand: GoExpr
    pos: Pos


@dataclass(frozen=True)
class GoBinary:
    op: str
    left: GoExpr
    right: GoExpr
    pos: Pos


GoExpr = Union[GoLit, GoIdent, GoConversion, GoComposite, GoCall, GoUnary, GoBinary]


@dataclass(frozen=True)
class GoVar:
    name: str
    type: GoType | None
    value: GoExpr | None
    doc: str
    deprecated: str | None
    pos: Pos


@dataclass(frozen=True)
class GoMethod:
    """A method declaration; e.g. a MarshalJSON changes a type's wire format."""

    receiver: str  # base type name
    name: str
    pointer_receiver: bool
    pos: Pos


GoDecl = Union[GoStruct, GoNamedType, GoConst, GoVar]


@dataclass(frozen=True)
class GoFile:
    file: str  # display name
    package: str
    doc: str
    imports: tuple[tuple[str, str], ...]
    decls: tuple[GoDecl, ...]
    methods: tuple[GoMethod, ...]


@dataclass(frozen=True)
class GoPackage:
    name: str
    dir: str
    imports: tuple[tuple[str, str], ...]  # (local name, path), first-seen order
    decls: tuple[GoDecl, ...]  # files sorted by name, then source order
    doc: str
    methods: tuple[GoMethod, ...] = ()

    @property
    def structs(self) -> tuple[GoStruct, ...]:
        return tuple(d for d in self.decls if isinstance(d, GoStruct))

    @property
    def named_types(self) -> tuple[GoNamedType, ...]:
        return tuple(d for d in self.decls if isinstance(d, GoNamedType))

    @property
    def consts(self) -> tuple[GoConst, ...]:
        return tuple(d for d in self.decls if isinstance(d, GoConst))

    @property
    def vars(self) -> tuple[GoVar, ...]:
        return tuple(d for d in self.decls if isinstance(d, GoVar))

    def decl(self, name: str) -> GoDecl:
        for d in self.decls:
            if d.name == name:
                return d
        raise KeyError(name)

    def struct(self, name: str) -> GoStruct:
        d = self.decl(name)
        if not isinstance(d, GoStruct):
            raise KeyError(f"{name} is not a struct")
        return d

    def named_type(self, name: str) -> GoNamedType:
        d = self.decl(name)
        if not isinstance(d, GoNamedType):
            raise KeyError(f"{name} is not a named non-struct type")
        return d

    def const(self, name: str) -> GoConst:
        d = self.decl(name)
        if not isinstance(d, GoConst):
            raise KeyError(f"{name} is not a const")
        return d

    def var(self, name: str) -> GoVar:
        d = self.decl(name)
        if not isinstance(d, GoVar):
            raise KeyError(f"{name} is not a var")
        return d


# --- Go lexical rules -----------------------------------------------------------

_PREDECLARED_TYPES = frozenset(
    "any bool byte comparable complex64 complex128 error float32 float64 int int8"
    " int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr".split()
)
_INT_BITS = {
    "int": 64, "int8": 8, "int16": 16, "int32": 32, "int64": 64, "rune": 32,
    "uint": 64, "uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64,
    "uintptr": 64, "byte": 8,
}  # fmt: skip
_SIMPLE_ESCAPES = {
    "a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92,
    "'": 39, '"': 34,
}  # fmt: skip


def _escape_units(body: str, quote: str) -> list[tuple[bool, int]]:
    """Split a quoted literal's body into (is_byte, value) units.

    Go's \\x and octal escapes denote single bytes; every other escape and
    every plain character denotes a Unicode code point.  Raises ValueError.
    """
    units: list[tuple[bool, int]] = []
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c == "\n" or c == quote:
            raise ValueError("unescaped newline or quote")
        if c != "\\":
            units.append((False, ord(c)))
            i += 1
            continue
        if i + 1 >= n:
            raise ValueError("lone backslash")
        e = body[i + 1]
        if e in _SIMPLE_ESCAPES:
            # \' is only valid in rune literals, \" only in strings.
            if (e == "'" or e == '"') and e != quote:
                raise ValueError(f"unknown escape \\{e}")
            units.append((False, _SIMPLE_ESCAPES[e]))
            i += 2
        elif e in "01234567":
            digits = body[i + 1 : i + 4]
            if len(digits) != 3 or any(d not in "01234567" for d in digits):
                raise ValueError("bad octal escape")
            value = int(digits, 8)
            if value > 255:
                raise ValueError("octal escape out of range")
            units.append((True, value))
            i += 4
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i + 2 : i + 2 + width]
            if len(digits) != width or any(
                d not in "0123456789abcdefABCDEF" for d in digits
            ):
                raise ValueError(f"bad \\{e} escape")
            value = int(digits, 16)
            if e != "x" and (value > 0x10FFFF or 0xD800 <= value <= 0xDFFF):
                raise ValueError("escape is not a valid Unicode code point")
            units.append((e == "x", value))
            i += 2 + width
        else:
            raise ValueError(f"unknown escape \\{e}")
    return units


def _unquote(text: str) -> str:
    """strconv.Unquote for string literals.  Raises ValueError."""
    if len(text) >= 2 and text[0] == text[-1] == "`":
        return text[1:-1].replace("\r", "")  # raw strings drop carriage returns
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError("not a string literal")
    out = bytearray()
    for is_byte, value in _escape_units(text[1:-1], '"'):
        out += bytes([value]) if is_byte else chr(value).encode()
    # A Go string is bytes; keep invalid UTF-8 from \x escapes round-trippable.
    return out.decode("utf-8", "surrogateescape")


def _unquote_rune(text: str) -> int:
    if len(text) < 3 or text[0] != "'" or text[-1] != "'":
        raise ValueError("not a rune literal")
    units = _escape_units(text[1:-1], "'")
    if len(units) != 1:
        raise ValueError("rune literal must hold exactly one character")
    return units[0][1]


def _parse_int(text: str) -> int:
    digits = text.replace("_", "")
    if len(digits) > 1 and digits[0] == "0" and digits.isdigit():
        return int(digits, 8)  # legacy octal: 0755
    return int(digits, 0)


def _tag_pairs(tag: str) -> tuple[list[tuple[str, str]], bool]:
    """Parse a struct tag as reflect.StructTag does: (pairs, well_formed)."""
    pairs: list[tuple[str, str]] = []
    while True:
        tag = tag.lstrip(" ")
        if not tag:
            return pairs, True
        i = 0
        while i < len(tag) and tag[i] > " " and tag[i] not in ':"\x7f':
            i += 1
        if i == 0 or i + 1 >= len(tag) or tag[i] != ":" or tag[i + 1] != '"':
            return pairs, False
        name, tag = tag[:i], tag[i + 1 :]
        j = 1
        while j < len(tag) and tag[j] != '"':
            j += 2 if tag[j] == "\\" else 1
        if j >= len(tag):
            return pairs, False
        try:
            value = _unquote(tag[: j + 1])
        except ValueError:
            return pairs, False
        pairs.append((name, value))
        tag = tag[j + 1 :]


def _tag_lookup(tag: str, key: str) -> str | None:
    pairs, _ = _tag_pairs(tag)
    for name, value in pairs:
        if name == key:
            return value
    return None


def _valid_json_name(name: str) -> bool:
    # encoding/json isValidTag: otherwise the tag name is ignored.
    for c in name:
        if c in "!#$%&()*+-./:;<=>?@[]^_{|}~ ":
            continue
        if not (c.isalpha() or unicodedata.category(c) == "Nd"):
            return False
    return bool(name)


def _import_name(path: str) -> str:
    """The name an unaliased import is referred to by.

    That is the imported package's name, which only its source states.  The
    last path element is right by convention ("v1" for .../specs-go/v1); when it
    is not an identifier, guess like goimports: ".../go-digest" is "digest",
    ".../specs-go" is "specs".  read_file checks every qualifier it meets.
    """
    base = path.rsplit("/", 1)[-1]
    if base.isidentifier():
        return base
    base = base.removeprefix("go-")
    for i, c in enumerate(base):
        if not (c.isalnum() or c == "_"):
            return base[:i]
    return base


def _is_directive(text: str) -> bool:
    """go/ast isDirective, on a // comment with the slashes removed."""
    if text.startswith(("line ", "extern ", "export ")):
        return True
    colon = text.find(":")
    if colon <= 0 or colon + 1 >= len(text):
        return False
    return all(
        "a" <= c <= "z" or "0" <= c <= "9"
        for i, c in enumerate(text[: colon + 2])
        if i != colon
    )


def _comment_text(comments: list[str]) -> str:
    """go/ast CommentGroup.Text, without the final newline."""
    lines: list[str] = []
    for c in comments:
        if c.startswith("//"):
            c = c[2:]
            if c.startswith(" "):
                c = c[1:]
            elif _is_directive(c):
                continue  # //go:embed and friends are not documentation
            lines.append(c)
        else:
            lines.extend(c[2:-2].split("\n"))
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line or (out and out[-1]):  # drop leading and repeated blank lines
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _deprecation(doc: str) -> str | None:
    """The Go convention: a paragraph starting with "Deprecated: "."""
    for paragraph in doc.split("\n\n"):
        if paragraph.startswith("Deprecated: "):
            text = paragraph[len("Deprecated: ") :]
            return " ".join(line.strip() for line in text.split("\n") if line.strip())
    return None


# --- reading one file -----------------------------------------------------------


@dataclass
class _ConstSource:
    expr: GoExpr | None  # None when not expressible (floats, func literals, ...)
    iota: int
    type_name: str | None  # explicit or inherited by implicit repetition


def _named(node: Node) -> list[Node]:
    return [c for c in node.named_children if c.type != "comment"]


def _prev_token_row(node: Node) -> int:
    p = node.prev_sibling
    while p is not None and p.type == "comment":
        p = p.prev_sibling
    return -1 if p is None else p.end_point.row


class _Reader:
    def __init__(self, source: bytes, display: str) -> None:
        self.src = source
        self.file = display
        self.tree = _PARSER.parse(source)
        self.root = self.tree.root_node
        self.qualifiers: list[Node] = []  # package names used in types
        if self.root.has_error:
            self._syntax_error()

    # -- helpers

    def text(self, node: Node) -> str:
        try:
            return self.src[node.start_byte : node.end_byte].decode()
        except UnicodeDecodeError:
            raise self.error(node, "source is not valid UTF-8") from None

    def pos(self, node: Node) -> Pos:
        return Pos(self.file, node.start_point.row + 1)

    def error(self, node: Node, message: str) -> GoError:
        return GoError(self.pos(node), message)

    def _syntax_error(self) -> None:
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.is_missing:
                raise self.error(node, f"syntax error: missing {node.type!r}")
            if node.is_error:
                # tree-sitter wraps the unexpected token with the complete
                # constructs around it: point at the token, not the wrapper.
                token = next(
                    (
                        c
                        for c in node.children
                        if c.type != "comment" and not (c.is_named and not c.has_error)
                    ),
                    node,
                )
                if token is not node and (token.is_error or token.has_error):
                    stack.append(token)
                    continue
                snippet = self.text(token).strip().split("\n")[0][:40]
                raise self.error(token, f"syntax error near {snippet!r}")
            if node.has_error:
                stack.extend(reversed(node.children))
        raise GoError(Pos(self.file, 1), "syntax error")

    def doc(self, node: Node) -> str:
        """The lead comment group: contiguous comments ending on the line above.

        A comment starting on the line where the previous token ends is that
        token's line comment (go/parser rules), not documentation.
        """
        comments: list[Node] = []
        next_row = node.start_point.row
        p = node.prev_sibling
        while p is not None and p.type == "comment" and p.end_point.row == next_row - 1:
            comments.append(p)
            next_row = p.start_point.row
            p = p.prev_sibling
        prev_row = _prev_token_row(node)
        comments = [c for c in comments if c.start_point.row != prev_row]
        return _comment_text([self.text(c) for c in reversed(comments)])

    def line_comment(self, node: Node) -> str:
        """Comments after node on its last line (separators skipped)."""
        row = node.end_point.row
        found: list[str] = []
        n = node.next_sibling
        while n is not None and n.start_point.row == row:
            if n.type == "comment":
                found.append(self.text(n))
            elif n.is_named or n.type not in (",", ";"):
                break
            n = n.next_sibling
        return _comment_text(found)

    def string(self, node: Node) -> str:
        try:
            return _unquote(self.text(node))
        except ValueError as e:
            raise self.error(node, f"bad string literal: {e}") from None

    # -- types

    def type(self, node: Node) -> GoType:
        t = node.type
        if t == "type_identifier":
            ident = self.text(node)
            # any is the predeclared alias of interface{} (Go 1.18).
            return (
                GoType("interface") if ident == "any" else GoType("ident", name=ident)
            )
        if t == "qualified_type":
            pkg = node.child_by_field_name("package")
            name = node.child_by_field_name("name")
            assert pkg is not None and name is not None
            self.qualifiers.append(pkg)
            return GoType("qualified", name=self.text(name), package=self.text(pkg))
        if t == "pointer_type":
            return GoType("pointer", elem=self.type(_named(node)[0]))
        if t == "slice_type":
            return GoType("slice", elem=self.type(self.child(node, "element")))
        if t == "array_type":
            return GoType(
                "array",
                elem=self.type(self.child(node, "element")),
                length=self.text(self.child(node, "length")),
            )
        if t == "implicit_length_array_type":
            return GoType(
                "array", elem=self.type(self.child(node, "element")), length="..."
            )
        if t == "map_type":
            return GoType(
                "map",
                key=self.type(self.child(node, "key")),
                elem=self.type(self.child(node, "value")),
            )
        if t == "struct_type":
            return GoType("struct", fields=self.fields(_named(node)[0]))
        if t == "interface_type":
            if _named(node):
                raise self.error(
                    node, "interfaces with methods or type sets are not supported"
                )
            return GoType("interface")
        if t == "parenthesized_type":
            return self.type(_named(node)[0])
        if t == "generic_type":
            raise self.error(node, "generic types are not supported")
        raise self.error(node, f"unsupported type {self.text(node)!r} ({t})")

    def child(self, node: Node, field: str) -> Node:
        c = node.child_by_field_name(field)
        if c is None:
            raise self.error(node, f"{node.type} without {field}")
        return c

    def fields(self, field_list: Node) -> tuple[GoField, ...]:
        out: list[GoField] = []
        for decl in _named(field_list):
            names = [
                n
                for n in decl.children_by_field_name("name")
                if n.type == "field_identifier"
            ]
            type_node = self.child(decl, "type")
            gotype = self.type(type_node)
            embedded = not names
            if embedded:
                if type_node.type not in ("type_identifier", "qualified_type"):
                    raise self.error(decl, "unsupported embedded field")
                if any(c.type == "*" for c in decl.children):
                    gotype = GoType("pointer", elem=gotype)
            tag_node = decl.child_by_field_name("tag")
            tag = "" if tag_node is None else self.string(tag_node)
            doc = self.doc(decl) or self.line_comment(decl)
            common = self.tag_info(decl, tag)
            for name in names or [type_node.child_by_field_name("name") or type_node]:
                out.append(
                    GoField(
                        name=self.text(name),
                        type=gotype,
                        embedded=embedded,
                        tag=tag,
                        json_name=common[0],
                        json_options=common[1],
                        json_skip=common[2],
                        platforms=common[3],
                        doc=doc,
                        deprecated=_deprecation(doc),
                        pos=self.pos(decl),
                    )
                )
        return tuple(out)

    def tag_info(
        self, decl: Node, tag: str
    ) -> tuple[str | None, tuple[str, ...], bool, tuple[str, ...]]:
        if not _tag_pairs(tag)[1]:
            # reflect silently ignores the rest of a malformed tag; go vet does not.
            raise self.error(decl, f"malformed struct tag {tag!r}")
        json = _tag_lookup(tag, "json")
        name: str | None = None
        options: tuple[str, ...] = ()
        skip = json == "-"  # but json:"-," names the field "-"
        if json is not None and not skip:
            head, _, rest = json.partition(",")
            options = tuple(o for o in rest.split(",") if o)
            if head and not _valid_json_name(head):
                raise self.error(
                    decl,
                    f"json tag name {head!r} is invalid; encoding/json would ignore it",
                )
            name = head or None
        platform = _tag_lookup(tag, "platform")
        platforms = (
            ()
            if platform is None
            else tuple(p.strip() for p in platform.split(",") if p.strip())
        )
        return name, options, skip, platforms

    # -- expressions

    def expr(self, node: Node) -> GoExpr:
        t = node.type
        pos = self.pos(node)
        if t == "int_literal":
            return GoLit(_parse_int(self.text(node)), pos)
        if t == "rune_literal":
            try:
                return GoLit(_unquote_rune(self.text(node)), pos)
            except ValueError as e:
                raise self.error(node, f"bad rune literal: {e}") from None
        if t in ("interpreted_string_literal", "raw_string_literal"):
            return GoLit(self.string(node), pos)
        if t in ("true", "false"):
            return GoLit(t == "true", pos)
        if t in ("identifier", "nil", "iota"):
            return GoIdent(self.text(node), pos=pos)
        if t == "selector_expression":
            operand = self.child(node, "operand")
            if operand.type != "identifier":
                raise self.error(node, f"unsupported selector {self.text(node)!r}")
            return GoIdent(
                self.text(self.child(node, "field")), self.text(operand), pos=pos
            )
        if t in ("parenthesized_expression", "literal_element"):
            return self.expr(_named(node)[0])
        if t == "unary_expression":
            op = self.text(self.child(node, "operator"))
            x = self.expr(self.child(node, "operand"))
            if op == "-" and isinstance(x, GoLit) and type(x.value) is int:
                return GoLit(-x.value, pos)  # a negative literal, for convenience
            return GoUnary(op, x, pos)
        if t == "binary_expression":
            return GoBinary(
                self.text(self.child(node, "operator")),
                self.expr(self.child(node, "left")),
                self.expr(self.child(node, "right")),
                pos,
            )
        if t == "call_expression":
            return self.call(node)
        if t == "type_conversion_expression":
            return GoConversion(
                self.type(self.child(node, "type")),
                self.expr(self.child(node, "operand")),
                pos,
            )
        if t == "composite_literal":
            return GoComposite(
                self.type(self.child(node, "type")),
                self.elements(self.child(node, "body")),
                pos,
            )
        if t == "literal_value":  # element type elided: {...} inside an outer literal
            return GoComposite(None, self.elements(node), pos)
        raise self.error(node, f"unsupported expression {self.text(node)!r} ({t})")

    def call(self, node: Node) -> GoExpr:
        func = self.child(node, "function")
        args_node = self.child(node, "arguments")
        if node.child_by_field_name("type_arguments") is not None or any(
            c.type == "..." for c in args_node.children
        ):
            raise self.error(node, f"unsupported call {self.text(node)!r}")
        args = tuple(self.expr(a) for a in _named(args_node))
        if func.type == "identifier":
            name = self.text(func)
            # T(x) with a predeclared T is a conversion; package types are
            # resolved once all files are read (_resolve_conversions).
            if name in _PREDECLARED_TYPES and len(args) == 1:
                return GoConversion(GoType("ident", name=name), args[0], self.pos(node))
        elif func.type == "parenthesized_expression" or func.type.endswith("_type"):
            inner = _named(func)[0] if func.type == "parenthesized_expression" else func
            if len(args) == 1 and (
                inner.type.endswith("_type") or inner.type == "type_identifier"
            ):
                return GoConversion(self.type(inner), args[0], self.pos(node))
            raise self.error(node, f"unsupported call {self.text(node)!r}")
        elif (
            func.type != "selector_expression"
            or self.child(func, "operand").type != "identifier"
        ):
            raise self.error(node, f"unsupported call {self.text(node)!r}")
        return GoCall(self.text(func), args, self.pos(node))

    def elements(self, body: Node) -> tuple[tuple[str | None, GoExpr], ...]:
        out: list[tuple[str | None, GoExpr]] = []
        for element in _named(body):
            if element.type != "keyed_element":
                out.append((None, self.expr(element)))
                continue
            key_node, value_node = _named(element)
            key = (
                _named(key_node)[0] if key_node.type == "literal_element" else key_node
            )
            if key.type in ("identifier", "field_identifier"):
                key_text = self.text(key)
            elif key.type in ("interpreted_string_literal", "raw_string_literal"):
                key_text = self.string(key)
            else:
                key_text = self.text(key)
            out.append((key_text, self.expr(value_node)))
        return tuple(out)

    # -- declarations

    def read(self) -> tuple[GoFile, dict[str, _ConstSource]]:
        package = ""
        doc = ""
        imports: list[tuple[str, str]] = []
        decls: list[GoDecl] = []
        methods: list[GoMethod] = []
        consts: dict[str, _ConstSource] = {}
        for node in self.root.named_children:
            t = node.type
            if t == "package_clause":
                package = self.text(_named(node)[0])
                doc = self.doc(node)
                self.check_build_constraints(node)
            elif t == "import_declaration":
                imports.extend(self.imports(node))
            elif t == "type_declaration":
                decls.extend(self.types(node))
            elif t == "const_declaration":
                decls.extend(self.consts(node, consts))
            elif t == "var_declaration":
                decls.extend(self.vars(node))
            elif t == "method_declaration":
                methods.append(self.method(node))
            elif t not in ("comment", "function_declaration"):
                raise self.error(node, f"unsupported top-level {t}")
        if not package:
            raise GoError(Pos(self.file, 1), "missing package clause")
        local_names = {name for name, _ in imports}
        for q in self.qualifiers:
            # Catches an import whose package name _import_name guessed wrong.
            if self.text(q) not in local_names:
                raise self.error(q, f"{self.text(q)!r} names no import of this file")
        return (
            GoFile(
                self.file, package, doc, tuple(imports), tuple(decls), tuple(methods)
            ),
            consts,
        )

    def check_build_constraints(self, package_clause: Node) -> None:
        # The generator reads every file; a constrained file would make the
        # declarations platform dependent.
        p = package_clause.prev_sibling
        while p is not None:
            text = self.text(p)
            if p.type == "comment" and text.startswith(("//go:build", "// +build")):
                raise self.error(p, "build constraints are not supported")
            p = p.prev_sibling

    def imports(self, node: Node) -> list[tuple[str, str]]:
        specs = [
            s
            for c in _named(node)
            for s in (_named(c) if c.type == "import_spec_list" else [c])
            if s.type == "import_spec"
        ]
        out = []
        for spec in specs:
            path = self.string(self.child(spec, "path"))
            name = spec.child_by_field_name("name")
            out.append(
                (self.text(name) if name is not None else _import_name(path), path)
            )
        return out

    def specs(self, decl: Node) -> tuple[list[Node], bool]:
        """The specs of a declaration and whether it is parenthesized."""
        parenthesized = any(c.type == "(" for c in decl.children)
        specs: list[Node] = []
        for c in _named(decl):
            if c.type.endswith("_spec_list"):  # var ( ... )
                parenthesized = True
                specs.extend(_named(c))
            else:
                specs.append(c)
        return specs, parenthesized

    def types(self, decl: Node) -> list[GoDecl]:
        decl_doc = self.doc(decl)
        specs, parenthesized = self.specs(decl)
        out: list[GoDecl] = []
        for spec in specs:
            if spec.child_by_field_name("type_parameters") is not None:
                raise self.error(spec, "generic types are not supported")
            # go/doc: a spec without its own doc uses the declaration's doc.
            doc = (self.doc(spec) if parenthesized else "") or decl_doc
            if not doc:
                doc = self.line_comment(spec) or (
                    "" if parenthesized else self.line_comment(decl)
                )
            name = self.text(self.child(spec, "name"))
            type_node = self.child(spec, "type")
            pos = self.pos(spec)
            if type_node.type == "struct_type" and spec.type == "type_spec":
                fields = self.fields(_named(type_node)[0])
                out.append(GoStruct(name, fields, doc, _deprecation(doc), pos))
            else:
                underlying = self.type(type_node)
                alias = spec.type == "type_alias"
                out.append(
                    GoNamedType(name, underlying, doc, _deprecation(doc), pos, alias)
                )
        return out

    def consts(self, decl: Node, sources: dict[str, _ConstSource]) -> list[GoDecl]:
        decl_doc = self.doc(decl)
        specs, parenthesized = self.specs(decl)
        group_doc = decl_doc if parenthesized else ""
        out: list[GoDecl] = []
        # Implicit repetition: a spec without "= values" repeats the previous
        # spec's type and expression list, re-evaluated with its own iota.
        last_type: str | None = None
        last_values: list[Node] = []
        for iota, spec in enumerate(specs):
            names = [
                n for n in spec.children_by_field_name("name") if n.type == "identifier"
            ]
            type_node = spec.child_by_field_name("type")
            value_node = spec.child_by_field_name("value")
            if value_node is not None:
                last_values = _named(value_node)
                last_type = None if type_node is None else self.text(type_node)
            elif type_node is not None or not last_values:
                raise self.error(spec, "const declaration without values")
            if len(last_values) != len(names):
                raise self.error(
                    spec, f"{len(names)} const names but {len(last_values)} values"
                )
            doc = (self.doc(spec) if parenthesized else decl_doc) or self.line_comment(
                spec
            )
            if not doc and not parenthesized:
                doc = self.line_comment(decl)
            for name_node, value in zip(names, last_values):
                name = self.text(name_node)
                if name == "_":
                    continue
                try:
                    expr: GoExpr | None = self.expr(value)
                except GoError:
                    expr = None  # e.g. float constants: kept, with value None
                sources[name] = _ConstSource(expr, iota, last_type)
                out.append(
                    GoConst(
                        name=name,
                        type_name=last_type,
                        value=None,  # evaluated once the whole package is read
                        expr=self.text(value),
                        doc=doc,
                        deprecated=_deprecation(doc),
                        group_doc=group_doc,
                        pos=self.pos(name_node),
                    )
                )
        return out

    def vars(self, decl: Node) -> list[GoDecl]:
        decl_doc = self.doc(decl)
        specs, parenthesized = self.specs(decl)
        out: list[GoDecl] = []
        for spec in specs:
            names = [
                n for n in spec.children_by_field_name("name") if n.type == "identifier"
            ]
            type_node = spec.child_by_field_name("type")
            value_node = spec.child_by_field_name("value")
            values = [] if value_node is None else _named(value_node)
            if values and len(values) != len(names):
                raise self.error(spec, "multi-value var initializers are not supported")
            doc = (self.doc(spec) if parenthesized else decl_doc) or self.line_comment(
                spec
            )
            gotype = None if type_node is None else self.type(type_node)
            for i, name_node in enumerate(names):
                name = self.text(name_node)
                value = self.expr(values[i]) if values else None
                if name != "_":
                    out.append(
                        GoVar(
                            name,
                            gotype,
                            value,
                            doc,
                            _deprecation(doc),
                            self.pos(name_node),
                        )
                    )
        return out

    def method(self, node: Node) -> GoMethod:
        receiver = _named(self.child(node, "receiver"))[0]
        rtype = self.child(receiver, "type")
        pointer = rtype.type == "pointer_type"
        if pointer:
            rtype = _named(rtype)[0]
        if rtype.type == "generic_type":
            rtype = self.child(rtype, "type")
        return GoMethod(
            self.text(rtype),
            self.text(self.child(node, "name")),
            pointer,
            self.pos(node),
        )


# --- constant evaluation --------------------------------------------------------

_Typed = tuple[ConstValue, str | None]  # value, type name (None: untyped)


class _ConstEvaluator:
    def __init__(
        self, sources: dict[str, _ConstSource], types: dict[str, GoType]
    ) -> None:
        self.sources = sources
        self.types = types
        self.done: dict[str, _Typed | None] = {}
        self.active: set[str] = set()

    def const(self, name: str) -> _Typed | None:
        if name in self.done:
            return self.done[name]
        source = self.sources[name]
        if name in self.active or source.expr is None:
            return None  # a cycle (invalid Go) or an inexpressible value
        self.active.add(name)
        result = self.eval(source.expr, source.iota)
        self.active.discard(name)
        if result is not None and source.type_name is not None:
            result = self.convert(result[0], source.type_name)
        self.done[name] = result
        return result

    def basic(self, type_name: str | None) -> str | None:
        """The predeclared type underlying a package-local type name."""
        for _ in range(32):
            if type_name is None or type_name in _PREDECLARED_TYPES:
                return type_name
            t = self.types.get(type_name)
            if t is None or t.kind != "ident":
                return None
            type_name = t.name
        return None

    def convert(self, value: ConstValue, type_name: str) -> _Typed | None:
        basic = self.basic(type_name)
        if basic == "string":
            if type(value) is int:  # string(65) == "A"; invalid code points give U+FFFD
                ok = 0 <= value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF
                return (chr(value) if ok else "\ufffd"), type_name
            return (value, type_name) if isinstance(value, str) else None
        if basic in _INT_BITS:
            return (value, type_name) if type(value) is int else None
        if basic == "bool":
            return (value, type_name) if isinstance(value, bool) else None
        if basic is None and type_name not in self.types:
            return value, type_name  # imported, or in a file not read: trust it
        return None  # floats, complex, or a type we cannot see through

    def eval(self, e: GoExpr, iota: int) -> _Typed | None:
        if isinstance(e, GoLit):
            return e.value, None
        if isinstance(e, GoIdent):
            if e.package:
                return None
            if e.name == "iota":
                return iota, None
            return self.const(e.name) if e.name in self.sources else None
        if isinstance(e, GoConversion):
            inner = self.eval(e.arg, iota)
            if inner is None or e.type.kind not in ("ident", "qualified"):
                return None
            return self.convert(inner[0], str(e.type))
        if isinstance(e, GoUnary):
            inner = self.eval(e.operand, iota)
            if inner is None:
                return None
            v, t = inner
            if e.op == "!" and isinstance(v, bool):
                return not v, t
            if isinstance(v, bool) or not isinstance(v, int):
                return None
            if e.op == "-":
                return -v, t
            if e.op == "+":
                return v, t
            if e.op == "^":
                basic = self.basic(t)
                if basic is not None and basic.startswith(("uint", "byte")):
                    return ~v & ((1 << _INT_BITS[basic]) - 1), t
                return ~v, t
            return None
        if isinstance(e, GoBinary):
            left = self.eval(e.left, iota)
            right = self.eval(e.right, iota)
            if left is None or right is None:
                return None
            return _binary(e.op, left, right)
        if isinstance(e, GoCall) and len(e.args) == 1 and "." in e.func:
            # In a constant expression pkg.T(x) can only be a conversion to an
            # imported type (or a builtin of package unsafe).
            inner = self.eval(e.args[0], iota)
            if inner is None or e.func.startswith("unsafe."):
                return None
            return self.convert(inner[0], e.func)
        return None  # builtin calls (len, min, ...) and composites


_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip


def _binary(op: str, left: _Typed, right: _Typed) -> _Typed | None:
    a, ta = left
    b, tb = right
    if type(a) is not type(b):
        return None
    # Comparisons give an untyped bool; shifts keep the left operand's type.
    if op in _COMPARISONS:
        if isinstance(a, bool) and op not in ("==", "!="):
            return None
        return bool(_COMPARISONS[op](a, b)), None
    t = ta if op in ("<<", ">>") else (ta or tb)
    if isinstance(a, bool) and isinstance(b, bool):
        if op == "&&":
            return a and b, t
        if op == "||":
            return a or b, t
        return None
    if isinstance(a, str) and isinstance(b, str):
        return (a + b, t) if op == "+" else None
    if not (isinstance(a, int) and isinstance(b, int)):
        return None
    if op in ("/", "%"):
        if b == 0:
            return None
        q = (
            abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
        )  # truncates toward zero
        return (q if op == "/" else a - b * q), t
    if op in ("<<", ">>"):
        if b < 0 or b > 10_000:
            return None
        return (a << b if op == "<<" else a >> b), t
    ops = {
        "+": a + b, "-": a - b, "*": a * b, "&": a & b, "|": a | b, "^": a ^ b,
        "&^": a & ~b,
    }  # fmt: skip
    return (ops[op], t) if op in ops else None


def _type_map(decls: tuple[GoDecl, ...]) -> dict[str, GoType]:
    types: dict[str, GoType] = {}
    for d in decls:
        if isinstance(d, GoStruct):
            types[d.name] = GoType("struct", fields=d.fields)
        elif isinstance(d, GoNamedType):
            types[d.name] = d.underlying
    return types


def _resolve_conversions(e: GoExpr, types: dict[str, GoType]) -> GoExpr:
    """Rewrite T(x) calls into conversions now that the package's types are known."""
    if isinstance(e, GoCall):
        args = tuple(_resolve_conversions(a, types) for a in e.args)
        if e.func in types and len(args) == 1:
            return GoConversion(GoType("ident", name=e.func), args[0], e.pos)
        return replace(e, args=args)
    if isinstance(e, GoConversion):
        return replace(e, arg=_resolve_conversions(e.arg, types))
    if isinstance(e, GoComposite):
        return replace(
            e,
            elements=tuple((k, _resolve_conversions(v, types)) for k, v in e.elements),
        )
    if isinstance(e, GoUnary):
        return replace(e, operand=_resolve_conversions(e.operand, types))
    if isinstance(e, GoBinary):
        return replace(
            e,
            left=_resolve_conversions(e.left, types),
            right=_resolve_conversions(e.right, types),
        )
    return e


def _finish(
    decls: tuple[GoDecl, ...], sources: dict[str, _ConstSource]
) -> tuple[GoDecl, ...]:
    """Evaluate consts and resolve conversions across all files of a package."""
    types = _type_map(decls)
    for source in sources.values():
        if source.expr is not None:
            source.expr = _resolve_conversions(source.expr, types)
    evaluator = _ConstEvaluator(sources, types)
    out: list[GoDecl] = []
    for d in decls:
        if isinstance(d, GoConst):
            result = evaluator.const(d.name)
            if result is not None:
                value, type_name = result
                # Untyped specs take the type of their expression (Canonical = SHA256).
                d = replace(d, value=value, type_name=d.type_name or type_name)
        elif isinstance(d, GoVar) and d.value is not None:
            d = replace(d, value=_resolve_conversions(d.value, types))
        out.append(d)
    return tuple(out)


# --- public entry points --------------------------------------------------------


def _read(path: Path, display: str) -> tuple[GoFile, dict[str, _ConstSource]]:
    return _Reader(path.read_bytes(), display).read()


def check_syntax(path: Path, display: str) -> None:
    """Raise GoError at the first syntax error of a Go file; nothing else is checked
    (``spec import`` checks every vendored Go file, even those the reader does not
    support, such as upstream's validator code)."""
    _Reader(path.read_bytes(), display)


def read_file(path: Path, display: str) -> GoFile:
    """Read one Go file; its consts are evaluated against this file alone."""
    file, sources = _read(path, display)
    return replace(file, decls=_finish(file.decls, sources))


def read_package(directory: Path, display_dir: str) -> GoPackage:
    """Read the package in directory: every *.go file there except *_test.go."""
    paths = sorted(
        p for p in directory.iterdir()
        if p.suffix == ".go" and not p.name.endswith("_test.go") and p.is_file()
    )  # fmt: skip
    if not paths:
        raise GoError(Pos(display_dir, 0), "no Go files")
    files: list[GoFile] = []
    sources: dict[str, _ConstSource] = {}
    for p in paths:
        file, file_sources = _read(p, f"{display_dir}/{p.name}")
        if files and file.package != files[0].package:
            raise GoError(
                Pos(file.file, 1),
                f"package {file.package}; expected {files[0].package}",
            )
        files.append(file)
        sources.update(file_sources)
    decls = tuple(d for f in files for d in f.decls)
    seen: dict[str, Pos] = {}
    for d in decls:
        if d.name in seen:
            raise GoError(
                d.pos, f"{d.name} redeclared; previous declaration at {seen[d.name]}"
            )
        seen[d.name] = d.pos
    imports = tuple(dict.fromkeys(i for f in files for i in f.imports))
    return GoPackage(
        name=files[0].package,
        dir=display_dir,
        imports=imports,
        decls=_finish(decls, sources),
        doc="\n\n".join(f.doc for f in files if f.doc),
        methods=tuple(m for f in files for m in f.methods),
    )
