"""Jobs: work a schedule starts, fanned out one tenant per message through the context's own queue.

Each context declares its jobs in one `Registry` (name, handler, and for scheduled jobs the due
markers they read) and gets two Lambda handlers from it: the `dispatcher` a schedule invokes with
`{"job": "<name>"}`, and the `worker` its queue feeds. Due work is found through the sparse `due`
index in `DUE#<marker>#<shard>` partitions — a fixed number of shards, chosen by a hash of the
tenant id, so no partition is hot and no job scans the table; the dispatcher queries each shard.

During a maintenance window (`kontor.maintenance`) a worker does no work: it sends each message
it receives back to its queue, delayed until the window ends (`postpone`).

A message for a job its context does not know is a bug, not bad luck: it is logged and moved to
the dead-letter queue at once instead of being retried. Every message carries the request id of
whatever caused it, so the worker's log lines join that request's.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kontor import clock, keys
from kontor.aws import client
from kontor.observability import logger, metrics
from kontor.settings import settings

Handler = Callable[[dict[str, Any]], Any]
DueFinder = Callable[[str, str], Iterator[tuple[str, str]]]  # (partition, until) -> (tenant_id, slot)


@dataclass(frozen=True)
class Job:
    name: str  # `<noun>.<verb>`, e.g. "backup.scheduled"
    handler: Handler
    due: str | None = None  # the due marker it dispatches from (`keys.due_pk`), for scheduled jobs
    subject: str = "tenant_id"  # the message's field for the id a due marker names


@dataclass(frozen=True)
class QueueUrls:
    """Where a context's work goes: its queue, and its dead-letter queue (read from the settings)."""

    work: Callable[[], str | None]
    dead_letter: Callable[[], str | None]


class UnknownJob(Exception):
    pass


# When the running invocation ends (Lambda's deadline, on the monotonic clock): long jobs stop a
# step early enough to checkpoint and continue in a message of their own.
_deadline: ContextVar[float | None] = ContextVar("job_deadline", default=None)


def time_left() -> float | None:
    """Seconds until the worker's invocation times out; None outside a worker."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


class Registry:
    """One context's jobs, its dispatcher and its worker."""

    def __init__(
        self,
        context: str,
        jobs: Iterable[Job],
        *,
        find_due: DueFinder | None = None,
        queue: QueueUrls | None = None,
    ) -> None:
        self.context = context
        self.jobs = {job.name: job for job in jobs}
        self._find_due = find_due
        # The context's queue and dead-letter queue; by default KONTOR_QUEUE_URL and
        # KONTOR_DEAD_LETTER_QUEUE_URL (a second context names its own: the local stack runs every
        # function in one process, with one environment).
        self.queue = queue or QueueUrls(
            lambda: settings().queue_url, lambda: settings().dead_letter_queue_url
        )

    def job(self, name: Any) -> Job:
        found = self.jobs.get(name) if isinstance(name, str) else None
        if found is None:
            raise UnknownJob(f"{self.context} has no job {name!r}")
        return found

    @property
    def scheduled(self) -> list[Job]:
        return [job for job in self.jobs.values() if job.due]

    # ------------------------------------------------------------ dispatch
    def dispatch(self, name: str) -> int:
        """One message per tenant whose marker is due, from every shard; how many were sent.

        Reads only the due markers (keys of the sparse index): the cost grows with the tenants
        that are due, not with the table.
        """
        job = self.job(name)
        if job.due is None or self._find_due is None:
            raise UnknownJob(f"{name} is not a scheduled job")
        until = clock.iso(clock.now())
        due = (
            {job.subject: tenant_id, "slot": slot}
            for partition in keys.due_partitions(job.due)
            for tenant_id, slot in self._find_due(partition, until)
        )
        sent = send_each(name, due, queue_url=self.queue.work())
        logger.info("job dispatched", job=name, tenants=sent)
        return sent

    def dispatcher(self) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
        """The Lambda handler a schedule invokes with `{"job": "<name>"}`."""

        @logger.inject_lambda_context(clear_state=True)
        @metrics.log_metrics
        def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            # The invocation's id joins the dispatcher's log lines with its messages' workers.
            logger.set_correlation_id(getattr(context, "aws_request_id", None))
            name = event.get("job")
            # A schedule that names no job of this context is misconfigured: fail loudly, so
            # EventBridge Scheduler retries and then dead-letters the invocation.
            return {"job": name, "dispatched": self.dispatch(str(name))}

        return handler

    # ------------------------------------------------------------ work
    def run(self, message: dict[str, Any]) -> None:
        self.job(message.get("job")).handler(message)

    def worker(self) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
        """The Lambda handler of the context's queue, reporting failures per message."""
        processor: list[Any] = []  # built on the first batch: the dispatcher shares this module

        def work(record: Any) -> None:
            from kontor import fences, maintenance

            message = _parse(record.body)
            fences.remember(None)  # a fence read belongs to one request or message
            window = maintenance.running()
            if window is not None:  # queued work waits for the window's end
                postpone(record.body, window.ends, queue_url=self.queue.work())
                logger.info("job postponed: maintenance", job=message.get("job"), until=window.ends_at)
                return
            logger.set_correlation_id(message.get("request_id"))
            logger.append_keys(tenant_id=message.get("tenant_id"), job=message.get("job"))
            try:
                self.run(message)
            except UnknownJob:
                logger.error("unknown job: moved to the dead-letter queue", body=record.body)
                dead_letter(record.body, url=self.queue.dead_letter())
            except Exception:
                logger.exception("job failed; SQS will retry it")
                raise

        @logger.inject_lambda_context(clear_state=True)
        @metrics.log_metrics
        def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            from aws_lambda_powertools.utilities.batch import (
                BatchProcessor,
                EventType,
                process_partial_response,
            )

            remaining = getattr(context, "get_remaining_time_in_millis", None)
            _deadline.set(time.monotonic() + remaining() / 1000 if remaining else None)
            if not processor:
                # A batch whose every message failed is reported like any other, not raised: SQS
                # then retries exactly those messages, and the next batch is not held up.
                processor.append(
                    BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
                )
            return process_partial_response(
                event=event, record_handler=work, processor=processor[0], context=context
            )

        return handler


