"""Go against the hand-written expectations of tests/go_behaviour.py.

tests/output/test_go_behaviour.py holds oci_spec to the same expectations
without Go; here goref (the upstream Go types, go-digest, and the checks of
upstream's validator) confirms every one of them, so an expectation cannot
drift from what Go does.  The verdicts of upstream's validator are also
compared with oci_spec's on many more strings than the tables hold.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from go_behaviour import (
    DIGESTS,
    ENVS,
    FACTS,
    SAME,
    UPSTREAM_URIS,
    VALUES,
    Fact,
    accepts,
    descriptor_with_digest,
    descriptor_with_url,
    image_with_env,
    model,
)
from strategies import REPO, go_name
from toolchain import GoRef

from oci_spec import ValidationError
from oci_spec.image import v1

pytestmark = pytest.mark.differential


@pytest.mark.parametrize("fact", FACTS, ids=[f"{i}-{f.type}" for i, f in enumerate(FACTS)])
def test_go_does_what_the_fact_says(goref: GoRef, fact: Fact) -> None:
    expected = fact.out if fact.go is SAME else fact.go
    ok, out = goref.roundtrip(fact.type, fact.doc)
    if expected is None:
        assert not ok, f"Go accepted it and wrote {out!r}"
    else:
        assert ok, f"Go refused it: {out}"
        assert out == expected


@pytest.mark.parametrize(
    "fact", [f for f in FACTS if f.go is SAME], ids=[f"{i}-{f.type}" for i, f in enumerate(FACTS) if f.go is SAME]
)
def test_oci_spec_and_go_agree(goref: GoRef, fact: Fact) -> None:
    # The same documents, compared directly (not through the expectation).
    ok, out = goref.roundtrip(fact.type, fact.doc)
    try:
        ours: bytes | None = model(fact.type).from_json(fact.doc).to_json()
    except ValidationError:
        ours = None
    assert ours == (out if ok else None)


@pytest.mark.parametrize("behaviour,value,out", VALUES, ids=[f"{i}" for i in range(len(VALUES))])
def test_go_writes_the_value_bytes_unchanged(goref: GoRef, behaviour: str, value: Any, out: bytes) -> None:
    assert goref.roundtrip(go_name(type(value)), out) == (True, out)


# --- upstream's validator, string by string ------------------------------------------------


def test_digest_verdicts_of_go_digest(goref: GoRef) -> None:
    assert goref.validate_digests([d for d, _, _ in DIGESTS]) == [e for _, e, _ in DIGESTS]


def test_digest_verdicts_of_oci_spec_follow_upstreams_validator(goref: GoRef) -> None:
    # Upstream's validator: the schema (python-jsonschema here) and go-digest's
    # Validate, ErrDigestUnsupported ignored.  Against oci_spec, on the table
    # and on mutations of it.
    from generator.schema import Schemas

    rng = random.Random(7)
    digests = [d for d, _, _ in DIGESTS]
    for d in list(digests):
        for _ in range(20):
            i = rng.randrange(len(d) + 1)
            digests.append(d[:i] + rng.choice("aA0:+._-=/\n g") + d[i + rng.randrange(2):])
    go = goref.validate_digests(digests)
    schema = Schemas(REPO / "spec/image-spec/schema", "spec/image-spec/schema").validator(
        "content-descriptor.json"
    )
    wrong = []
    for d, err in zip(digests, go):
        upstream = schema.is_valid(json.loads(descriptor_with_digest(d))) and err in (
            None,
            "unsupported digest algorithm",
        )
        if accepts(v1.Descriptor, descriptor_with_digest(d), "digest") != upstream:
            wrong.append((d, err))
    assert not wrong


def test_env_verdicts(goref: GoRef) -> None:
    envs = [e for e, _ in ENVS] + ["A=b\r", "A=\u2028", "\u00e9=1", "A\x00=1", "A==", "A=b\n\n"]
    go = goref.check_strings("config.Env", envs)
    assert [g is None for g in go[: len(ENVS)]] == [ok for _, ok in ENVS]
    for env, verdict in zip(envs, go):
        assert accepts(v1.Image, image_with_env(env), "config.Env[0]") is (verdict is None), env


_URI_ATOMS = [
    "http", "https", "x", ":", "//", "/", "?", "#", "@", "[", "]", "%", "%25", "%2", "%zz", "%41",
    "%c3%a9", "%3A", "%20", "::", "1", "80", "ffff", "a", "é", "\x01", "\x7f", " ", "`", "{", '"',
    ".", "::ffff:1.2.3.4", "01", "v1.x", "fe80::1", "%25eth0", "-", "~", "!", "$", "'", "<", "|",
    "\\", "^", ":8o", "1.2.3.4", "::1", "1:2:3:4:5:6:7:8:9", "12345", "\u0663",
]  # fmt: skip


def _uri_candidates(n: int) -> list[str]:
    rng = random.Random(11)
    out = {s for s, _ in UPSTREAM_URIS}
    while len(out) < n:
        s = "".join(rng.choice(_URI_ATOMS) for _ in range(rng.randint(1, 8)))
        if rng.random() < 0.7:
            s = rng.choice(["http://", "https://", "x:", "a://", "h://["]) + s
        out.add(s)
    return sorted(out)


def test_uri_verdicts(goref: GoRef) -> None:
    go = goref.check_strings("format.uri", [s for s, _ in UPSTREAM_URIS])
    assert [g is None for g in go] == [up for _, up in UPSTREAM_URIS]


def test_generated_uri_check_matches_upstream_on_many_strings(goref: GoRef) -> None:
    candidates = _uri_candidates(4000)
    go = goref.check_strings("format.uri", candidates)
    wrong = []
    for s, verdict in zip(candidates, go):
        if accepts(v1.Descriptor, descriptor_with_url(s), "urls[0]") is not (verdict is None):
            wrong.append((s, verdict))
    assert not wrong
    assert 300 < sum(v is None for v in go) < len(go) - 300  # both verdicts well represented
