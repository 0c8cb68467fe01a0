"""Mail through Amazon SES. Links carry their one-time token as `token=` below the SPA's base URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from kontor.aws import client
from kontor.settings import settings


@dataclass(frozen=True)
class Mail:
    to: list[str]
    subject: str
    text: str
    html: str | None = None  # an HTML part beside the text (system mails)


# What a mail may quote of a name someone typed: a piece of text, never a link.
_URL = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)\S*|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def plain(text: str, limit: int = 80) -> str:
    """A user-given name as a mail may quote it: one line, no control or direction characters, no
    URL or domain that a mail client would make a link of, at most `limit` characters."""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    unlinked = _URL.sub(lambda m: m.group(0).replace("://", " ").replace(".", " "), flat)
    return unlinked if len(unlinked) <= limit else unlinked[: limit - 1].rstrip() + "…"


def link(path: str, token: str) -> str:
    return f"{settings().spa_base_url.rstrip('/')}/{path.lstrip('/')}?{urlencode({'token': token})}"


def send(mail: Mail) -> None:
    body = {"Text": {"Data": mail.text, "Charset": "UTF-8"}}
    if mail.html is not None:
        body["Html"] = {"Data": mail.html, "Charset": "UTF-8"}
    client("ses").send_email(
        Source=settings().mail_from,
        Destination={"ToAddresses": mail.to},
        Message={"Subject": {"Data": mail.subject, "Charset": "UTF-8"}, "Body": body},
    )
