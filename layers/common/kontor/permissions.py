"""Who may do what in a tenant: the minimum role of every tenant-scoped route, in one table.

`kontor.api` enforces it for every request before the route runs; a tenant-scoped route missing
here is refused (fail closed), and a test keeps this table, template.yaml and the README in step.
"""

from __future__ import annotations

from kontor.access import Role
from kontor.fences import Fence
from kontor.licences import Module

VIEWER, MEMBER, ADMIN = Role.VIEWER, Role.MEMBER, Role.ADMIN

MINIMUM_ROLE: dict[str, Role] = {
    "GET /tenants/{tenantId}": VIEWER,
    "PATCH /tenants/{tenantId}": ADMIN,
    "DELETE /tenants/{tenantId}": ADMIN,
    "POST /tenants/{tenantId}/error-reports": MEMBER,
    "GET /tenants/{tenantId}/error-reports": MEMBER,
    "GET /tenants/{tenantId}/error-reports/{reportId}": MEMBER,
    "PATCH /tenants/{tenantId}/error-reports/{reportId}": MEMBER,
    "POST /tenants/{tenantId}/error-reports/{reportId}/send": MEMBER,
    "GET /tenants/{tenantId}/connection-file": MEMBER,
    "GET /tenants/{tenantId}/audit": ADMIN,
    "POST /tenants/{tenantId}/logo/upload": ADMIN,
    "POST /tenants/{tenantId}/logo/confirm": ADMIN,
    "DELETE /tenants/{tenantId}/logo": ADMIN,
    "POST /tenants/{tenantId}/subtenants": ADMIN,
    "GET /tenants/{tenantId}/subtenants": VIEWER,
    "POST /tenants/{tenantId}/subtenants/{subId}/copy-content": ADMIN,
    # Only a partner admin hands over (checked by the logic: the caller must come in as partner).
    "POST /tenants/{tenantId}/handover": ADMIN,
    "GET /tenants/{tenantId}/templates": VIEWER,
    "GET /tenants/{tenantId}/templates/{templateId}": VIEWER,
    "POST /tenants/{tenantId}/templates": MEMBER,
    "PATCH /tenants/{tenantId}/templates/{templateId}": MEMBER,
    "DELETE /tenants/{tenantId}/templates/{templateId}": MEMBER,
    "GET /tenants/{tenantId}/contacts": VIEWER,
    "GET /tenants/{tenantId}/contacts/{contactId}": VIEWER,
    "POST /tenants/{tenantId}/contacts": MEMBER,
    "PATCH /tenants/{tenantId}/contacts/{contactId}": MEMBER,
    "DELETE /tenants/{tenantId}/contacts/{contactId}": MEMBER,
    "GET /tenants/{tenantId}/appointments": VIEWER,
    "GET /tenants/{tenantId}/appointments/{appointmentId}": VIEWER,
    "POST /tenants/{tenantId}/appointments": MEMBER,
    "PATCH /tenants/{tenantId}/appointments/{appointmentId}": MEMBER,
    "DELETE /tenants/{tenantId}/appointments/{appointmentId}": MEMBER,
    "GET /tenants/{tenantId}/backups": MEMBER,
    "GET /tenants/{tenantId}/backups/{backupId}": MEMBER,
    "GET /tenants/{tenantId}/restore": MEMBER,
    "GET /tenants/{tenantId}/backup-policy": MEMBER,
    "POST /tenants/{tenantId}/backups": ADMIN,
    "GET /tenants/{tenantId}/backups/{backupId}/download": ADMIN,
    "DELETE /tenants/{tenantId}/backups/{backupId}": ADMIN,
    "POST /tenants/{tenantId}/backups/prune": ADMIN,
    "POST /tenants/{tenantId}/backups/{backupId}/restore": ADMIN,
    "PUT /tenants/{tenantId}/backup-policy": ADMIN,
    "GET /tenants/{tenantId}/members": VIEWER,
    "PATCH /tenants/{tenantId}/members/{userId}": ADMIN,
    # Anyone may leave; removing someone else needs an admin (checked by the logic).
    "DELETE /tenants/{tenantId}/members/{userId}": VIEWER,
    "GET /tenants/{tenantId}/invitations": ADMIN,
    "POST /tenants/{tenantId}/invitations": ADMIN,
    "DELETE /tenants/{tenantId}/invitations/{invitationId}": ADMIN,
    "POST /tenants/{tenantId}/invitations/{invitationId}/resend": ADMIN,
    "GET /tenants/{tenantId}/licences": VIEWER,
    "POST /tenants/{tenantId}/licences": ADMIN,
    "POST /tenants/{tenantId}/plan": ADMIN,
    "GET /tenants/{tenantId}/company": VIEWER,
    "PUT /tenants/{tenantId}/company": ADMIN,
    "GET /tenants/{tenantId}/invoices": ADMIN,
    "GET /tenants/{tenantId}/invoices/{invoiceId}": ADMIN,
    "GET /tenants/{tenantId}/invoices/{invoiceId}/pdf": ADMIN,
    # ---- module: price calculation
    "GET /tenants/{tenantId}/price-calculations": VIEWER,
    "GET /tenants/{tenantId}/price-calculations/{calculationId}": VIEWER,
    "POST /tenants/{tenantId}/price-calculations": MEMBER,
    "PATCH /tenants/{tenantId}/price-calculations/{calculationId}": MEMBER,
    "DELETE /tenants/{tenantId}/price-calculations/{calculationId}": MEMBER,
    # ---- module: podcasts (the public feed routes pass no tenant gate: `podcasts.feeds`)
    "GET /tenants/{tenantId}/podcasts/channels": VIEWER,
    "GET /tenants/{tenantId}/podcasts/channels/{channelId}": VIEWER,
    "POST /tenants/{tenantId}/podcasts/channels": MEMBER,
    "PATCH /tenants/{tenantId}/podcasts/channels/{channelId}": MEMBER,
    "DELETE /tenants/{tenantId}/podcasts/channels/{channelId}": MEMBER,
    "POST /tenants/{tenantId}/podcasts/channels/{channelId}/publish": MEMBER,
    "GET /tenants/{tenantId}/podcasts/channels/{channelId}/episodes": VIEWER,
    "GET /tenants/{tenantId}/podcasts/channels/{channelId}/episodes/{episodeId}": VIEWER,
    "POST /tenants/{tenantId}/podcasts/channels/{channelId}/episodes": MEMBER,
    "PATCH /tenants/{tenantId}/podcasts/channels/{channelId}/episodes/{episodeId}": MEMBER,
    "DELETE /tenants/{tenantId}/podcasts/channels/{channelId}/episodes/{episodeId}": MEMBER,
    "POST /tenants/{tenantId}/podcasts/channels/{channelId}/episodes/{episodeId}/audio/upload": MEMBER,
    "POST /tenants/{tenantId}/podcasts/channels/{channelId}/episodes/{episodeId}/audio/confirm": MEMBER,
    "POST /tenants/{tenantId}/podcasts/channels/{channelId}/cover/upload": MEMBER,
    "POST /tenants/{tenantId}/podcasts/channels/{channelId}/cover/confirm": MEMBER,
    # ---- module: online sync (members register and report, admins remove clients and move the host)
    "POST /tenants/{tenantId}/sync/clients": MEMBER,
    "GET /tenants/{tenantId}/sync/clients": VIEWER,
    "DELETE /tenants/{tenantId}/sync/clients/{clientId}": ADMIN,
    "GET /tenants/{tenantId}/sync/clients/{clientId}/prerequisites": MEMBER,
    "POST /tenants/{tenantId}/sync/clients/{clientId}/runs": MEMBER,
    "PUT /tenants/{tenantId}/sync/host": ADMIN,
    "GET /tenants/{tenantId}/sync/status": VIEWER,
    "GET /tenants/{tenantId}/sync/history": VIEWER,
    "GET /tenants/{tenantId}/sync/clients/{clientId}/changes": MEMBER,
    "POST /tenants/{tenantId}/sync/clients/{clientId}/changes": MEMBER,
    "POST /tenants/{tenantId}/sync/clients/{clientId}/baseline": MEMBER,
    "POST /tenants/{tenantId}/sync/clients/{clientId}/initial-sync": MEMBER,
    "GET /tenants/{tenantId}/sync/clients/{clientId}/initial-sync": MEMBER,
    "PATCH /tenants/{tenantId}/sync/clients/{clientId}/initial-sync": MEMBER,
    "GET /tenants/{tenantId}/sync/conflicts": VIEWER,
    "POST /tenants/{tenantId}/sync/conflicts/{conflictId}/resolve": MEMBER,
}


