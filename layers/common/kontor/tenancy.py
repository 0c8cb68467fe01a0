"""How a tenant comes to be: the one place that writes a new tenant, however it is created.

Signup, an additional account and a partner's sub-tenant all add the same rows to their own
transaction: the tenant (with its places in the operators' directory), its first admin if it has
one, the standard content of a STANDARD tenant, its place below every ancestor, and the audit
entry. What a new tenant starts with is decided here, not by the callers.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from pynamodb.transactions import TransactWrite

from kontor import audit, billing, content, db, keys
from kontor.models import DescendantItem, MembershipItem, TenantItem, UserItem

NAME_KEY_BYTES = 200  # a sort key holds at most 1,024 bytes: the name's part is bounded by bytes


@dataclass(frozen=True)
class Person:
    """Someone a tenant is created for or who joins it."""

    user_id: str
    email: str
    name: str


@dataclass(frozen=True)
class NewTenant:
    id: str
    name: str
    type: str = "STANDARD"
    edition: str = "BASIC"
    charset: str = "UTF-8"
    parent_id: str | None = None
    ancestors: tuple[str, ...] = field(default_factory=tuple)
    # The tenant whose invoice bills this one: a partner's sub-tenant goes on the partner's invoice
    # (the account paying for the partner), any other tenant is its own billing account.
    bill_to: str | None = None

    @property
    def billing_account(self) -> str:
        return self.bill_to or self.id

    @property
    def configuration(self) -> str:
        # A CUSTOM tenant is configured by the vendor's staff before it is used.
        return "awaiting_configuration" if self.type == "CUSTOM" else "ready"


def name_key(name: str) -> str:
    """The name as the directory sorts and searches it: case and accents folded, bounded in bytes."""
    folded = unicodedata.normalize("NFKD", name.strip().casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return plain.encode()[:NAME_KEY_BYTES].decode(errors="ignore")


def directory_keys(tenant_id: str, name: str, created_at: str) -> dict[str, str]:
    """The tenant row's places in the operators' directory (newest first, and by name)."""
    return {
        "gsi2pk": keys.DIRECTORY,
        "gsi2sk": keys.directory_created_sk(created_at, tenant_id),
        "gsi3pk": keys.DIRECTORY,
        "gsi3sk": keys.directory_name_sk(name_key(name), tenant_id),
    }


def create(
    tx: TransactWrite,
    tenant: NewTenant,
    *,
    created_by: str,
    admin: Person | None,
    source: str,
    actor_via: str,
    now: str,
    subtenant_limit: int | None = None,
) -> None:
    """Add the new tenant's rows to `tx`; it fails if the tenant id exists, or if its parent has
    `subtenant_limit` sub-tenants already (see `quota_failed`)."""
    children = (
        {"gsi1pk": keys.children_gsi_pk(tenant.parent_id), "gsi1sk": keys.tenant_pk(tenant.id)}
        if tenant.parent_id
        else {}
    )
    tx.save(
        TenantItem(
            keys.tenant_pk(tenant.id),
            keys.TENANT_SK,
            id=tenant.id,
            name=tenant.name,
            created_at=now,
            created_by=created_by,
            admin_count=1 if admin else 0,
            type=tenant.type,
            edition=tenant.edition,
            bill_to=tenant.billing_account,
            charset=tenant.charset,
            configuration=tenant.configuration,
            parent_id=tenant.parent_id,
            ancestors=list(tenant.ancestors) or None,
            **children,
            **directory_keys(tenant.id, tenant.name, now),
        ),
        condition=TenantItem.pk.does_not_exist(),
    )
    if admin is not None:
        tx.save(membership_row(tenant.id, admin, "admin", now))
    billing.open_account(tx, tenant.id, tenant.billing_account, tenant.edition, now)
    if tenant.type == "STANDARD":
        for row in content.standard_rows(tenant.id, now):
            tx.save(row)
    for depth, ancestor in enumerate(reversed(tenant.ancestors), start=1):
        tx.save(
            DescendantItem(
                keys.tenant_pk(ancestor), keys.descendant_sk(tenant.id), tenant_id=tenant.id, depth=depth
            )
        )
    if tenant.parent_id:
        room = TenantItem.pk.exists()
        if subtenant_limit is not None:
            room &= TenantItem.subtenant_count.does_not_exist() | (
                TenantItem.subtenant_count < subtenant_limit
            )
        tx.update(
            TenantItem(keys.tenant_pk(tenant.parent_id), keys.TENANT_SK),
            actions=[TenantItem.subtenant_count.add(1)],
            condition=room,
        )
    details = {"name": tenant.name, "source": source}
    if admin is not None:
        details["admin"] = admin.user_id
    if tenant.parent_id:
        details["parent"] = tenant.parent_id
    audit.record(
        tx,
        tenant_id=tenant.id,
        actor_id=created_by,
        actor_via=actor_via,
        action="tenant.created",
        target=tenant.id,
        details=details,
    )


def membership_row(tenant_id: str, user: Person, role: str, now: str) -> MembershipItem:
    """PK: TENANT#<tenant_id>  SK: MEMBER#<user_id>  GSI1: USER#<user_id> / TENANT#<tenant_id>"""
    return MembershipItem(
        keys.tenant_pk(tenant_id),
        keys.member_sk(user.user_id),
        gsi1pk=keys.user_pk(user.user_id),
        gsi1sk=keys.tenant_pk(tenant_id),
        tenant_id=tenant_id,
        user_id=user.user_id,
        role=role,
        email=user.email,
        name=user.name,
        joined_at=now,
    )


def counted_for(tx: TransactWrite, user_id: str, limit: int) -> None:
    """Count a tenant a user creates, in `tx`, against the tenants-per-user quota."""
    tx.update(
        UserItem(keys.user_pk(user_id), keys.PROFILE_SK),
        actions=[UserItem.tenants_created.add(1)],
        condition=UserItem.pk.exists()
        & (UserItem.tenants_created.does_not_exist() | (UserItem.tenants_created < limit)),
    )


def quota_failed(
    cancelled: db.Cancelled, *, parent_id: str | None = None, user_id: str | None = None
) -> bool:
    """Whether a cancelled creation failed on the parent's or the user's quota."""
    return (parent_id is not None and (keys.tenant_pk(parent_id), keys.TENANT_SK) in cancelled.failed) or (
        user_id is not None and (keys.user_pk(user_id), keys.PROFILE_SK) in cancelled.failed
    )
