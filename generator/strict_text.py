"""Strict mode against the vendored markdown (``spectext``): each entry of a
strict.toml cites a section that is a heading's anchor there and quotes text
that is in that section, and every key word (MUST, REQUIRED, SHALL ...) of the
files in ``[text] files`` lies inside some entry's quote, or in a section an
``[[out_of_scope]]`` entry takes whole: the catalogue is complete
(``check_text``).  A cited or catalogued file that is not vendored cannot be
checked: generation goes on (the Go types and schemas do not need the prose),
docs/strict-rules.md names the file as not checked, and
tests/generator/test_strict_catalogue.py requires there be none.
``render_doc`` writes docs/strict-rules.md from the same files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import spectext
from .errors import GeneratorError
from .model import Spec
from .render import environment
from .strict_file import KINDS, Entry, StrictFile, load

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DOC_TEMPLATE = "strict-rules.md.j2"


@dataclass
class Catalogue:
    """What the vendored text says about a strict.toml (``check_text``)."""

    texts: dict[str, spectext.Text]  # the markdown files read
    missing: dict[str, list[Entry]]  # file not vendored -> the entries citing it
    # Per entry (by id): the sections it cites; for [[out_of_scope]] entries
    # without a quote, the statements of those sections (the doc lists them).
    statements: dict[int, list[str]] = field(default_factory=dict)
    keywords: int = 0  # key words in the catalogued files
    counts: dict[str, int] = field(default_factory=dict)  # table -> key words it covers


def _near(text: spectext.Text, quote: str) -> str:
    """Where in the file the quote is, if not where it was cited."""
    for s in text.sections:
        if s.anchors and spectext.find([s], quote):
            return f"; it is in {text.name}#{s.anchors[0]}"
    return ""


def check_text(sf: StrictFile) -> Catalogue:
    """Check every entry against the vendored markdown (module docstring)."""
    names = set(sf.text_files) | {
        section.partition("#")[0] for e in sf.entries for section, _ in e.citations
    }
    texts = {
        n: spectext.read(sf.spec_dir / n, n)
        for n in sorted(names)
        if (sf.spec_dir / n).is_file()
    }
    cat = Catalogue(texts, {})
    vendored = sorted(
        str(p.relative_to(sf.spec_dir))
        for p in sf.spec_dir.rglob("*.md")
        if p.is_file()
    )
    for name in vendored:
        if name not in sf.text_files and name not in sf.text_skip:
            raise sf.error(
                sf.text_line,
                f"[text]: the vendored {name} is neither in files nor in skip "
                "(catalogue its MUSTs, or say why not)",
            )
    for name in sf.text_files:
        if name not in texts:
            cat.missing.setdefault(name, [])
    # Which spans of which blocks the entries cover; sections taken whole.
    spans: dict[int, list[tuple[int, int, str]]] = {}
    whole: dict[int, str] = {}
    for entry in sf.entries:
        for n, (section, quote) in enumerate(entry.citations):
            key = "section" if n == 0 else "also"
            name, _, anchor = section.partition("#")
            text = texts.get(name)
            if text is None:
                cat.missing.setdefault(name, []).append(entry)
                continue
            sections = text.section(anchor)
            if sections is None:
                raise sf.error(
                    entry.line_of(key),
                    f"section {section!r}: {name} has no heading with that anchor",
                )
            if not quote:
                for s in sections:
                    whole.setdefault(id(s), entry.table)
                cat.statements[id(entry.values)] = [
                    line
                    for s in sections
                    for b in s.blocks
                    for line in spectext.sentences(b)
                ]
                continue
            key = "quote" if n == 0 else "also"
            found = spectext.find(sections, quote)
            if not found:
                raise sf.error(
                    entry.line_of(key),
                    f"quote not found in {section} of the vendored text (compared "
                    f"without markup and line breaks){_near(text, quote)}: {quote[:80]!r}",
                )
            if not any(
                spectext.KEYWORD.search(b.key, start, end) for b, start, end in found
            ):
                raise sf.error(
                    entry.line_of(key), "the quote has no MUST, REQUIRED or SHALL in it"
                )
            for b, start, end in found:
                spans.setdefault(id(b), []).append((start, end, entry.table))
    for name in sf.text_files:
        text = texts.get(name)
        if text is None:
            continue
        for s in text.sections:
            for b in s.blocks:
                for m in spectext.KEYWORD.finditer(b.key):
                    cat.keywords += 1
                    # Counted for the entry that quotes it most narrowly.
                    table = (
                        whole.get(id(s))
                        or min(
                            (
                                (end - start, t)
                                for start, end, t in spans.get(id(b), ())
                                if start <= m.start() < end
                            ),
                            default=(0, None),
                        )[1]
                    )
                    if table is None:
                        sentence = next(
                            (x for x in spectext.sentences(b) if m.group(0) in x), b.key
                        )
                        raise GeneratorError(
                            f"{sf.file.rpartition('/')[0]}/{name}",
                            b.line,
                            f"{m.group(0)} in no entry of {sf.file} "
                            f"(#{s.anchors[0] if s.anchors else ''}): {sentence[:200]}",
                        )
                    cat.counts[table] = cat.counts.get(table, 0) + 1
    return cat


def tables(text: spectext.Text, anchor: str, column: str) -> list[str] | None:
    """The cells of ``column`` of every markdown table in a section (None: no
    such section or column)."""
    sections = text.section(anchor)
    if sections is None:
        return None
    cells: list[str] = []
    found = False
    for s in sections:
        header: list[str] | None = None
        for b in s.blocks:
            # Cells split at unescaped pipes ("\|" is a pipe inside a cell).
            raw = b.raw.strip()
            raw = raw[1:] if raw.startswith("|") else raw
            raw = raw[:-1] if raw.endswith("|") and not raw.endswith("\\|") else raw
            row = [spectext.shown(c).strip() for c in re.split(r"(?<!\\)\|", raw)]
            if "|" not in b.raw:
                header = None
                continue
            if header is None:
                header = row
                continue
            if column in header and len(row) == len(header):
                found = True
                cells.append(row[header.index(column)])
    return cells if found else None


def render_doc(specs: list[Spec], spec_root: Path, display: str = "spec") -> str:
    """docs/strict-rules.md: every MUST of the vendored texts and what strict mode
    does about it."""
    sections = []
    for spec in specs:
        sf = load(spec_root / spec.name, f"{display}/{spec.name}")
        if sf is None:
            continue
        for entry in sf.rules:
            if entry.val("kind") not in KINDS:
                raise sf.error(
                    entry.line_of("kind"), f"unknown kind {entry.val('kind')!r}"
                )
        sections.append((spec, sf, check_text(sf)))
    ids = [e.val("id") for _spec, sf, _cat in sections for e in sf.rules]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise GeneratorError(
            display, 0, f"rule ids used by two specs: {', '.join(dup)}"
        )
    env = environment(TEMPLATES)
    env.filters["cell"] = _cell
    env.filters["line"] = lambda text: " ".join(str(text).split())
    return env.get_template(DOC_TEMPLATE).render(sections=sections, kinds=KINDS, id=id)


def _cell(text: str) -> str:
    """Text for one markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")