def _parse(body: str) -> dict[str, Any]:
    try:
        message = json.loads(body)
    except ValueError:
        return {}
    return message if isinstance(message, dict) else {}


# ---------------------------------------------------------------- sending
def _body(job: str, fields: dict[str, Any]) -> str:
    return json.dumps({"job": job, "request_id": logger.get_correlation_id(), **fields})


def send(job: str, **fields: Any) -> None:
    """One message for `job` on this context's queue, carrying the current request id."""
    client("sqs").send_message(QueueUrl=_queue_url(), MessageBody=_body(job, fields))


def send_each(job: str, messages: Iterable[dict[str, Any]], *, queue_url: str | None = None) -> int:
    """One message per entry, ten to a call; how many were sent."""
    sqs = client("sqs")
    batch: list[dict[str, str]] = []
    sent = 0

    def flush() -> int:
        if not batch:
            return 0
        result = sqs.send_message_batch(QueueUrl=queue_url or _queue_url(), Entries=batch)
        if result.get("Failed"):
            raise RuntimeError(f"the queue refused {len(result['Failed'])} messages")
        count = len(batch)
        batch.clear()
        return count

    for fields in messages:
        batch.append({"Id": str(len(batch)), "MessageBody": _body(job, fields)})
        if len(batch) == 10:
            sent += flush()
    return sent + flush()


# SQS delays a message at most 15 minutes: a longer window sees the message again and again.
MAX_DELAY_SECONDS = 900


def postpone(body: str, until: datetime, *, queue_url: str | None = None) -> None:
    """Send a message again, to arrive when `until` has come (or in 15 minutes, to look again)."""
    seconds = math.ceil((until - clock.now()).total_seconds())
    client("sqs").send_message(
        QueueUrl=queue_url or _queue_url(),
        MessageBody=body,
        DelaySeconds=max(0, min(MAX_DELAY_SECONDS, seconds)),
    )


def dead_letter(body: str, *, url: str | None = None) -> None:
    url = url or settings().dead_letter_queue_url
    if url is None:
        raise RuntimeError("this function has no dead-letter queue to move the message to")
    client("sqs").send_message(QueueUrl=url, MessageBody=body)


def _queue_url() -> str:
    url = settings().queue_url
    if url is None:
        raise RuntimeError("this function has no queue: set KONTOR_QUEUE_URL in template.yaml")
    return url
