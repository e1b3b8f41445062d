"""What users do with the values besides JSON: dataclasses functions, equality,
hashing, copies and pickles.  Run against the pure package and, by
`make test-compiled`, against the mypyc build, which must behave the same.
Expectations are written by hand."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from datetime import datetime, timedelta, timezone

import pytest

from oci_spec import ValidationError
from oci_spec.image.v1 import Descriptor, History, Image, Manifest, RootFS
from oci_spec.image.v1 import Platform
from oci_spec import Timestamp
from oci_spec.runtime import Spec

DIGEST = "sha256:" + "a" * 64
MANIFEST = (
    b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
    b'"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"' + DIGEST.encode()
    + b'","size":7},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip",'
    b'"digest":"' + DIGEST.encode() + b'","size":32654,"x-extra":[1,{"b":null}]}],'
    b'"annotations":{"k":"v"}}'
)
CONFIG = (
    b'{"created":"2015-10-31T22:22:56.015925234+01:00","architecture":"amd64","os":"linux",'
    b'"rootfs":{"type":"layers","diff_ids":["' + DIGEST.encode() + b'"]},'
    b'"history":[{"created":"2015-10-31T22:22:54.690851953Z","created_by":"/bin/sh"}]}'
)


def test_dataclasses_functions() -> None:
    m = Manifest.from_json(MANIFEST)
    assert dataclasses.is_dataclass(m)
    assert [f.name for f in dataclasses.fields(Descriptor)] == [
        "media_type", "digest", "size", "urls", "annotations", "data", "platform",
        "artifact_type", "unknown_fields",
    ]
    layer = m.layers[0]
    assert layer.unknown_fields == {"x-extra": [1, {"b": None}]}
    bigger = dataclasses.replace(layer, size=1)
    assert (bigger.size, layer.size, bigger.digest) == (1, 32654, DIGEST)
    d = dataclasses.asdict(Manifest.from_json(MANIFEST))
    assert d["config"] == {
        "media_type": "application/vnd.oci.image.config.v1+json", "digest": DIGEST,
        "size": 7, "urls": None, "annotations": None, "data": None, "platform": None,
        "artifact_type": "", "unknown_fields": None,
    }
    assert d["annotations"] == {"k": "v"}
    img = Image.from_json(CONFIG)
    assert dataclasses.asdict(img)["history"][0]["created"] == Timestamp(
        2015, 10, 31, 22, 22, 54, tzinfo=timezone.utc, nanosecond=690851953)
    with pytest.raises(TypeError):
        Descriptor(media_type="a/b", digest=DIGEST)  # type: ignore[call-arg]  # size required
    with pytest.raises(TypeError):
        Descriptor("a/b", DIGEST, 1)  # type: ignore[misc]  # keyword-only
    with pytest.raises(AttributeError):
        layer.no_such_field = 1  # type: ignore[attr-defined]  # slots


def test_equality_repr_and_hash() -> None:
    a, b = Manifest.from_json(MANIFEST), Manifest.from_json(MANIFEST)
    assert a == b and a is not b
    assert a != dataclasses.replace(b, annotations={"k": "w"})
    assert a.layers[0] != a.config  # unknown members count
    assert Platform(architecture="arm64", os="linux") == Platform(architecture="arm64", os="linux")
    assert repr(Platform(architecture="arm64", os="linux")) == (
        "Platform(architecture='arm64', os='linux', os_version='', os_features=None, "
        "variant='')"  # unknown_fields has repr=False
    )
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)  # eq=True and not frozen: mutable values are unhashable


@pytest.mark.parametrize("how", ["copy", "deepcopy", "pickle", "pickle2"])
def test_copies_and_pickles(how: str) -> None:
    def again(x: object) -> object:
        if how == "copy":
            return copy.copy(x)
        if how == "deepcopy":
            return copy.deepcopy(x)
        return pickle.loads(pickle.dumps(x, 2 if how == "pickle2" else pickle.HIGHEST_PROTOCOL))

    for value in (Manifest.from_json(MANIFEST), Image.from_json(CONFIG),
                  RootFS(type="layers", diff_ids=[DIGEST])):
        out = again(value)
        assert out == value and type(out) is type(value)
        assert out.to_json() == value.to_json()  # type: ignore[attr-defined]
    created = Image.from_json(CONFIG).created
    assert isinstance(created, Timestamp)
    out = again(created)
    assert type(out) is Timestamp
    assert (out.nanosecond, out.microsecond) == (15925234, 15925)  # type: ignore[attr-defined]
    assert out.utcoffset() == timedelta(hours=1)
    assert out.format_go() == "2015-10-31T22:22:56.015925234+01:00"  # type: ignore[attr-defined]
    h = again(History(created=Timestamp(2020, 1, 2, tzinfo=timezone.utc, nanosecond=5)))
    assert h.created.nanosecond == 5  # type: ignore[attr-defined]


def test_timestamp_is_a_datetime() -> None:
    t = Timestamp.parse("2015-10-31T22:22:56.015925234Z")
    assert isinstance(t, datetime)
    assert t == Timestamp(2015, 10, 31, 22, 22, 56, tzinfo=timezone.utc, nanosecond=15925234)
    assert t != Timestamp(2015, 10, 31, 22, 22, 56, tzinfo=timezone.utc, nanosecond=15925235)
    assert hash(t) == hash(Timestamp.parse("2015-10-31T22:22:56.015925234Z"))
    assert t.replace(year=2016).year == 2016
    assert repr(t) == "Timestamp.parse('2015-10-31T22:22:56.015925234Z')"


def test_validation_error_pickles_with_its_path() -> None:
    with pytest.raises(ValidationError) as info:
        Spec.from_json(b'{"ociVersion":"1.0.0","process":{"cwd":"/","user":{"uid":-1,"gid":0}}}')
    err = info.value
    out = pickle.loads(pickle.dumps(err))
    assert type(out) is ValidationError and isinstance(out, ValueError)
    assert out.path == err.path == "process.user.uid"
    assert str(out) == str(err)
