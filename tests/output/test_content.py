"""Content digests and descriptors (oci_spec.image.v1: digest_of, descriptor_for,
verify), and module-level values that must not be shared mutable state.

Oracles: the FIPS 180-2 test vectors for SHA-256/384/512 ("abc", the empty
string, one million "a"), the digest upstream's Go constant DescriptorEmptyJSON
carries, and hashlib run separately over the same bytes."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

import oci_spec
from oci_spec import ValidationError
from oci_spec.image import v1
from oci_spec.runtime import Spec

ABC = {
    "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "sha384": "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
    "8086072ba1e7cc2358baeca134c825a7",
    "sha512": "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
}
EMPTY_SHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
MILLION_A_SHA256 = "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
GENERATED = Path(__file__).resolve().parents[2] / "generated"


class Trickle:
    """A stream with only ``read``: ``n`` copies of ``byte``, at most ``step``
    bytes per call, never holding the content."""

    def __init__(self, n: int, byte: bytes = b"a", step: int = 7) -> None:
        self.left, self.byte, self.step = n, byte, step

    def read(self, size: int = -1) -> bytes:
        k = min(self.left, self.step if size < 0 else min(size, self.step))
        self.left -= k
        return self.byte * k


class RawTrickle(io.RawIOBase):
    """The same through ``readinto`` (what io.BufferedReader wraps)."""

    def __init__(self, n: int, byte: bytes = b"a", step: int = 7) -> None:
        self.inner = Trickle(n, byte, step)

    def readable(self) -> bool:
        return True

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        chunk = self.inner.read(len(b))
        b[: len(chunk)] = chunk
        return len(chunk)


class Zeros(io.RawIOBase):
    """``n`` zero bytes through readinto, allocating nothing per call."""

    def __init__(self, n: int) -> None:
        self.left = n

    def readable(self) -> bool:
        return True

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        k = min(self.left, len(b))
        b[:k] = bytes(k) if k < 4096 else memoryview(_ZEROS)[:k]
        self.left -= k
        return k


_ZEROS = bytes(1 << 20)


@pytest.mark.parametrize("algorithm", sorted(ABC))
def test_digest_of_bytes_matches_the_fips_vectors(algorithm: str) -> None:
    assert v1.digest_of(b"abc", algorithm) == f"{algorithm}:{ABC[algorithm]}"
    assert v1.digest_of(bytearray(b"abc"), algorithm) == f"{algorithm}:{ABC[algorithm]}"
    assert v1.digest_of(memoryview(b"xabcx")[1:4], algorithm) == f"{algorithm}:{ABC[algorithm]}"
    assert v1.digest_of(io.BytesIO(b"abc"), algorithm) == f"{algorithm}:{ABC[algorithm]}"


def test_digest_of_defaults_to_sha256_and_streams_across_reads() -> None:
    assert v1.digest_of(b"") == EMPTY_SHA256
    assert v1.digest_of(b"{}") == v1.descriptor_empty_json().digest  # upstream's Go constant
    assert v1.digest_of(Trickle(1_000_000))  # type: ignore[arg-type] == MILLION_A_SHA256
    assert v1.digest_of(io.BufferedReader(RawTrickle(1_000_000, step=65537))) == MILLION_A_SHA256


def test_digest_of_refuses_unknown_algorithms_and_text() -> None:
    with pytest.raises(ValueError, match="unsupported digest algorithm 'md5'"):
        v1.digest_of(b"abc", "md5")
    with pytest.raises(TypeError, match="binary stream"):
        v1.digest_of(io.StringIO("abc"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        v1.digest_of("abc")  # type: ignore[arg-type]


def test_descriptor_for_computes_digest_and_size() -> None:
    d = v1.descriptor_for(b"abc", v1.MEDIA_TYPE_IMAGE_LAYER)
    assert (d.media_type, d.digest, d.size) == (
        v1.MEDIA_TYPE_IMAGE_LAYER, f"sha256:{ABC['sha256']}", 3,
    )  # fmt: skip
    assert d.to_json() == (
        b'{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:'
        + ABC["sha256"].encode() + b'","size":3}'
    )
    platform = v1.Platform(architecture="arm64", os="linux")
    d = v1.descriptor_for(
        io.BytesIO(b"abc"),
        v1.MEDIA_TYPE_IMAGE_MANIFEST,
        algorithm="sha512",
        artifact_type="application/vnd.example+json",
        annotations={v1.ANNOTATION_TITLE: "x"},
        platform=platform,
    )
    assert d.digest == f"sha512:{ABC['sha512']}" and d.size == 3
    assert d.artifact_type == "application/vnd.example+json" and d.platform == platform
    assert d.annotations == {"org.opencontainers.image.title": "x"}
    empty = v1.descriptor_for(b"{}", v1.MEDIA_TYPE_EMPTY_JSON, data=b"{}")
    assert empty == v1.descriptor_empty_json()


def test_descriptor_for_validates_what_it_builds() -> None:
    with pytest.raises(ValidationError) as info:
        v1.descriptor_for(b"abc", "not a media type")
    assert info.value.path == "mediaType"
    with pytest.raises(ValidationError) as info:
        v1.descriptor_for(b"abc", v1.MEDIA_TYPE_IMAGE_LAYER, urls=["relative/path"])
    assert info.value.path == "urls[0]"


def test_verify_accepts_the_content_a_descriptor_describes() -> None:
    d = v1.descriptor_for(b"abc", v1.MEDIA_TYPE_IMAGE_LAYER)
    v1.verify(b"abc", d)
    v1.verify(io.BytesIO(b"abc"), d)
    v1.verify(Trickle(3), dataclasses.replace(d, digest=v1.digest_of(b"aaa")))
    v1.verify(b"{}", v1.descriptor_empty_json())


def test_verify_names_both_digests_on_a_mismatch() -> None:
    d = v1.Descriptor(media_type=v1.MEDIA_TYPE_IMAGE_LAYER, digest=f"sha256:{ABC['sha256']}", size=3)
    with pytest.raises(ValidationError) as info:
        v1.verify(b"abd", d)
    e = info.value
    assert e.path == "digest"
    assert f"sha256:{ABC['sha256']}" in e.message
    assert hashlib.sha256(b"abd").hexdigest() in e.message
    with pytest.raises(ValidationError) as info:
        v1.verify(io.BytesIO(b"abd"), d)
    assert info.value.message == e.message


@pytest.mark.parametrize(
    ("content", "found"),
    [(b"ab", "content is 2 bytes; the descriptor says 3"),
     (b"abcd", "content is 4 bytes; the descriptor says 3"),
     (Trickle(2), "content is 2 bytes; the descriptor says 3"),
     (Trickle(10**12), "content is longer than 3 bytes; the descriptor says 3")],
)  # fmt: skip
def test_verify_checks_the_size_first(content: object, found: str) -> None:
    d = v1.descriptor_for(b"abc", v1.MEDIA_TYPE_IMAGE_LAYER)
    with pytest.raises(ValidationError) as info:
        v1.verify(content, d)  # type: ignore[arg-type]
    assert (info.value.path, info.value.message) == ("size", found)


def test_verify_cannot_check_an_unknown_algorithm() -> None:
    d = v1.Descriptor(media_type="text/plain", digest="blake3:" + "a" * 64, size=3)
    d.validate()  # a valid digest (go-digest's grammar) ...
    with pytest.raises(ValidationError) as info:
        v1.verify(b"abc", d)  # ... that this package cannot compute
    assert info.value.path == "digest" and "not one of sha256, sha384, sha512" in info.value.message


def test_verify_streams_in_constant_memory() -> None:
    n = 256 << 20
    h = hashlib.sha256()
    for _ in range(n >> 20):
        h.update(_ZEROS)
    d = v1.Descriptor(media_type="application/octet-stream", digest="sha256:" + h.hexdigest(), size=n)
    tracemalloc.start()
    try:
        v1.verify(Zeros(n), d)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 << 20, f"verifying {n >> 20} MiB held {peak} bytes at once"


# --- module-level values are not shared mutable state ------------------------------


def test_go_package_variables_are_fresh_values() -> None:
    a = v1.descriptor_empty_json()
    a.annotations = {"changed": "by one caller"}
    a.size = 99
    b = v1.descriptor_empty_json()
    assert b.annotations is None and b.size == 2 and a is not b
    assert isinstance(b, v1.Descriptor) and dataclasses.is_dataclass(b)
    c = dataclasses.replace(b, annotations={"k": "v"})
    assert c.annotations == {"k": "v"} and c.digest == b.digest
    assert not hasattr(v1, "DESCRIPTOR_EMPTY_JSON")


def test_public_mappings_are_read_only() -> None:
    for mapping in (v1.Manifest.JSON_NAMES, v1.Platform.PLATFORMS, Spec.PLATFORMS,
                    oci_spec.SPEC_VERSIONS, v1.MEDIA_TYPES):  # fmt: skip
        with pytest.raises(TypeError):
            mapping["x"] = "y"  # type: ignore[index]
    assert v1.Manifest.JSON_NAMES["schema_version"] == "schemaVersion"
    assert dict(oci_spec.SPEC_VERSIONS) == {"distribution-spec": "1.1.1", "image-spec": "1.1.1", "runtime-spec": "1.3.0"}


def test_importing_the_models_loads_no_hashing_schemas_or_pydantic() -> None:
    probe = (
        f"import sys; sys.path.insert(0, {os.environ.get('OCIGEN_PACKAGE_DIR') or str(GENERATED)!r}); "
        "import oci_spec.image.v1, oci_spec.runtime, oci_spec.distribution.v1.extensions; "
        "print(sorted(m for m in ('hashlib', 'tarfile', 'argparse', 'pydantic', 'pydantic_core', "
        "'oci_spec._schemas', 'oci_spec._validate') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-I", "-c", probe], cwd=GENERATED, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
