"""Mail through Amazon SES. Links carry their one-time token as `token=` below the SPA's base URL."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from kontor.aws import client
from kontor.settings import settings


@dataclass(frozen=True)
class Mail:
    to: list[str]
    subject: str
    text: str


def link(path: str, token: str) -> str:
    return f"{settings().spa_base_url.rstrip('/')}/{path.lstrip('/')}?{urlencode({'token': token})}"


def send(mail: Mail) -> None:
    client("ses").send_email(
        Source=settings().mail_from,
        Destination={"ToAddresses": mail.to},
        Message={
            "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
            "Body": {"Text": {"Data": mail.text, "Charset": "UTF-8"}},
        },
    )
