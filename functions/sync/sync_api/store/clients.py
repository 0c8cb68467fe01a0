"""Sync clients, the sync host and the licence's binding in the table. Rows in, domain objects out.

Every item sits in the tenant's range under `MOD#online_sync#` (`kontor.keys`): purged with the
licence, never restored (`keys.NOT_RESTORED`) — it describes installations, not business data.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError

from kontor import db, keys, mapping, pages
from kontor.errors import Conflict, NotFound, Unprocessable
from kontor.models import CompanyItem, Item, TenantItem
from kontor.pages import Page
from sync_api.domain import Binding, Client


class ClientItem(Item):
    """PK: TENANT#<tenant_id>  SK: MOD#online_sync#CLIENT#<client_id>"""

    id = UnicodeAttribute()
    machine_name = UnicodeAttribute()
    database_id = UnicodeAttribute()
    database_name = UnicodeAttribute()
    sample_database = BooleanAttribute()
    app_version = UnicodeAttribute()
    registered_by = UnicodeAttribute()
    registered_at = UnicodeAttribute()
    host = BooleanAttribute(default=False)
    last_sync_at = UnicodeAttribute(null=True)
    baseline_epoch = NumberAttribute(default=0)
    baseline_sequence = NumberAttribute(default=0)


class HostItem(Item):
    """PK: TENANT#<tenant_id>  SK: MOD#online_sync#HOST — which client is the sync host. Every
    change of the host is conditional on it, so there is never more than one."""

    client_id = UnicodeAttribute()


class BindingItem(Item):
    """PK: TENANT#<tenant_id>  SK: MOD#online_sync#BINDING — the company database the licence is
    bound to. Written only on the condition that it is absent or names the same database."""

    database_id = UnicodeAttribute()
    database_name = UnicodeAttribute()
    bound_at = UnicodeAttribute()


@dataclass(frozen=True)
class Surroundings:
    """What the prerequisites of one client need, read in one BatchGetItem."""

    client: Client
    host_id: str | None
    binding: Binding | None
    company: CompanyItem | None


def _client(item: ClientItem) -> Client:
    return mapping.domain(item, Client)


def _not_found() -> NotFound:
    return NotFound("No such sync client.", code="client_not_found")


def _model(key: tuple[str, str]) -> type[Item]:
    sk = key[1]
    if sk == keys.SYNC_HOST_SK:
        return HostItem
    if sk == keys.SYNC_BINDING_SK:
        return BindingItem
    if sk == keys.COMPANY_SK:
        return CompanyItem
    if sk == keys.TENANT_SK:
        return TenantItem
    return ClientItem


def _read(tenant_id: str, *sks: str) -> dict[str, Item]:
    pk = keys.tenant_pk(tenant_id)
    return {item.sk: item for item in db.batch_get([(pk, sk) for sk in sks], _model)}


def host_and_head(tenant_id: str) -> tuple[str | None, tuple[int, int] | None]:
    """The host's id and the change feed's head (epoch, sequence), in one BatchGetItem."""
    from sync_api.store.feed import FeedHeadItem

    pk = keys.tenant_pk(tenant_id)
    found = db.batch_get(
        [(pk, keys.SYNC_HOST_SK), (pk, keys.SYNC_FEED_HEAD_SK)],
        lambda key: HostItem if key[1] == keys.SYNC_HOST_SK else FeedHeadItem,
    )
    host, head = None, None
    for item in found:
        if isinstance(item, HostItem):
            host = item.client_id
        else:
            head = (int(item.epoch), int(item.sequence))
    return host, head


