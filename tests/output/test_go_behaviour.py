"""oci_spec against the hand-written expectations of tests/go_behaviour.py.

No Go needed: each README promise about Go's behaviour has expected bytes or a
verdict written by hand; tests/differential/test_go_behaviour_in_go.py confirms the
same expectations against Go.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from go_behaviour import (
    BEHAVIOURS,
    DIGESTS,
    ENVS,
    FACTS,
    SAME,
    VALUES,
    Fact,
    accepts,
    descriptor_with_digest,
    image_with_env,
    model,
)
from oci_spec import ValidationError
from oci_spec.image import v1

README = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8").split())


def _id(f: Fact) -> str:
    return f"{f.type.rpartition('.')[2]}:{re.sub(r'[^A-Za-z0-9 ]', '', f.behaviour)[:40].strip()}"


@pytest.mark.parametrize("fact", FACTS, ids=[f"{i}-{_id(f)}" for i, f in enumerate(FACTS)])
def test_oci_spec_does_what_the_fact_says(fact: Fact) -> None:
    cls = model(fact.type)
    if fact.out is None:
        with pytest.raises(ValidationError) as ei:
            cls.from_json(fact.doc)
        assert ei.value.path == fact.path, str(ei.value)
        return
    value = cls.from_json(fact.doc)
    assert value.to_json() == fact.out
    if BEHAVIOURS[fact.behaviour] == "upstream":
        with pytest.raises(ValidationError):  # what Go writes, the schema rejects
            value.validate()
    else:
        value.validate()


def test_every_readme_behaviour_has_facts() -> None:
    covered = {f.behaviour for f in FACTS}
    verdicts = {"go-digest's encoded form", "`Env` `KEY=value`"}  # DIGESTS, ENVS
    assert set(BEHAVIOURS) == covered | verdicts
    assert covered <= set(BEHAVIOURS)
    for words in BEHAVIOURS:
        assert words in README, f"README no longer says {words!r}"


def test_differences_from_go_are_the_documented_ones() -> None:
    # A fact where Go does otherwise must be a README difference or a Go-side
    # rule of upstream's validator, never an unlisted one.
    for f in FACTS:
        if f.go is not SAME:
            assert BEHAVIOURS[f.behaviour] == "difference", f


@pytest.mark.parametrize("digest,go_error,ok", DIGESTS, ids=[d[:20] + f"-{len(d)}" for d, _, _ in DIGESTS])
def test_digest_verdicts(digest: str, go_error: str | None, ok: bool) -> None:
    assert accepts(v1.Descriptor, descriptor_with_digest(digest), "digest") is ok


@pytest.mark.parametrize("env,ok", ENVS, ids=[repr(e) for e, _ in ENVS])
def test_env_verdicts(env: str, ok: bool) -> None:
    assert accepts(v1.Image, image_with_env(env), "config.Env[0]") is ok


@pytest.mark.parametrize("behaviour,value,out", VALUES, ids=[f"{i}" for i in range(len(VALUES))])
def test_values_built_in_python_write_go_bytes(behaviour: str, value: Any, out: bytes) -> None:
    # the differential suite checks that Go re-encodes these bytes unchanged
    assert behaviour in BEHAVIOURS
    assert value.to_json() == out