# The module whose licence each module route needs (`kontor.licences.require`); routes of the core
# module are not listed. A route below a module's path (`MODULE_PATHS`) that is missing here is
# refused, so a module's new route cannot be reached without its licence by forgetting this table.
MODULE_OF_ROUTE: dict[str, Module] = {
    "POST /tenants/{tenantId}/subtenants": Module.TENANT_MANAGEMENT,
    # ---- module: price calculation
    "GET /tenants/{tenantId}/price-calculations": Module.PRICE_CALCULATION,
    "GET /tenants/{tenantId}/price-calculations/{calculationId}": Module.PRICE_CALCULATION,
    "POST /tenants/{tenantId}/price-calculations": Module.PRICE_CALCULATION,
    "PATCH /tenants/{tenantId}/price-calculations/{calculationId}": Module.PRICE_CALCULATION,
    "DELETE /tenants/{tenantId}/price-calculations/{calculationId}": Module.PRICE_CALCULATION,
    # ---- module: podcasts
    "GET /tenants/{tenantId}/podcasts/channels": Module.PODCASTS,
    "GET /tenants/{tenantId}/podcasts/channels/{channelId}": Module.PODCASTS,
    "POST /tenants/{tenantId}/podcasts/channels": Module.PODCASTS,
    "PATCH /tenants/{tenantId}/podcasts/channels/{channelId}": Module.PODCASTS,
    "DELETE /tenants/{tenantId}/podcasts/channels/{channelId}": Module.PODCASTS,
    "POST /tenants/{tenantId}/podcasts/channels/{channelId}/publish": Module.PODCASTS,
    "GET /tenants/{tenantId}/podcasts/channels/{channelId}/episodes": Module.PODCASTS,
    "GET /tenants/{tenantId}/podcasts/channels/{channelId}/episodes/{episodeId}": Module.PODCASTS,
    "POST /tenants/{tenantId}/podcasts/channels/{channelId}/episodes": Module.PODCASTS,
    "PATCH /tenants/{tenantId}/podcasts/channels/{channelId}/episodes/{episodeId}": Module.PODCASTS,
    "DELETE /tenants/{tenantId}/podcasts/channels/{channelId}/episodes/{episodeId}": Module.PODCASTS,
    "POST /tenants/{tenantId}/podcasts/channels/{channelId}/episodes/{episodeId}/audio/upload": (
        Module.PODCASTS
    ),
    "POST /tenants/{tenantId}/podcasts/channels/{channelId}/episodes/{episodeId}/audio/confirm": (
        Module.PODCASTS
    ),
    "POST /tenants/{tenantId}/podcasts/channels/{channelId}/cover/upload": Module.PODCASTS,
    "POST /tenants/{tenantId}/podcasts/channels/{channelId}/cover/confirm": Module.PODCASTS,
    # ---- module: online sync
    "POST /tenants/{tenantId}/sync/clients": Module.ONLINE_SYNC,
    "GET /tenants/{tenantId}/sync/clients": Module.ONLINE_SYNC,
    "DELETE /tenants/{tenantId}/sync/clients/{clientId}": Module.ONLINE_SYNC,
    "GET /tenants/{tenantId}/sync/clients/{clientId}/prerequisites": Module.ONLINE_SYNC,
    "POST /tenants/{tenantId}/sync/clients/{clientId}/runs": Module.ONLINE_SYNC,
    "PUT /tenants/{tenantId}/sync/host": Module.ONLINE_SYNC,
    "GET /tenants/{tenantId}/sync/status": Module.ONLINE_SYNC,
    "GET /tenants/{tenantId}/sync/history": Module.ONLINE_SYNC,
    "GET /tenants/{tenantId}/sync/clients/{clientId}/changes": Module.ONLINE_SYNC,
    "POST /tenants/{tenantId}/sync/clients/{clientId}/changes": Module.ONLINE_SYNC,
    "POST /tenants/{tenantId}/sync/clients/{clientId}/baseline": Module.ONLINE_SYNC,
    "POST /tenants/{tenantId}/sync/clients/{clientId}/initial-sync": Module.ONLINE_SYNC,
    "GET /tenants/{tenantId}/sync/clients/{clientId}/initial-sync": Module.ONLINE_SYNC,
    "PATCH /tenants/{tenantId}/sync/clients/{clientId}/initial-sync": Module.ONLINE_SYNC,
    "GET /tenants/{tenantId}/sync/conflicts": Module.ONLINE_SYNC,
    "POST /tenants/{tenantId}/sync/conflicts/{conflictId}/resolve": Module.ONLINE_SYNC,
}

