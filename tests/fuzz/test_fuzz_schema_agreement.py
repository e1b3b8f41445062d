"""Agreement with python-jsonschema on the vendored schemas.

A document ``from_json`` accepts must be accepted by the schema's Draft4Validator
(fed what ``json.loads`` makes of the same input), and a document the schema
rejects must be rejected by us.  Every disagreement must be explained by one of
the named Go-side rules in ``fuzzlib.GO_SIDE_DIFFERENCES`` (stricter checks
upstream's Go validator and Go's decoding add, and JSON-level rules), decided
by re-checking the document with the rule's own condition.  An unexplained disagreement fails with both verdicts and the input.
"""

from __future__ import annotations

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

import fuzzlib
from fuzzlib import COUNTS, EXPLAINED, Seed

PROFILE = settings.get_profile("ocigen-fuzz")


def check_agreement(root: fuzzlib.Root, data: bytes | str) -> str | None:
    COUNTS[f"agreement/{root.spec}"] += 1
    case = fuzzlib.judge(root, data)
    if case.we_accept == case.schema_accepts:
        return None
    name = fuzzlib.classify(case)
    if name is None:
        pytest.fail("unexplained disagreement with python-jsonschema\n" + fuzzlib.describe(case), pytrace=False)
    EXPLAINED[name] += 1
    return name


@pytest.mark.parametrize("seed", fuzzlib.seeds(), ids=lambda s: s.id)
def test_seed_documents_agree(seed: Seed) -> None:
    """The unmutated seeds (including upstream's expected-invalid table cases)."""
    check_agreement(seed.root, seed.text.encode())


@pytest.mark.parametrize("spec", ["image-spec", "runtime-spec"])
@settings(PROFILE, max_examples=fuzzlib.examples(3))
@given(data=st.data())
def test_mutated_documents_agree(spec: str, data: st.DataObject) -> None:
    inp = data.draw(fuzzlib.mutated_inputs(fuzzlib.seeds_for(spec)))
    note(repr(inp))
    name = check_agreement(inp.seed.root, inp.data)
    note(f"explained by: {name}")
