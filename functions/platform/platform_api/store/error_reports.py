"""Error reports in their tenant's range; sent ones also on gsi1 by state, newest first."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from kontor import db, keys, mail, mapping, outbox, pages
from kontor.errors import Conflict, NotFound
from kontor.models import ErrorReportItem, TenantItem
from platform_api.domain import ErrorReport


def _not_found() -> NotFound:
    return NotFound("No such error report.", code="error_report_not_found")


def create(report: ErrorReport) -> None:
    row = ErrorReportItem(
        keys.tenant_pk(report.tenant_id),
        keys.error_report_sk(report.id),
        **mapping.attributes(report, ErrorReportItem),
    )
    try:
        row.save(condition=ErrorReportItem.pk.does_not_exist())
    except PutError as error:  # an id collision: never in practice, never silently
        raise Conflict("Try again.", code="concurrent_change") from error


def get(tenant_id: str, report_id: str) -> ErrorReport:
    try:
        row = ErrorReportItem.get(
            keys.tenant_pk(tenant_id), keys.error_report_sk(report_id), consistent_read=True
        )
    except DoesNotExist:
        raise _not_found() from None
    return mapping.domain(row, ErrorReport)


def tenant_name(tenant_id: str) -> str:
    try:
        return TenantItem.get(keys.tenant_pk(tenant_id), keys.TENANT_SK, attributes_to_get=["name"]).name
    except DoesNotExist:
        return ""


def change(
    current: ErrorReport,
    changes: dict[str, Any],
    *,
    index: tuple[str, str] | None = None,
    message: mail.Mail | None = None,
) -> tuple[ErrorReport, list[outbox.Queued]]:
    """Set `changes` if the report is still at the version read (and still in its state), with
    `message` in the outbox in the same transaction; `index` puts it on gsi1 under a state's
    partition. The report as changed, and the mail to deliver."""
    row = ErrorReportItem(keys.tenant_pk(current.tenant_id), keys.error_report_sk(current.id))
    actions = [getattr(ErrorReportItem, name).set(value) for name, value in changes.items()]
    if index is not None:
        actions += [ErrorReportItem.gsi1pk.set(index[0]), ErrorReportItem.gsi1sk.set(index[1])]
    queued: list[outbox.Queued] = []
    try:
        with db.transaction() as tx:
            tx.update(
                row,
                actions=[*actions, ErrorReportItem.version.add(1)],
                condition=(ErrorReportItem.version == current.version)
                & (ErrorReportItem.state == current.state),
            )
            if message is not None:
                queued.append(outbox.add(tx, message, tenant_id=current.tenant_id))
    except db.Cancelled as cancelled:
        if (row.pk, row.sk) in cancelled.failed:
            raise Conflict(
                "The report changed meanwhile (or was sent); reload it.", code="concurrent_change"
            ) from None
        raise
    return replace(current, **changes, version=current.version + 1), queued


def of_tenant(tenant_id: str, state: str | None, limit: int, cursor: str | None) -> pages.Page[ErrorReport]:
    """The tenant's reports, newest first (ids sort by time): one Query a page of its range."""
    partition = keys.tenant_pk(tenant_id)
    results = ErrorReportItem.query(
        partition,
        ErrorReportItem.sk.startswith(keys.ERROR_REPORT_PREFIX),
        filter_condition=(ErrorReportItem.state == state) if state else None,
        scan_index_forward=False,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(cursor, partition_key="pk", partition=partition),
    )
    items = [mapping.domain(row, ErrorReport) for row in results]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def by_state(state: str, limit: int, cursor: str | None) -> pages.Page[ErrorReport]:
    """Every tenant's sent (or answered) reports, newest first: one Query a page of gsi1."""
    partition = keys.error_reports_gsi_pk(state)
    results = ErrorReportItem.by_state.query(
        partition,
        scan_index_forward=False,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(cursor, partition_key="gsi1pk", partition=partition),
    )
    items = [mapping.domain(row, ErrorReport) for row in results]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))
