"""The module's objects in the media bucket: audio and rendered feeds under
`tenants/<id>/modules/podcasts/` (the purge's prefix), uploads first under `uploads/`."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from botocore.exceptions import ClientError

from kontor import storage
from kontor.aws import client
from kontor.errors import NotFound
from kontor.settings import settings

MODULE = "podcasts"


def _bucket() -> str:
    return settings().logos_bucket


def module_key(tenant_id: str, *parts: str) -> str:
    return storage.tenant_key(tenant_id, "modules", MODULE, *parts)


def upload_key(tenant_id: str, upload_id: str) -> str:
    # Below uploads/: the bucket's lifecycle expires an upload that is never confirmed.
    return "uploads/" + module_key(tenant_id, f"upload-{upload_id}")


def upload_form(key: str, content_type: str, max_bytes: int, expires_in: timedelta) -> dict[str, Any]:
    return storage.upload_form(
        _bucket(), key, content_type=content_type, max_bytes=max_bytes, expires_in=expires_in
    )


def head(key: str) -> tuple[int, str]:
    """An upload's size and the content type it was posted with."""
    try:
        found = client("s3").head_object(Bucket=_bucket(), Key=key)
        return int(found["ContentLength"]), str(found.get("ContentType", ""))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            raise NotFound("Nothing was uploaded for this upload id.", code="upload_not_found") from None
        raise


class RangedObject(io.RawIOBase):
    """A seekable, read-only view of an S3 object that fetches only the byte ranges read, so a
    header parser reads the header of a 200 MiB file, not the file."""

    def __init__(self, key: str, size: int) -> None:
        self._key, self._size, self._at = key, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._at

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._at, io.SEEK_END: self._size}[whence]
        self._at = max(0, base + offset)
        return self._at

    def readinto(self, buffer: Any) -> int:
        if self._at >= self._size or len(buffer) == 0:
            return 0
        end = min(self._size, self._at + len(buffer)) - 1
        body = client("s3").get_object(Bucket=_bucket(), Key=self._key, Range=f"bytes={self._at}-{end}")[
            "Body"
        ]
        data = body.read()
        buffer[: len(data)] = data
        self._at += len(data)
        return len(data)


def opened(key: str, size: int) -> io.BufferedReader:
    """The object as a buffered file: reads come in ranges of at least 64 KiB."""
    return io.BufferedReader(RangedObject(key, size), buffer_size=64 * 1024)


def move(source: str, target: str, content_type: str) -> None:
    s3 = client("s3")
    s3.copy_object(
        Bucket=_bucket(),
        Key=target,
        CopySource={"Bucket": _bucket(), "Key": source},
        ContentType=content_type,
        MetadataDirective="REPLACE",
    )
    s3.delete_object(Bucket=_bucket(), Key=source)


def delete(key: str) -> None:
    client("s3").delete_object(Bucket=_bucket(), Key=key)


def put(key: str, body: bytes, content_type: str) -> None:
    storage.put(_bucket(), key, body, content_type)


def read(key: str) -> bytes | None:
    try:
        return client("s3").get_object(Bucket=_bucket(), Key=key)["Body"].read()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise


def link(key: str, expires_in: timedelta) -> str:
    return storage.download_url(_bucket(), key, expires_in)
