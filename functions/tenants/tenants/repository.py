"""Tenant administration's reads and writes of the table. Rows in, domain objects out."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pynamodb.exceptions import DoesNotExist

from kontor import audit, clock, content, db, fences, keys, pages, tenancy
from kontor.access import Access
from kontor.errors import Conflict, NotFound, PreconditionFailed
from kontor.models import (
    AuditItem,
    MembershipItem,
    TemplateItem,
    TemplateNameItem,
    TenantItem,
    UserItem,
)
from tenants.domain import AuditEntry, Template, Tenant


def _tenant(item: TenantItem) -> Tenant:
    return Tenant(
        id=item.id,
        name=item.name,
        status=item.status,
        created_at=item.created_at,
        type=item.type,
        edition=item.edition,
        charset=item.charset,
        configuration=item.configuration,
        version=int(item.version),
        parent_id=item.parent_id,
        ancestors=tuple(item.ancestors or ()),
        partner_access=bool(item.partner_access),
        subtenant_count=int(item.subtenant_count or 0),
        admin_count=int(item.admin_count or 0),
        logo_key=item.logo_key,
        handed_over_at=item.handed_over_at,
    )


def _template(item: TemplateItem) -> Template:
    return Template(
        id=item.id,
        name=item.name,
        kind=item.kind,
        subject=item.subject,
        body=item.body,
        created_at=item.created_at,
        updated_at=item.updated_at,
        version=int(item.version),
        copied_from=item.copied_from,
    )


def _record(tx: Any, context: Access, action: str, target: str | None, **details: Any) -> None:
    audit.record(
        tx,
        tenant_id=context.tenant_id,
        actor_id=context.caller.user_id,
        actor_via=context.via,
        action=action,
        target=target,
        details=details or None,
    )


# ------------------------------------------------------------------ settings
def get(tenant_id: str) -> Tenant:
    try:
        return _tenant(TenantItem.get(keys.tenant_pk(tenant_id), keys.TENANT_SK, consistent_read=True))
    except DoesNotExist:
        raise NotFound("No such tenant.", code="tenant_not_found") from None


def update_settings(
    context: Access, current: Tenant, expected_version: int, changes: dict[str, Any]
) -> Tenant:
    """Apply `changes` if the tenant is still at `expected_version` (its ETag)."""
    row = TenantItem(keys.tenant_pk(context.tenant_id), keys.TENANT_SK)
    actions = [getattr(TenantItem, name).set(value) for name, value in changes.items()]
    if "name" in changes:  # the operators' directory finds it under its new name
        name_sk = tenancy.directory_keys(current.id, changes["name"], current.created_at)["gsi3sk"]
        actions.append(TenantItem.gsi3sk.set(name_sk))
    try:
        with fences.write(context.tenant_id) as tx:
            tx.update(
                row,
                actions=[*actions, TenantItem.version.add(1)],
                condition=TenantItem.version == expected_version,
            )
            _record(tx, context, "tenant.settings_changed", context.tenant_id, **changes)
    except db.Cancelled as cancelled:
        if (row.pk, row.sk) in cancelled.failed:
            raise PreconditionFailed(
                "The tenant changed since you read it; reload it and apply your change again.",
                code="precondition_failed",
            ) from None
        raise
    # The condition held, so the tenant was `current` at that version: no need to read it again.
    return replace(current, **changes, version=expected_version + 1)


def set_logo(context: Access, current: Tenant, logo_key: str | None) -> Tenant:
    row = TenantItem(keys.tenant_pk(context.tenant_id), keys.TENANT_SK)
    action = TenantItem.logo_key.set(logo_key) if logo_key else TenantItem.logo_key.remove()
    with fences.write(context.tenant_id) as tx:
        tx.update(row, actions=[action, TenantItem.version.add(1)], condition=TenantItem.pk.exists())
        _record(tx, context, "tenant.logo_changed" if logo_key else "tenant.logo_removed", context.tenant_id)
    return replace(current, logo_key=logo_key, version=current.version + 1)


# ------------------------------------------------------------------ hierarchy
def create_subtenant(context: Access, parent: Tenant, sub: Tenant) -> None:
    """The sub-tenant (`kontor.tenancy`), and the partner's record of creating it."""
    with db.transaction() as tx:
        tenancy.create(
            tx,
            tenancy.NewTenant(
                id=sub.id,
                name=sub.name,
                type=sub.type,
                edition=sub.edition,
                charset=sub.charset,
                parent_id=parent.id,
                ancestors=sub.ancestors,
            ),
            created_by=context.caller.user_id,
            admin=None,
            source="partner",
            actor_via="partner",
            now=sub.created_at,
        )
        _record(tx, context, "subtenant.created", sub.id, name=sub.name, type=sub.type)


