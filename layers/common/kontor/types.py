"""Field types the API validates in more than one context."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    WithJsonSchema,
    model_validator,
)

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


def _iso_text(value: object) -> object:
    # pydantic would also read numbers (and numeric text) as Unix times: the API takes what it documents.
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("not an ISO-8601 date and time with a zone, e.g. 2026-11-23T09:00:00Z")
    return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T")
# A moment in time as the API takes it: ISO-8601 text with a zone (`format: date-time`).
Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text)]


def _patch_schema(schema: dict[str, Any], model: type[Any]) -> None:
    """A PATCH body's schema says what its validation enforces: at least one field, and `null` only
    where it removes an optional value."""
    schema["minProperties"] = 1
    if model.EXAMPLE:
        schema["examples"] = [model.EXAMPLE]
    for name, field in schema.get("properties", {}).items():
        field.pop("default", None)
        options = field.get("anyOf")
        if name in model.REMOVABLE or not options or {"type": "null"} not in options:
            continue
        rest = [option for option in options if option != {"type": "null"}]
        del field["anyOf"]
        if len(rest) == 1:
            field.update(rest[0])
        else:
            field["anyOf"] = rest


class Patch(BaseModel):
    """A PATCH body: only the fields sent change, and `null` is accepted only for the fields in
    `REMOVABLE` (it clears them). A body that sends nothing is refused by `changed()`."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_patch_schema)
    REMOVABLE: ClassVar[frozenset[str]] = frozenset()
    EXAMPLE: ClassVar[dict[str, Any] | None] = None

    @model_validator(mode="after")
    def _kept_fields_stay_set(self) -> Self:
        for name in sorted(self.model_fields_set - self.REMOVABLE):
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be removed")
        return self

    def changed(self) -> dict[str, Any]:
        """The fields sent, as given; `422 nothing_to_change` when there are none."""
        if not self.model_fields_set:
            from kontor.errors import Unprocessable

            raise Unprocessable("Send at least one field to change.", code="nothing_to_change")
        return {name: getattr(self, name) for name in self.model_fields_set}
