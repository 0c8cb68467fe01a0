"""Templates in the table: a tenant's own, and copies from its partner; names are unique per tenant."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from kontor import audit, clock, content, db, fences, keys, mapping, pages
from kontor.access import Access
from kontor.errors import Conflict, NotFound, PreconditionFailed
from kontor.models import (
    TemplateItem,
    TemplateNameItem,
)
from tenants.domain import Template


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
        last_evaluated_key=pages.decode(
            cursor, partition_key="pk", partition=partition, sk_prefix=keys.TEMPLATE_PREFIX
        ),
    )
    items = [mapping.domain(item, Template) for item in results]
    return pages.Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def template(tenant_id: str, template_id: str) -> Template:
    try:
        item = TemplateItem.get(
            keys.tenant_pk(tenant_id), keys.template_sk(template_id), consistent_read=True
        )
    except DoesNotExist:
        raise NotFound("No such template.", code="template_not_found") from None
    return mapping.domain(item, Template)


def _name_taken(name: str) -> Conflict:
    return Conflict(f"A template named {name!r} exists already.", code="template_name_taken")


def create_template(context: Access, fields: dict[str, Any]) -> Template:
    now = clock.iso(clock.now())
    row, name = content.template_rows(context.tenant_id, now=now, **fields)
    try:
        with fences.write(context.tenant_id) as tx:
            tx.save(name, condition=TemplateNameItem.pk.does_not_exist())
            tx.save(row)
            audit.by(tx, context, "template.created", row.id, name=row.name, kind=row.kind)
    except db.Cancelled as cancelled:
        if (name.pk, name.sk) in cancelled.failed:
            raise _name_taken(row.name) from None
        raise
    return mapping.domain(row, Template)


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
            audit.by(tx, context, "template.updated", current.id, fields=sorted(changes))
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
        audit.by(tx, context, "template.deleted", current.id, name=current.name)


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