def children(parent_id: str, limit: int, cursor: str | None) -> pages.Page[Tenant]:
    partition = keys.children_gsi_pk(parent_id)
    results = TenantItem.by_parent.query(
        partition,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(cursor, partition_key="gsi1pk", partition=partition),
    )
    items = [_tenant(item) for item in results]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def admins(tenant_id: str) -> list[tuple[str, str, bool]]:
    """(user id, email, email verified) of every admin of the tenant."""
    rows = [
        row
        for row in MembershipItem.query(
            keys.tenant_pk(tenant_id), MembershipItem.sk.startswith(keys.MEMBER_PREFIX)
        )
        if row.role == "admin"
    ]
    profiles = {
        p.id: bool(p.email_verified)
        for p in UserItem.batch_get([(keys.user_pk(r.user_id), keys.PROFILE_SK) for r in rows])
    }
    return [(r.user_id, r.email, profiles.get(r.user_id, False)) for r in rows]


def record_handover(context: Access, current: Tenant) -> Tenant:
    now = clock.iso(clock.now())
    with db.transaction() as tx:
        tx.update(
            TenantItem(keys.tenant_pk(context.tenant_id), keys.TENANT_SK),
            actions=[
                TenantItem.handed_over_at.set(now),
                TenantItem.handed_over_by.set(context.caller.user_id),
                TenantItem.version.add(1),
            ],
            condition=TenantItem.admin_count >= 1,
        )
        _record(tx, context, "tenant.handed_over", context.tenant_id, partner=context.partner_tenant_id)
    return replace(current, handed_over_at=now, version=current.version + 1)


# ------------------------------------------------------------------ templates
def templates(
    tenant_id: str, limit: int, cursor: str | None, kind: str | None = None
) -> pages.Page[Template]:
    partition = keys.tenant_pk(tenant_id)
    results = TemplateItem.query(
        partition,
        TemplateItem.sk.startswith(keys.TEMPLATE_PREFIX),
        filter_condition=(TemplateItem.kind == kind) if kind else None,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(cursor, partition_key="pk", partition=partition),
    )
    items = [_template(item) for item in results]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def template(tenant_id: str, template_id: str) -> Template:
    try:
        item = TemplateItem.get(
            keys.tenant_pk(tenant_id), keys.template_sk(template_id), consistent_read=True
        )
    except DoesNotExist:
        raise NotFound("No such template.", code="template_not_found") from None
    return _template(item)


def _name_taken(name: str) -> Conflict:
    return Conflict(f"A template named {name!r} exists already.", code="template_name_taken")


def create_template(context: Access, fields: dict[str, Any]) -> Template:
    now = clock.iso(clock.now())
    row, name = content.template_rows(context.tenant_id, now=now, **fields)
    try:
        with fences.write(context.tenant_id) as tx:
            tx.save(name, condition=TemplateNameItem.pk.does_not_exist())
            tx.save(row)
            _record(tx, context, "template.created", row.id, name=row.name, kind=row.kind)
    except db.Cancelled as cancelled:
        if (name.pk, name.sk) in cancelled.failed:
            raise _name_taken(row.name) from None
        raise
    return _template(row)


