"""Tenants' reads and writes of the table."""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import DoesNotExist

from kontor import keys
from kontor.errors import NotFound
from kontor.models import TenantItem


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str
    status: str
    created_at: str


def get(tenant_id: str) -> Tenant:
    try:
        item = TenantItem.get(keys.tenant_pk(tenant_id), keys.TENANT_SK)
    except DoesNotExist:
        raise NotFound("No such tenant.", code="tenant_not_found") from None
    return Tenant(id=item.id, name=item.name, status=item.status, created_at=item.created_at)
