"""Backup files in S3: written as a stream of parts, read back as a stream, one pinned version.

Only this module and `tenant_data` talk to AWS for the backups context's bulk work.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

from kontor import storage
from kontor.aws import client

# S3 takes parts of 5 MiB and more (but the last); 8 MiB keeps memory flat and calls few.
PART_SIZE = 8 * 1024 * 1024
CONTENT_TYPE = "application/gzip"


@dataclass(frozen=True)
class Stored:
    key: str
    version: str | None
    size: int


class Upload(io.RawIOBase):
    """A write-only stream into one S3 object: a multipart upload once a part is full.

    Memory holds at most one part. A small file is one PutObject. `finish()` completes the object;
    `abort()` leaves nothing behind. An export that works in steps resumes an upload: its id, the
    ETags of the parts sent, the file's size so far and the bytes held back (`hold_back()`, less
    than a part: S3 takes no smaller part but the last), which that size includes.
    """

    def __init__(
        self,
        bucket: str,
        key: str,
        *,
        upload_id: str | None = None,
        parts: list[str] | None = None,
        size: int = 0,
        held_back: bytes = b"",
    ) -> None:
        self.bucket, self.key = bucket, key
        self._buffer = bytearray(held_back)
        self._upload_id = upload_id
        self._parts: list[dict[str, Any]] = [
            {"PartNumber": n, "ETag": etag} for n, etag in enumerate(parts or [], start=1)
        ]
        self._size = size
        self.stored: Stored | None = None

    @property
    def upload_id(self) -> str | None:
        return self._upload_id

    @property
    def etags(self) -> list[str]:
        return [part["ETag"] for part in self._parts]

    @property
    def size(self) -> int:
        return self._size

    def hold_back(self) -> bytes:
        """The bytes not yet sent (less than a part), for the next step to start with."""
        held = bytes(self._buffer)
        self._buffer.clear()
        return held

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += data
        self._size += len(data)
        if len(self._buffer) >= PART_SIZE:
            self._send_part()
        return len(data)

    def _send_part(self) -> None:
        s3 = client("s3")
        if self._upload_id is None:
            self._upload_id = s3.create_multipart_upload(
                Bucket=self.bucket, Key=self.key, ContentType=CONTENT_TYPE
            )["UploadId"]
        number = len(self._parts) + 1
        sent = s3.upload_part(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=bytes(self._buffer),
        )
        self._parts.append({"PartNumber": number, "ETag": sent["ETag"]})
        self._buffer.clear()

    def finish(self) -> Stored:
        s3 = client("s3")
        if self._upload_id is None:
            done = s3.put_object(
                Bucket=self.bucket, Key=self.key, Body=bytes(self._buffer), ContentType=CONTENT_TYPE
            )
        else:
            if self._buffer:
                self._send_part()
            done = s3.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self.key,
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
        self._buffer.clear()
        self.stored = Stored(key=self.key, version=done.get("VersionId"), size=self._size)
        return self.stored

    def abort(self) -> None:
        if self._upload_id is not None:
            client("s3").abort_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self._upload_id)
            self._upload_id = None
        self._buffer.clear()


def held_back_key(key: str) -> str:
    """Where an export between two steps keeps the bytes that do not yet fill a part."""
    return f"{key}.held"


def put_held_back(bucket: str, key: str, data: bytes) -> str | None:
    """Store the bytes held back between two steps; the version to read them back from."""
    done = client("s3").put_object(Bucket=bucket, Key=held_back_key(key), Body=data)
    return done.get("VersionId")


def held_back(bucket: str, key: str, version: str | None) -> bytes:
    data: bytes = open_version(bucket, held_back_key(key), version).read()
    return data


def abort_upload(bucket: str, key: str, upload_id: str) -> None:
    """Abort a multipart upload an earlier step began (gone already is fine)."""
    try:
        client("s3").abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
    except client("s3").exceptions.NoSuchUpload:
        pass


def open_version(bucket: str, key: str, version: str | None) -> IO[bytes]:
    """A stream of one version of an object: what was checked is what is restored."""
    params: dict[str, Any] = {"Bucket": bucket, "Key": key}
    if version:
        params["VersionId"] = version
    return client("s3").get_object(**params)["Body"]


def delete(bucket: str, key: str) -> None:
    """Delete an object. In the versioned bucket this puts a delete marker on top: the data stays
    as a noncurrent version until the bucket's lifecycle expires it (only the purge job deletes
    versions)."""
    client("s3").delete_object(Bucket=bucket, Key=key)


def delete_many(bucket: str, keys: list[str]) -> None:
    """Delete objects (1,000 a call). In the versioned bucket the data stays as a noncurrent
    version until the bucket's lifecycle expires it."""
    s3 = client("s3")
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True})


def download_url(bucket: str, key: str, version: str | None, expires_in: timedelta) -> str:
    params: dict[str, Any] = {"Bucket": bucket, "Key": key}
    if version:
        params["VersionId"] = version
    return client("s3").generate_presigned_url(
        "get_object", Params=params, ExpiresIn=int(expires_in.total_seconds())
    )


def backup_key(tenant_id: str, backup_id: str) -> str:
    return storage.tenant_key(tenant_id, "backups", f"{backup_id}.jsonl.gz")
