"""Error reports: a member drafts what went wrong (with the request id the error showed), sends it,
and support gets a mail that names the tenant, the reporter and the request id, so the logs can
be found. Operators list every sent report, newest first, by state or by tenant, and answer; the
answer reaches the reporter by mail and on the report."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kontor import clock, ids, keys, mail, outbox, pages
from kontor.access import Access, Caller
from kontor.errors import Conflict, Forbidden, PreconditionFailed, Unprocessable
from kontor.settings import settings
from platform_api import store
from platform_api.domain import ErrorReport

MAX_CHARACTERS = 20_000  # subject, description and steps together
DRAFT, SENT, ANSWERED = "draft", "sent", "answered"


def create(context: Access, fields: dict[str, Any]) -> ErrorReport:
    _check_length(fields)
    now = clock.iso(clock.now())
    report = ErrorReport(
        id=ids.new_id(),
        tenant_id=context.tenant_id,
        reporter_id=context.caller.user_id,
        reporter_email=context.caller.email,
        subject=fields["subject"],
        description=fields["description"],
        steps=fields.get("steps"),
        severity=fields["severity"],
        app_version=fields.get("app_version"),
        request_id=fields.get("request_id"),
        state=DRAFT,
        created_at=now,
        updated_at=now,
        sent_at=None,
        answer=None,
        answered_at=None,
        answered_by=None,
        version=1,
    )
    store.error_reports.create(report)
    return report


def get(context: Access, report_id: str) -> ErrorReport:
    return store.error_reports.get(context.tenant_id, report_id)


def listing(context: Access, state: str | None, limit: int, cursor: str | None) -> pages.Page[ErrorReport]:
    return store.error_reports.of_tenant(context.tenant_id, state, limit, cursor)


def update(context: Access, report_id: str, changes: dict[str, Any], expected_version: int) -> ErrorReport:
    """Change a draft read at `expected_version` (its ETag); `412` when it changed since."""
    report = _own_draft(context, report_id)
    if report.version != expected_version:
        raise PreconditionFailed(
            "The report changed since you read it; reload it and apply your change again.",
            code="precondition_failed",
        )
    _check_length({**_text(report), **changes})
    return store.error_reports.change(report, {**changes, "updated_at": clock.iso(clock.now())})[0]


def send(context: Access, report_id: str) -> ErrorReport:
    report = _own_draft(context, report_id)
    now = clock.iso(clock.now())
    changes = {"state": SENT, "sent_at": now, "updated_at": now}
    message = to_support(replace(report, **changes), store.error_reports.tenant_name(report.tenant_id))
    sent, queued = store.error_reports.change(
        report,
        changes,
        index=(keys.error_reports_gsi_pk(SENT), keys.error_reports_gsi_sk(now, report.tenant_id, report.id)),
        message=message,
    )
    outbox.deliver(queued)
    return sent


def operator_listing(
    state: str, tenant_id: str | None, limit: int, cursor: str | None
) -> pages.Page[ErrorReport]:
    if tenant_id is not None:
        return store.error_reports.of_tenant(tenant_id, state, limit, cursor)
    return store.error_reports.by_state(state, limit, cursor)


def answer(operator: Caller, tenant_id: str, report_id: str, text: str) -> ErrorReport:
    report = store.error_reports.get(tenant_id, report_id)
    if report.state == DRAFT:
        raise Conflict("This report was not sent yet.", code="not_sent")
    now = clock.iso(clock.now())
    changes = {
        "state": ANSWERED,
        "answer": text,
        "answered_at": now,
        "answered_by": operator.user_id,
        "updated_at": now,
    }
    answered, queued = store.error_reports.change(
        report,
        changes,
        index=(
            keys.error_reports_gsi_pk(ANSWERED),
            keys.error_reports_gsi_sk(report.sent_at or now, report.tenant_id, report.id),
        ),
        message=to_reporter(replace(report, **changes)),
    )
    outbox.deliver(queued)
    return answered


def _own_draft(context: Access, report_id: str) -> ErrorReport:
    report = store.error_reports.get(context.tenant_id, report_id)
    if report.reporter_id != context.caller.user_id:
        raise Forbidden("Only who wrote the report may change or send it.", code="not_reporter")
    if report.state != DRAFT:
        raise Conflict("This report was sent already.", code="already_sent")
    return report


def _text(report: ErrorReport) -> dict[str, Any]:
    return {"subject": report.subject, "description": report.description, "steps": report.steps}


def _check_length(fields: dict[str, Any]) -> None:
    total = sum(len(fields.get(name) or "") for name in ("subject", "description", "steps"))
    if total > MAX_CHARACTERS:
        raise Unprocessable(
            f"A report holds at most {MAX_CHARACTERS} characters (subject, description and steps).",
            code="report_too_long",
            details={"max_characters": MAX_CHARACTERS, "characters": total},
        )


def to_support(report: ErrorReport, tenant_name: str) -> mail.Mail:
    lines = [
        f"Tenant: {mail.plain(tenant_name)} ({report.tenant_id})",
        f"Reporter: {report.reporter_email} ({report.reporter_id})",
        f"Request id: {report.request_id or '-'}",
        f"Severity: {report.severity}",
        f"App version: {mail.plain(report.app_version or '-')}",
        f"Report: {report.id}, sent {report.sent_at}",
        "",
        f"Subject: {mail.plain(report.subject, 200)}",
        "",
        "Description:",
        report.description,
        "",
        "Steps to reproduce:",
        report.steps or "-",
    ]
    return mail.Mail(
        to=[settings().support_email],
        subject=f"Error report ({report.severity}) {report.request_id or report.id}",
        text="\n".join(lines) + "\n",
    )


def to_reporter(report: ErrorReport) -> mail.Mail:
    return mail.Mail(
        to=[report.reporter_email],
        subject="Antwort auf Ihre Fehlermeldung / Answer to your error report",
        text=(
            f"„{mail.plain(report.subject, 200)}“\n\n{report.answer}\n\n-- English --\n\n"
            f"“{mail.plain(report.subject, 200)}”\n\n{report.answer}\n"
        ),
    )
