"""The scheduled jobs' AWS calls: a dispatcher reads the due markers only, so its cost and its
workers' grow with the tenants that are due — never with the table."""

from __future__ import annotations

from kontor import keys
from tests.e2e.conftest import Account, Api

# One scheduled backup of a small tenant (one Query page): policy, the tenant's fences, the claim,
# the export's start, its page, the object, completion, and reading the result back.
BACKUP_PER_TENANT = {
    "dynamodb.GetItem": 4,
    "dynamodb.TransactWriteItems": 1,
    "dynamodb.UpdateItem": 2,
    "dynamodb.Query": 1,
    "s3.PutObject": 1,
}
# One tenant's retention run with nothing to delete: claim, policy, the catalog.
PRUNE_PER_TENANT = {"dynamodb.UpdateItem": 1, "dynamodb.GetItem": 1, "dynamodb.Query": 1}


def times(calls: dict[str, int], n: int) -> dict[str, int]:
    return {name: count * n for name, count in calls.items()}


def scheduled_tenant(api: Api) -> Account:
    account = api.new_account("Plan GmbH")
    base = f"/tenants/{account.tenant_id}"
    api.call("POST", f"{base}/contacts", token=account.token, json_body={"kind": "person", "name": "A"})
    assert (
        api.call("PUT", f"{base}/backup-policy", token=account.token, json_body={"schedule": "daily"}).status
        == 200
    )
    return account


def test_job_calls_grow_with_the_due_tenants_not_with_the_table(api: Api) -> None:
    for schedule in ("BackupSchedule", "RetentionSchedule"):  # whatever other tests left due
        api.call("POST", f"/_local/schedules/{schedule}")
    for _ in range(2):
        scheduled_tenant(api)

    backups = api.call("POST", "/_local/schedules/BackupSchedule").body
    prunes = api.call("POST", "/_local/schedules/RetentionSchedule").body
    for n in range(4):  # more tenants and data, none of it due
        filler = api.new_account(f"Füller {n}")
        for m in range(10):
            api.call(
                "POST",
                f"/tenants/{filler.tenant_id}/contacts",
                token=filler.token,
                json_body={"kind": "person", "name": f"K{m}"},
            )
    idle = api.call("POST", "/_local/schedules/BackupSchedule").body

    assert backups["result"]["dispatched"] == 2
    # one Query per shard of the due index
    assert backups["calls"]["dispatch"] == {"dynamodb.Query": keys.DUE_SHARDS, "sqs.SendMessageBatch": 1}
    assert backups["calls"]["work"] == times(BACKUP_PER_TENANT, 2)
    assert prunes["result"]["dispatched"] == 2
    assert prunes["calls"]["dispatch"] == {"dynamodb.Query": keys.DUE_SHARDS, "sqs.SendMessageBatch": 1}
    assert prunes["calls"]["work"] == times(PRUNE_PER_TENANT, 2)
    assert idle["result"]["dispatched"] == 0
    assert idle["calls"] == {"dispatch": {"dynamodb.Query": keys.DUE_SHARDS}, "work": {}}
