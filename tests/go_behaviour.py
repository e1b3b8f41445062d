"""The Go behaviours the README promises, as hand-written expectations.

Each ``Fact`` is one input document, the bytes oci_spec must write for it (or
where it must refuse it) and, when Go does otherwise (a deliberate difference
the README lists, or a Go-side rule of upstream's validator), what Go's
``json.Unmarshal`` + ``json.Marshal`` of the upstream type does.  Every byte
below was written by hand from the Go sources (encoding/json, time, net/url,
go-digest, upstream's validator), not copied from either implementation's
output.

* tests/output/test_go_behaviour.py checks oci_spec against every expectation
  (no Go needed);
* tests/differential/test_go_behaviour_in_go.py checks Go against the same
  expectations (goref), so each expectation is confirmed by Go itself.

``BEHAVIOURS`` names the README's words for each behaviour; a test keeps the
README and this table in step.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from oci_spec import Timestamp, ValidationError
from oci_spec.image import v1

SAME: Any = object()  # Go writes what oci_spec writes

D = b"sha256:" + b"a" * 64
DESC = b'"mediaType":"a/b","digest":"' + D + b'","size":1'
FFFD = "\ufffd".encode()


def desc(extra: bytes = b"") -> bytes:
    return b"{" + DESC + extra + b"}"


def win(spec: bytes) -> bytes:
    return b'{"layerFolders":["a"],"credentialSpec":' + spec + b"}"


def created(text: bytes) -> bytes:
    return b'{"created":"' + text + b'"}'


@dataclass(frozen=True)
class Fact:
    behaviour: str  # a key of BEHAVIOURS
    type: str  # the goref type name (= oci_spec module path + class)
    doc: bytes
    out: bytes | None  # oci_spec's to_json(); None: from_json refuses
    path: str | None = None  # where oci_spec refuses
    go: Any = SAME  # json.Marshal's bytes, None when Go refuses, SAME as out


def model(type_name: str) -> Any:
    """The oci_spec class of a goref type name ("image.v1.Descriptor")."""
    module, _, name = type_name.rpartition(".")
    return getattr(importlib.import_module(f"oci_spec.{module}"), name)


# README words -> what they promise.  "parity": the README's Go parity
# guarantee; "difference": a deliberate difference it lists; "untrusted": its
# Untrusted input section; "upstream": an upstream inconsistency it names.
BEHAVIOURS: dict[str, str] = {
    "struct field order": "parity",
    "sorted map keys": "parity",
    "`\\u003c \\u003e \\u0026 \\u2028 \\u2029`": "parity",
    "`\\b`/`\\f` short escapes": "parity",
    "omitempty rules": "parity",
    "a struct value is never omitted": "parity",
    "`null` for a nil slice without omitempty": "parity",
    "RFC 3339 with nanoseconds and trailing zeros trimmed": "parity",
    "`Z` for a zero offset": "parity",
    "padded standard base64 for `[]byte`": "parity",
    "invalid UTF-8 bytes become U+FFFD one byte at a time": "parity",
    "lone surrogate": "parity",
    "`null`, where the schema allows it, leaves Go's zero value": "parity",
    "integers are written as integers": "parity",
    "`interface{}` numbers as Go's float64": "parity",
    "**unknown members are kept**": "difference",
    "case-insensitively as Go's `bytes.EqualFold` does": "parity",
    "map value without a schema is Go's zero value": "parity",
    "timestamps accept RFC 3339 only": "difference",
    "not year 0000": "difference",
    "refuses a timestamp written with `\\u` escapes": "difference",
    "the integer `-0` inside an `interface{}` value": "difference",
    "a member given twice": "difference",
    "nest at most 500 arrays and objects": "difference",
    "longer than Python converts": "difference",
    "go-digest's encoded form": "untrusted",
    "`Env` `KEY=value`": "untrusted",
    "Go integer bounds": "untrusted",
    "`format: uri` and `date-time` as Go checks them": "untrusted",
    "Go types where the schema says nothing": "untrusted",
    "`VM.image`": "upstream",
    "`Features.ociVersionMin`": "upstream",
}

CONTROL_IN = rb'"\b\f\t\n\r\u0000\u0001\u001f\u007f\"\\\/"'
CONTROL_OUT = b'"\\b\\f\\t\\n\\r\\u0000\\u0001\\u001f\x7f\\"\\\\/"'
HTML = "<a href='x'>&amp;\u2028\u2029</a>".encode()
HTML_OUT = rb"\u003ca href='x'\u003e\u0026amp;\u2028\u2029\u003c/a\u003e"
STATE = b'{"ociVersion":"1.2.1","id":"c","status":"created","pid":1,"bundle":"/b"}'
IMAGE_MIN = b'"architecture":"amd64","os":"linux"'
ROOTFS = b'"rootfs":{"type":"layers","diff_ids":[]}'

FACTS: list[Fact] = [
    # --- encoding/json: struct fields in declaration order (typeFields) -------------
    Fact("struct field order", "image.v1.Descriptor",
         b'{"artifactType":"a/c","size":1,"annotations":{"k":"v"},"digest":"' + D
         + b'","urls":["https://x/y"],"mediaType":"a/b"}',
         desc(b',"urls":["https://x/y"],"annotations":{"k":"v"},"artifactType":"a/c"')),
    Fact("struct field order", "image.v1.Manifest",
         b'{"annotations":{"a":"b"},"layers":[{' + DESC + b'}],"config":{' + DESC
         + b'},"artifactType":"a/c","mediaType":"application/vnd.oci.image.manifest.v1+json",'
         b'"schemaVersion":2}',
         b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
         b'"artifactType":"a/c","config":{' + DESC + b'},"layers":[{' + DESC
         + b'}],"annotations":{"a":"b"}}'),
    # --- mapEncoder: keys sorted by their UTF-8 bytes (U+FFFD before U+1F600,
    # which UTF-16 order would swap) ----------------------------------------------
    Fact("sorted map keys", "image.v1.Descriptor",
         desc(',"annotations":{"b":"1","a":"2","B":"3","é":"4","z":"5","_":"6","😀":"7",'
              '"\ufffd":"8","":"9","a\\u0000":"10","A":"11"}'.encode()),
         desc(',"annotations":{"":"9","A":"11","B":"3","_":"6","a":"2","a\\u0000":"10",'
              '"b":"1","z":"5","é":"4","\ufffd":"8","😀":"7"}'.encode())),
    Fact("sorted map keys", "image.v1.ImageConfig",
         b'{"ExposedPorts":{"b/tcp":{},"a/udp":{},"A":{}}}',
         b'{"ExposedPorts":{"A":{},"a/udp":{},"b/tcp":{}}}'),
    Fact("sorted map keys", "runtime.LinuxResources",
         b'{"rdma":{"z":{"hcaHandles":1},"m":{},"a":{"hcaObjects":2}}}',
         b'{"rdma":{"a":{"hcaObjects":2},"m":{},"z":{"hcaHandles":1}}}'),
    Fact("sorted map keys", "runtime.Windows",
         win(b'{"b":1,"a":{"d":1,"c":2},"\xf0\x9f\x98\x80":0,"\xef\xbf\xbd":0}'),
         win(b'{"a":{"c":2,"d":1},"b":1,"\xef\xbf\xbd":0,"\xf0\x9f\x98\x80":0}')),
    # --- appendString with escapeHTML; U+2028/U+2029 always escaped ----------------
    Fact("`\\u003c \\u003e \\u0026 \\u2028 \\u2029`", "image.v1.Descriptor",
         desc(b',"annotations":{"' + HTML + b'":"' + HTML + b'"}'),
         desc(b',"annotations":{"' + HTML_OUT + b'":"' + HTML_OUT + b'"}')),
    # --- Go >= 1.22: \b and \f short; other C0 as \u00XX; DEL and '/' raw ---------
    Fact("`\\b`/`\\f` short escapes", "image.v1.History",
         b'{"comment":' + CONTROL_IN + b"}", b'{"comment":' + CONTROL_OUT + b"}"),
    Fact("`\\b`/`\\f` short escapes", "image.v1.History",
         rb'{"comment":"\u00e9\ud83d\ude00\u0080"}', '{"comment":"é😀\u0080"}'.encode()),
    # --- isEmptyValue: empty slice, map, string dropped; 0 without omitempty kept;
    # a pointer to a struct kept, its own omitempty members dropped -------------------
    Fact("omitempty rules", "image.v1.Descriptor",
         desc(b',"urls":[],"annotations":{},"data":""'), desc()),
    Fact("omitempty rules", "image.v1.Descriptor",
         desc(b"").replace(b'"size":1', b'"size":0'), desc(b"").replace(b'"size":1', b'"size":0')),
    Fact("omitempty rules", "image.v1.Descriptor",
         desc(b',"platform":{"architecture":"amd64","os":"linux","os.version":"",'
              b'"os.features":[],"variant":""}'),
         desc(b',"platform":{"architecture":"amd64","os":"linux"}')),
    # --- isEmptyValue has no case for structs: Image.Config (omitempty) stays ------
    Fact("a struct value is never omitted", "image.v1.Image",
         b"{" + IMAGE_MIN + b"," + ROOTFS + b"}",
         b"{" + IMAGE_MIN + b',"config":{},' + ROOTFS + b"}"),
    # --- a nil slice without omitempty is null, an empty one [] -------------------
    Fact("`null` for a nil slice without omitempty", "runtime.ContainerProcessState",
         b'{"ociVersion":"1.2.1","pid":1,"metadata":"m","state":' + STATE + b"}",
         b'{"ociVersion":"1.2.1","fds":null,"pid":1,"metadata":"m","state":' + STATE + b"}"),
    Fact("`null` for a nil slice without omitempty", "runtime.ContainerProcessState",
         b'{"ociVersion":"1.2.1","fds":[],"pid":1,"metadata":"m","state":' + STATE + b"}",
         b'{"ociVersion":"1.2.1","fds":[],"pid":1,"metadata":"m","state":' + STATE + b"}"),
    # --- time.Time.MarshalJSON: RFC3339Nano ------------------------------------------
    Fact("RFC 3339 with nanoseconds and trailing zeros trimmed", "image.v1.History",
         created(b"2024-01-02T03:04:05.120000Z"), created(b"2024-01-02T03:04:05.12Z")),
    Fact("RFC 3339 with nanoseconds and trailing zeros trimmed", "image.v1.History",
         created(b"2024-01-02T03:04:05.000000000Z"), created(b"2024-01-02T03:04:05Z")),
    Fact("RFC 3339 with nanoseconds and trailing zeros trimmed", "image.v1.History",
         created(b"2024-01-02T03:04:05.9999999999Z"), created(b"2024-01-02T03:04:05.999999999Z")),
    Fact("RFC 3339 with nanoseconds and trailing zeros trimmed", "image.v1.History",
         created(b"2024-01-02T03:04:05.000000100+05:30"),
         created(b"2024-01-02T03:04:05.0000001+05:30")),
    Fact("`Z` for a zero offset", "image.v1.History",
         created(b"2024-01-02T03:04:05+00:00"), created(b"2024-01-02T03:04:05Z")),
    Fact("`Z` for a zero offset", "image.v1.History",
         created(b"2024-01-02T03:04:05.5-00:00"), created(b"2024-01-02T03:04:05.5Z")),
    Fact("`Z` for a zero offset", "image.v1.History",
         created(b"2024-01-02T03:04:05-23:59"), created(b"2024-01-02T03:04:05-23:59")),
    # --- []byte: base64.StdEncoding; decoding drops \r and \n, is not strict about
    # trailing bits, refuses missing padding and the URL alphabet ---------------------
    Fact("padded standard base64 for `[]byte`", "image.v1.Descriptor",
         desc(b',"data":"+/+/"'), desc(b',"data":"+/+/"')),
    Fact("padded standard base64 for `[]byte`", "image.v1.Descriptor",
         desc(b',"data":"+/8="'), desc(b',"data":"+/8="')),
    Fact("padded standard base64 for `[]byte`", "image.v1.Descriptor",
         desc(b',"data":"aGl="'), desc(b',"data":"aGk="')),
    Fact("padded standard base64 for `[]byte`", "image.v1.Descriptor",
         desc(b',"data":"aG\\r\\nk=\\n"'), desc(b',"data":"aGk="')),
    Fact("padded standard base64 for `[]byte`", "image.v1.Descriptor",
         desc(b',"data":"aGk"'), None, "data"),
    Fact("padded standard base64 for `[]byte`", "image.v1.Descriptor",
         desc(b',"data":"-_-_"'), None, "data"),
    Fact("padded standard base64 for `[]byte`", "image.v1.Descriptor",
         desc(b',"data":"aG k="'), None, "data"),
    # --- decode.go unquote: each invalid byte is its own U+FFFD (utf8.DecodeRune) --
    Fact("invalid UTF-8 bytes become U+FFFD one byte at a time", "image.v1.History",
         b'{"comment":"a\xffb\xe2\x82x"}', b'{"comment":"a' + FFFD + b"b" + FFFD * 2 + b'x"}'),
    Fact("invalid UTF-8 bytes become U+FFFD one byte at a time", "image.v1.History",
         b'{"comment":"\xed\xa0\x80\xc0\xaf\xf0\x9f\x98"}', b'{"comment":"' + FFFD * 8 + b'"}'),
    Fact("invalid UTF-8 bytes become U+FFFD one byte at a time", "image.v1.Descriptor",
         desc(b',"annotations":{"k\x80":"v"}'), desc(b',"annotations":{"k' + FFFD + b'":"v"}')),
    # --- a lone surrogate escape is U+FFFD, in keys too (equal keys: last wins) ----
    Fact("lone surrogate", "image.v1.History",
         rb'{"comment":"a\ud800b\udc00c\ud83d"}',
         b'{"comment":"a' + FFFD + b"b" + FFFD + b"c" + FFFD + b'"}'),
    Fact("lone surrogate", "image.v1.Descriptor",
         desc(rb',"annotations":{"\ud800":"a","\udbff":"b","\ue000":"c"}'),
         desc(b',"annotations":{"\xee\x80\x80":"c","' + FFFD + b'":"b"}')),
    # --- null leaves the zero value (here a nil pointer, then omitted) -------------
    Fact("`null`, where the schema allows it, leaves Go's zero value", "image.v1.Descriptor",
         desc(b',"platform":null'), desc()),
    # --- integers: intEncoder / uintEncoder, never a float; no float for an int ---
    Fact("integers are written as integers", "runtime.LinuxSeccompArg",
         b'{"index":4294967295,"value":18446744073709551615,"op":"SCMP_CMP_EQ"}',
         b'{"index":4294967295,"value":18446744073709551615,"op":"SCMP_CMP_EQ"}'),
    Fact("integers are written as integers", "image.v1.Descriptor",
         desc(b"").replace(b'"size":1', b'"size":-0'), desc(b"").replace(b'"size":1', b'"size":0')),
    Fact("integers are written as integers", "image.v1.Descriptor",
         desc(b"").replace(b'"size":1', b'"size":1.0'), None, "size"),
    Fact("integers are written as integers", "image.v1.Descriptor",
         desc(b"").replace(b'"size":1', b'"size":1e3'), None, "size"),
    Fact("integers are written as integers", "image.v1.Descriptor",
         desc(b"").replace(b'"size":1', b'"size":"1"'), None, "size"),
    Fact("integers are written as integers", "image.v1.Descriptor",
         desc(b"").replace(b'"size":1', b'"size":true'), None, "size"),
    # --- interface{}: float64; floatEncoder 'f' format below 1e21, else 'e' with
    # the exponent's leading zero cut; integers past 2**53 rounded -------------------
    Fact("`interface{}` numbers as Go's float64", "runtime.Windows",
         win(b'{"a":1.0,"b":1e20,"c":2.5,"d":9007199254740993,"e":1e21,"f":1e-7,'
             b'"g":0.000001,"h":-1,"i":123456789e-30,"j":1.5e300,"k":-0.0}'),
         win(b'{"a":1,"b":100000000000000000000,"c":2.5,"d":9007199254740992,"e":1e+21,'
             b'"f":1e-7,"g":0.000001,"h":-1,"i":1.23456789e-22,"j":1.5e+300,"k":-0}')),
    Fact("`interface{}` numbers as Go's float64", "runtime.Windows",
         win(b'{"n":9223372036854775808,"m":12345678901234567890123}'),
         win(b'{"m":1.2345678901234568e+22,"n":9223372036854776000}')),
    Fact("`interface{}` numbers as Go's float64", "runtime.Windows",
         win(b'{"n":1e400}'), None, "$"),
    Fact("`interface{}` numbers as Go's float64", "runtime.Windows",
         win(b'{"n":1' + b"0" * 400 + b"}"), None, "credentialSpec.n"),
    # --- deliberate differences (README) --------------------------------------------
    Fact("**unknown members are kept**", "image.v1.Descriptor",
         desc(b',"x-unknown":{"deep":[1,2]}'), desc(b',"x-unknown":{"deep":[1,2]}'),
         go=desc()),
    Fact("case-insensitively as Go's `bytes.EqualFold` does", "image.v1.Descriptor",
         b'{"MediaType":"a/b","digest":"' + D + b'","size":1}',
         b'{"mediaType":"a/b","digest":"' + D + b'","size":1}'),
    # U+017F (long s) folds to "s"; a later spelling replaces an earlier one
    Fact("case-insensitively as Go's `bytes.EqualFold` does", "image.v1.Descriptor",
         b'{"mediaType":"a/b","digest":"' + D + b'","\xc5\xbfize":2,"SIZE":3}',
         b'{"mediaType":"a/b","digest":"' + D + b'","size":3}'),
    # null into a value field is a no-op: the earlier value stays
    Fact("case-insensitively as Go's `bytes.EqualFold` does", "image.v1.Descriptor",
         desc(b',"MediaType":null'), desc()),
    Fact("map value without a schema is Go's zero value",
         "runtime.ContainerProcessState",
         b'{"ociVersion":"1.3.0","fds":["a",null],"pid":1,"metadata":"m","state":{"ociVersion":'
         b'"1.3.0","id":"x","status":"running","bundle":"/b","annotations":{"k":null}}}',
         b'{"ociVersion":"1.3.0","fds":["a",""],"pid":1,"metadata":"m","state":{"ociVersion":'
         b'"1.3.0","id":"x","status":"running","bundle":"/b","annotations":{"k":""}}}'),
    Fact("timestamps accept RFC 3339 only", "image.v1.History",
         created(b"2024-01-02T03:04:05,5Z"), None, "created",
         go=created(b"2024-01-02T03:04:05.5Z")),
    Fact("timestamps accept RFC 3339 only", "image.v1.History",
         created(b"2024-01-02T3:04:05Z"), None, "created",
         go=created(b"2024-01-02T03:04:05Z")),
    Fact("not year 0000", "image.v1.History",
         created(b"0000-01-01T00:00:00Z"), None, "created",
         go=created(b"0000-01-01T00:00:00Z")),
    Fact("refuses a timestamp written with `\\u` escapes", "image.v1.History",
         created(b"2015-10-31T22:22:56\\u005a"), created(b"2015-10-31T22:22:56Z"), go=None),
    Fact("the integer `-0` inside an `interface{}` value", "runtime.Windows",
         win(b'{"a":-0}'), win(b'{"a":0}'), go=win(b'{"a":-0}')),
    Fact("a member given twice", "image.v1.Descriptor",
         desc(b',"size":"1","size":1'), desc(), go=None),
    Fact("a member given twice", "image.v1.Descriptor",
         desc(b',"annotations":{"a":"1"},"annotations":{"b":"2"}'),
         desc(b',"annotations":{"b":"2"}'), go=desc(b',"annotations":{"a":"1","b":"2"}')),
    Fact("nest at most 500 arrays and objects", "image.v1.Descriptor",
         desc(b',"x":' + b"[" * 500 + b"]" * 500), desc(b',"x":' + b"[" * 500 + b"]" * 500),
         go=desc()),
    Fact("nest at most 500 arrays and objects", "image.v1.Descriptor",
         desc(b',"x":' + b"[" * 501 + b"]" * 501), None, "x", go=desc()),
    Fact("longer than Python converts", "image.v1.Descriptor",
         desc(b',"x":' + b"9" * 5000), None, "x", go=desc()),
    Fact("longer than Python converts", "image.v1.Descriptor",
         desc(b"").replace(b'"size":1', b'"size":' + b"9" * 5000), None, "size"),
    # --- Go integer bounds (UnmarshalTypeError "number ... overflows") ------------
    Fact("Go integer bounds", "runtime.User", b'{"uid":4294967295,"gid":0}',
         b'{"uid":4294967295,"gid":0}'),
    Fact("Go integer bounds", "runtime.User", b'{"uid":4294967296,"gid":0}', None, "uid"),
    Fact("Go integer bounds", "runtime.User", b'{"uid":-1,"gid":0}', None, "uid"),
    Fact("Go integer bounds", "image.v1.Descriptor",
         desc(b"").replace(b'"size":1', b'"size":-9223372036854775808'),
         desc(b"").replace(b'"size":1', b'"size":-9223372036854775808')),
    Fact("Go integer bounds", "image.v1.Descriptor",
         desc(b"").replace(b'"size":1', b'"size":9223372036854775808'), None, "size"),
    Fact("Go integer bounds", "image.v1.Descriptor",
         desc(b"").replace(b'"size":1', b'"size":-9223372036854775809'), None, "size"),
    Fact("Go integer bounds", "runtime.LinuxSeccompArg",
         b'{"index":0,"value":18446744073709551616,"op":"SCMP_CMP_EQ"}', None, "value"),
    Fact("Go integer bounds", "runtime.LinuxSeccompArg",
         b'{"index":-1,"value":0,"op":"SCMP_CMP_EQ"}', None, "index"),
    Fact("Go integer bounds", "runtime.LinuxMemory", b'{"limit":-1,"swappiness":18446744073709551615}',
         b'{"limit":-1,"swappiness":18446744073709551615}'),
    # --- time.Time.UnmarshalJSON (RFC 3339 path) -------------------------------------
    Fact("`format: uri` and `date-time` as Go checks them", "image.v1.History",
         created(b"2024-01-02t03:04:05Z"), None, "created"),
    Fact("`format: uri` and `date-time` as Go checks them", "image.v1.History",
         created(b"2024-01-02T24:00:00Z"), None, "created"),
    Fact("`format: uri` and `date-time` as Go checks them", "image.v1.History",
         created(b"2024-02-30T03:04:05Z"), None, "created"),
    Fact("`format: uri` and `date-time` as Go checks them", "image.v1.History",
         created(b"2024-12-31T23:59:60Z"), None, "created"),
    Fact("`format: uri` and `date-time` as Go checks them", "image.v1.History",
         created(b"2024-01-02T03:04:05.Z"), None, "created"),
    Fact("`format: uri` and `date-time` as Go checks them", "image.v1.History",
         created(b"2024-01-02T03:04:05+24:00"), None, "created"),
    Fact("`format: uri` and `date-time` as Go checks them", "image.v1.History",
         created(b"2024-02-29T00:00:00Z"), created(b"2024-02-29T00:00:00Z")),
    Fact("`format: uri` and `date-time` as Go checks them", "image.v1.History",
         created("٢٠٢٤-01-02T03:04:05Z".encode()), None, "created"),
    Fact("`format: uri` and `date-time` as Go checks them", "image.v1.History",
         created("2024-01-02T03:04:05.٥Z".encode()), None, "created"),
    Fact("`format: uri` and `date-time` as Go checks them", "image.v1.History",
         created("2024-01-02T03:04:05+٠٥:30".encode()), None, "created"),
    # --- the Go type decides where the schema is silent ------------------------------
    Fact("Go types where the schema says nothing", "image.v1.Manifest",
         b'{"schemaVersion":2,"config":{' + DESC + b'},"layers":[{' + DESC
         + b',"platform":"linux/amd64"}]}', None, "layers[0].platform"),
    Fact("Go types where the schema says nothing", "image.v1.Descriptor",
         desc(b',"annotations":{"":5}'), None, 'annotations[""]'),
    # --- upstream inconsistencies: oci_spec writes Go's bytes, which the schema
    # rejects when read back ------------------------------------------------------------
    Fact("`VM.image`", "runtime.VM", b'{"kernel":{"path":"/k"}}',
         b'{"hypervisor":{"path":""},"kernel":{"path":"/k"},"image":{"path":"","format":""}}'),
    Fact("`Features.ociVersionMin`", "runtime.features.Features",
         b'{"ociVersionMin":"","ociVersionMax":"1.2.1"}', b'{"ociVersionMax":"1.2.1"}'),
]  # fmt: skip


# --- verdicts of upstream's validator on one string ---------------------------------


def descriptor_with_digest(digest: str) -> bytes:
    return b'{"mediaType":"a/b","digest":' + json.dumps(digest).encode() + b',"size":1}'


def descriptor_with_url(url: str) -> bytes:
    return desc(b',"urls":[' + json.dumps(url).encode() + b"]")


def image_with_env(env: str) -> bytes:
    return (
        b'{"architecture":"a","os":"o","config":{"Env":[' + json.dumps(env).encode()
        + b']},"rootfs":{"type":"layers","diff_ids":[]}}'
    )


def accepts(cls: Any, data: bytes, path: str) -> bool:
    """oci_spec's verdict; a refusal must be at ``path``."""
    try:
        cls.from_json(data)
    except ValidationError as e:
        assert e.path == path, str(e)
        return False
    return True


