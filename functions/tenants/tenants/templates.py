"""Templates a tenant keeps (documents and e-mails): create, read, change, delete."""

from __future__ import annotations

from typing import Any

from kontor import pages, quotas
from kontor.access import Access
from kontor.settings import settings
from tenants import store
from tenants.domain import Template


def create(context: Access, fields: dict[str, Any]) -> Template:
    """A new template, within the tenant's quota (`kontor.quotas`, counted outside the write)."""
    quotas.check(context.tenant_id, "templates", settings().templates_per_tenant)
    template = store.templates.create_template(context, fields)
    quotas.moved(context.tenant_id, "templates", 1)
    return template


def read(context: Access, template_id: str) -> Template:
    return store.templates.template(context.tenant_id, template_id)


def listing(context: Access, kind: str | None, limit: int, cursor: str | None) -> pages.Page[Template]:
    return store.templates.templates(context.tenant_id, limit, cursor, kind)


def update(context: Access, template_id: str, expected_version: int, changes: dict[str, Any]) -> Template:
    current = store.templates.template(context.tenant_id, template_id)
    return store.templates.update_template(context, current, expected_version, changes)


def delete(context: Access, template_id: str) -> None:
    store.templates.delete_template(context, store.templates.template(context.tenant_id, template_id))
    quotas.moved(context.tenant_id, "templates", -1)
