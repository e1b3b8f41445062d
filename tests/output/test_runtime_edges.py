"""Edges of the generated runtime helpers (``oci_spec/_runtime.py``) that the
other suites did not pin, found by mutation testing (``make mutation``,
docs/testing.md): the boundaries of error paths and messages, Go's encoding
and decoding corner cases.  Every expectation is written by hand, from the
README's promises or from the Go sources named beside it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from oci_spec import ValidationError, _runtime
from oci_spec.image.v1 import Descriptor

DIGEST = "sha256:" + "a" * 64


def descriptor(**members: Any) -> dict[str, Any]:
    return {"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": DIGEST, "size": 1, **members}


def error(doc: dict[str, Any]) -> ValidationError:
    with pytest.raises(ValidationError) as e:
        Descriptor.from_json(json.dumps(doc))
    return e.value


# --- ValidationError: its constructor and its path ------------------------------


def test_rule_and_section_are_keyword_only() -> None:
    e = ValidationError("m", "k", rule="r", section="s")
    assert (e.message, e.path, e.rule, e.section) == ("m", "k", "r", "s")
    with pytest.raises(TypeError):
        ValidationError("m", "k", "r")  # type: ignore[misc]


@pytest.mark.parametrize(
    "key, path",
    [
        ("k" * 60, "annotations." + "k" * 60),  # an identifier up to 60 characters: dotted
        ("k" * 61, 'annotations["' + "k" * 60 + '…"]'),  # longer: quoted, cut at 60, marked
        ("a-b", 'annotations["a-b"]'),  # not an identifier: quoted
        ("-" * 60, 'annotations["' + "-" * 60 + '"]'),  # quoted, 60 kept whole
        ("-" * 61, 'annotations["' + "-" * 60 + '…"]'),
        ("-" * 59, 'annotations["' + "-" * 59 + '"]'),
        ("é", 'annotations["é"]'),  # written as it is, not \u00e9
    ],
)
def test_path_of_a_map_key(key: str, path: str) -> None:
    e = error(descriptor(annotations={key: 1}))
    assert e.path == path
    assert e.message == "expected string, found integer 1"


def test_path_of_nested_items_and_members() -> None:
    assert ValidationError("m", "digest")._at(2)._at("layers").path == "layers[2].digest"
    assert ValidationError("m", 0)._at("urls").path == "urls[0]"
    assert ValidationError("m").path == "$"
    assert ValidationError("m", "x").segments == ("x",)
    assert ValidationError("m", 1)._at("a")._at("b").segments == ("b", "a", 1)


# --- messages: what was found ------------------------------------------------------


@pytest.mark.parametrize(
    "value, shown",
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (1, "1"),
        (-7, "-7"),
        ("x" * 60, '"' + "x" * 60 + '"'),
        ("x" * 61, '"' + "x" * 60 + '…" (61 characters)'),
        ("é\n", '"é\\n"'),
        ((1 << 199) - 1, str((1 << 199) - 1)),  # below 200 bits: the digits
        (1 << 199, f"an integer of {len(str(1 << 199))} digits"),
        (-(1 << 199), f"an integer of {len(str(1 << 199))} digits"),
        ((1 << 13999) - 1, f"an integer of {len(str((1 << 13999) - 1))} digits"),
        (1 << 13999, "an integer of more than 4000 digits"),
        (1.5, "number 1.5"),
        ({"a": 1, "b": 2}, "an object with 2 members"),
        ([1, 2, 3], "an array of 3 items"),
        ((), "tuple"),
    ],
)
def test_show(value: Any, shown: str) -> None:
    assert _runtime._show(value) == shown


def test_found_in_type_errors() -> None:
    assert error(descriptor(size=1.5)).message == "expected integer, found number 1.5"
    assert error(descriptor(size="1")).message == 'expected integer, found string "1"'
    assert error(descriptor(size=True)).message == "expected integer, found boolean"
    assert error(descriptor(size=[])).message == "expected integer, found array"
    assert error(descriptor(size={})).message == "expected integer, found object"
    assert error(descriptor(annotations={"a": 0})).message == "expected string, found integer 0"


def test_found_boolean_and_integer_zero_are_told_apart() -> None:
    assert error(descriptor(size=False)).message == "expected integer, found boolean"
    assert error(descriptor(annotations={"a": False})).message == "expected string, found boolean"
    assert error(descriptor(annotations={"a": 1})).message == "expected string, found integer 1"


def test_an_integer_too_long_for_python_where_another_type_is_expected() -> None:
    from oci_spec.runtime import Root

    digits = "1" * 5000  # past int()'s 4300 digits: kept as its length
    with pytest.raises(ValidationError) as e:
        Root.from_json('{"path": "rootfs", "readonly": ' + digits + "}")
    assert (e.value.path, e.value.message) == ("readonly", "expected boolean, found an integer of 5000 digits")
    with pytest.raises(ValidationError) as e:
        Descriptor.from_json(json.dumps(descriptor())[:-1] + ', "urls": [' + digits + "]}")
    assert (e.value.path, e.value.message) == ("urls[0]", "expected string, found an integer of 5000 digits")
    with pytest.raises(ValidationError) as e:
        Descriptor.from_json(json.dumps(descriptor(size=0))[:-2] + digits + "}")
    assert e.value.path == "size"
    assert e.value.message == "an integer of 5000 digits is beyond every Go number type (and Python's integer limit)"


def test_enum_message_lists_a_few_then_the_count() -> None:
    from pathlib import Path

    from oci_spec.runtime import LinuxSeccomp

    schema = Path(__file__).resolve().parents[2] / "spec" / "runtime-spec" / "schema" / "defs-linux.json"
    arches = json.loads(schema.read_text())["definitions"]["SeccompArch"]["enum"]
    shown = ", ".join(json.dumps(a) for a in arches[:7])  # the first that fit in 120 characters
    with pytest.raises(ValidationError) as e:
        LinuxSeccomp.from_json('{"defaultAction": "SCMP_ACT_KILL", "architectures": ["nope"]}')
    assert e.value.path == "architectures[0]"
    assert e.value.message == f'expected one of {shown}, … ({len(arches) - 7} more); found "nope"'


@pytest.mark.parametrize(
    "size, message",
    [
        (1 << 63, "expected an integer <= 9223372036854775807, found 9223372036854775808"),
        (-(1 << 63) - 1, "expected an integer >= -9223372036854775808, found -9223372036854775809"),
    ],
)
def test_range_message_names_the_bound_passed(size: int, message: str) -> None:
    e = error(descriptor(size=size))
    assert (e.path, e.message) == ("size", message)


def test_a_negative_integer_too_long_for_python_counts_its_digits() -> None:
    for digits in (5000, 5001):
        with pytest.raises(ValidationError) as e:
            Descriptor.from_json(json.dumps(descriptor(size=0))[:-2] + "-" + "9" * digits + "}")
        assert e.value.message == (
            f"an integer of {digits} digits is beyond every Go number type (and Python's integer limit)"
        )


def test_a_float_beyond_float64_is_shown_to_40_characters() -> None:
    number = "1" + "0" * 45 + "e400"
    with pytest.raises(ValidationError) as e:
        Descriptor.from_json(json.dumps(descriptor(size=0))[:-2] + number + "}")
    assert e.value.message == f"invalid JSON: number {number[:40]} is beyond the range of a float64"


# --- member names: Go's case folding ---------------------------------------------


def test_only_long_s_and_kelvin_fold_to_ascii() -> None:
    # encoding/json (fold.go) folds a non-ASCII rune to the smallest of its
    # unicode.SimpleFold orbit: U+017F (long s) folds to 'S' and U+212A (Kelvin)
    # to 'K', but U+0131 (dotless i) is alone in its orbit, though Python's
    # upper() makes it 'I': "sıze" is not "size", and stays an unknown member.
    d = Descriptor.from_json(json.dumps(descriptor(**{"sıze": 2})))
    assert d.size == 1
    assert d.unknown_fields == {"sıze": 2}
    d = Descriptor.from_json(json.dumps({**descriptor(), "ſize": 2}))  # long s: the size field
    assert d.size == 2


# --- from_dict: any Mapping ----------------------------------------------------------


def test_from_dict_takes_any_mapping_alike() -> None:
    import collections
    import types

    doc = descriptor(annotations={"a": "b"})
    expected = Descriptor.from_dict(doc)
    assert Descriptor.from_dict(types.MappingProxyType(doc)) == expected
    assert Descriptor.from_dict(collections.OrderedDict(doc)) == expected
    assert Descriptor.from_dict(collections.ChainMap(doc)) == expected
    with pytest.raises(ValidationError) as e:
        Descriptor.from_dict([("size", 1)])  # type: ignore[arg-type]
    assert (e.value.path, e.value.message) == ("$", "expected object, found array")


def ordered(*members: tuple[str, Any]) -> str:
    return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in members) + "}"


MT = ("mediaType", "application/vnd.oci.image.layer.v1.tar")
DG = ("digest", DIGEST)


def test_members_matched_by_folding_are_decoded_in_document_order() -> None:
    # encoding/json decodes each member in order into the field it matches
    # (exactly, else by folding): a later one replaces an earlier, and null
    # into a value field (int64 Size) is a no-op, into a pointer
    # (*Platform) sets it to nil.  The schema still judges the exact member.
    assert Descriptor.from_json(ordered(MT, ("SIZE", 5), ("size", 7), DG)).size == 7
    with pytest.raises(ValidationError) as e:  # the schema's "size" is an integer, null is not
        Descriptor.from_json(ordered(MT, ("SIZE", 5), ("size", None), DG))
    assert e.value.path == "size"
    assert Descriptor.from_json(ordered(MT, ("size", 5), ("SIZE", None), DG)).size == 5
    platform = ("platform", {"architecture": "amd64", "os": "linux"})
    assert Descriptor.from_json(ordered(MT, ("size", 1), DG, platform, ("PLATFORM", None))).platform is None
    assert Descriptor.from_json(ordered(MT, ("size", 1), DG, ("PLATFORM", None), platform)).platform is not None


# --- digests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "diff_id, message",
    [
        ("sha256" + "a" * 10, "is not a digest of the form algorithm:encoded"),  # no colon
        (":" + "a" * 10, "is not a digest of the form algorithm:encoded"),  # no algorithm
        ("sha256:" + "A" * 10, "is not a valid sha256 digest: expected 64 lowercase hex characters after the colon"),
        ("x:abc", ""),  # an algorithm go-digest does not know: the grammar only
    ],
)
def test_diff_id_digests(diff_id: str, message: str) -> None:
    from oci_spec.image.v1 import Image

    doc = {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [diff_id]}}
    if not message:
        assert Image.from_dict(doc).rootfs.diff_ids == [diff_id]
        return
    with pytest.raises(ValidationError) as e:
        Image.from_dict(doc)
    assert e.value.path == "rootfs.diff_ids[0]"
    assert e.value.message == f"{json.dumps(diff_id)} {message}"


# --- format "uri": net/url.Parse, then santhosh-tekuri/jsonschema's checks -------------
# Verdicts reasoned from Go's net/url (parseHost, validOptionalPort, unescape
# with encodeHost and encodeZone) and jsonschema v6 validateURI (absolute, and
# a host name with ':' must be an IPv6 address).


@pytest.mark.parametrize(
    "uri, valid",
    [
        ("http://[::1]/", True),
        ("http://[::1]:80/", True),
        ("http://[::1]:/", True),  # an empty port is valid
        ("http://[::1]x/", False),  # after ']' only a port
        ("http://[::1/", False),  # missing ']'
        ("http://[abc%25en0]/", True),  # a zone (after %25); no ':' in the name
        ("http://[abc%25e%41]/", True),  # an escape in a zone: a valid host byte
        ("http://[abc%25e%20]/", True),  # a space in a zone (Windows)
        ("http://[abc%25e%2F]/", False),  # '/' is no host byte
        ("http://[abc%25e%2F]:1/", False),
        ("http://[fe80::1%25en0]/", False),  # an IPv6 name with a zone
        ("http://[abc%41]/", False),  # an escaped ASCII byte outside a zone
        ("http://a%25b/", True),  # %25 is allowed in a host
        ("http://%41/", False),  # another escaped ASCII byte is not
        ("http://%C3%A9/", True),  # an escaped non-ASCII byte is
        ("http://a:80/", True),
        ("http://a:/", True),
        ("http://a:b/", False),  # a port is digits
        ("http://:80/", True),
        ("http://a:8a/", False),
    ],
)
def test_uri_hosts(uri: str, valid: bool) -> None:
    doc = descriptor(urls=[uri])
    if valid:
        assert Descriptor.from_dict(doc).urls == [uri]
        return
    e = error(doc)
    assert (e.path, e.message) == ("urls[0]", f"{json.dumps(uri)} is not an absolute URI")


# --- timestamps ------------------------------------------------------------------------


def test_timestamp_constructor_defaults_and_nanoseconds() -> None:
    from datetime import datetime, timezone

    from oci_spec import Timestamp

    t = Timestamp(2024, 1, 2, tzinfo=timezone.utc)
    assert (t.hour, t.minute, t.second, t.microsecond, t.nanosecond) == (0, 0, 0, 0, 0)
    assert t.format_go() == "2024-01-02T00:00:00Z"
    t = Timestamp(2024, 1, 2, 3, 4, 5, 6, timezone.utc)
    assert t.nanosecond == 6000
    assert t.format_go() == "2024-01-02T03:04:05.000006Z"
    t = Timestamp(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc, nanosecond=999_999_999)
    assert (t.microsecond, t.format_go()) == (999_999, "2024-01-02T03:04:05.999999999Z")
    for bad in (-1, 1_000_000_000):
        with pytest.raises(ValueError):
            Timestamp(2024, 1, 2, tzinfo=timezone.utc, nanosecond=bad)
    assert Timestamp(2024, 1, 2, tzinfo=timezone.utc, nanosecond=0).nanosecond == 0
    # equal to a datetime only when the nanoseconds agree too
    assert t != datetime(2024, 1, 2, 3, 4, 5, 999_999, timezone.utc)
    assert Timestamp(2024, 1, 2, 3, 4, 5, 7, timezone.utc) == datetime(2024, 1, 2, 3, 4, 5, 7, timezone.utc)
    assert (Timestamp(2024, 1, 2, tzinfo=timezone.utc) != Timestamp(2024, 1, 2, tzinfo=timezone.utc)) is False
    assert Timestamp(2024, 1, 2, tzinfo=timezone.utc).__eq__(1) is NotImplemented
    assert repr(Timestamp.parse("2024-01-02T03:04:05.5+01:30")) == "Timestamp.parse('2024-01-02T03:04:05.5+01:30')"
    with pytest.raises(ValueError):
        Timestamp.parse("2024-01-02 03:04:05Z")


def test_timestamps_differing_only_in_nanoseconds_differ() -> None:
    from datetime import timezone

    from oci_spec import Timestamp

    a = Timestamp(2024, 1, 2, tzinfo=timezone.utc, nanosecond=5)
    b = Timestamp(2024, 1, 2, tzinfo=timezone.utc, nanosecond=7)
    assert a != b and b != a
    assert not a == b and not b == a


def test_timestamp_parse_fields() -> None:
    from oci_spec import Timestamp

    t = Timestamp.parse("2024-01-02T03:04:05.123456789-01:30")
    assert (t.microsecond, t.nanosecond) == (123456, 123456789)
    assert t.utcoffset() is not None and t.utcoffset().total_seconds() == -5400
    assert t.format_go() == "2024-01-02T03:04:05.123456789-01:30"
    # time.parseRFC3339: offset hours 0..23, minutes 0..59
    for bad in ("2024-01-02T03:04:05+00:60", "2024-01-02T03:04:05+24:00"):
        with pytest.raises(ValueError):
            Timestamp.parse(bad)
    assert Timestamp.parse("2024-01-02T03:04:05+23:59").format_go() == "2024-01-02T03:04:05+23:59"


def test_offsets_with_seconds_are_written_as_go_does() -> None:
    # time.Time.MarshalJSON (appendFormatRFC3339): "Z" only when the offset in
    # seconds is 0; else the minutes of offset/60 (truncated toward zero), so a
    # 30-second offset is "+00:00" and -1:30:30 is "-01:30".
    from datetime import timedelta, timezone

    from oci_spec import Timestamp

    def at(offset: timedelta) -> str:
        return Timestamp(2024, 1, 2, tzinfo=timezone(offset)).format_go()

    assert at(timedelta(0)) == "2024-01-02T00:00:00Z"
    assert at(timedelta(seconds=30)) == "2024-01-02T00:00:00+00:00"
    assert at(timedelta(seconds=-30)) == "2024-01-02T00:00:00+00:00"
    assert at(timedelta(hours=1, minutes=30, seconds=30)) == "2024-01-02T00:00:00+01:30"
    assert at(-timedelta(hours=1, minutes=30, seconds=30)) == "2024-01-02T00:00:00-01:30"
    assert at(-timedelta(minutes=1)) == "2024-01-02T00:00:00-00:01"


# --- []byte: base64.StdEncoding ----------------------------------------------------------


@pytest.mark.parametrize("data", ["QUJD\nREVG", "QUJD\rREVG", "QUJD\r\nREVG"])
def test_base64_skips_cr_and_lf_alone_too(data: str) -> None:
    # encoding/base64's decoder drops every '\r' and '\n', each on its own
    d = Descriptor.from_dict(descriptor(data=data))
    assert d.data == b"ABCDEF"


# --- interface{}: Windows.CredentialSpec ----------------------------------------------------


def credential_spec(value: Any) -> Any:
    from oci_spec.runtime import Windows

    return Windows.from_json(json.dumps({"layerFolders": ["C:\\l"], "credentialSpec": value})).credential_spec


def credential_spec_json(value: Any) -> bytes:
    from oci_spec.runtime import Windows

    w = Windows.from_json(json.dumps({"layerFolders": ["C:\\l"], "credentialSpec": value}))
    return w.to_json()


def test_interface_numbers_are_float64() -> None:
    # json.Unmarshal into interface{}: every number is a float64, so integers
    # beyond 2**53 are rounded, and written back with strconv 'f' digits
    # (the schema makes credentialSpec an object)
    assert credential_spec({"a": [2**53, -(2**53)]}) == {"a": [2**53, -(2**53)]}
    assert credential_spec({"a": [2**53 + 1]}) == {"a": [float(2**53)]}
    assert credential_spec({"a": -(2**53) - 1}) == {"a": -float(2**53)}
    assert credential_spec_json({"a": [0.0, -1.5, 2**53 + 1]}) == (
        b'{"layerFolders":["C:\\\\l"],"credentialSpec":{"a":[0,-1.5,9007199254740992]}}'
    )


def test_interface_errors_have_their_path() -> None:
    from oci_spec.runtime import Windows

    with pytest.raises(ValidationError) as e:  # from_dict: a Python int beyond float64
        Windows.from_dict({"layerFolders": ["l"], "credentialSpec": {"a": [1, 10**400]}})
    assert e.value.path == "credentialSpec.a[1]"
    assert e.value.message == "an integer of 401 digits is beyond the range of a float64"
    with pytest.raises(ValidationError) as e:
        Windows.from_dict({"layerFolders": ["l"], "credentialSpec": {"a": {"b": -(10**400)}}})
    assert e.value.path == "credentialSpec.a.b"


def test_show_of_an_integer_just_under_python_s_digit_limit() -> None:
    # 1 << 14100 has 4245 digits: more than str() shows by default (4300 is the
    # limit, reached near 14,284 bits), so the message does not count them.
    assert _runtime._show(1 << 14100) == "an integer of more than 4000 digits"
    assert _runtime._show(1 << 13000) == "an integer of 3914 digits"
