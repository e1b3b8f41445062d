"""The vendored markdown of a spec, read as strict.toml cites it.

A file is a list of sections (the text before the first heading, then one
per heading); each section has its GitHub anchors and its own blocks
(paragraphs, list items, table rows; fenced code is skipped).  A citation
``file.md#anchor`` names a heading's section together with its subsections.

Quotes are compared on a *key* of a block: markdown markup removed (every
backtick, ``*`` and ``_``, the list marker, link targets, HTML tags and
comments, backslash escapes) and whitespace, line breaks included, collapsed
to one space.  The same key is made of the quote, so a quote may be written
with or without the markup; it must lie within one block.  (Dropping every
``_`` also joins ``a_b``: harmless for finding a sentence of the spec.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# RFC 2119 key words that make a requirement (MUST NOT and SHALL NOT contain them).
KEYWORD = re.compile(r"\b(?:MUST|REQUIRED|SHALL)\b")

_FENCE = re.compile(r"\s*(```|~~~)")
_HEADING = re.compile(r"(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"\s*\|?\s*:?-{3,}")
_NAMED = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"[^>]*>")
_CODE = re.compile(r"(`+)(.+?)\1")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
# A link or image: its text (which may hold one level of brackets, as in
# "syscalls[].action") and its target or reference.
_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\](?:\([^)]*\)|\[[^\]]*\])")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass
class Block:
    """A paragraph, list item or table row."""

    line: int  # 1-based, of its first line
    raw: str  # its markdown, lines joined by spaces
    key: str = ""  # see the module docstring


@dataclass
class Section:
    title: str  # the heading's text as GitHub shows it ("" before the first heading)
    level: int  # 1-6; 0 for the text before the first heading
    line: int
    anchors: tuple[str, ...]
    blocks: list[Block] = field(default_factory=list)
    end: int = 0  # index after its last subsection in Text.sections


@dataclass
class Text:
    """One markdown file."""

    name: str
    sections: list[Section]

    def section(self, anchor: str) -> list[Section] | None:
        """The sections ``#anchor`` cites: its heading's, and its subsections."""
        for i, s in enumerate(self.sections):
            if anchor in s.anchors:
                return self.sections[i : s.end]
        return None

    def anchors(self) -> set[str]:
        return {a for s in self.sections for a in s.anchors}


def _inline(text: str, keep_code: bool) -> str:
    """The text GitHub shows for inline markdown: code spans keep their content
    as written; elsewhere links become their text and tags, emphasis and
    escapes go.  With keep_code=False the backticks' content is treated like
    the rest (the key of a quote, which may be written without backticks)."""
    text = _LINK.sub(r"\1", text)  # first: a link's text may hold code spans
    out: list[str] = []
    pos = 0
    spans = list(_CODE.finditer(text)) if keep_code else []
    for m in spans + [None]:
        chunk = text[pos : m.start() if m else len(text)]
        chunk = _TAG.sub("", chunk)
        chunk = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>])", r"\1", chunk)
        chunk = re.sub(r"(?<![A-Za-z0-9])[_*]+|[_*]+(?![A-Za-z0-9])", "", chunk)
        out.append(chunk)
        if m:
            out.append(m.group(2).strip())
            pos = m.end()
    return "".join(out)


def shown(text: str) -> str:
    """Inline markdown as GitHub shows it, on one line."""
    return " ".join(_inline(text, keep_code=True).split())


def key(text: str) -> str:
    """What a quote and the text are compared on (module docstring)."""
    text = _LINK.sub(r"\1", _TAG.sub("", _COMMENT.sub("", text)))
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>])", r"\1", text)
    text = re.sub(r"[`*_]", "", text)
    return " ".join(text.split())


def slug(heading: str) -> str:
    """GitHub's anchor for a heading (without the -1, -2 of repeated ones):
    the shown text, lower case, with everything but letters, digits, ``_``,
    ``-`` and spaces removed and each space made a ``-``."""
    text = _inline(heading, keep_code=True).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def parse(name: str, markdown: str) -> Text:
    sections = [Section("", 0, 1, ())]
    seen: dict[str, int] = {}
    block: Block | None = None
    fenced = False
    in_comment = False
    in_table = False  # after a |---| row: every line is a row, until a blank line

    def close() -> None:
        nonlocal block
        if block is not None:
            block.key = key(_ITEM.sub("", block.raw, count=1))  # without a list marker
            if block.key:
                sections[-1].blocks.append(block)
        block = None

    for n, line in enumerate(markdown.splitlines(), 1):
        if in_comment:
            in_comment = "-->" not in line
            continue
        if _FENCE.match(line):
            close()
            fenced = not fenced
            continue
        if fenced:
            continue
        if "<!--" in line and "-->" not in line.split("<!--", 1)[1]:
            in_comment = True
            line = line.split("<!--", 1)[0]
        stripped = re.sub(r"^\s*>\s?", "", line)  # block quotes
        if m := _HEADING.match(stripped):
            close()
            title = _inline(m.group(2), keep_code=True).strip()
            base = slug(m.group(2))
            # GitHub numbers repeated anchors: example, example-1, example-2.
            count = seen.get(base, 0)
            seen[base] = count + 1
            anchor = base if count == 0 else f"{base}-{count}"
            named = tuple(_NAMED.findall(m.group(2)))
            sections.append(Section(title, len(m.group(1)), n, (anchor, *named)))
            continue
        if not stripped.strip():
            close()
            in_table = False
            continue
        for name_ in _NAMED.findall(stripped):
            sections[-1].anchors += (name_,)
        if _TABLE_RULE.match(stripped) and set(stripped.strip()) <= set("|:- "):
            close()  # the header row before it is a block of its own
            in_table = True
            continue
        row = in_table or stripped.lstrip().startswith("|")
        if row or _ITEM.match(stripped):
            close()
        if block is None:
            block = Block(n, stripped.strip())
        else:
            block.raw += " " + stripped.strip()
        if row:
            close()
    close()
    for i, s in enumerate(sections):
        end = i + 1
        while s.level and end < len(sections) and sections[end].level > s.level:
            end += 1
        s.end = end if s.level else i + 1
    return Text(name, sections)


def read(path: Path, name: str) -> Text:
    return parse(name, path.read_text(encoding="utf-8"))


def find(sections: list[Section], quote: str) -> list[tuple[Block, int, int]]:
    """Every place the quote's key occurs in a block of these sections."""
    k = key(quote)
    out = []
    for s in sections:
        for b in s.blocks:
            start = b.key.find(k)
            while start >= 0 and k:
                out.append((b, start, start + len(k)))
                start = b.key.find(k, start + 1)
    return out


def sentences(block: Block) -> list[str]:
    """The sentences of a block that contain a key word (shown text, one line)."""
    text = shown(_ITEM.sub("", block.raw, count=1))
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"(])", text)
    return [p for p in parts if KEYWORD.search(p)]
