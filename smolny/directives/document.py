"""The self-contained signed directive file and its canonical serialisation.

A signed directive travels as one JSON file a person can read (``dumps``), and is read back by
:func:`loads`, which names the file, line and field of anything malformed. No cryptography
happens here (that is :mod:`smolny.directives.signing`); this module defines *what* is signed.

The file, top to bottom::

    {
      "format": "smolny-directive/1",
      "directive": {id, organisation{id,name}, issuer{id,name}, issued_at, domain, text,
                    addressees[{kind,id,name}]},
      "signature": {key_id, fields{<field>: "sha256:<hex>"}, value},
      "certificate": {organisation_id, organ{id,name}, key_id, public_key, valid_from,
                      valid_until, issuer_key_id, signature},
      "countersignatures": [{organ{id,name}, countersigned_at, directive_digest, key_id, value,
                             certificate{...}}],
      "root": {organisation{id,name}, key_id, public_key}
    }

**Canonical serialisation** (what is hashed and signed): JSON with keys sorted, no insignificant
whitespace (``","`` and ``":"`` separators), UTF-8 with non-ASCII characters written as
themselves, no floats (only strings, integers, booleans, null, lists and objects). Instants are
ISO 8601 strings with their UTC offset, as :meth:`datetime.isoformat` writes them; keys and
signatures are standard base64 with padding. For the documents this format allows (ASCII keys,
no numbers) these bytes are the same as RFC 8785's JSON Canonicalization Scheme, so a verifier
in another language can use a JCS library.

**What is signed.**

- The issuer signs a *manifest*: the SHA-256 digest of each directive field's canonical form
  (``signature.fields``). The *directive digest* is the SHA-256 of the canonical manifest. The
  manifest lets the verifier name the field that was altered: a field whose digest no longer
  matches the signed manifest is named; a manifest altered to match is caught by the signature.
- A countersignature signs its organ, its time and the directive digest, so it cannot be moved to
  another directive or time.
- A key certificate binds an organ's public key to the organ, the organisation and a validity
  window, signed by the organisation's root key.

Each signed message starts with its own context string (:data:`DIRECTIVE_CONTEXT`, ...), so a
signature made for one purpose can never pass as another.

Key ids are ``"ed25519:"`` followed by the first 32 hex digits of the SHA-256 of the raw public
key; the verifier recomputes them, so an id cannot point at a key it does not belong to.
Unknown fields are rejected (an unsigned extra field could mislead a reader), as are duplicate
keys (two readers could take different values).
"""

from __future__ import annotations

import binascii
import hashlib
import json
import json.decoder
import json.scanner
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

FORMAT = "smolny-directive/1"
DIRECTIVE_CONTEXT = b"smolny-directive/1 directive\n"
COUNTERSIGNATURE_CONTEXT = b"smolny-directive/1 countersignature\n"
CERTIFICATE_CONTEXT = b"smolny-directive/1 key-certificate\n"

#: The fields of a directive, in the order the file shows them; each has its digest in the
#: signed manifest.
DIRECTIVE_FIELDS: tuple[str, ...] = (
    "id",
    "organisation",
    "issuer",
    "issued_at",
    "domain",
    "text",
    "addressees",
)
ADDRESSEE_KINDS: tuple[str, ...] = ("council", "organ", "unit")
PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64


class DocumentError(ValueError):
    """A malformed directive file: names the file, the line and the field."""

    def __init__(self, message: str, *, file: str, line: int | None, field: str | None):
        self.file = file
        self.line = line
        self.field = field
        self.message = f"field {field}: {message}" if field else message
        where = ":".join(str(p) for p in (file, line) if p is not None)
        super().__init__(f"{where}: {self.message}")


# ---------------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Named:
    """An organisation or organ: a stable id and a human name."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Addressee:
    """Who a directive is addressed to: a council, an organ or a unit."""

    kind: str
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Directive:
    """The content of a directive, everything the issuer's signature covers."""

    id: str
    organisation: Named
    issuer: Named
    issued_at: datetime
    domain: str
    text: str
    addressees: tuple[Addressee, ...]


