"""`python -m bench.restore`: a 100,000-item restore converging on the local stack in steps.

Starts the local stack (resources from the template, the worker fed by its queue as Lambda's
event source would), fills one tenant
with 100,000 contacts, backs it up, changes a fifth of it (deletes some, adds others), then
restores the backup — with the worker's timeout scaled down (default 20 s instead of 180 s), so
every step of the export and of the restore must end, checkpoint and hand on within it.

Reports for the backup and for the restore: wall time, deliveries (one step each), the longest
delivery against the timeout, failed deliveries and the AWS calls by operation; then checks that
the tenant's data equals the backup's, item for item.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from typing import Any

from bench.export import _fill, _item

TENANT = "01bench0000000000000restore"


def _business(tenant_id: str) -> list[dict[str, Any]]:
    from backups.store import tenant_data

    return [i for i in tenant_data.items(tenant_id) if i["sk"]["S"].startswith("CONTACT#")]


class Deliveries:
    """Wraps the worker's invocations: how many, how long, which failed, which AWS calls."""

    def __init__(self, functions: Any) -> None:
        self.functions = functions
        self.real = functions.invoke
        self.reset()
        functions.invoke = self.invoke

    def reset(self) -> None:
        self.count = 0
        self.longest = 0.0
        self.failed = 0
        self.calls: Counter[str] = Counter()

    def invoke(self, name: str, event: dict[str, Any]) -> tuple[Any, dict[str, int]]:
        started = time.monotonic()
        result, calls = self.real(name, event)
        if name == "BackupWorkerFunction":
            self.count += 1
            self.longest = max(self.longest, time.monotonic() - started)
            self.failed += len((result or {}).get("batchItemFailures", []))
            self.calls.update(calls)
            if os.environ.get("BENCH_VERBOSE"):
                job = json.loads(event["Records"][0]["body"])
                took = time.monotonic() - started
                print(f"  {job.get('job')} step {job.get('step')}: {took:.1f} s", flush=True)
        return result, calls


def _report(label: str, seconds: float, deliveries: Deliveries, timeout: float) -> None:
    calls = ", ".join(f"{name} {n}" for name, n in sorted(deliveries.calls.items()))
    print(
        f"{label:<8} {seconds:8.1f} s  {deliveries.count:4} deliveries  longest {deliveries.longest:5.1f} s"
        f" of {timeout:.0f} s  failed {deliveries.failed}\n         calls: {calls}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=20.0, help="the worker's timeout, scaled down")
    options = parser.parse_args()
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ["KONTOR_FENCE_GRACE_SECONDS"] = "1"  # the fence's grace period, scaled down too

    from local.stack import LocalStack

    local = LocalStack.start()
    try:
        return _run(local, options.items, options.timeout)
    finally:
        local.stop()


def _run(local: Any, count: int, timeout: float) -> int:
    import random

    from backups import backups as logic
    from backups.domain import Restore
    from backups.store import backups as catalog
    from kontor import clock, ids, jobs, keys
    from kontor.models import TenantItem
    from kontor.settings import settings

    settings.cache_clear()
    gateway = local.gateway
    gateway.functions.timeouts["BackupWorkerFunction"] = timeout
    deliveries = Deliveries(gateway.functions)
    table = local.stack.refs["Table"]
    TenantItem(
        keys.tenant_pk(TENANT),
        keys.TENANT_SK,
        id=TENANT,
        name="Bench GmbH",
        created_at="2026-11-23T09:00:00Z",
        created_by="bench",
    ).save()
    started = time.monotonic()
    _fill(table, TENANT, count)
    print(f"filled   {time.monotonic() - started:8.1f} s  {count} contacts", flush=True)

    # The backup: the request's work as the API does it, then the worker's steps.
    backup_id = logic._now_id()
    now = clock.iso(clock.now())
    catalog.create(
        TENANT, backup_id, "manual", created_at=now, created_by="bench", actor_via="system", note=None
    )
    jobs.send("backup.export", tenant_id=TENANT, backup_id=backup_id, step=0)
    started = time.monotonic()
    gateway.jobs.drain_now()
    _report("backup", time.monotonic() - started, deliveries, timeout)
    backup = catalog.get(TENANT, backup_id)
    if backup.state != "completed":
        raise SystemExit(f"the backup did not complete: {backup.state} {backup.error}")
    saved = _business(TENANT)

    # A fifth changes: some contacts deleted, as many new ones added.
    import boto3

    dynamodb = boto3.client("dynamodb")
    changed = count // 10
    doomed = [{"DeleteRequest": {"Key": {"pk": i["pk"], "sk": i["sk"]}}} for i in saved[::10][:changed]]
    rng = random.Random(7)
    added = [{"PutRequest": {"Item": _item(TENANT, count + n, rng)}} for n in range(changed)]
    for start in range(0, len(doomed + added), 25):
        pending = {table: (doomed + added)[start : start + 25]}
        while pending:
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    # The restore: requested as the API does it, then the worker's steps.
    deliveries.reset()
    when = clock.now()
    restore = Restore(
        id=ids.new_id(),
        tenant_id=TENANT,
        backup_id=backup_id,
        pre_restore_backup_id=logic._now_id(),
        state="pending",
        requested_at=clock.iso(when),
        requested_by="bench",
        updated_at=clock.iso(when),
        attempts=0,
        restored_items=None,
        removed_items=None,
        error=None,
    )
    catalog.begin_restore(
        TENANT,
        restore,
        pre_restore_created_at=clock.iso(when),
        stale_before=clock.iso(when),
        watch_at=clock.iso(when),
        actor_via="system",
    )
    jobs.send("backup.restore", tenant_id=TENANT, restore_id=restore.id, step=0)
    started = time.monotonic()
    gateway.jobs.drain_now()
    _report("restore", time.monotonic() - started, deliveries, timeout)
    ended = catalog.restore(TENANT)
    if ended is None:
        raise SystemExit("the restore row is gone")
    print(
        f"restore  {ended.state}: {ended.restored_items} written, {ended.removed_items} removed, "
        f"{ended.step} steps",
        flush=True,
    )
    equal = _business(TENANT) == saved
    print(f"data     {'equals the backup' if equal else 'DIFFERS from the backup'} ({len(saved)} contacts)")
    within = deliveries.longest < timeout
    print(f"every delivery within the {timeout:.0f} s timeout: {'yes' if within else 'NO'}")
    return 0 if ended.state == "completed" and equal and within else 1


if __name__ == "__main__":
    sys.exit(main())
