"""The operators' maintenance windows under /operator/maintenance-windows (the operator gate runs
first: to anyone else they do not exist)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from kontor import api
from platform_api import maintenance
from platform_api.api.schemas import WindowChange, WindowList, WindowRequest, WindowResponse

app = api.make_resolver()


@app.post("/operator/maintenance-windows")
@api.idempotent(app, "maintenance_window.create")
def create_window(body: WindowRequest) -> Response[WindowResponse]:
    return api.created(WindowResponse.of(maintenance.create(api.caller(app), **body.fields())))


@app.get("/operator/maintenance-windows")
def list_windows() -> WindowList:
    return WindowList(items=[WindowResponse.of(window) for window in maintenance.listing()])


@app.get("/operator/maintenance-windows/<windowId>")
def get_window(windowId: str) -> WindowResponse:
    return WindowResponse.of(maintenance.get(windowId))


@app.patch("/operator/maintenance-windows/<windowId>")
def change_window(windowId: str, body: WindowChange) -> WindowResponse:
    return WindowResponse.of(maintenance.update(api.caller(app), windowId, body.changes()))


@app.delete("/operator/maintenance-windows/<windowId>")
def delete_window(windowId: str) -> Response[None]:
    maintenance.delete(windowId)
    return api.no_content()


handler = api.lambda_handler(app)
