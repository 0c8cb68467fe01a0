"""Work for the backup worker, on the shared work queue: one message per backup, tenant or restore."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kontor.aws import client
from kontor.settings import settings

EXPORT = "backup.export"
SCHEDULED = "backup.scheduled"
PRUNE = "backup.prune"
RESTORE = "backup.restore"


def send(job: str, **fields: str) -> None:
    client("sqs").send_message(
        QueueUrl=settings().work_queue_url, MessageBody=json.dumps({"job": job, **fields})
    )


def send_each(job: str, messages: Iterable[dict[str, Any]]) -> int:
    """One message per entry, ten to a call; how many were sent."""
    sqs = client("sqs")
    batch: list[dict[str, str]] = []
    sent = 0

    def flush() -> int:
        if not batch:
            return 0
        result = sqs.send_message_batch(QueueUrl=settings().work_queue_url, Entries=batch)
        if result.get("Failed"):
            raise RuntimeError(f"the work queue refused {len(result['Failed'])} messages")
        count = len(batch)
        batch.clear()
        return count

    for fields in messages:
        batch.append({"Id": str(len(batch)), "MessageBody": json.dumps({"job": job, **fields})})
        if len(batch) == 10:
            sent += flush()
    return sent + flush()