@dataclass(frozen=True, slots=True)
class KeyCertificate:
    """An organ's public key, its validity ``[valid_from, valid_until)``, signed by the root."""

    organisation_id: str
    organ: Named
    key_id: str
    public_key: bytes
    valid_from: datetime
    valid_until: datetime | None
    issuer_key_id: str
    signature: bytes


@dataclass(frozen=True, slots=True)
class IssuerSignature:
    """The issuing organ's signature over the manifest of field digests."""

    key_id: str
    fields: Mapping[str, str]
    value: bytes


@dataclass(frozen=True, slots=True)
class Countersignature:
    """An organ's signature over the directive digest, with its own key certificate."""

    organ: Named
    countersigned_at: datetime
    directive_digest: str
    key_id: str
    value: bytes
    certificate: KeyCertificate


@dataclass(frozen=True, slots=True)
class RootKey:
    """The organisation's root public key, which certifies organ keys."""

    organisation: Named
    key_id: str
    public_key: bytes


@dataclass(frozen=True, slots=True)
class SignedDirective:
    """A directive with everything needed to check it offline."""

    directive: Directive
    signature: IssuerSignature
    certificate: KeyCertificate
    root: RootKey
    countersignatures: tuple[Countersignature, ...] = field(default=())


# ---------------------------------------------------------------------------------------------
# Canonical forms, digests and signed messages
# ---------------------------------------------------------------------------------------------


