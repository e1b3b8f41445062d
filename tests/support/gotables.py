"""The cases of upstream's table-driven Go tests, read for the test suite.

A test oracle must not depend on the parser under test, so this reader uses
tree-sitter-go directly and shares nothing with ``generator/golang.py``.

A table is a ``[]struct{...}{...}`` literal ranged over in a ``TestXxx``
function, directly (``range []struct{...}{...}``) or through a local variable.
Each element becomes a ``TableCase`` whose fields are in struct order: Go
string, integer and bool literals are evaluated; anything else is kept as
``"expr:" + source``; an omitted field of a predeclared string, bool or integer
type gets Go's zero value, other omitted fields are absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tree_sitter
import tree_sitter_go

_PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))
_INTS = {"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
         "uint32", "uint64", "uintptr", "byte", "rune"}  # fmt: skip
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
            "v": "\v", "\\": "\\", "'": "'", '"': '"'}  # fmt: skip

Value = str | int | bool


@dataclass(frozen=True)
class TableCase:
    func: str  # the Test function
    index: int  # position in the table literal
    fields: tuple[tuple[str, Value], ...]
    comment: str  # comment lines above the element, else leading ones inside it
    line: int  # 1-based line of the element

    def get(self, name: str) -> Value:
        return dict(self.fields)[name]


class TableError(Exception):
    pass


def table_tests(path: Path) -> tuple[TableCase, ...]:
    source = path.read_bytes()
    tree = _PARSER.parse(source)
    if tree.root_node.has_error:
        raise TableError(f"{path.name}: syntax error")
    reader = _Reader(source)
    cases: list[TableCase] = []
    for func in tree.root_node.named_children:
        if func.type != "function_declaration":
            continue
        name = reader.text(func.child_by_field_name("name"))
        # go test runs TestXxx where Xxx does not start with a lower-case letter.
        if not name.startswith("Test") or name[4:5].islower():
            continue
        body = func.child_by_field_name("body")
        for table in reader.tables(body):
            cases.extend(reader.cases(name, table))
    return tuple(cases)


class _Reader:
    def __init__(self, source: bytes) -> None:
        self.src = source

    def text(self, node: tree_sitter.Node | None) -> str:
        assert node is not None
        return self.src[node.start_byte : node.end_byte].decode("utf-8")

    @staticmethod
    def is_table(node: tree_sitter.Node | None) -> bool:
        if node is None or node.type != "composite_literal":
            return False
        t = node.child_by_field_name("type")
        return (
            t is not None
            and t.type == "slice_type"
            and (elem := t.child_by_field_name("element")) is not None
            and elem.type == "struct_type"
        )

    def tables(self, body: tree_sitter.Node | None) -> list[tree_sitter.Node]:
        """Table literals ranged over in a function body, in source order."""
        local: dict[str, tree_sitter.Node] = {}
        found: list[tree_sitter.Node] = []

        def visit(n: tree_sitter.Node) -> None:
            if n.type in ("short_var_declaration", "assignment_statement", "var_spec"):
                left = n.child_by_field_name("left") or n.child_by_field_name("name")
                right = n.child_by_field_name("right") or n.child_by_field_name("value")
                if left is not None and right is not None:
                    lefts = left.named_children if left.type == "expression_list" else [left]
                    rights = right.named_children if right.type == "expression_list" else [right]
                    for name, value in zip(lefts, rights):
                        if self.is_table(value):
                            local[self.text(name)] = value
            if n.type == "range_clause":
                right = n.child_by_field_name("right")
                if right is not None and right.type == "identifier":
                    right = local.get(self.text(right))
                if right is not None and self.is_table(right) and right not in found:
                    found.append(right)
            for child in n.named_children:
                visit(child)

        if body is not None:
            visit(body)
        return found

    def struct_fields(self, table: tree_sitter.Node) -> list[tuple[str, str]]:
        """(name, type source) of the table's element struct."""
        struct = table.child_by_field_name("type").child_by_field_name("element")  # type: ignore[union-attr]
        decls = next(c for c in struct.named_children if c.type == "field_declaration_list")
        out = []
        for decl in decls.named_children:
            if decl.type != "field_declaration":
                continue
            type_text = self.text(decl.child_by_field_name("type"))
            for i in range(decl.child_count):
                if decl.field_name_for_child(i) == "name":
                    out.append((self.text(decl.children[i]), type_text))
        return out

    def cases(self, func: str, table: tree_sitter.Node) -> list[TableCase]:
        fields = self.struct_fields(table)
        names = [n for n, _ in fields]
        body = table.child_by_field_name("body")
        assert body is not None
        out: list[TableCase] = []
        index = 0
        for element in body.named_children:
            if element.type == "comment":
                continue
            comment = self.lead_comment(element)
            if element.type == "keyed_element":  # {3: {...}} sets the index
                key, element = element.named_children[0], element.named_children[-1]
                index = int(self.text(key), 0)
            value = element.named_children[0] if element.type == "literal_element" else element
            if value.type == "composite_literal":
                value = value.child_by_field_name("body")
            if value is None or value.type != "literal_value":
                raise TableError(f"line {element.start_point.row + 1}: unsupported table element")
            given: dict[str, Value] = {}
            items = [c for c in value.named_children if c.type != "comment"]
            for i, item in enumerate(items):
                if item.type == "keyed_element":
                    key_node, value_node = item.named_children[0], item.named_children[-1]
                    name = self.text(key_node)
                else:
                    name, value_node = names[i], item
                given[name] = self.value(value_node)
            comment = comment or self.inner_comment(value)
            row: list[tuple[str, Value]] = []
            for name, type_text in fields:
                v = given.get(name, _zero(type_text))
                if v is not None:
                    row.append((name, v))
            out.append(TableCase(func, index, tuple(row), comment, element.start_point.row + 1))
            index += 1
        return out

    # -- comments (go/ast CommentGroup rules) ------------------------------------

    def lead_comment(self, node: tree_sitter.Node) -> str:
        """Comments ending on the line above ``node``, except one that starts on
        the line where the previous token ends (that token's line comment)."""
        group: list[tree_sitter.Node] = []
        p, row = node.prev_sibling, node.start_point.row
        while p is not None and p.type == "comment" and p.end_point.row == row - 1:
            group.append(p)
            row = p.start_point.row
            p = p.prev_sibling
        while p is not None and p.type == "comment":
            p = p.prev_sibling
        prev_row = p.end_point.row if p is not None else -1
        return _comment_text([self.text(c) for c in reversed(group) if c.start_point.row != prev_row])

    def inner_comment(self, literal: tree_sitter.Node) -> str:
        lead: list[str] = []
        for c in literal.named_children:
            if c.type != "comment":
                break
            lead.append(self.text(c))
        return _comment_text(lead)

    # -- values -------------------------------------------------------------------

    def value(self, node: tree_sitter.Node) -> Value:
        if node.type == "literal_element":
            node = node.named_children[0]
        t = node.type
        if t == "raw_string_literal":
            return self.text(node)[1:-1].replace("\r", "")
        if t == "interpreted_string_literal":
            return _unquote(self.text(node)[1:-1])
        if t == "int_literal":
            return _int(self.text(node))
        if t in ("true", "false"):
            return t == "true"
        if t == "unary_expression" and self.text(node.child_by_field_name("operator")) == "-":
            operand = node.child_by_field_name("operand")
            if operand is not None and operand.type == "int_literal":
                return -_int(self.text(operand))
        return "expr:" + self.text(node)


