"""The platform's jobs, on the platform's own queue.

`tenant.purge` removes a closed tenant 30 days after closing (`platform_api.purge`), found through
the `due` index like every scheduled job. `maintenance.announce` mails upcoming maintenance
windows to every tenant's admins 48 hours ahead: its dispatcher finds the windows to announce in
their one item and the tenants through the directory index (one Query a page, never a Scan), and
puts one message per tenant on the queue; the worker mails that tenant's admins.

At least once: a dispatcher that dies after sending and before noting the window as announced
sends it again an hour later.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kontor import clock, jobs, keys, mail, outbox, system_mail
from kontor import maintenance as edge
from kontor.observability import logger, metrics
from kontor.settings import settings
from platform_api import purge, store
from platform_api.domain import Mode, Window

ANNOUNCE = "maintenance.announce"
ANNOUNCE_TO_TENANT = "maintenance.announce_tenant"
AHEAD = timedelta(hours=48)


def due_announcements() -> list[Window]:
    """Windows that start within the next 48 hours and were not announced yet."""
    now = clock.now()
    return [
        window
        for window in store.maintenance.read()[0]
        if window.announced_at is None and not window.over(now) and window.starts <= now + AHEAD
    ]


def announce() -> int:
    """One message per open tenant and window to announce; how many were sent."""
    due = due_announcements()
    if not due:
        return 0
    sent = jobs.send_each(
        ANNOUNCE_TO_TENANT,
        (
            {"tenant_id": tenant_id, "window_id": window.id}
            for tenant_id in store.tenants.open_tenants()
            for window in due
        ),
        queue_url=QUEUE.work(),
    )
    store.maintenance.mark_announced(due, clock.iso(clock.now()))
    logger.info("maintenance announced", windows=[window.id for window in due], messages=sent)
    return sent


def announce_to_tenant(message: dict[str, Any]) -> None:
    # The instance's copy of the windows (at most a minute old), not a read per tenant of one item.
    window = next((w for w in edge.windows() if w.id == message.get("window_id")), None)
    if window is None or window.over(clock.now()):  # removed or over meanwhile: nothing to say
        return
    system_mail.send_to_admins(str(message["tenant_id"]), announcement(window))


def announcement(window: Window) -> system_mail.Message:
    """The mail about a window, in German and English (each admin gets their own language)."""
    starts = window.starts_at.replace("T", " ").replace("Z", " UTC")
    ends = window.ends_at.replace("T", " ").replace("Z", " UTC")
    read_only = window.mode == Mode.READ_ONLY
    return system_mail.Message(
        subject={"de": f"Geplante Wartung: {starts}", "en": f"Planned maintenance: {starts}"},
        paragraphs={
            "de": [
                mail.plain(window.title.get("de", ""), 200),
                f"Von {starts} bis {ends} "
                + ("kann Kontor nur gelesen werden." if read_only else "ist Kontor nicht erreichbar."),
                window.text.get("de", ""),
            ],
            "en": [
                mail.plain(window.title.get("en", ""), 200),
                f"From {starts} to {ends} "
                + ("Kontor can be read, but not changed." if read_only else "Kontor is not available."),
                window.text.get("en", ""),
            ],
        },
    )


QUEUE = jobs.QueueUrls(lambda: settings().queue_url, lambda: settings().dead_letter_queue_url)
REGISTRY = jobs.Registry(
    "platform",
    [
        jobs.Job(ANNOUNCE_TO_TENANT, announce_to_tenant),
        jobs.Job(purge.PURGE, purge.purge_message, due=keys.PURGE_DUE),
        jobs.Job(outbox.SEND, outbox.send_queued),
    ],
    find_due=store.purge.due,
    queue=QUEUE,
)
worker = REGISTRY.worker()


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def dispatcher(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda handler the announcement schedule invokes with `{"job": "maintenance.announce"}`."""
    logger.set_correlation_id(getattr(context, "aws_request_id", None))
    name = event.get("job")
    if name == ANNOUNCE:
        return {"job": name, "dispatched": announce()}
    if name == outbox.SEND:  # one message per mail the outbox holds past its time
        sent = jobs.send_each(
            outbox.SEND, ({"mail_id": mail_id} for mail_id in outbox.pending()), queue_url=QUEUE.work()
        )
        return {"job": name, "dispatched": sent}
    # A schedule naming a job the registry does not know fails, so the scheduler retries it.
    return {"job": name, "dispatched": REGISTRY.dispatch(str(name))}
