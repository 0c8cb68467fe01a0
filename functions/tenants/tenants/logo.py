"""A tenant's logo: a browser uploads it straight to S3, then Kontor checks it and keeps a clean copy.

Only PNG, JPEG and WebP decoders are opened; size, pixel dimensions and decompression bombs are
checked by Kontor itself, and the stored logo is a re-encoded PNG (no metadata, no surprises).
"""

from __future__ import annotations

import io
import warnings
from datetime import timedelta
from typing import Any

from kontor import clock, ids, storage
from kontor.access import Access
from kontor.errors import Unprocessable
from kontor.settings import settings
from tenants import store
from tenants.domain import Tenant

MAX_BYTES = 1024 * 1024
MAX_SIDE = 2048
MIN_SIDE = 16
DISPLAY_BOX = (512, 512)
UPLOAD_LIFETIME = timedelta(minutes=10)
DECODERS = ["PNG", "JPEG", "WEBP"]


def _upload_key(tenant_id: str, upload_id: str) -> str:
    # Below uploads/: the bucket's lifecycle expires an upload that is never confirmed.
    return "uploads/" + storage.tenant_key(tenant_id, "logo", f"upload-{upload_id}")


def upload_form(context: Access, content_type: str) -> dict[str, Any]:
    upload_id = ids.new_id()
    form = storage.upload_form(
        settings().logos_bucket,
        _upload_key(context.tenant_id, upload_id),
        content_type=content_type,
        max_bytes=MAX_BYTES,
        expires_in=UPLOAD_LIFETIME,
    )
    return {
        "upload_id": upload_id,
        "url": form["url"],
        "fields": form["fields"],
        "max_bytes": MAX_BYTES,
        "expires_at": clock.iso(clock.now() + UPLOAD_LIFETIME),
    }


def confirm(context: Access, upload_id: str) -> Tenant:
    """Check what was uploaded; keep a re-encoded copy as the logo, or refuse it with the reason."""
    bucket = settings().logos_bucket
    upload = _upload_key(context.tenant_id, upload_id)
    data = storage.read(bucket, upload, max_bytes=MAX_BYTES)
    try:
        logo = reencode(data)
    except ValueError as reason:
        storage.delete(bucket, upload)
        raise Unprocessable(f"This logo cannot be used: {reason}.", code="invalid_logo") from None
    key = storage.tenant_key(context.tenant_id, "logo", f"logo-{upload_id}.png")
    storage.put(bucket, key, logo, "image/png")
    storage.delete(bucket, upload)
    current = store.settings.get(context.tenant_id)
    tenant = store.settings.set_logo(context, current, key)
    if current.logo_key and current.logo_key != key:
        storage.delete(bucket, current.logo_key)
    return tenant


def remove(context: Access) -> Tenant:
    current = store.settings.get(context.tenant_id)
    tenant = store.settings.set_logo(context, current, None)
    if current.logo_key:
        storage.delete(settings().logos_bucket, current.logo_key)
    return tenant


def reencode(data: bytes) -> bytes:
    """A clean PNG of a PNG, JPEG or WebP image within the limits; ValueError says what is wrong."""
    from PIL import Image, UnidentifiedImageError  # heavy: only this function loads it

    limit = MAX_SIDE * MAX_SIDE
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous_limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, limit
        try:
            image = Image.open(io.BytesIO(data), formats=DECODERS)
            width, height = image.size  # from the header: nothing decoded yet
            if width > MAX_SIDE or height > MAX_SIDE:
                raise ValueError(f"it has {width}×{height} pixels; at most {MAX_SIDE}×{MAX_SIDE} are allowed")
            if width < MIN_SIDE or height < MIN_SIDE:
                raise ValueError(f"it has {width}×{height} pixels; at least {MIN_SIDE}×{MIN_SIDE} are needed")
            image.load()
        except UnidentifiedImageError:
            raise ValueError("it is not a PNG, JPEG or WebP image") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValueError(f"it has more than {limit} pixels") from None
        except (OSError, SyntaxError):
            raise ValueError("the image data is damaged or incomplete") from None
        finally:
            Image.MAX_IMAGE_PIXELS = previous_limit
    image = image.convert("RGBA")
    image.thumbnail(DISPLAY_BOX)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
