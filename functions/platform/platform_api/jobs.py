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

from kontor import clock, jobs, keys, mail
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
    for address in store.tenants.admin_addresses(str(message["tenant_id"])):
        mail.send(announcement(address, window))


def announcement(address: str, window: Window) -> mail.Mail:
    """The mail, German first, then English (the recipient's language decides once users have one)."""
    starts, ends = (
        window.starts_at.replace("T", " ").replace("Z", " UTC"),
        window.ends_at.replace("T", " ").replace("Z", " UTC"),
    )
    read_only = window.mode == Mode.READ_ONLY
    german = (
        f"{mail.plain(window.title.get('de', ''), 200)}\n\n"
        f"Von {starts} bis {ends} "
        + ("kann Kontor nur gelesen werden." if read_only else "ist Kontor nicht erreichbar.")
        + f"\n\n{window.text.get('de', '')}\n"
    )
    english = (
        f"{mail.plain(window.title.get('en', ''), 200)}\n\n"
        f"From {starts} to {ends} "
        + ("Kontor can be read, but not changed." if read_only else "Kontor is not available.")
        + f"\n\n{window.text.get('en', '')}\n"
    )
    return mail.Mail(
        to=[address],
        subject=f"Geplante Wartung / Planned maintenance: {starts}",
        text=f"{german}\n-- English --\n\n{english}",
    )


QUEUE = jobs.QueueUrls(
    lambda: settings().platform_queue_url, lambda: settings().platform_dead_letter_queue_url
)
REGISTRY = jobs.Registry(
    "platform",
    [
        jobs.Job(ANNOUNCE_TO_TENANT, announce_to_tenant),
        jobs.Job(purge.PURGE, purge.purge_message, due=keys.PURGE_DUE),
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
    # A schedule naming a job the registry does not know fails, so the scheduler retries it.
    return {"job": name, "dispatched": REGISTRY.dispatch(str(name))}