def _zero(type_text: str) -> Value | None:
    if type_text == "string":
        return ""
    if type_text == "bool":
        return False
    return 0 if type_text in _INTS else None


def _int(text: str) -> int:
    text = text.replace("_", "")
    if len(text) > 1 and text[0] == "0" and text[1].isdigit():
        return int(text, 8)  # Go's legacy octal: 0755
    return int(text, 0)


def _unquote(body: str) -> str:
    """The value of a Go interpreted string literal's body."""
    out: list[str] = []
    raw = bytearray()  # \x and octal escapes are bytes, decoded as UTF-8 together
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            if raw:
                out.append(raw.decode("utf-8", "replace"))
                raw.clear()
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e in "xX01234567":
            if e in "xX":
                raw.append(int(body[i + 2 : i + 4], 16))
                i += 4
            else:
                raw.append(int(body[i + 1 : i + 4], 8))
                i += 4
            continue
        if raw:
            out.append(raw.decode("utf-8", "replace"))
            raw.clear()
        if e == "u":
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        elif e == "U":
            out.append(chr(int(body[i + 2 : i + 10], 16)))
            i += 10
        else:
            out.append(_ESCAPES[e])
            i += 2
    if raw:
        out.append(raw.decode("utf-8", "replace"))
    return "".join(out)


def _comment_text(comments: list[str]) -> str:
    lines: list[str] = []
    for c in comments:
        if c.startswith("//"):
            c = c[2:]
            if c.startswith(" "):
                c = c[1:]
            elif c[:1].isalpha() and ":" in c.split(" ")[0]:
                continue  # a //go:generate-style directive
            lines.append(c)
        else:
            lines.extend(c[2:-2].split("\n"))
    out: list[str] = []
    for line in (ln.rstrip() for ln in lines):
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
