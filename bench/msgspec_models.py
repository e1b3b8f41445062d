"""Hand-written msgspec Structs mirroring image-spec 1.1.1's Go types.

Field order is Go's declaration order and JSON names are the Go tags; fields
with ``omitempty`` default to their zero value and ``omit_defaults=True`` drops
them on encoding.  Constraints are the schema's (patterns as ``Meta(pattern=)``,
schemaVersion 2..2, minItems 1 on layers); msgspec applies a pattern with
``re.search`` as JSON Schema does.  What msgspec cannot say (go-digest's exact
encoded form, Env ``KEY=value``, absolute URIs) is not checked: this is the
fastest plausible hand-written rival, not an equivalent validator.

Deliberate differences from Go, visible in the encode comparison: ``created``
decodes to ``datetime`` (microseconds; Go keeps nanoseconds) and msgspec does
not apply Go's HTML escapes (``&`` -> ``\\u0026``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct, field

MediaType = Annotated[
    str,
    Meta(
        pattern="^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/"
        "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$"
    ),
]
Digest = Annotated[str, Meta(pattern="^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$")]
Int64 = Annotated[int, Meta(ge=-(2**63), le=2**63 - 1)]
SchemaVersion = Annotated[int, Meta(ge=2, le=2)]
EnvEntry = Annotated[str, Meta(pattern="^[^=]+=.*$")]


class Platform(Struct, omit_defaults=True, kw_only=True):
    architecture: str
    os: str
    os_version: str = field(default="", name="os.version")
    os_features: list[str] | None = field(default=None, name="os.features")
    variant: str = ""


class Descriptor(Struct, omit_defaults=True, kw_only=True):
    media_type: MediaType = field(name="mediaType")
    digest: Digest
    size: Int64
    urls: list[str] | None = None
    annotations: dict[str, str] | None = None
    data: bytes | None = None
    platform: Platform | None = None
    artifact_type: MediaType = field(default="", name="artifactType")


class Manifest(Struct, omit_defaults=True, kw_only=True):
    schema_version: SchemaVersion = field(name="schemaVersion")
    media_type: MediaType = field(default="", name="mediaType")
    artifact_type: MediaType = field(default="", name="artifactType")
    config: Descriptor
    layers: Annotated[list[Descriptor], Meta(min_length=1)]
    subject: Descriptor | None = None
    annotations: dict[str, str] | None = None


class Index(Struct, omit_defaults=True, kw_only=True):
    schema_version: SchemaVersion = field(name="schemaVersion")
    media_type: MediaType = field(default="", name="mediaType")
    artifact_type: MediaType = field(default="", name="artifactType")
    manifests: list[Descriptor]
    subject: Descriptor | None = None
    annotations: dict[str, str] | None = None


class ImageConfig(Struct, omit_defaults=True, kw_only=True):
    user: str = field(default="", name="User")
    exposed_ports: dict[str, dict[str, Any]] | None = field(
        default=None, name="ExposedPorts"
    )
    env: list[EnvEntry] | None = field(default=None, name="Env")
    entrypoint: list[str] | None = field(default=None, name="Entrypoint")
    cmd: list[str] | None = field(default=None, name="Cmd")
    volumes: dict[str, dict[str, Any]] | None = field(default=None, name="Volumes")
    working_dir: str = field(default="", name="WorkingDir")
    labels: dict[str, str] | None = field(default=None, name="Labels")
    stop_signal: str = field(default="", name="StopSignal")
    args_escaped: bool = field(default=False, name="ArgsEscaped")


class RootFS(Struct, kw_only=True):
    type: Annotated[str, Meta(pattern="^layers$")]
    diff_ids: list[Digest]


class History(Struct, omit_defaults=True, kw_only=True):
    created: datetime | None = None
    created_by: str = ""
    author: str = ""
    comment: str = ""
    empty_layer: bool = False


class Image(Struct, omit_defaults=True, kw_only=True):
    created: datetime | None = None
    author: str = ""
    architecture: str
    os: str
    os_version: str = field(default="", name="os.version")
    os_features: list[str] | None = field(default=None, name="os.features")
    variant: str = ""
    # A Go struct value is never omitted: encoded even when empty.
    config: ImageConfig = field(default_factory=ImageConfig)
    rootfs: RootFS
    history: list[History] | None = None


MODELS = {"manifest": Manifest, "index": Index, "config": Image}
DECODERS = {k: msgspec.json.Decoder(t) for k, t in MODELS.items()}
# "deterministic": map keys sorted (as Go writes maps), struct fields in order.
ENCODER = msgspec.json.Encoder(order="deterministic")