def update_template(
    context: Access, current: Template, expected_version: int, changes: dict[str, Any]
) -> Template:
    row = TemplateItem(keys.tenant_pk(context.tenant_id), keys.template_sk(current.id))
    renamed = "name" in changes and keys.template_name_sk(changes["name"]) != keys.template_name_sk(
        current.name
    )
    new_name = TemplateNameItem(
        keys.tenant_pk(context.tenant_id),
        keys.template_name_sk(changes.get("name", current.name)),
        template_id=current.id,
    )
    now = clock.iso(clock.now())
    actions = [
        getattr(TemplateItem, field).remove() if value is None else getattr(TemplateItem, field).set(value)
        for field, value in changes.items()
    ]
    try:
        with fences.write(context.tenant_id) as tx:
            tx.update(
                row,
                actions=[*actions, TemplateItem.updated_at.set(now), TemplateItem.version.add(1)],
                condition=TemplateItem.version == expected_version,
            )
            if renamed:
                tx.save(new_name, condition=TemplateNameItem.pk.does_not_exist())
                tx.delete(
                    TemplateNameItem(keys.tenant_pk(context.tenant_id), keys.template_name_sk(current.name))
                )
            _record(tx, context, "template.updated", current.id, fields=sorted(changes))
    except db.Cancelled as cancelled:
        if (row.pk, row.sk) in cancelled.failed:
            raise PreconditionFailed(
                "The template changed since you read it; reload it and apply your change again.",
                code="precondition_failed",
            ) from None
        if (new_name.pk, new_name.sk) in cancelled.failed:
            raise _name_taken(changes["name"]) from None
        raise
    return template(context.tenant_id, current.id)


def delete_template(context: Access, current: Template) -> None:
    with fences.write(context.tenant_id) as tx:
        tx.delete(
            TemplateItem(keys.tenant_pk(context.tenant_id), keys.template_sk(current.id)),
            condition=TemplateItem.pk.exists(),
        )
        tx.delete(TemplateNameItem(keys.tenant_pk(context.tenant_id), keys.template_name_sk(current.name)))
        _record(tx, context, "template.deleted", current.id, name=current.name)


def templates_named(tenant_id: str, names: list[str]) -> dict[str, str]:
    """Lower-case name -> template id, for those of `names` the tenant has (one batch read)."""
    wanted = [(keys.tenant_pk(tenant_id), keys.template_name_sk(name)) for name in names]
    found = db.batch_get(wanted, lambda key: TemplateNameItem)
    return {row.sk.removeprefix("TEMPLATENAME#"): row.template_id for row in found}


def copy_template(context: Access, target_id: str, source: Template, existing_id: str | None) -> None:
    """Write `source` into `target_id`: a new template, or over the one with its name."""
    now = clock.iso(clock.now())
    fields = {"name": source.name, "kind": source.kind, "subject": source.subject, "body": source.body}
    with fences.write(target_id) as tx:
        if existing_id is None:
            row, name = content.template_rows(target_id, now=now, copied_from=context.tenant_id, **fields)
            tx.save(name, condition=TemplateNameItem.pk.does_not_exist())
            tx.save(row)
        else:
            tx.update(
                TemplateItem(keys.tenant_pk(target_id), keys.template_sk(existing_id)),
                actions=[
                    TemplateItem.kind.set(source.kind),
                    TemplateItem.subject.set(source.subject)
                    if source.subject
                    else TemplateItem.subject.remove(),
                    TemplateItem.body.set(source.body),
                    TemplateItem.copied_from.set(context.tenant_id),
                    TemplateItem.updated_at.set(now),
                    TemplateItem.version.add(1),
                ],
                condition=TemplateItem.pk.exists(),
            )


def record_copy(context: Access, target_id: str, report: dict[str, list[str]]) -> None:
    with db.transaction() as tx:
        audit.record(
            tx,
            tenant_id=target_id,
            actor_id=context.caller.user_id,
            actor_via="partner",
            action="content.copied",
            target=target_id,
            details={"from": context.tenant_id, **report},
        )


# ------------------------------------------------------------------ audit
def audit_page(tenant_id: str, action: str | None, limit: int, cursor: str | None) -> pages.Page[AuditEntry]:
    """Newest first; filtered pages may hold fewer than `limit` entries and still continue."""
    partition = keys.tenant_pk(tenant_id)
    results = AuditItem.query(
        partition,
        AuditItem.sk.startswith(keys.AUDIT_PREFIX),
        filter_condition=(AuditItem.action == action) if action else None,
        scan_index_forward=False,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(cursor, partition_key="pk", partition=partition),
    )
    items = [
        AuditEntry(
            id=item.id,
            at=item.at,
            actor_id=item.actor_id,
            actor_via=item.actor_via,
            action=item.action,
            target=item.target,
            details=item.details.as_dict() if item.details is not None else {},
        )
        for item in results
    ]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))