# go-digest Digest.Validate (None: valid; ErrDigestUnsupported passes upstream's
# validator) and oci_spec's verdict on Descriptor.digest, which also applies
# the schema's pattern.
DIGESTS: list[tuple[str, str | None, bool]] = [
    ("sha256:" + "a" * 64, None, True),
    ("sha256:" + "a" * 63, "invalid checksum digest length", False),
    ("sha256:" + "a" * 65, "invalid checksum digest length", False),
    ("sha256:" + "A" * 64, "invalid checksum digest format", False),
    ("sha256:" + "g" * 64, "invalid checksum digest format", False),
    ("sha384:" + "b" * 96, None, True),
    ("sha384:" + "b" * 95, "invalid checksum digest length", False),
    ("sha384:" + "b" * 97, "invalid checksum digest length", False),
    ("sha384:" + "b" * 64, "invalid checksum digest length", False),
    ("sha384:" + "B" * 96, "invalid checksum digest format", False),
    ("sha512:" + "c" * 128, None, True),
    ("sha512:" + "c" * 127, "invalid checksum digest length", False),
    ("sha512:" + "c" * 129, "invalid checksum digest length", False),
    ("sha512:" + "C" * 128, "invalid checksum digest format", False),
    ("sha256:" + "a" * 64 + "\n", "invalid checksum digest length", False),
    ("SHA256:" + "a" * 64, "invalid checksum digest format", False),
    ("blake3:" + "a" * 64, "unsupported digest algorithm", True),
    ("foo+b.c_d:abc", "unsupported digest algorithm", True),
    ("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", "unsupported digest algorithm", True),
    ("a+-b:abc", "invalid checksum digest format", False),
    (":abc", "invalid checksum digest format", False),
    ("sha256:", "invalid checksum digest format", False),
    ("nocolon", "invalid checksum digest format", False),
]

