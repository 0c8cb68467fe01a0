"""The backup file: gzip-compressed JSON lines that describe themselves.

    {"format": "kontor-backup", "version": 2, "tenant_id": …, "backup_id": …, "kind": …,
     "exported_at": …, "item_encoding": "dynamodb-json"}          header
    {"pk": {"S": "TENANT#…"}, "sk": {"S": "CONTACT#…"}, …}          one line per item, key order
    {"trailer": {"item_count": N, "checksum": "sha256-chain:<hex>"}}  trailer

The checksum chains SHA-256 over every line before the trailer (header and item lines): starting
from nothing, each line's digest is `SHA-256(previous digest || line)`. So neither the tenant
named in the header nor any item can change unnoticed, and the running checksum is 32 bytes that
a step of an export or a verification checkpoints and the next step continues from. Each step
appends its own gzip member (gzip readers read concatenated members as one stream). Items are
DynamoDB's own attribute-value JSON with sorted keys (binary values base64), so a restore writes
back exactly what was read. Writing and reading stream line by line: memory does not grow with
the tenant.
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
VERSION = 2
CHECKSUM = "sha256-chain:"
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


@dataclass(frozen=True)
class Progress:
    """How far a file was written or read: the lines after the header and the running checksum."""

    item_count: int = 0
    digest: str = ""  # hex of the chain so far; "" before the first line

    @property
    def checksum(self) -> str:
        return f"{CHECKSUM}{self.digest}"


def _chain(digest: bytes, line: bytes) -> bytes:
    return hashlib.sha256(digest + line).digest()


def _header_line(header: Header) -> bytes:
    return _line(
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


def write_part(
    sink: IO[bytes], items: Iterable[dict[str, Any]], progress: Progress, *, header: Header | None = None
) -> Progress:
    """Append one gzip member with `items` (and first the header, for the file's first part);
    where the file stands after them."""
    digest = bytes.fromhex(progress.digest)
    count = progress.item_count
    with gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=COMPRESS_LEVEL, mtime=0) as out:
        if header is not None:
            first = _header_line(header)
            digest = _chain(digest, first)
            out.write(first)
        for item in items:
            line = _line({name: _encode(value) for name, value in item.items()})
            digest = _chain(digest, line)
            out.write(line)
            count += 1
    return Progress(item_count=count, digest=digest.hex())


def write_trailer(sink: IO[bytes], progress: Progress) -> Summary:
    """End the file: the trailer in a member of its own."""
    summary = Summary(item_count=progress.item_count, checksum=progress.checksum)
    with gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=COMPRESS_LEVEL, mtime=0) as out:
        out.write(_line({"trailer": {"item_count": summary.item_count, "checksum": summary.checksum}}))
    return summary


def write(sink: IO[bytes], header: Header, items: Iterable[dict[str, Any]]) -> Summary:
    """Write `items` (DynamoDB attribute-value maps) to `sink` as a whole backup file."""
    return write_trailer(sink, write_part(sink, items, Progress(), header=header))


class Reader:
    """The items of a backup file, checked as they stream by; `progress` says how far it got.

    Raises `BackupRefused` when the file is not this tenant's backup `backup_id`, an item lies
    outside the tenant, or count or checksum differ from the trailer or from `expected` (the
    catalog's record). The last check can only happen at the end: verify to the end before acting
    on any item. A later step resumes with `resume` (the progress a step checkpointed): the lines
    before it are skipped unread. `check_sum=False` reads a file already verified from any line.
    """

    def __init__(
        self,
        source: IO[bytes],
        *,
        tenant_pk: str,
        tenant_id: str,
        backup_id: str,
        expected: Summary,
        resume: Progress | None = None,
        check_sum: bool = True,
    ) -> None:
        self._source = source
        self._tenant_pk, self._tenant_id, self._backup_id = tenant_pk, tenant_id, backup_id
        self._expected = expected
        self._check_sum = check_sum
        self.progress = resume or Progress()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        resumed = self.progress
        digest = bytes.fromhex(resumed.digest)
        count = resumed.item_count
        trailer: dict[str, Any] | None = None
        try:
            with gzip.GzipFile(fileobj=self._source, mode="rb") as lines:
                first = lines.readline()
                self._check_header(_json(first))
                if not resumed.digest:
                    digest = _chain(digest, first)
                for _ in range(resumed.item_count):
                    if not lines.readline():
                        raise BackupRefused("the file is truncated")
                for line in lines:
                    if trailer is not None:
                        raise BackupRefused("data after the trailer")
                    record = _json(line)
                    if "pk" not in record:
                        trailer = record.get("trailer")
                        if not isinstance(trailer, dict):
                            raise BackupRefused("a line is neither an item nor the trailer")
                        continue
                    digest = _chain(digest, line)
                    if record["pk"] != {"S": self._tenant_pk}:
                        raise BackupRefused("an item lies outside the tenant")
                    count += 1
                    item = {name: _decode(value) for name, value in record.items()}
                    self.progress = Progress(item_count=count, digest=digest.hex())
                    yield item
        except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError) as error:
            raise BackupRefused(f"the file is damaged: {error.__class__.__name__}") from None
        if trailer is None:
            raise BackupRefused("the file is truncated: no trailer")
        if not self._check_sum:
            return
        checksum = f"{CHECKSUM}{digest.hex()}"
        if trailer.get("item_count") != count or trailer.get("checksum") != checksum:
            raise BackupRefused("the file's content does not match its trailer")
        if self._expected.item_count != count or self._expected.checksum != checksum:
            raise BackupRefused("the file's content does not match the backup's recorded checksum")

    def _check_header(self, header: dict[str, Any]) -> None:
        if header.get("format") != FORMAT:
            raise BackupRefused("not a Kontor backup file")
        if header.get("version") != VERSION:
            raise BackupRefused(f"unsupported backup format version {header.get('version')!r}")
        if header.get("tenant_id") != self._tenant_id:
            raise BackupRefused("the backup belongs to another tenant")
        if header.get("backup_id") != self._backup_id:
            raise BackupRefused("the file belongs to another backup")


def read(source: IO[bytes], **expected: Any) -> Iterator[dict[str, Any]]:
    """The items of a whole backup file, checked as they stream by (see `Reader`)."""
    return iter(Reader(source, **expected))


def verify(source: IO[bytes], **expected: Any) -> int:
    """Read a whole backup file, checking everything `Reader` checks; the number of items."""
    return sum(1 for _ in read(source, **expected))


def _json(line: bytes) -> dict[str, Any]:
    value = json.loads(line)
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value