def canonical(value: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON value (see the module docstring)."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def sha256(data: bytes) -> str:
    """``"sha256:<hex>"`` of *data*."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def key_id(public_key: bytes) -> str:
    """The key id the format derives from a raw public key."""
    return "ed25519:" + hashlib.sha256(public_key).hexdigest()[:32]


def _b64(data: bytes) -> str:
    return binascii.b2a_base64(data, newline=False).decode("ascii")


def _named(value: Named) -> dict[str, str]:
    return {"id": value.id, "name": value.name}


def directive_json(directive: Directive) -> dict[str, Any]:
    """The directive as JSON data, fields in :data:`DIRECTIVE_FIELDS` order."""
    return {
        "id": directive.id,
        "organisation": _named(directive.organisation),
        "issuer": _named(directive.issuer),
        "issued_at": directive.issued_at.isoformat(),
        "domain": directive.domain,
        "text": directive.text,
        "addressees": [{"kind": a.kind, "id": a.id, "name": a.name} for a in directive.addressees],
    }


def field_digests(directive: Directive) -> dict[str, str]:
    """The manifest: each field's SHA-256 over its canonical form."""
    data = directive_json(directive)
    return {name: sha256(canonical(data[name])) for name in DIRECTIVE_FIELDS}


def manifest_digest(fields: Mapping[str, str]) -> str:
    """The digest of a manifest; for the directive's own manifest, the *directive digest*."""
    return sha256(canonical({"format": FORMAT, "fields": dict(fields)}))


def directive_digest(directive: Directive) -> str:
    """The directive digest, recomputed from the content (never read from a file)."""
    return manifest_digest(field_digests(directive))


def directive_message(fields: Mapping[str, str]) -> bytes:
    """What the issuer signs: the context and the digest of the manifest."""
    return DIRECTIVE_CONTEXT + manifest_digest(fields).encode("ascii")


def countersignature_body(organ: Named, countersigned_at: datetime, digest: str) -> dict[str, Any]:
    return {
        "organ": _named(organ),
        "countersigned_at": countersigned_at.isoformat(),
        "directive_digest": digest,
    }


def countersignature_message(organ: Named, countersigned_at: datetime, digest: str) -> bytes:
    """What a countersigning organ signs."""
    return COUNTERSIGNATURE_CONTEXT + canonical(
        countersignature_body(organ, countersigned_at, digest)
    )


def certificate_body(certificate: KeyCertificate) -> dict[str, Any]:
    """The certificate as JSON data without its signature: what the root signs."""
    return {
        "organisation_id": certificate.organisation_id,
        "organ": _named(certificate.organ),
        "key_id": certificate.key_id,
        "public_key": _b64(certificate.public_key),
        "valid_from": certificate.valid_from.isoformat(),
        "valid_until": (
            certificate.valid_until.isoformat() if certificate.valid_until is not None else None
        ),
        "issuer_key_id": certificate.issuer_key_id,
    }


def certificate_message(certificate: KeyCertificate) -> bytes:
    """What the root key signs in a key certificate."""
    return CERTIFICATE_CONTEXT + canonical(certificate_body(certificate))


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def _certificate_json(certificate: KeyCertificate) -> dict[str, Any]:
    return {**certificate_body(certificate), "signature": _b64(certificate.signature)}


def to_json(signed: SignedDirective) -> dict[str, Any]:
    """The whole signed directive as JSON data, in reading order."""
    return {
        "format": FORMAT,
        "directive": directive_json(signed.directive),
        "signature": {
            "key_id": signed.signature.key_id,
            "fields": dict(signed.signature.fields),
            "value": _b64(signed.signature.value),
        },
        "certificate": _certificate_json(signed.certificate),
        "countersignatures": [
            {
                **countersignature_body(c.organ, c.countersigned_at, c.directive_digest),
                "key_id": c.key_id,
                "value": _b64(c.value),
                "certificate": _certificate_json(c.certificate),
            }
            for c in signed.countersignatures
        ],
        "root": {
            "organisation": _named(signed.root.organisation),
            "key_id": signed.root.key_id,
            "public_key": _b64(signed.root.public_key),
        },
    }


def dumps(signed: SignedDirective) -> str:
    """The signed directive as a readable JSON file (indented, UTF-8, final newline)."""
    return json.dumps(to_json(signed), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

Path = tuple[str | int, ...]


def _dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


class _LineDecoder(json.JSONDecoder):
    """A JSON decoder that records where each value starts, in document order.

    The pure-Python scanner is rebuilt so that every value, nested or not, passes through
    ``_record``; walking the result in the same pre-order pairs each value with its position.
    """

    def __init__(self) -> None:
        super().__init__(object_pairs_hook=_reject_duplicates)
        self.starts: list[int] = []
        inner: Callable[[str, int], tuple[Any, int]]

        def record(text: str, index: int) -> tuple[Any, int]:
            self.starts.append(index)
            return inner(text, index)

        def parse_object(s_and_end: Any, strict: bool, _scan: Any, *rest: Any) -> Any:
            return json.decoder.JSONObject(s_and_end, strict, record, *rest)  # type: ignore[attr-defined]

        def parse_array(s_and_end: Any, _scan: Any) -> Any:
            return json.decoder.JSONArray(s_and_end, record)  # type: ignore[attr-defined]

        self.parse_object = parse_object
        self.parse_array = parse_array
        inner = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]
        self.scan_once = record


def _line_map(value: Any, starts: list[int], text: str) -> dict[Path, int]:
    lines: dict[Path, int] = {}
    position = iter(starts)

    def walk(node: Any, path: Path) -> None:
        lines[path] = text.count("\n", 0, next(position)) + 1
        if isinstance(node, dict):
            for key, child in node.items():
                walk(child, (*path, key))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, (*path, index))

    walk(value, ())
    return lines


