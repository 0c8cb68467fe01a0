"""The mail outbox: no mail is lost when SES fails.

A mail is written as an item (`OUTBOX#<id>`) in the same transaction as the change that causes it
(`add`), so the change and its mail commit together or not at all. After the commit the request
hands it to SES at once (`deliver`) and deletes the item; when SES fails, the request still
succeeds and the item stays, on the sparse `due` index (`DUE#OUTBOX#<shard>`) from two minutes
later. The platform's `mail.send` job (every few minutes) finds what is due and sends it, with a
growing pause between attempts; after `MAX_ATTEMPTS` it gives up and logs an error.

At least once: a mail whose send succeeded but whose item could not be deleted goes out again.
An item holds the mail as sent (a verification mail's link included) only until it is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.transactions import TransactWrite

from kontor import clock, db, ids, keys, mail
from kontor.models import OutboxItem
from kontor.observability import logger

SEND = "mail.send"
FIRST_RETRY = timedelta(minutes=2)  # the request's own attempt has long finished by then
KEEP = timedelta(days=7)
MAX_ATTEMPTS = 12


@dataclass(frozen=True)
class Queued:
    mail_id: str
    mail: mail.Mail


def add(tx: TransactWrite, message: mail.Mail, *, tenant_id: str | None = None) -> Queued:
    """Put `message` in the outbox as part of `tx`; `deliver` it after the commit."""
    now = clock.now()
    mail_id = ids.new_id()
    tx.save(
        OutboxItem(
            keys.outbox_pk(mail_id),
            keys.OUTBOX_SK,
            due_pk=keys.due_pk(keys.OUTBOX_DUE, mail_id),
            due_sk=keys.due_sk(clock.iso(now + FIRST_RETRY), mail_id),
            id=mail_id,
            to=list(message.to),
            subject=message.subject,
            text=message.text,
            html=message.html,
            tenant_id=tenant_id,
            created_at=clock.iso(now),
            ttl=clock.epoch(now + KEEP),
        )
    )
    return Queued(mail_id, message)


def deliver(queued: Iterable[Queued]) -> None:
    """Hand each committed mail to SES now; one SES refuses stays in the outbox for the job."""
    for item in queued:
        try:
            mail.send(item.mail)
        except Exception:  # whatever SES says, the outbox has the mail
            logger.warning("mail not sent yet: the outbox will retry it", mail_id=item.mail_id, exc_info=True)
            continue
        try:
            OutboxItem(keys.outbox_pk(item.mail_id), keys.OUTBOX_SK).delete()
        except Exception:  # sent; at worst the job sends it once more
            logger.warning("sent mail left in the outbox", mail_id=item.mail_id, exc_info=True)


def send(message: mail.Mail, *, tenant_id: str | None = None) -> None:
    """A mail that belongs to no change (a notice): written to the outbox on its own, then delivered."""
    with db.transaction() as tx:
        queued = add(tx, message, tenant_id=tenant_id)
    deliver([queued])


def due(partition: str, until: str) -> Iterator[tuple[str, str]]:
    """(mail_id, due_sk) of every mail in `partition` due by `until`."""
    for row in OutboxItem.due.query(partition, OutboxItem.due_sk <= keys.due_until(until)):
        yield row.pk.removeprefix("OUTBOX#"), row.due_sk


def pending() -> Iterator[str]:
    """The id of every mail due now, from every shard."""
    until = clock.iso(clock.now())
    for partition in keys.due_partitions(keys.OUTBOX_DUE):
        for mail_id, _ in due(partition, until):
            yield mail_id


def send_queued(message: dict[str, Any]) -> None:
    """The `mail.send` job for one mail: claim the attempt, send, delete; or wait longer."""
    mail_id = str(message.get("mail_id"))
    try:
        row = OutboxItem.get(keys.outbox_pk(mail_id), keys.OUTBOX_SK, consistent_read=True)
    except DoesNotExist:
        return  # sent meanwhile
    now = clock.now()
    attempts = int(row.attempts or 0) + 1
    if not _claim(row, attempts, now):
        return  # another worker has it
    queued = Queued(mail_id, mail.Mail(to=list(row.to), subject=row.subject, text=row.text, html=row.html))
    try:
        mail.send(queued.mail)
    except Exception as error:
        OutboxItem(row.pk, row.sk).update(actions=[OutboxItem.last_error.set(type(error).__name__)])
        if attempts >= MAX_ATTEMPTS:
            logger.error("mail given up after its attempts", mail_id=mail_id, attempts=attempts)
            OutboxItem(row.pk, row.sk).update(
                actions=[OutboxItem.due_pk.remove(), OutboxItem.due_sk.remove()]
            )
            return
        logger.warning("mail not sent, tried again later", mail_id=mail_id, attempts=attempts)
        return
    OutboxItem(row.pk, row.sk).delete()


def _claim(row: OutboxItem, attempts: int, now: datetime) -> bool:
    """Count the attempt and move the mail's next try out (2, 4, 8 … minutes, at most 6 hours),
    if nobody else moved it since it was read."""
    pause = min(FIRST_RETRY * 2 ** (attempts - 1), timedelta(hours=6))
    try:
        OutboxItem(row.pk, row.sk).update(
            actions=[
                OutboxItem.attempts.set(attempts),
                OutboxItem.due_sk.set(keys.due_sk(clock.iso(now + pause), row.id)),
            ],
            condition=OutboxItem.due_sk == row.due_sk,
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
