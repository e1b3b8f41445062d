"""The test suite's own reader of fenced code blocks in the spec markdown."""

from __future__ import annotations

from pathlib import Path

from support.mdexamples import fences

DOC = """\
# Title <a name="top" />

```json,title=A%20B&mediatype=application/vnd.oci.descriptor.v1%2Bjson
{"a": 1}
```

## <a name="sec" />Section

1. A list item:

   ```json
   {
     "b": [
       2
     ]
   }
   ```

   ~~~~markdown
   ```json
   # not a heading
   ```
   ~~~~

### Example ###

```
plain
```
#### Deeper
## Back up
``` json
unclosed
"""


def test_fences(tmp_path: Path) -> None:
    md = tmp_path / "doc.md"
    md.write_text(DOC, encoding="utf-8")
    got = fences(md)
    assert [(f.name, f.lang, f.body) for f in got] == [
        ("doc.md:3", "json", '{"a": 1}\n'),
        ("doc.md:11", "json", '{\n  "b": [\n    2\n  ]\n}\n'),
        ("doc.md:19", "markdown", "```json\n# not a heading\n```\n"),
        ("doc.md:27", "", "plain\n"),
        ("doc.md:32", "json", "unclosed\n"),
    ]
    assert got[0].attributes == {
        "title": "A B",
        "mediatype": "application/vnd.oci.descriptor.v1+json",
    }
    assert got[1].attributes == {}
    assert [f.headings for f in got] == [
        ("Title",),
        ("Title", "Section"),
        ("Title", "Section"),
        ("Title", "Section", "Example"),
        ("Title", "Back up"),
    ]