class _Reader:
    """Typed access to the parsed JSON, raising :class:`DocumentError` that names the field."""

    def __init__(self, data: Any, lines: dict[Path, int], filename: str):
        self.data = data
        self.lines = lines
        self.filename = filename

    def error(self, path: Path, message: str) -> DocumentError:
        line = None
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                line = self.lines[path[:end]]
                break
        return DocumentError(message, file=self.filename, line=line, field=_dotted(path) or None)

    def get(self, path: Path) -> Any:
        node = self.data
        for depth, part in enumerate(path):
            if isinstance(part, str):
                if not isinstance(node, dict):
                    raise self.error(path[:depth], "must be an object")
                if part not in node:
                    raise self.error(path, "is missing")
            node = node[part]
        return node

    def object(self, path: Path, keys: tuple[str, ...]) -> dict[str, Any]:
        node = self.get(path)
        if not isinstance(node, dict):
            raise self.error(path, "must be an object")
        unknown = sorted(set(node) - set(keys))
        if unknown:
            raise self.error((*path, unknown[0]), "is not a field of this format")
        for key in keys:
            if key not in node:
                raise self.error((*path, key), "is missing")
        return node

    def list(self, path: Path) -> list[Any]:
        node = self.get(path)
        if not isinstance(node, list):
            raise self.error(path, "must be a list")
        return node

    def string(self, path: Path) -> str:
        node = self.get(path)
        if not isinstance(node, str):
            raise self.error(path, "must be a string")
        if not node.strip():
            raise self.error(path, "must not be empty")
        try:
            node.encode("utf-8")
        except UnicodeEncodeError:
            raise self.error(path, "holds a lone surrogate, which is not Unicode text") from None
        return node

    def instant(self, path: Path, *, optional: bool = False) -> datetime | None:
        node = self.get(path)
        if node is None and optional:
            return None
        text = self.string(path)
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise self.error(path, f"{text!r} is not an ISO 8601 date and time") from None
        if value.tzinfo is None:
            raise self.error(path, f"{text!r} has no UTC offset")
        return value

    def required_instant(self, path: Path) -> datetime:
        value = self.instant(path)
        assert value is not None
        return value

    def base64(self, path: Path, size: int) -> bytes:
        text = self.string(path)
        try:
            value = binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
        except (binascii.Error, UnicodeEncodeError):
            raise self.error(path, "is not valid base64") from None
        if len(value) != size:
            raise self.error(path, f"must be {size} bytes, not {len(value)}")
        return value

    def named(self, path: Path) -> Named:
        self.object(path, ("id", "name"))
        return Named(self.string((*path, "id")), self.string((*path, "name")))


def _read_certificate(reader: _Reader, path: Path) -> KeyCertificate:
    keys = (
        "organisation_id",
        "organ",
        "key_id",
        "public_key",
        "valid_from",
        "valid_until",
        "issuer_key_id",
        "signature",
    )
    reader.object(path, keys)
    return KeyCertificate(
        organisation_id=reader.string((*path, "organisation_id")),
        organ=reader.named((*path, "organ")),
        key_id=reader.string((*path, "key_id")),
        public_key=reader.base64((*path, "public_key"), PUBLIC_KEY_BYTES),
        valid_from=reader.required_instant((*path, "valid_from")),
        valid_until=reader.instant((*path, "valid_until"), optional=True),
        issuer_key_id=reader.string((*path, "issuer_key_id")),
        signature=reader.base64((*path, "signature"), SIGNATURE_BYTES),
    )


def _read_directive(reader: _Reader) -> Directive:
    path: Path = ("directive",)
    reader.object(path, DIRECTIVE_FIELDS)
    addressees = []
    for index, _ in enumerate(reader.list((*path, "addressees"))):
        at: Path = (*path, "addressees", index)
        reader.object(at, ("kind", "id", "name"))
        kind = reader.string((*at, "kind"))
        if kind not in ADDRESSEE_KINDS:
            raise reader.error(
                (*at, "kind"), f"{kind!r} is not one of {', '.join(ADDRESSEE_KINDS)}"
            )
        addressees.append(Addressee(kind, reader.string((*at, "id")), reader.string((*at, "name"))))
    if not addressees:
        raise reader.error((*path, "addressees"), "must name at least one addressee")
    return Directive(
        id=reader.string((*path, "id")),
        organisation=reader.named((*path, "organisation")),
        issuer=reader.named((*path, "issuer")),
        issued_at=reader.required_instant((*path, "issued_at")),
        domain=reader.string((*path, "domain")),
        text=reader.string((*path, "text")),
        addressees=tuple(addressees),
    )


