"""A channel's cover image: the browser uploads it straight to S3 (as for the tenant's logo), then
Kontor checks it and keeps a clean copy below the tenant's module prefix.

Podcast platforms take a square JPEG or PNG of 1400 to 3000 pixels a side in RGB. Only the JPEG and
PNG decoders are opened; size, dimensions and decompression bombs are checked before the pixels
are decoded, and the stored cover is re-encoded (no metadata, RGB). Pillow is imported only here,
and only the cover function carries it.
"""

from __future__ import annotations

import dataclasses
import io
import warnings
from datetime import timedelta
from typing import Any

from kontor import clock, ids
from kontor.access import Access
from kontor.errors import Unprocessable
from podcasts import channels, feeds, store
from podcasts.domain import Channel, Cover

MAX_BYTES = 8 * 1024 * 1024
MIN_SIDE = 1400
MAX_SIDE = 3000
UPLOAD_LIFETIME = timedelta(minutes=10)
GRACE = timedelta(minutes=5)  # a POST that began before the form expired may end after it
TYPES = {"image/jpeg": ("JPEG", "jpg"), "image/png": ("PNG", "png")}
_CODE = "invalid_cover"


def _refuse(message: str) -> Unprocessable:
    return Unprocessable(message, code=_CODE)


def _upload_key(tenant_id: str, channel_id: str, upload_id: str) -> str:
    return store.objects.upload_key(tenant_id, f"cover-{channel_id}-{upload_id}")


def upload_form(tenant: Access, channel_id: str, content_type: str) -> dict[str, Any]:
    if content_type not in TYPES:
        raise _refuse("Only JPEG (image/jpeg) and PNG (image/png) covers are taken.")
    channel = channels.get(tenant, channel_id)
    # The id carries the product's clock: a confirmation after the form's lifetime is refused.
    upload_id = ids.new_id_at(int(clock.now().timestamp() * 1000))
    form = store.objects.upload_form(
        _upload_key(tenant.tenant_id, channel.id, upload_id), content_type, MAX_BYTES, UPLOAD_LIFETIME
    )
    return {
        "upload_id": upload_id,
        "url": form["url"],
        "fields": form["fields"],
        "max_bytes": MAX_BYTES,
        "expires_at": clock.iso(clock.now() + UPLOAD_LIFETIME),
    }


def _issued_at(upload_id: str) -> float:
    """When the form of `upload_id` was signed (seconds since the epoch), from its ULID time part."""
    alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
    millis = 0
    for char in upload_id[:10]:
        if char not in alphabet:  # no form gave this id
            return 0.0
        millis = millis * 32 + alphabet.index(char)
    return millis / 1000


def confirm(tenant: Access, channel_id: str, upload_id: str) -> Channel:
    """Check the uploaded image and make a re-encoded copy the channel's cover; refuse anything
    else with `422 invalid_cover` (`422 upload_expired` after the form's lifetime) and delete it."""
    current = channels.get(tenant, channel_id)
    upload = _upload_key(tenant.tenant_id, current.id, upload_id)
    size, content_type = store.objects.head(upload)  # 404 upload_not_found: nothing under this id
    # A form is good for UPLOAD_LIFETIME; S3 refuses a late POST on AWS, but not where it is emulated.
    if clock.now().timestamp() - _issued_at(upload_id) > (UPLOAD_LIFETIME + GRACE).total_seconds():
        store.objects.delete(upload)
        raise Unprocessable("This upload's form has expired; ask for a new one.", code="upload_expired")
    if content_type not in TYPES:  # the form fixes the type on AWS
        store.objects.delete(upload)
        raise _refuse("Only JPEG (image/jpeg) and PNG (image/png) covers are taken.")
    if size > MAX_BYTES:
        store.objects.delete(upload)
        raise _refuse(f"The file has {size} bytes; at most {MAX_BYTES} are allowed.")
    try:
        side, image = reencode(store.objects.read(upload) or b"", TYPES[content_type][0])
    except ValueError as reason:
        store.objects.delete(upload)
        raise _refuse(f"This cover cannot be used: {reason}.") from None
    key = store.objects.module_key(
        tenant.tenant_id, "covers", f"{current.id}-{upload_id}.{TYPES[content_type][1]}"
    )
    store.objects.put(key, image, content_type)
    store.objects.delete(upload)
    updated = feeds.stale(_with_cover(current, Cover(key=key, content_type=content_type, side=side)))
    store.channels.write(
        tenant.tenant_id, tenant.caller.user_id, "update", updated, expected_version=current.version
    )
    feeds.announce(tenant.tenant_id, updated)
    if current.cover is not None and current.cover.key != key:
        store.objects.delete(current.cover.key)
    return updated


def _with_cover(channel: Channel, cover: Cover) -> Channel:
    return dataclasses.replace(
        channel, cover=cover, version=channel.version + 1, updated_at=clock.iso(clock.now())
    )


def reencode(data: bytes, decoder: str) -> tuple[int, bytes]:
    """The side and a clean RGB re-encoding of a square JPEG or PNG of 1400–3000 pixels, in the same
    format; ValueError says what is wrong."""
    from PIL import Image, UnidentifiedImageError  # heavy: only this function loads it

    limit = MAX_SIDE * MAX_SIDE
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous_limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, limit
        try:
            image = Image.open(io.BytesIO(data), formats=[decoder])
            width, height = image.size  # from the header: nothing decoded yet
            if width != height:
                raise ValueError(f"it has {width}×{height} pixels; a cover must be square")
            if width > MAX_SIDE:
                raise ValueError(f"it has {width}×{height} pixels; at most {MAX_SIDE}×{MAX_SIDE} are allowed")
            if width < MIN_SIDE:
                raise ValueError(f"it has {width}×{height} pixels; at least {MIN_SIDE}×{MIN_SIDE} are needed")
            image.load()
        except UnidentifiedImageError:
            kind = "a JPEG" if decoder == "JPEG" else "a PNG"
            raise ValueError(f"it is not {kind} image") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValueError(f"it has more than {limit} pixels") from None
        except (OSError, SyntaxError):
            raise ValueError("the image data is damaged or incomplete") from None
        finally:
            Image.MAX_IMAGE_PIXELS = previous_limit
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        flat = Image.new("RGB", image.size, (255, 255, 255))  # platforms want RGB: on white
        flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    image.info.clear()  # no comment, profile or metadata of the upload is carried over
    out = io.BytesIO()
    if decoder == "JPEG":
        image.save(out, format="JPEG", quality=90, optimize=True)
    else:
        image.save(out, format="PNG")
    return width, out.getvalue()
