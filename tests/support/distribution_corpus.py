"""distribution-spec documents for the tests: the JSON examples of the vendored
spec text (found in its code fences, with the repairs each needs to be JSON of
its type, every repair named), and response bodies of real registries taken
from registries' and clients' test suites, each with its source (repository,
commit, file, test).  Only the bodies are reproduced, byte for byte.

The expected verdicts were read off each body by hand: which member Go's
json.Unmarshal into the type refuses (``refused_at``: the JSON path our
ValidationError must name, None when Go accepts it) and, for a body Go accepts,
which strict rule of spec/distribution-spec/strict.toml fails first
(``strict``: (rule, path), None when it passes).  The differential tests check
the Go verdicts against Go itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from oci_spec.distribution.v1 import ErrorResponse, RepositoryList, TagList
from oci_spec.distribution.v1.extensions import ExtensionList
from oci_spec.image.v1 import Index, Manifest

SPEC = Path(__file__).resolve().parents[2] / "spec" / "distribution-spec"
# Fenced code blocks (any info string) of the markdown.
_FENCE = re.compile(r"^( *)```([^\n]*)\n(.*?)^\1```[ \t]*$", re.M | re.S)


def fenced_json() -> list[tuple[str, str]]:
    """(file:line, text) of every code fence of the vendored markdown that holds
    a JSON object (a line starting with "{"), in file order."""
    found = []
    for md in sorted(SPEC.rglob("*.md")):
        text = md.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            body = m.group(3)
            if re.search(r"^\s*\{\s*$", body, re.M):
                line = text.count("\n", 0, m.start()) + 1
                found.append((f"{md.relative_to(SPEC).as_posix()}:{line}", body))
    return found


@dataclass(frozen=True)
class Example:
    """How to read one example of the text."""

    cls: type
    # (what is wrong, old, new): applied in order, each old text exactly once.
    repairs: tuple[tuple[str, str, str], ...]
    as_written: str | None  # ValidationError path for the text as written; None: it parses
    strict: tuple[str, str] | None  # after the repairs: (rule, path) strict mode refuses
    # After the repairs a fragment may still lack what its type requires: the
    # path of the ValidationError (the image-spec schema's; Go accepts it).
    refused_at: str | None = None


def _digest(p: str) -> tuple[str, str, str]:
    """The placeholder digest "sha256:<p><p><p>..." made a valid one."""
    return ("placeholder digest", f'"sha256:{p * 3}..."', f'"sha256:{p * 32}"')


EXAMPLES: dict[str, Example] = {
    # Pushing Manifests: a fragment showing the mediaType member of a manifest.
    "spec.md:468": Example(
        Manifest,
        (("ellipsis for the other members", ',\n  ...\n', "\n"),),
        "$",
        None,
        refused_at="schemaVersion",
    ),
    # Listing Tags: placeholders for the name and the tags.
    "spec.md:526": Example(TagList, (), None, ("tag-list-name-pattern", "name")),
    # Listing Referrers: an image index with placeholder digests and a trailing comma.
    "spec.md:589": Example(
        Index,
        (
            ("trailing comma", '"2023-01-01T07:21:33Z",\n', '"2023-01-01T07:21:33Z"\n'),
            _digest("a1"), _digest("a2"), _digest("a3"),
        ),
        "$",
        None,
    ),
    # Listing Referrers with filtering: a header line before the body, a trailing comma.
    "spec.md:643": Example(
        Index,
        (
            ("HTTP header before the body", "OCI-Filters-Applied: artifactType\n", ""),
            ("trailing comma", "  ],\n}", "  ]\n}"),
            _digest("a1"),
        ),
        "$",
        None,
    ),
    # Error Codes: "..." for more errors, placeholders for the members.
    "spec.md:791": Example(
        ErrorResponse,
        (("ellipsis for more errors", "},\n            ...\n", "}\n"),),
        "$",
        ("error-code-characters", "errors[0].code"),
    ),
    # _oci discover: an HTTP response (status line, headers) around the body,
    # and the extension leaves out its REQUIRED endpoints.
    "extensions/_oci.md:31": Example(
        ExtensionList,
        (("HTTP status line and headers", "200 OK\nContent-Length: <length>\n"
          "Content-Type: application/json\n\n", ""),),  # fmt: skip
        "$",
        ("extension-endpoints-required", "extensions[0].endpoints"),
    ),
}


def repaired(where: str, text: str) -> str:
    for _what, old, new in EXAMPLES[where].repairs:
        assert text.count(old) == 1, (where, old)
        text = text.replace(old, new)
    return text


@dataclass(frozen=True)
class Body:
    name: str
    cls: type
    raw: bytes
    source: str
    refused_at: str | None = None  # Go refuses it: the path of our ValidationError
    strict: tuple[str, str] | None = None  # Go accepts it: the strict rule and path


_DISTRIBUTION = "distribution/distribution@0d6b721dc3ceacb5d678c25b718b2f40a507c2d8"
_IMAGE = "containers/image@df7e80d2d19872b61f352a8a182ec934dc0c2346 docker/errors_test.go"
_ORAS = "oras-project/oras-go@19db72b1"

BODIES: list[Body] = [
    # The error envelope distribution's registry writes (errcode.Errors marshalled).
    Body("distribution-errcode-detail-object", ErrorResponse,
         b'{"errors":[{"code":"TEST1","message":"test error 1"},{"code":"TEST2",'
         b'"message":"test error 2","detail":{"digest":"sometestblobsumdoesntmatter"}},'
         b'{"code":"TEST3","message":"Sorry \\"BOOGIE\\" isn\'t valid"},{"code":"TEST3",'
         b'"message":"Sorry \\"BOOGIE\\" isn\'t valid","detail":"data"}]}',
         f"{_DISTRIBUTION} registry/api/errcode/errors_test.go TestErrorsManagement",
         refused_at="errors[1].detail"),
    Body("distribution-errcode-unknown", ErrorResponse,
         b'{"errors":[{"code":"UNKNOWN","message":"unknown error"}]}',
         f"{_DISTRIBUTION} registry/api/errcode/errors_test.go TestErrorsManagement",
         strict=("error-code-listed", "errors[0].code")),
    # Bodies distribution's client is tested with.
    Body("distribution-client-401", ErrorResponse,
         b'{"errors":[{"code":"UNAUTHORIZED","message":"action requires authentication"}]}',
         f"{_DISTRIBUTION} internal/client/errors_test.go TestHandleHTTPResponseError401ValidBody"),
    Body("distribution-client-400", ErrorResponse,
         b'{"errors":[{"code":"DIGEST_INVALID","message":"provided digest does not match"}]}',
         f"{_DISTRIBUTION} internal/client/errors_test.go "
         "TestHandleHTTPResponseErrorExpectedStatusCode400ValidBody"),
    Body("distribution-client-404-no-errors", ErrorResponse, b'{"randomkey": "randomvalue"}',
         f"{_DISTRIBUTION} internal/client/errors_test.go "
         "TestHandleHTTPResponseErrorExpectedStatusCode404EmptyErrorSlice",
         strict=("error-response-errors-required", "errors")),
    Body("distribution-client-501", ErrorResponse,
         b'{"Error Encountered" : "Function not implemented."}',
         f"{_DISTRIBUTION} internal/client/errors_test.go "
         "TestHandleHTTPResponseErrorUnexpectedStatusCode501",
         strict=("error-response-errors-required", "errors")),
    Body("distribution-client-403-details", ErrorResponse,
         b'{"details":"requesting higher privileges than access token allows"}',
         f"{_DISTRIBUTION} internal/client/errors_test.go "
         "TestHandleHTTPResponseErrorInsufficientPrivileges403",
         strict=("error-response-errors-required", "errors")),
    Body("distribution-client-tags", TagList,
         b'{\n\t"name": "test.example.com/repo/tags/list",\n\t"tags": [\n\t\t"tag1",\n\t\t"tag2",'
         b'\n\t\t"funtag"\n\t]\n}',
         f"{_DISTRIBUTION} internal/client/repository_test.go TestManifestTags"),
    Body("distribution-client-catalog", RepositoryList,
         b'{"repositories":["foo", "bar", "baz"]}',
         f"{_DISTRIBUTION} internal/client/repository_test.go TestCatalog"),
    Body("distribution-client-catalog-part-1", RepositoryList, b'{"repositories":["bar", "baz"]}',
         f"{_DISTRIBUTION} internal/client/repository_test.go TestCatalogInParts"),
    Body("distribution-client-catalog-part-2", RepositoryList, b'{"repositories":["foo"]}',
         f"{_DISTRIBUTION} internal/client/repository_test.go TestCatalogInParts"),
    # Responses of public registries recorded by containers/image (skopeo, podman).
    Body("docker-hub-401-detail-array", ErrorResponse,
         b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":'
         b'[{"Type":"repository","Class":"","Name":"library/this-does-not-exist",'
         b'"Action":"pull"}]}]}\n',
         f"{_IMAGE}: registry-1.docker.io, an image that does not exist (2021-08-12)",
         refused_at="errors[0].detail"),
    Body("docker-hub-404-detail-object", ErrorResponse,
         b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":'
         b'{"Tag":"this-does-not-exist"}}]}\n',
         f"{_IMAGE}: registry-1.docker.io, a tag that does not exist (2021-08-12)",
         refused_at="errors[0].detail"),
    Body("public-ecr-404-not-found", ErrorResponse,
         b'{"errors":[{"code":"NOT_FOUND","message":"404 page not found"}]}\r\n',
         f"{_IMAGE}: public.ecr.aws, tags/list not implemented (2022-09-06)",
         strict=("error-code-listed", "errors[0].code")),
    Body("redhat-404-numeric-code", ErrorResponse,
         b'{"errors": [{"code": "404", "message": "Not Found"}]}\r\n',
         f"{_IMAGE}: registry.redhat.io, an image that does not exist (2022-10-13)",
         strict=("error-code-characters", "errors[0].code")),
    Body("harbor-2.10.2-404-not-found", ErrorResponse,
         b'{"errors":[{"code":"NOT_FOUND","message":"artifact test/alpine:sha256-443205b0cfcc'
         b'78444321d56a2fe273f06e27b2c72b5058f8d7e975997d45b015.sig not found"}]}\n',
         f"{_IMAGE}: Harbor v2.10.2, a manifest that does not exist (2024-05-08)",
         strict=("error-code-listed", "errors[0].code")),
    # Bodies oras-go's client is tested with.
    Body("oras-401-detail-array", ErrorResponse,
         b'{ "errors": [ { "code": "UNAUTHORIZED", "message": "authentication required", '
         b'"detail": [ { "Type": "repository", "Class": "", "Name": "library/hello-world", '
         b'"Action": "pull" } ] }, { "code": "NAME_UNKNOWN", "message": "repository name not '
         b'known to registry" } ] }',
         f"{_ORAS} registry/remote/internal/errutil/errutil_test.go Test_ParseErrorResponse",
         refused_at="errors[0].detail"),
    Body("oras-404-name-unknown", ErrorResponse,
         b'{ "errors": [ { "code": "NAME_UNKNOWN", "message": "repository name not known to '
         b'registry" } ] }',
         f"{_ORAS} registry/remote/repository_test.go (the registry's 404 to a tag list)"),
    # The extension list oras-go's test registry serves (json.Encoder of an ExtensionList).
    Body("oras-discover-extensions", ExtensionList,
         b'{"extensions":[{"name":"foo.bar","url":"https://example.com","description":'
         b'"Lorem ipsum dolor sit amet, consectetur adipiscing elit.","endpoints":["_foo/bar",'
         b'"_foo/baz"]},{"name":"cncf.oras.referrers","url":"https://github.com/oras-project/'
         b'artifacts-spec/blob/main/manifest-referrers-api.md","description":"ORAS referrers '
         b'listing API","endpoints":["_oras/artifacts/referrers"]}]}\n',
         "oras-project/oras-go@012efe80144c59c2ba67866f2ea9ea443760668b "
         "registry/remote/repository_test.go TestRepository_DiscoverExtensions"),
    # Harbor's error envelope (its /v2 API writes the same).
    Body("harbor-409-conflict", ErrorResponse, b'{"errors":[{"code":"CONFLICT","message":"root"}]}',
         "goharbor/harbor@1c59a5dd5aadb79a5e7ea50168611e22c6557db9 src/lib/errors/errors_test.go "
         "TestErrs",
         strict=("error-code-listed", "errors[0].code")),
]  # fmt: skip

# Written for these tests: what registries get wrong, and what Go refuses.
INVALID: list[Body] = [
    Body("object-in-detail", ErrorResponse,
         b'{"errors":[{"code":"DENIED","message":"denied","detail":{"reason":"policy"}}]}',
         "hand-written", refused_at="errors[0].detail"),
    Body("number-in-detail", ErrorResponse, b'{"errors":[{"code":"DENIED","detail":42}]}',
         "hand-written", refused_at="errors[0].detail"),
    Body("number-as-code", ErrorResponse, b'{"errors":[{"code":404,"message":"Not Found"}]}',
         "hand-written", refused_at="errors[0].code"),
    Body("errors-an-object", ErrorResponse, b'{"errors":{"code":"DENIED"}}',
         "hand-written", refused_at="errors"),
    Body("error-a-string", ErrorResponse, b'{"errors":["DENIED"]}',
         "hand-written", refused_at="errors[0]"),
    Body("tags-null-with-name", TagList, b'{"name":"library/busybox","tags":null}',
         "hand-written", strict=("tag-list-tags-required", "tags")),
    Body("tags-missing", TagList, b'{"name":"library/busybox"}',
         "hand-written", strict=("tag-list-tags-required", "tags")),
    Body("number-as-tag", TagList, b'{"name":"r","tags":["latest",1]}',
         "hand-written", refused_at="tags[1]"),
    # Go reads the null tag as "" (the zero element), which is no tag: the
    # text's tag pattern needs at least one character.
    Body("null-tag", TagList, b'{"name":"r","tags":["latest",null]}', "hand-written",
         strict=("tag-list-tags-pattern", "tags[1]")),
    Body("empty-tag", TagList, b'{"name":"r","tags":[""]}', "hand-written",
         strict=("tag-list-tags-pattern", "tags[0]")),
    Body("number-as-name", TagList, b'{"name":7,"tags":[]}',
         "hand-written", refused_at="name"),
    Body("tags-a-string", TagList, b'{"name":"r","tags":"latest"}',
         "hand-written", refused_at="tags"),
    Body("bool-as-repository", RepositoryList, b'{"repositories":["a",true]}',
         "hand-written", refused_at="repositories[1]"),
    Body("number-as-endpoint", ExtensionList,
         b'{"extensions":[{"name":"_oci","url":"u","endpoints":[1.5]}]}',
         "hand-written", refused_at="extensions[0].endpoints[0]"),
    Body("document-an-array", ErrorResponse, b'[{"code":"DENIED"}]',
         "hand-written", refused_at="$"),
    Body("document-null", ErrorResponse, b"null",
         "hand-written", strict=("error-response-errors-required", "errors")),
    Body("not-json", ErrorResponse, b"<html><body>JSON? What JSON?</body></html>",
         "hand-written (the HTML body containers/image's docker/errors_test.go answers 401 with)",
         refused_at="$"),
]  # fmt: skip
