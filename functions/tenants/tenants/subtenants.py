"""Partners and their sub-tenants: creating them, copying content down, handing them over."""

from __future__ import annotations

from kontor import clock, ids, mail, outbox, pages, quotas, system_mail
from kontor.access import Access, partners_of
from kontor.errors import Conflict, Forbidden, NotFound, Unprocessable, quota_exceeded
from kontor.observability import count
from kontor.settings import settings
from tenants import store
from tenants.domain import CopyReport, Tenant


def create_subtenant(context: Access, name: str, type_: str, edition: str, charset: str) -> Tenant:
    parent = store.settings.get(context.tenant_id)
    ancestors = (*parent.ancestors, parent.id)
    depth = settings().subtenant_depth
    if len(ancestors) > depth:
        raise quota_exceeded("subtenant_depth", depth, f"Sub-tenants nest at most {depth} levels deep.")
    if type_ == "STANDARD" and charset != "UTF-8":
        raise Unprocessable("STANDARD tenants always use UTF-8.", code="charset_fixed")
    sub = Tenant(
        id=ids.new_id(),
        name=name,
        status="active",
        created_at=clock.iso(clock.now()),
        type=type_,
        edition=edition,
        charset=charset,
        configuration="ready" if type_ == "STANDARD" else "awaiting_configuration",
        version=1,
        parent_id=parent.id,
        ancestors=ancestors,
        partner_access=True,
        subtenant_count=0,
        admin_count=0,
        logo_key=None,
        handed_over_at=None,
    )
    store.subtenants.create_subtenant(context, parent, sub, limit=settings().subtenants_per_partner)
    count("SubtenantCreated", sub.id)
    return sub


def subtenants(context: Access, limit: int, cursor: str | None, *, depth: str = "1") -> pages.Page[Tenant]:
    """The direct sub-tenants (`depth` "1"), or every tenant below at any depth (`depth` "all");
    a page may come back short.

    Direct: a partner acting here sees only those it can reach. Any depth: only the tenants the
    caller reaches through this tenant as partner (`kontor.access.partners_of`, the gate's rule),
    so a tenant that switched partner access off hides itself and everything below it.
    """
    if depth == "all":
        return _reached_below(context, limit, cursor)
    page = store.subtenants.children(context.tenant_id, limit, cursor)
    if context.via == "partner":
        return pages.Page([t for t in page.items if t.partner_access], page.next_cursor)
    return page


def _reached_below(context: Access, limit: int, cursor: str | None) -> pages.Page[Tenant]:
    """One page of descendants, and at most one batch more for the tenants between them and this
    one that the page does not hold: the calls grow with the page, never with the hierarchy."""
    page = store.subtenants.descendants(context.tenant_id, limit, cursor)
    known = {t.id: t.partner_access for t in page.items}
    between = {
        t
        for sub in page.items
        if context.tenant_id in sub.ancestors
        for t in sub.ancestors[sub.ancestors.index(context.tenant_id) + 1 :]
    }
    known |= {t.id: t.partner_access for t in store.subtenants.tenants(sorted(between - set(known)))}

    def reaches(sub: Tenant) -> bool:
        return (
            sub.partner_access
            and context.tenant_id in sub.ancestors
            and context.tenant_id in partners_of(sub.ancestors, lambda t: known.get(t, False))
        )

    return pages.Page([t for t in page.items if reaches(t)], page.next_cursor)


def _own_subtenant(context: Access, sub_id: str) -> Tenant:
    """A tenant below the caller's tenant; any other does not exist for them."""
    try:
        sub = store.settings.get(sub_id)
    except NotFound:
        sub = None
    if sub is None or context.tenant_id not in sub.ancestors:
        raise NotFound("No such sub-tenant.", code="subtenant_not_found")
    between = list(sub.ancestors[sub.ancestors.index(context.tenant_id) + 1 :])
    allows = store.settings.partner_access(between)
    if not sub.partner_access or context.tenant_id not in partners_of(
        sub.ancestors, lambda t: allows.get(t, False)
    ):
        raise Forbidden(
            "This sub-tenant, or a tenant above it, has switched partner access off.",
            code="partner_access_off",
        )
    return sub


def copy_content(context: Access, sub_id: str, kinds: list[str], on_conflict: str) -> CopyReport:
    """Copy the partner's templates of `kinds` into its own sub-tenant; safe to repeat.

    Only content is copied, never customer data.
    """
    sub = _own_subtenant(context, sub_id)
    report = CopyReport()
    cursor: str | None = None
    while True:
        page = store.templates.templates(context.tenant_id, 100, cursor)
        wanted = [t for t in page.items if t.kind in kinds]
        existing = store.templates.templates_named(sub.id, [t.name for t in wanted]) if wanted else {}
        new = [t for t in wanted if t.name.strip().lower() not in existing]
        if new:
            quotas.check(sub.id, "templates", settings().templates_per_tenant, adding=len(new))
        for source in wanted:
            present = existing.get(source.name.strip().lower())
            if present is not None and on_conflict == "skip":
                report.skipped.append(source.name)
                continue
            store.templates.copy_template(context, sub.id, source, present)
            if present is None:
                quotas.moved(sub.id, "templates", 1)
            (report.overwritten if present else report.copied).append(source.name)
        cursor = page.next_cursor
        if cursor is None:
            break
    store.templates.record_copy(
        context,
        sub.id,
        {"copied": report.copied, "overwritten": report.overwritten, "skipped": report.skipped},
    )
    return report


def hand_over(context: Access, *, own_billing: bool = False) -> Tenant:
    """A partner hands a sub-tenant to its customer, once it has an admin of its own; with
    `own_billing` the tenant leaves the partner's invoice and gets invoices of its own from today."""
    if context.via != "partner":
        raise Forbidden("Only the partner hands a sub-tenant over.", code="partner_only")
    admins = store.subtenants.admins(context.tenant_id)
    ready = [system_mail.Recipient(email, language) for _, email, verified, language in admins if verified]
    if not ready:
        raise Conflict(
            "Before handover the tenant needs an admin of its own with a verified email address: invite one.",
            code="admin_required",
        )
    current = store.settings.get(context.tenant_id)
    tenant, queued = store.subtenants.record_handover(
        context, current, handed_over_message(current.name), ready, own_billing=own_billing
    )
    outbox.deliver(queued)
    count("TenantHandedOver", tenant.id)
    return tenant


def handed_over_message(name: str) -> system_mail.Message:
    quoted = mail.plain(name)
    return system_mail.Message(
        subject={
            "de": f"{mail.plain(name, 60)} gehört jetzt Ihnen",
            "en": f"{mail.plain(name, 60)} is yours now",
        },
        paragraphs={
            "de": [
                f"Ihr Partner hat Ihnen den Mandanten „{quoted}“ übergeben. Sie sind sein Administrator: "
                "wichtige Systemnachrichten gehen an diese Adresse."
            ],
            "en": [
                f"your partner has handed the tenant “{quoted}” over to you. You are its administrator: "
                "important system messages go to this address."
            ],
        },
    )
