"""The restore lock: while a restore replaces a tenant's data, nothing else may write to it.

Every write to a tenant's business data runs in `write()`, a transaction that also checks the
tenant's restore row. The check and the write commit together, so no write slips in after a restore
has begun, and the refusal is the same `409 tenant_restoring` everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pynamodb.transactions import TransactWrite

from kontor import db, keys
from kontor.errors import Conflict
from kontor.models import RestoreItem

# A failed restore keeps the lock: its data may be half replaced until the restore is run again.
LOCKING_STATES = ("pending", "running", "failed")


def guard(tx: TransactWrite, tenant_id: str) -> None:
    """Add to `tx` the condition that `tenant_id` is not being restored."""
    tx.condition_check(
        RestoreItem,
        keys.tenant_pk(tenant_id),
        keys.RESTORE_SK,
        condition=RestoreItem.sk.does_not_exist() | ~RestoreItem.state.is_in(*LOCKING_STATES),
    )


def refusal(cancelled: db.Cancelled, tenant_id: str) -> Conflict | None:
    """The 409 to answer when `cancelled` failed because the tenant is restoring."""
    if (keys.tenant_pk(tenant_id), keys.RESTORE_SK) in cancelled.failed:
        return Conflict(
            "A backup is being restored into this tenant; changes are refused until it has finished.",
            code="tenant_restoring",
        )
    return None


@contextmanager
def write(tenant_id: str) -> Iterator[TransactWrite]:
    """A transaction for writes to `tenant_id`'s business data; 409 `tenant_restoring` while it restores.

    Other cancellations are re-raised as `db.Cancelled` for the caller to explain.
    """
    try:
        with db.transaction() as tx:
            guard(tx, tenant_id)
            yield tx
    except db.Cancelled as cancelled:
        refused = refusal(cancelled, tenant_id)
        if refused is not None:
            raise refused from None
        raise
