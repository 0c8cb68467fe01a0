"""Objects in S3, always below the owning tenant's prefix."""

from __future__ import annotations

import re
from datetime import timedelta

from kontor.aws import client
from kontor.errors import BadRequest

_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def tenant_key(tenant_id: str, *parts: str) -> str:
    """`tenants/<tenant_id>/<part>/…`; a part that could climb out of the prefix is refused."""
    for part in (tenant_id, *parts):
        if not _SAFE_PART.match(part) or ".." in part:
            raise BadRequest(f"not a safe object key part: {part!r}", code="invalid_key")
    return "/".join(("tenants", tenant_id, *parts))


def put(bucket: str, key: str, body: bytes, content_type: str) -> None:
    client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


def delete(bucket: str, key: str) -> None:
    client("s3").delete_object(Bucket=bucket, Key=key)


def download_url(bucket: str, key: str, expires_in: timedelta) -> str:
    return client("s3").generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket, "Key": key},
        ExpiresIn=int(expires_in.total_seconds()),
    )