# image-spec schema/validator.go validateConfig: `^[^=]+=.*$` (RE2: '.' stops
# at a newline, '$' is the end of the text).
ENVS: list[tuple[str, bool]] = [
    ("PATH=/bin", True), ("A=", True), ("A=b=c", True), ("A\nB=c", True), ("\n=x", True),
    ("A", False), ("=b", False), ("", False), ("A=b\n", False), ("A=b\nc", False),
]  # fmt: skip

# format "uri" (santhosh-tekuri/jsonschema v6 validateURI over url.Parse):
# (string, url.Parse ok && IsAbs, upstream's verdict), recorded from Go 1.24.
URLS: list[tuple[str, bool, bool]] = [
    ("http://x/?q=%zz", True, True), ("mailto:%zz", True, True), ("http://a@b@c/", True, True),
    ("http://a b@c/", False, False), ("http://x/a b", True, True), ("http://x/#%zz", False, False),
    ("http://x/%zz", False, False), ("http://[::1]:80/", True, True), ("http://[zz]/", True, True),
    ("http://a%41/", False, False), ("http://a%4/", False, False), ("http://x:8o/", False, False),
    ("a:b", True, True), ("http:x", True, True), ("HTTP://x", True, True), ("http://x/\x7f", False, False),
    ("http://a{b/", False, False), ("http://a|b/", False, False), ("http://a^b/", False, False),
    ("http://a`b/", False, False), ("http://a\\b/", False, False), ('http://a"b/', True, True),
    ("http://[::1%25eth0]/", True, False), ("http://[::1]x/", False, False), ("http://x?a b", True, True),
    ("x:/a", True, True), ("x://", True, True), ("x:", True, True), ("http://a%c3%a9/", True, True),
    ("http://a%20b/", False, False), ("http://é/", True, True), ("http://a:b:c/", False, False),
    ("http://[::1]:/", True, True), ("relative/path", False, False), ("//host/x", False, False),
    ("", False, False), (":x", False, False), ("1http://x", False, False),
    ("http://x/#\x01", True, True), ("http://x/#\x7f", True, True), ("http://x/\x01", False, False),
    ("http://[`]/", False, False), ("http://[ab{]/", False, False), ("http://[::1%zz]/", False, False),
    ("https://%zz@x/", False, False), ("https://a:%zz@x/", False, False), ("https://a:b:1/", True, False),
    ("http://x:1:2/", True, False), ('http://[]"]/', True, True), ("http://[]]/", True, True),
    ("http://[::1]]/", True, False), ("http://[v1.x]/", True, True), ("http://[::ffff:1.2.3.4]/", True, True),
    ("http://[::ffff:01.2.3.4]/", True, False), ("http://[é]/", True, True),
]  # fmt: skip
# More of upstream's verdicts (format.uri of goref, Go 1.24).
URIS_MORE: list[tuple[str, bool]] = [
    ("http://x:\u0663/", False), ("http://[v1%25x]/", True), ("http://[fe80::1%25en0]:80/", False),
    ("http://a]b[:c:1/", False), ("http://[::1]:8o/", False), ("https://a%c3%a9@x/", True),
    ("https://a:b@x:1/", True), ("http://x/#%41\x01", True), ("http://[1:2:3:4:5:6:7:8]/", True),
    ("http://[1::2::3]/", False), ("http://[::ffff:1.2.3.04]/", False), ("http://[12345::]/", False),
    ("http://[::1.2.3.4]/", True), ("http://[v1%25a%3Ab]/", False), ("http://[a%25%C3%A9]/", False),
]  # fmt: skip
UPSTREAM_URIS: list[tuple[str, bool]] = [(s, up) for s, _, up in URLS] + URIS_MORE


