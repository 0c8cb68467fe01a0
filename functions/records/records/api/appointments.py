"""Appointments: /tenants/{tenantId}/appointments — viewers read, members write."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from kontor import api, clock, pages
from kontor.access import Role
from kontor.types import Moment
from records import records
from records.api import replies
from records.api.schemas import (
    AppointmentPage,
    AppointmentResponse,
    CreateAppointmentRequest,
    UpdateAppointmentRequest,
)

app = api.make_resolver()
From = Annotated[Moment | None, Query(alias="from", description="Earliest start (inclusive).")]
To = Annotated[Moment | None, Query(alias="to", description="Latest start (exclusive).")]


@app.post(
    "/tenants/<tenantId>/appointments", responses={201: {"description": "Created; ETag holds its version."}}
)
@api.idempotent(app, "appointment.create")
def create(tenantId: str, body: CreateAppointmentRequest) -> Response[AppointmentResponse]:
    appointment = records.create_appointment(api.access(app, Role.MEMBER), body.fields())
    return replies.record(AppointmentResponse.of(appointment), appointment.version, status=201)


@app.get("/tenants/<tenantId>/appointments")
def list_appointments(
    tenantId: str,
    starts_from: From = None,
    starts_before: To = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> AppointmentPage:
    page = records.list_appointments(
        api.access(app),
        clock.iso(starts_from) if starts_from else None,
        clock.iso(starts_before) if starts_before else None,
        limit,
        cursor,
    )
    return AppointmentPage(
        items=[AppointmentResponse.of(a) for a in page.items], next_cursor=page.next_cursor
    )


@app.get("/tenants/<tenantId>/appointments/<appointmentId>")
def read(tenantId: str, appointmentId: str) -> Response[AppointmentResponse]:
    appointment = records.get_appointment(api.access(app), appointmentId)
    return replies.record(AppointmentResponse.of(appointment), appointment.version)


@app.patch("/tenants/<tenantId>/appointments/<appointmentId>")
def update(
    tenantId: str,
    appointmentId: str,
    body: UpdateAppointmentRequest,
) -> Response[AppointmentResponse]:
    tenant = api.access(app, Role.MEMBER)
    appointment = records.update_appointment(tenant, appointmentId, api.if_match(app), body.changes())
    return replies.record(AppointmentResponse.of(appointment), appointment.version)


@app.delete("/tenants/<tenantId>/appointments/<appointmentId>", responses={204: {"description": "Deleted."}})
def delete(tenantId: str, appointmentId: str) -> Response[None]:
    records.delete_appointment(api.access(app, Role.MEMBER), appointmentId, replies.expected_version(app))
    return replies.no_content()


handler = api.lambda_handler(app)
