"""The sync history (runs the clients reported) and the times of the last successful sync.

A successful run moves `last_sync_at` of its client and of the tenant row (which `GET /me` reads
anyway) in the transaction that records it. Runs sit under `MOD#online_sync#RUN#`: not restored.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from kontor import db, keys, mapping, pages
from kontor.errors import NotFound
from kontor.models import Item, TenantItem
from kontor.pages import Page
from sync_api.domain import Binding, Run
from sync_api.store.clients import BindingItem, ClientItem


class RunItem(Item):
    """PK: TENANT#<tenant_id>  SK: MOD#online_sync#RUN#<recorded_at>#<run_id>"""

    id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    started_at = UnicodeAttribute()
    ended_at = UnicodeAttribute()
    pushed = NumberAttribute()
    pulled = NumberAttribute()
    conflicts = NumberAttribute()
    errors = NumberAttribute()
    recorded_at = UnicodeAttribute()


def record(tenant_id: str, run: Run) -> None:
    """The run, and — when it ended without errors — the client's and the tenant's last sync."""
    pk = keys.tenant_pk(tenant_id)
    client_sk = keys.sync_client_sk(run.client_id)
    try:
        with db.transaction() as tx:
            tx.save(
                RunItem(pk, keys.sync_run_sk(run.recorded_at, run.id), **mapping.attributes(run, RunItem)),
                condition=RunItem.pk.does_not_exist(),
            )
            if run.succeeded:
                tx.update(
                    ClientItem(pk, client_sk),
                    actions=[ClientItem.last_sync_at.set(run.recorded_at)],
                    condition=ClientItem.pk.exists(),
                )
                tx.update(
                    TenantItem(pk, keys.TENANT_SK),
                    actions=[TenantItem.last_sync_at.set(run.recorded_at)],
                    condition=TenantItem.pk.exists(),
                )
            else:
                tx.condition_check(ClientItem, pk, client_sk, condition=ClientItem.pk.exists())
    except db.Cancelled as cancelled:
        if (pk, client_sk) in cancelled.failed:  # deleted since the gate let the request in
            raise NotFound("No such sync client.", code="client_not_found") from None
        raise


def page(tenant_id: str, limit: int, cursor: str | None) -> Page[Run]:
    """One Query of the tenant's range, newest run first."""
    pk = keys.tenant_pk(tenant_id)
    results = RunItem.query(
        pk,
        RunItem.sk.startswith(keys.SYNC_RUN_PREFIX),
        scan_index_forward=False,
        consistent_read=True,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pages.decode(
            cursor, partition_key="pk", partition=pk, sk_prefix=keys.SYNC_RUN_PREFIX
        ),
    )
    items = [mapping.domain(item, Run) for item in results]
    return Page(items=items, next_cursor=pages.encode(results.last_evaluated_key))


def tenant_sync(tenant_id: str) -> tuple[str | None, Binding | None]:
    """The tenant's last successful sync and the licence's binding, in one BatchGetItem."""
    pk = keys.tenant_pk(tenant_id)
    found = db.batch_get(
        [(pk, keys.TENANT_SK), (pk, keys.SYNC_BINDING_SK)],
        lambda key: TenantItem if key[1] == keys.TENANT_SK else BindingItem,
    )
    last_sync_at, binding = None, None
    for item in found:
        if isinstance(item, TenantItem):
            last_sync_at = item.last_sync_at
        elif isinstance(item, BindingItem):
            binding = mapping.domain(item, Binding)
    return last_sync_at, binding
