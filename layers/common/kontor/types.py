"""Field types the API validates in more than one context."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

MAX_EMAIL_BYTES = 254


def _valid_email(value: str) -> str:
    # Imported on first use: the validator's DNS and IDNA tables cost cold-start time.
    from email_validator import EmailNotValidError, validate_email

    try:
        email = validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValueError(f"not a valid email address: {error}") from None
    # Bounded in bytes: the address is part of partition and sort keys (EMAIL#, INVITEE#, THROTTLE#).
    if len(email.encode()) > MAX_EMAIL_BYTES:
        raise ValueError(f"not a valid email address: longer than {MAX_EMAIL_BYTES} bytes")
    return email


Email = Annotated[str, AfterValidator(_valid_email), WithJsonSchema({"type": "string", "format": "email"})]