MODULE_PATHS: dict[str, Module] = {
    "/tenants/{tenantId}/podcasts": Module.PODCASTS,
    "/tenants/{tenantId}/price-calculations": Module.PRICE_CALCULATION,
    "/tenants/{tenantId}/sync": Module.ONLINE_SYNC,
}


# Writes that go on while one of the tenant's fences is up (every other write is refused).
PASSES_FENCES: dict[str, frozenset[Fence]] = {
    # A restore that failed half-way keeps the tenant fenced until a new one converges.
    "POST /tenants/{tenantId}/backups/{backupId}/restore": frozenset({Fence.RESTORING}),
    # A first sync fences the tenant's own writes; the sync's routes are how it runs and ends.
    "POST /tenants/{tenantId}/sync/clients/{clientId}/changes": frozenset({Fence.SYNCING}),
    "POST /tenants/{tenantId}/sync/clients/{clientId}/runs": frozenset({Fence.SYNCING}),
    "POST /tenants/{tenantId}/sync/clients/{clientId}/baseline": frozenset({Fence.SYNCING}),
    "PATCH /tenants/{tenantId}/sync/clients/{clientId}/initial-sync": frozenset({Fence.SYNCING}),
}


def minimum_role(method: str, resource: str) -> Role | None:
    return MINIMUM_ROLE.get(f"{method.upper()} {resource}")


class UnlistedModuleRoute(Exception):
    """A route below a module's path that `MODULE_OF_ROUTE` does not name."""


def module_of(method: str, resource: str) -> Module | None:
    """The module a route needs a licence of, or None for the core module's routes."""
    module = MODULE_OF_ROUTE.get(f"{method.upper()} {resource}")
    if module is not None:
        return module
    for path in MODULE_PATHS:
        if resource == path or resource.startswith(path + "/"):
            raise UnlistedModuleRoute(f"{method.upper()} {resource}")
    return None


def fences_passed(method: str, resource: str) -> frozenset[Fence]:
    return PASSES_FENCES.get(f"{method.upper()} {resource}", frozenset())
