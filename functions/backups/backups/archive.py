"""The backup file: gzip-compressed JSON lines that describe themselves.

    {"format": "kontor-backup", "version": 1, "tenant_id": …, "backup_id": …, "kind": …,
     "exported_at": …, "item_encoding": "dynamodb-json"}          header
    {"pk": {"S": "TENANT#…"}, "sk": {"S": "CONTACT#…"}, …}          one line per item, key order
    {"trailer": {"item_count": N, "checksum": "sha256:<hex>"}}      trailer

The checksum is the SHA-256 of every byte before the trailer (header and item lines), so neither
the tenant named in the header nor any item can change unnoticed. Items are DynamoDB's own
attribute-value JSON with sorted keys (binary values base64), so a restore writes back exactly what
was read. Writing and reading stream line by line: memory does not grow with the tenant.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

FORMAT = "kontor-backup"
VERSION = 1
# Speed over the last percent of size: the export must keep pace with the Query that feeds it.
COMPRESS_LEVEL = 5


class BackupRefused(Exception):
    """The file is not a sound backup of the expected tenant; nothing may be restored from it."""


@dataclass(frozen=True)
class Header:
    tenant_id: str
    backup_id: str
    kind: str
    exported_at: str


@dataclass(frozen=True)
class Summary:
    item_count: int
    checksum: str


def _encode(value: Any) -> Any:
    """An attribute value as JSON can hold it: binary as base64, recursively."""
    if isinstance(value, dict):
        return {k: _encode_typed(k, v) for k, v in value.items()}
    return value


def _encode_typed(kind: str, value: Any) -> Any:
    if kind == "B":
        return base64.b64encode(value).decode()
    if kind == "BS":
        return [base64.b64encode(v).decode() for v in value]
    if kind == "M":
        return {name: _encode(v) for name, v in value.items()}
    if kind == "L":
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _decode_typed(k, v) for k, v in value.items()}
    return value


def _decode_typed(kind: str, value: Any) -> Any:
    if kind == "B":
        return base64.b64decode(value)
    if kind == "BS":
        return [base64.b64decode(v) for v in value]
    if kind == "M":
        return {name: _decode(v) for name, v in value.items()}
    if kind == "L":
        return [_decode(v) for v in value]
    return value


def _line(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def write(sink: IO[bytes], header: Header, items: Iterable[dict[str, Any]]) -> Summary:
    """Write `items` (DynamoDB attribute-value maps) to `sink` as a backup file."""
    digest = hashlib.sha256()
    count = 0
    with gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=COMPRESS_LEVEL, mtime=0) as out:
        first = _line(
            {
                "format": FORMAT,
                "version": VERSION,
                "tenant_id": header.tenant_id,
                "backup_id": header.backup_id,
                "kind": header.kind,
                "exported_at": header.exported_at,
                "item_encoding": "dynamodb-json",
            }
        )
        digest.update(first)
        out.write(first)
        for item in items:
            line = _line({name: _encode(value) for name, value in item.items()})
            digest.update(line)
            out.write(line)
            count += 1
        summary = Summary(item_count=count, checksum=f"sha256:{digest.hexdigest()}")
        out.write(_line({"trailer": {"item_count": count, "checksum": summary.checksum}}))
    return summary


def read(
    source: IO[bytes], *, tenant_pk: str, tenant_id: str, backup_id: str, expected: Summary
) -> Iterator[dict[str, Any]]:
    """The items of a backup file, checked as they stream by.

    Raises `BackupRefused` when the file is not this tenant's backup `backup_id`, an item lies
    outside the tenant, or count or checksum differ from the trailer or from `expected` (the
    catalog's record). The last check can only happen at the end: run `verify` to the end before
    acting on any item.
    """
    digest = hashlib.sha256()
    count = 0
    trailer: dict[str, Any] | None = None
    try:
        with gzip.GzipFile(fileobj=source, mode="rb") as lines:
            first = lines.readline()
            header = _json(first)
            if header.get("format") != FORMAT:
                raise BackupRefused("not a Kontor backup file")
            if header.get("version") != VERSION:
                raise BackupRefused(f"unsupported backup format version {header.get('version')!r}")
            if header.get("tenant_id") != tenant_id:
                raise BackupRefused("the backup belongs to another tenant")
            if header.get("backup_id") != backup_id:
                raise BackupRefused("the file belongs to another backup")
            digest.update(first)
            for line in lines:
                if trailer is not None:
                    raise BackupRefused("data after the trailer")
                record = _json(line)
                if "pk" not in record:
                    trailer = record.get("trailer")
                    if not isinstance(trailer, dict):
                        raise BackupRefused("a line is neither an item nor the trailer")
                    continue
                digest.update(line)
                if record["pk"] != {"S": tenant_pk}:
                    raise BackupRefused("an item lies outside the tenant")
                count += 1
                yield {name: _decode(value) for name, value in record.items()}
    except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError) as error:
        raise BackupRefused(f"the file is damaged: {error.__class__.__name__}") from None
    if trailer is None:
        raise BackupRefused("the file is truncated: no trailer")
    checksum = f"sha256:{digest.hexdigest()}"
    if trailer.get("item_count") != count or trailer.get("checksum") != checksum:
        raise BackupRefused("the file's content does not match its trailer")
    if expected.item_count != count or expected.checksum != checksum:
        raise BackupRefused("the file's content does not match the backup's recorded checksum")


def verify(source: IO[bytes], **expected: Any) -> int:
    """Read a whole backup file, checking everything `read` checks; the number of items."""
    return sum(1 for _ in read(source, **expected))


def _json(line: bytes) -> dict[str, Any]:
    value = json.loads(line)
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value