# --- values built in Python: the bytes Go writes for the same Go value --------------

UTC = timezone.utc
VALUES: list[tuple[str, Any, bytes]] = [
    ("RFC 3339 with nanoseconds and trailing zeros trimmed",
     v1.History(created=Timestamp(2024, 1, 2, 3, 4, 5, tzinfo=UTC, nanosecond=100)),
     b'{"created":"2024-01-02T03:04:05.0000001Z"}'),
    ("RFC 3339 with nanoseconds and trailing zeros trimmed",
     v1.History(created=datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=UTC)),
     b'{"created":"2024-01-02T03:04:05.12Z"}'),
    ("`Z` for a zero offset",
     v1.History(created=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(0), "X"))),
     b'{"created":"2024-01-02T03:04:05Z"}'),
    ("`Z` for a zero offset",
     v1.History(created=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-7)))),
     b'{"created":"2024-01-02T03:04:05-07:00"}'),
    ("padded standard base64 for `[]byte`",
     v1.Descriptor(media_type="a/b", digest="sha256:" + "a" * 64, size=2, data=b"\xfb\xff"),
     b'{"mediaType":"a/b","digest":"sha256:' + b"a" * 64 + b'","size":2,"data":"+/8="}'),
    ("sorted map keys",
     v1.Descriptor(media_type="a/b", digest="sha256:" + "a" * 64, size=1,
                   annotations={"\U0001f600": "1", "\ufffd": "2", "b": "3", "B": "4"}),
     b'{"mediaType":"a/b","digest":"sha256:' + b"a" * 64 + b'","size":1,"annotations":'
     b'{"B":"4","b":"3","\xef\xbf\xbd":"2","\xf0\x9f\x98\x80":"1"}}'),
    ("`null` for a nil slice without omitempty",
     v1.RootFS(type="layers", diff_ids=None), b'{"type":"layers","diff_ids":null}'),
]  # fmt: skip