def _read_signature(reader: _Reader) -> IssuerSignature:
    path: Path = ("signature",)
    reader.object(path, ("key_id", "fields", "value"))
    reader.object((*path, "fields"), DIRECTIVE_FIELDS)
    fields = {name: reader.string((*path, "fields", name)) for name in DIRECTIVE_FIELDS}
    return IssuerSignature(
        key_id=reader.string((*path, "key_id")),
        fields=fields,
        value=reader.base64((*path, "value"), SIGNATURE_BYTES),
    )


def _read_countersignatures(reader: _Reader) -> tuple[Countersignature, ...]:
    result = []
    keys = ("organ", "countersigned_at", "directive_digest", "key_id", "value", "certificate")
    for index, _ in enumerate(reader.list(("countersignatures",))):
        path: Path = ("countersignatures", index)
        reader.object(path, keys)
        result.append(
            Countersignature(
                organ=reader.named((*path, "organ")),
                countersigned_at=reader.required_instant((*path, "countersigned_at")),
                directive_digest=reader.string((*path, "directive_digest")),
                key_id=reader.string((*path, "key_id")),
                value=reader.base64((*path, "value"), SIGNATURE_BYTES),
                certificate=_read_certificate(reader, (*path, "certificate")),
            )
        )
    return tuple(result)


def loads(text: str, filename: str = "<directive>") -> SignedDirective:
    """Read a signed directive file; :class:`DocumentError` names the line and field at fault.

    Reading checks the form only (types, sizes, known fields); whether the directive is
    authentic is for :func:`smolny.directives.signing.verify`.
    """
    decoder = _LineDecoder()
    try:
        data = decoder.decode(text)
    except json.JSONDecodeError as error:
        raise DocumentError(
            f"not valid JSON: {error.msg} (column {error.colno})",
            file=filename,
            line=error.lineno,
            field=None,
        ) from None
    except (ValueError, RecursionError) as error:
        raise DocumentError(
            f"not valid JSON: {error}", file=filename, line=None, field=None
        ) from None
    reader = _Reader(data, _line_map(data, decoder.starts, text), filename)
    keys = ("format", "directive", "signature", "certificate", "countersignatures", "root")
    reader.object((), keys)
    if reader.get(("format",)) != FORMAT:
        raise reader.error(("format",), f"must be {FORMAT!r}")
    directive = _read_directive(reader)
    signature = _read_signature(reader)
    certificate = _read_certificate(reader, ("certificate",))
    countersignatures = _read_countersignatures(reader)
    reader.object(("root",), ("organisation", "key_id", "public_key"))
    root = RootKey(
        organisation=reader.named(("root", "organisation")),
        key_id=reader.string(("root", "key_id")),
        public_key=reader.base64(("root", "public_key"), PUBLIC_KEY_BYTES),
    )
    return SignedDirective(directive, signature, certificate, root, countersignatures)


def read_keyring(text: str, filename: str) -> frozenset[bytes]:
    """Pinned root public keys from a keyring file.

    One key a line, standard base64 of the raw 32-byte Ed25519 public key, optionally followed
    by whitespace and a label; blank lines and lines starting with ``#`` are ignored.
    """
    keys: set[bytes] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        keys.add(parse_public_key(words[0], file=filename, line=number, field="public key"))
    if not keys:
        raise DocumentError("holds no keys", file=filename, line=None, field=None)
    return frozenset(keys)


def public_key_text(value: bytes) -> str:
    """A public key in the form :func:`parse_public_key` (and ``--trust``) reads: base64."""
    return _b64(value)


def parse_public_key(text: str, *, file: str, line: int | None, field: str) -> bytes:
    """A raw Ed25519 public key from its base64 form; :class:`DocumentError` if it is not one."""
    try:
        value = binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError):
        raise DocumentError(
            f"{text!r} is not valid base64", file=file, line=line, field=field
        ) from None
    if len(value) != PUBLIC_KEY_BYTES:
        raise DocumentError(
            f"a public key is {PUBLIC_KEY_BYTES} bytes, not {len(value)}",
            file=file,
            line=line,
            field=field,
        )
    return value
