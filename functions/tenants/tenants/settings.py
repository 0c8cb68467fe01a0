"""A tenant's own settings, its connection file and its audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kontor import clock, pages, storage
from kontor.access import Access
from kontor.errors import Forbidden, Unprocessable
from kontor.settings import settings
from tenants import store
from tenants.domain import AuditEntry, Tenant

LOGO_LINK_LIFETIME = timedelta(hours=1)
OPERATOR_SETTINGS = {"edition", "configuration"}  # sold and configured by the vendor, not the tenant


def logo_url(tenant: Tenant) -> str | None:
    if not tenant.logo_key:
        return None
    return storage.download_url(settings().logos_bucket, tenant.logo_key, LOGO_LINK_LIFETIME)


def view(context: Access) -> Tenant:
    return store.settings.get(context.tenant_id)


def update(context: Access, expected_version: int, changes: dict[str, Any]) -> Tenant:
    """Change settings under the rules the manuals give; the ETag guards against lost updates."""
    if not changes:
        raise Unprocessable("Send at least one setting to change.", code="nothing_to_change")
    if changes.keys() & OPERATOR_SETTINGS:
        raise Forbidden(
            "The edition and the configuration are set by the vendor's staff; ask support.",
            code="operator_only",
        )
    if "partner_access" in changes and context.via != "member":
        raise Forbidden("Only the tenant's own admins decide on partner access.", code="forbidden")
    current = store.settings.get(context.tenant_id)
    if "charset" in changes and current.type == "STANDARD" and changes["charset"] != "UTF-8":
        raise Unprocessable("STANDARD tenants always use UTF-8.", code="charset_fixed")
    return store.settings.update_settings(context, current, expected_version, changes)


def connection_file(context: Access, api_url: str) -> dict[str, Any]:
    """What a workstation needs to connect to this tenant, and no secret (M6.CRM's configuration file)."""
    current = settings()
    tenant = store.settings.get(context.tenant_id)
    document: dict[str, Any] = {
        "format": "kontor-connection",
        "version": 1,
        "api_url": api_url,
        "region": current.region,
        "user_pool_id": current.user_pool_id,
        "user_pool_client_id": current.user_pool_client_id,
        "tenant_id": tenant.id,
        "tenant_name": tenant.name,
        "created_at": clock.iso(clock.now()),
    }
    if current.aws_endpoint_url:
        document["cognito_endpoint"] = current.aws_endpoint_url
    return document


def audit(context: Access, action: str | None, limit: int, cursor: str | None) -> pages.Page[AuditEntry]:
    return store.settings.audit_page(context.tenant_id, action, limit, cursor)
