"""Content a tenant keeps: templates. STANDARD tenants start with the standard set.

Rows are built here so that every way a tenant comes to be (signup, a further account, a partner's
sub-tenant) seeds the same content in the same transaction that creates the tenant.
"""

from __future__ import annotations

from kontor import ids, keys
from kontor.models import Item, TemplateItem, TemplateNameItem

KINDS = ("email", "document")

STANDARD_TEMPLATES: tuple[tuple[str, str, str | None, str], ...] = (
    (
        "Willkommen",
        "email",
        "Willkommen bei {{tenant_name}}",
        "Hallo {{contact_name}},\n\nschön, dass Sie da sind. "
        "Bei Fragen antworten Sie einfach auf diese Mail.\n",
    ),
    (
        "Terminbestätigung",
        "email",
        "Ihr Termin am {{appointment_date}}",
        "Hallo {{contact_name}},\n\n"
        "wir bestätigen Ihren Termin am {{appointment_date}} um {{appointment_time}}.\n",
    ),
    (
        "Angebot",
        "document",
        None,
        "Angebot für {{contact_name}}\n\nPosition | Menge | Preis\n{{positions}}\n\n"
        "Gültig bis {{valid_until}}.\n",
    ),
)


def template_rows(
    tenant_id: str,
    *,
    name: str,
    kind: str,
    subject: str | None,
    body: str,
    now: str,
    template_id: str | None = None,
    copied_from: str | None = None,
) -> tuple[TemplateItem, TemplateNameItem]:
    """A template and the claim on its name."""
    template_id = template_id or ids.new_id()
    template = TemplateItem(
        keys.tenant_pk(tenant_id),
        keys.template_sk(template_id),
        id=template_id,
        name=name,
        kind=kind,
        subject=subject,
        body=body,
        created_at=now,
        updated_at=now,
        version=1,
        copied_from=copied_from,
    )
    return template, TemplateNameItem(
        keys.tenant_pk(tenant_id), keys.template_name_sk(name), template_id=template_id
    )


def standard_rows(tenant_id: str, now: str) -> list[Item]:
    """The standard templates, and the tenant's template counter (`kontor.quotas`) starting at them."""
    from kontor.models import UsageItem

    rows: list[Item] = []
    for name, kind, subject, body in STANDARD_TEMPLATES:
        rows.extend(template_rows(tenant_id, name=name, kind=kind, subject=subject, body=body, now=now))
    rows.append(
        UsageItem(keys.tenant_pk(tenant_id), keys.usage_sk("templates"), used=len(STANDARD_TEMPLATES))
    )
    return rows
