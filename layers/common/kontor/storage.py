"""Objects in S3, always below the owning tenant's prefix."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from botocore.exceptions import ClientError

from kontor.aws import client
from kontor.errors import BadRequest, NotFound, Unprocessable

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


def upload_form(
    bucket: str, key: str, *, content_type: str, max_bytes: int, expires_in: timedelta
) -> dict[str, Any]:
    """A presigned POST for the browser: one object at `key`, of that type, at most `max_bytes`.

    S3 enforces the policy on AWS; where it is emulated it does not, so whoever accepts the object
    checks size and content again (`read`).
    """
    return client("s3").generate_presigned_post(
        Bucket=bucket,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=int(expires_in.total_seconds()),
    )


def read(bucket: str, key: str, *, max_bytes: int) -> bytes:
    """An uploaded object's bytes; one over `max_bytes` is deleted and refused without reading it."""
    s3 = client("s3")
    try:
        size = s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            raise NotFound("Nothing was uploaded for this upload id.", code="upload_not_found") from None
        raise
    if size > max_bytes:
        delete(bucket, key)
        raise Unprocessable(
            f"The file has {size} bytes; at most {max_bytes} are allowed.", code="invalid_logo"
        )
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
