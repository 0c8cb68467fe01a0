"""Sync clients: registering an installation, the licence's binding to one company database, the
one sync host, and whether a client may sync (its prerequisites)."""

from __future__ import annotations

import re
from typing import Any

from kontor import clock, ids, licences
from kontor.access import Access
from kontor.errors import Conflict, NotFound, Unprocessable
from kontor.observability import count
from kontor.pages import Page
from kontor.settings import settings
from sync_api import store
from sync_api.domain import Check, Client, Prerequisites

_ID = re.compile(r"^[0-9a-z]{26}$")


def known(client_id: str) -> str:
    if not _ID.match(client_id):  # a malformed id names nothing: the same 404, without a read
        raise NotFound("No such sync client.", code="client_not_found")
    return client_id


def register(tenant: Access, fields: dict[str, Any]) -> Client:
    """Register an installation. The first real company database binds the tenant's licence (a
    conditional write, so two first registrations cannot both bind); the sample database binds
    nothing. The first client becomes the sync host."""
    host, head = store.clients.host_and_head(tenant.tenant_id)
    epoch = tenant.fences.sync_epoch if tenant.fences else 0
    client = Client(
        id=ids.new_id(),
        registered_by=tenant.caller.user_id,
        registered_at=clock.iso(clock.now()),
        baseline_epoch=epoch,
        baseline_sequence=head[1] if head is not None and head[0] == epoch else 0,
        **fields,
    )
    as_host = host is None
    registered = store.clients.register(
        tenant.tenant_id, client, bind=not client.sample_database, as_host=as_host
    )
    count("SyncClientRegistered", tenant.tenant_id)
    return registered


def page(tenant: Access, limit: int, cursor: str | None) -> Page[Client]:
    return store.clients.page(tenant.tenant_id, limit, cursor)


def delete(tenant: Access, client_id: str) -> None:
    """Remove a client. The sync host goes only as the last client: move the host role first."""
    client, host_id = store.clients.with_host(tenant.tenant_id, known(client_id))
    is_host = host_id == client.id
    if is_host and store.clients.others_exist(tenant.tenant_id, client.id):
        raise Conflict(
            "This client is the sync host: make another client the sync host first (PUT …/sync/host).",
            code="client_is_sync_host",
        )
    store.clients.delete(tenant.tenant_id, client.id, host=is_host)
    count("SyncClientDeleted", tenant.tenant_id)


def move_host(tenant: Access, client_id: str) -> Client:
    """Make `client_id` the tenant's one sync host (the seed: changed later in the company settings)."""
    try:
        client, previous = store.clients.with_host(tenant.tenant_id, client_id)
    except NotFound:
        raise Unprocessable("No such sync client.", code="client_not_found") from None
    store.clients.move_host(tenant.tenant_id, client.id, previous)
    count("SyncHostMoved", tenant.tenant_id)
    return Client(**{**client.__dict__, "host": True})


# What a company profile needs before its data may go online: the registration data (seed 004:
# "check the registration information of your company account").
_PROFILE = {
    "legal_name": "legal_name",
    "address.street": "street",
    "address.postal_code": "postal_code",
    "address.city": "city",
    "country": "country",
    "billing_email": "billing_email",
    "owner": "owner_name",
}


def _version(text: str) -> tuple[int, ...]:
    parts = [int(part) for part in text.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def prerequisites(
    tenant: Access, client_id: str, *, api_users_signed_in: int, integrations_open: int
) -> Prerequisites:
    """Every condition of syncing (and of a first sync), each with what to do when it fails.

    The last two are what the client reports about its own installation (the seed: API users must
    be signed out and integrations closed while the first sync runs)."""
    found = store.clients.surroundings(tenant.tenant_id, known(client_id))
    client, binding = found.client, found.binding
    tenant_path = f"/tenants/{tenant.tenant_id}"
    checks: list[Check] = []

    licence = tenant.licences.get(licences.Module.ONLINE_SYNC)
    active = licence is not None and licence.state(clock.now()) == licences.State.ACTIVE
    if not active:
        checks.append(
            Check("licence", False, "The tenant has no active online sync licence.", "Book `online_sync`.")
        )
    elif binding is not None and binding.database_id != client.database_id:
        checks.append(
            Check(
                "licence",
                False,
                f"The licence is bound to the company database «{binding.database_name}», not to "
                f"«{client.database_name}».",
                f"Connect from the installation of «{binding.database_name}»; a licence serves one "
                "company database.",
            )
        )
    elif client.sample_database:
        checks.append(
            Check("licence", True, "The licence is active (the sample database binds nothing).", None)
        )
    else:
        checks.append(Check("licence", True, f"The licence is bound to «{client.database_name}».", None))

    if client.sample_database:
        checks.append(
            Check(
                "not_sample_database",
                False,
                "This is the sample database: it cannot be synchronised (there is no trial).",
                "Open your own company database in the desktop program and register it as a client.",
            )
        )
    else:
        checks.append(Check("not_sample_database", True, "A real company database.", None))

    company = found.company
    missing = [name for name, attribute in _PROFILE.items() if not getattr(company, attribute, None)]
    if missing:
        checks.append(
            Check(
                "company_profile_complete",
                False,
                f"The company profile lacks: {', '.join(missing)}.",
                f"An admin completes the company profile (PUT {tenant_path}/company).",
            )
        )
    else:
        checks.append(Check("company_profile_complete", True, "The registration data is complete.", None))

    minimum = settings().sync_min_app_version
    if _version(client.app_version) < _version(minimum):
        checks.append(
            Check(
                "app_version_supported",
                False,
                f"Version {client.app_version} cannot sync; the oldest that can is {minimum}.",
                f"Update the desktop program to version {minimum} or later, then register again.",
            )
        )
    else:
        checks.append(
            Check("app_version_supported", True, f"Version {client.app_version} is supported.", None)
        )

    if found.host_id != client.id:
        checks.append(
            Check(
                "sync_host",
                False,
                "This client is not the sync host: the sync runs from the sync host only.",
                f"Start the sync on the sync host, or let an admin make this client the sync host "
                f"(PUT {tenant_path}/sync/host).",
            )
        )
    else:
        checks.append(Check("sync_host", True, "This client is the sync host.", None))

    if api_users_signed_in:
        checks.append(
            Check(
                "no_api_users_signed_in",
                False,
                f"{api_users_signed_in} API user(s) are signed in to the company database.",
                "Sign out every API user before the first sync.",
            )
        )
    else:
        checks.append(Check("no_api_users_signed_in", True, "No API user is signed in.", None))

    if integrations_open:
        checks.append(
            Check(
                "no_integrations_open",
                False,
                f"{integrations_open} integration(s) with other software are open.",
                "Close the integrations with third-party software before the first sync.",
            )
        )
    else:
        checks.append(Check("no_integrations_open", True, "No integration is open.", None))

    return Prerequisites(ready=all(c.ok for c in checks), checks=tuple(checks))
