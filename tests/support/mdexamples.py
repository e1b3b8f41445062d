"""The fenced code blocks of the vendored spec markdown, for the example tests.

CommonMark's fence rules, as far as the vendored texts need them: a fence opens
with three or more backticks or tildes and an optional info string; inside a
list item it is indented (manifest.md's artifact examples by three spaces, the
image-spec's annotations.md grammar by four), so any indentation is taken; it
closes at a line holding only the same character, at least as many, and up to
the opening line's indentation of spaces is removed from each content line. An
unclosed fence runs to the end of the file. ATX headings outside fences give
each block the sections it sits in (anchors such as ``<a name="x" />`` dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

_OPEN = re.compile(r"^( *)(`{3,}(?!.*`)|~{3,})(.*)$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ANCHOR = re.compile(r"<a\s[^>]*>(?:</a>)?")


@dataclass(frozen=True)
class Fence:
    file: str  # the markdown file's name
    line: int  # 1-based line of the opening fence
    info: str  # the info string, stripped: "json", "json,title=...&mediatype=..."
    body: str  # the content, the fence's indentation removed
    headings: tuple[str, ...]  # the enclosing headings' texts, outermost first

    @property
    def name(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def lang(self) -> str:
        return self.info.split(",", 1)[0].strip()

    @property
    def attributes(self) -> dict[str, str]:
        """image-spec's convention (schema/spec_test.go parseExample): after the
        language and a comma, URL query attributes, e.g. ``mediatype=``."""
        if "," not in self.info:
            return {}
        query = parse_qs(self.info.split(",", 1)[1])
        return {key: values[0] for key, values in query.items()}


def fences(path: Path) -> list[Fence]:
    """Every fenced block of one markdown file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Fence] = []
    stack: list[tuple[int, str]] = []  # (level, text) of the enclosing headings
    i = 0
    while i < len(lines):
        opening = _OPEN.match(lines[i])
        if opening is None:
            heading = _HEADING.match(lines[i])
            if heading:
                level = len(heading.group(1))
                while stack and stack[-1][0] >= level:
                    stack.pop()
                text = _ANCHOR.sub("", heading.group(2) or "").strip()
                stack.append((level, text))
            i += 1
            continue
        indent, fence, info = len(opening.group(1)), opening.group(2), opening.group(3)
        close = re.compile(rf"^ *{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            line = lines[j]
            strip = len(line) - len(line.lstrip(" "))
            body.append(line[min(strip, indent) :] + "\n")
            j += 1
        found.append(
            Fence(
                file=path.name,
                line=i + 1,
                info=info.strip(),
                body="".join(body),
                headings=tuple(text for _, text in stack),
            )
        )
        i = j + 1
    return found


def spec_fences(spec_dir: Path) -> list[Fence]:
    """Every fenced block of every markdown file of a vendored spec."""
    return [f for md in sorted(spec_dir.glob("*.md")) for f in fences(md)]