def set_baseline(tenant_id: str, client_id: str, epoch: int, sequence: int) -> None:
    try:
        ClientItem(keys.tenant_pk(tenant_id), keys.sync_client_sk(client_id)).update(
            actions=[ClientItem.baseline_epoch.set(epoch), ClientItem.baseline_sequence.set(sequence)],
            condition=ClientItem.pk.exists(),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise _not_found() from None
        raise


def binding_of(tenant_id: str) -> Binding | None:
    try:
        item = BindingItem.get(keys.tenant_pk(tenant_id), keys.SYNC_BINDING_SK, consistent_read=True)
    except BindingItem.DoesNotExist:
        return None
    return mapping.domain(item, Binding)


def register(tenant_id: str, client: Client, *, bind: bool, as_host: bool) -> Client:
    """Store a new client; `bind` binds the licence to its database on the condition that it is
    unbound or bound to that very database; `as_host` makes it the host if there is none yet.

    Refused with `licence_bound_elsewhere` when another database holds the licence. A host that
    appeared meanwhile leaves this client a plain one."""
    pk = keys.tenant_pk(tenant_id)
    for host in (as_host, False) if as_host else (False,):
        try:
            with db.transaction() as tx:
                stored = ClientItem(pk, keys.sync_client_sk(client.id), **_fields(client, host=host))
                tx.save(stored, condition=ClientItem.pk.does_not_exist())
                if bind:
                    tx.update(
                        BindingItem(pk, keys.SYNC_BINDING_SK),
                        actions=[
                            BindingItem.database_id.set(client.database_id),
                            BindingItem.database_name.set(client.database_name),
                            BindingItem.bound_at.set(BindingItem.bound_at | client.registered_at),
                        ],
                        condition=BindingItem.database_id.does_not_exist()
                        | (BindingItem.database_id == client.database_id),
                    )
                if host:
                    tx.save(
                        HostItem(pk, keys.SYNC_HOST_SK, client_id=client.id),
                        condition=HostItem.pk.does_not_exist(),
                    )
            return Client(**{**client.__dict__, "host": host})
        except db.Cancelled as cancelled:
            if (pk, keys.SYNC_BINDING_SK) in cancelled.failed:
                bound = binding_of(tenant_id)
                raise Conflict(
                    "The online sync licence is bound to another company database"
                    + (f" ({bound.database_name})" if bound else "")
                    + ": only that database can be synchronised.",
                    code="licence_bound_elsewhere",
                    details={"database_id": bound.database_id, "database_name": bound.database_name}
                    if bound
                    else None,
                ) from None
            if (pk, keys.SYNC_HOST_SK) not in cancelled.failed:
                raise
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _fields(client: Client, *, host: bool) -> dict[str, object]:
    return {**mapping.attributes(client, ClientItem), "host": host}


def get(tenant_id: str, client_id: str) -> Client:
    try:
        item = ClientItem.get(keys.tenant_pk(tenant_id), keys.sync_client_sk(client_id), consistent_read=True)
    except ClientItem.DoesNotExist:
        raise _not_found() from None
    return _client(item)


def page(tenant_id: str, limit: int, cursor: str | None) -> Page[Client]:
    """One Query of the tenant's range: clients in the order they were registered."""
    pk = keys.tenant_pk(tenant_id)
    results = ClientItem.query(
        pk,
        ClientItem.sk.startswith(keys.SYNC_CLIENT_PREFIX),
        consistent_read=True,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(
            cursor, partition_key="pk", partition=pk, sk_prefix=keys.SYNC_CLIENT_PREFIX
        ),
    )
    items = [_client(item) for item in results]
    return Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def all_of(tenant_id: str) -> list[Client]:
    """Every client of the tenant (an office has a handful of workstations)."""
    pk = keys.tenant_pk(tenant_id)
    query = ClientItem.query(pk, ClientItem.sk.startswith(keys.SYNC_CLIENT_PREFIX), consistent_read=True)
    return [_client(item) for item in query]


def others_exist(tenant_id: str, client_id: str) -> bool:
    pk = keys.tenant_pk(tenant_id)
    query = ClientItem.query(
        pk, ClientItem.sk.startswith(keys.SYNC_CLIENT_PREFIX), consistent_read=True, limit=2, page_size=2
    )
    return any(item.id != client_id for item in query)


def with_host(tenant_id: str, client_id: str) -> tuple[Client, str | None]:
    """A client and the host's id, in one BatchGetItem."""
    found = _read(tenant_id, keys.sync_client_sk(client_id), keys.SYNC_HOST_SK)
    item = found.get(keys.sync_client_sk(client_id))
    if not isinstance(item, ClientItem):
        raise _not_found()
    host = found.get(keys.SYNC_HOST_SK)
    return _client(item), host.client_id if isinstance(host, HostItem) else None


def surroundings(tenant_id: str, client_id: str) -> Surroundings:
    """The client, the host, the binding and the company profile, in one BatchGetItem."""
    client_sk = keys.sync_client_sk(client_id)
    found = _read(tenant_id, client_sk, keys.SYNC_HOST_SK, keys.SYNC_BINDING_SK, keys.COMPANY_SK)
    item, host, binding, company = (
        found.get(sk) for sk in (client_sk, keys.SYNC_HOST_SK, keys.SYNC_BINDING_SK, keys.COMPANY_SK)
    )
    if not isinstance(item, ClientItem):
        raise _not_found()
    return Surroundings(
        client=_client(item),
        host_id=host.client_id if isinstance(host, HostItem) else None,
        binding=mapping.domain(binding, Binding) if isinstance(binding, BindingItem) else None,
        company=company if isinstance(company, CompanyItem) else None,
    )


def delete(tenant_id: str, client_id: str, *, host: bool) -> None:
    """Remove a client; the host only as the last client, with the host item, in one transaction."""
    pk, sk = keys.tenant_pk(tenant_id), keys.sync_client_sk(client_id)
    try:
        with db.transaction() as tx:
            if host:
                tx.delete(ClientItem(pk, sk), condition=ClientItem.pk.exists())
                tx.delete(HostItem(pk, keys.SYNC_HOST_SK), condition=HostItem.client_id == client_id)
            else:
                tx.delete(ClientItem(pk, sk), condition=ClientItem.pk.exists() & (ClientItem.host == False))  # noqa: E712
    except db.Cancelled as cancelled:
        if (pk, sk) in cancelled.failed:
            raise _not_found() from None
        raise


def move_host(tenant_id: str, client_id: str, previous: str | None) -> None:
    """Make `client_id` the one sync host in one transaction: the host item (on the condition that
    it still names `previous`), the new host's flag and the previous host's."""
    pk = keys.tenant_pk(tenant_id)
    new_sk = keys.sync_client_sk(client_id)
    try:
        with db.transaction() as tx:
            tx.save(
                HostItem(pk, keys.SYNC_HOST_SK, client_id=client_id),
                condition=HostItem.pk.does_not_exist()
                if previous is None
                else HostItem.client_id == previous,
            )
            tx.update(
                ClientItem(pk, new_sk), actions=[ClientItem.host.set(True)], condition=ClientItem.pk.exists()
            )
            if previous is not None and previous != client_id:
                tx.update(
                    ClientItem(pk, keys.sync_client_sk(previous)),
                    actions=[ClientItem.host.set(False)],
                    condition=ClientItem.pk.exists(),
                )
    except db.Cancelled as cancelled:
        if (pk, new_sk) in cancelled.failed:
            raise Unprocessable("No such sync client.", code="client_not_found") from None
        raise
